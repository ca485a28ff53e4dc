"""Keys the row mode adds to its dicts, and the header naming a mode."""

#: A list's total (paginated or filtered lists) sits beside it under
#: ``<key>@total``.
TOTAL_SUFFIX = "@total"
#: The mapped class of a row of a polymorphic entity.
MODEL_KEY = "__model__"
#: Request header forcing a mode (``rows`` or ``orm``); REST responses carry
#: the mode that ran in it.
MODE_HEADER = "X-Loadplan-Mode"
#: Where a full list sits when a page of the same relationship, kept beside
#: it, holds the attribute's own key (model properties read the full list).
FULL_LIST_PREFIX = "@"
#: The ORM object loaded for a row whose subtree needs one (the GraphQL
#: fast path's fallback for fields that cannot run on rows).
OBJECT_KEY = "__object__"
