"""The row mode: plans answered with plain rows instead of ORM objects.

``load.py`` runs a plan's statements and assembles their rows into nested
dicts, ``levels.py`` generates the function that reads each level's rows,
``raw.py`` fetches rows as plain tuples, ``objects.py`` loads ORM objects
for the subtrees that need them. Model properties run on views of the
dicts (:mod:`loadplan.views`, shared with the front ends).
"""
