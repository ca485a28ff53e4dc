"""Keys the GraphQL fast path adds to row dicts, and the header naming a mode."""

#: Request header forcing a mode (``rows`` or ``orm``); REST responses carry
#: the mode that ran in it.
MODE_HEADER = "X-Loadplan-Mode"
#: The ORM object loaded for a row whose subtree needs one (the GraphQL
#: fast path's fallback for fields that cannot run on rows).
OBJECT_KEY = "__object__"
