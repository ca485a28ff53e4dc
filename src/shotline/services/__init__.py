"""Domain operations that write several rows in one transaction.

They check everything a write depends on before writing (so a refused request
changes nothing) and raise :mod:`shotline.errors`; callers commit.
"""

NO_SYNC = {"synchronize_session": False}
"""Execution options of bulk UPDATEs and DELETEs: they skip synchronising the
session, because what an endpoint returns is read afterwards with
``populate_existing``, and evaluating the statement in Python (or fetching
the rows first) would only cost time or a statement."""
