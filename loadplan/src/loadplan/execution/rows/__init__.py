"""The row mode: plans answered with plain rows instead of ORM objects.

``load.py`` runs a plan's statements and assembles their rows into nested
dicts, ``levels.py`` generates the function that reads each level's rows,
``raw.py`` fetches rows as plain tuples, ``views.py`` reads a row dict like
the object it stands for (model properties and resolvers run on views).
"""
