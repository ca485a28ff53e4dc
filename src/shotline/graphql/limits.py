"""Bounded work per GraphQL request, decided before anything expensive runs.

:class:`RequestLimits` is the schema extension that keeps a request's cost
proportional to what its client is entitled to:

- the query text is refused past ``graphql_max_query_chars`` before it is
  parsed;
- depth and aliases (:func:`bounds_rule`) are measured in time linear in the
  document: each fragment is measured once, however many times it is spread,
  so a fan-out of spreads (each fragment spreading the next twice: 2^n paths)
  costs what its distinct fragments cost;
- text and lists in arguments follow :mod:`shotline.inputs` (literals when
  the document is validated, variables before each execution);
- an operation's cost (:func:`operation_cost`: the values it can answer,
  estimated from its selection and page sizes) is checked before execution;
- a document with several operations needs ``operationName``;
- parsed and validated documents are kept in a :class:`DocumentCache`
  bounded by the characters of their text, never a refused or a huge one.

Every refusal is a GraphQL error whose message names the limit, with
``extensions.code`` saying which.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    Node,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValidationContext,
    ValidationRule,
    ValueNode,
    VariableNode,
    parse,
)
from strawberry.extensions import SchemaExtension

from shotline.inputs import MAX_IDS, input_problems, text_problem

__all__ = [
    "MAX_NESTING",
    "DocumentCache",
    "GraphQLLimits",
    "RequestLimits",
    "bounds_rule",
    "nesting",
    "operation_cost",
]

PAGE_ARGUMENTS = ("limit", "first", "last")
"""Arguments that set how many rows a list (``limit``) or a connection
(``first``/``last``) answers."""


@dataclass(frozen=True)
class GraphQLLimits:
    """The bounds of one schema (from :class:`~shotline.settings.Settings`)."""

    max_depth: int
    max_aliases: int
    max_query_chars: int
    max_cost: int
    list_estimate: int
    max_page_size: int


def _refusal(message: str, code: str, nodes: list[Node] | None = None) -> GraphQLError:
    return GraphQLError(message, nodes, extensions={"code": code})


# -- Documents kept across requests ---------------------------------------------------


class DocumentCache:
    """Parsed documents that passed validation, by query text, least recently
    used first out, holding at most ``max_chars`` characters of text in all.

    A parsed document takes about 80 bytes per character of its text (a 1 MB
    document held 79 MiB), so bounding the text bounds the memory; a text
    longer than ``max_chars / 16`` is never kept, so a few huge documents
    cannot push out the operations clients send all day. Refused documents
    are not kept either: every request for them is parsed and refused again,
    which costs what their (bounded) text costs.
    """

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self.max_entry = max_chars // 16
        self.chars = 0
        self._documents: OrderedDict[str, DocumentNode] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._documents)

    def get(self, query: str) -> DocumentNode | None:
        with self._lock:
            document = self._documents.get(query)
            if document is not None:
                self._documents.move_to_end(query)
            return document

    def put(self, query: str, document: DocumentNode) -> None:
        if len(query) > self.max_entry:
            return
        with self._lock:
            if query in self._documents:
                return
            self._documents[query] = document
            self.chars += len(query)
            while self.chars > self.max_chars:
                dropped, _ = self._documents.popitem(last=False)
                self.chars -= len(dropped)


# -- Nesting (before validation) --------------------------------------------------------

MAX_NESTING = 100
"""The deepest nesting of selection sets and fragment spreads a document may
have. Parsing, validating and planning walk a document recursively; this
keeps them far from Python's recursion limit (the depth limit, which counts
fields only, is checked by validation, after this)."""


def _local_nesting(definition: Any) -> tuple[int, list[tuple[int, str]]]:
    """The nesting of one definition's own selection sets, and its spreads
    with the level each is at; iterative, as the document is not yet bounded."""
    deepest = 0
    spreads: list[tuple[int, str]] = []
    stack: list[tuple[SelectionSetNode, int]] = [(definition.selection_set, 1)]
    while stack:
        selections, level = stack.pop()
        deepest = max(deepest, level)
        for node in selections.selections:
            if isinstance(node, FragmentSpreadNode):
                spreads.append((level, node.name.value))
            elif getattr(node, "selection_set", None) is not None:
                stack.append((node.selection_set, level + 1))
    return deepest, spreads


def nesting(document: DocumentNode) -> int:
    """The deepest nesting of selection sets in ``document``, going through
    fragment spreads (each a level of its own): fragments are resolved once
    each, with an explicit stack (a spread cycle counts as empty: validation
    refuses it)."""
    local = {
        d.name.value: _local_nesting(d)
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }
    depth: dict[str, int] = {}
    for start in local:
        stack, on_path = [(start, False)], set()
        while stack:
            name, finished = stack.pop()
            if finished:
                on_path.discard(name)
                level, spreads = local[name]
                depth[name] = max([level, *(at + depth.get(s, 0) for at, s in spreads)])
            elif name in local and name not in depth and name not in on_path:
                on_path.add(name)
                stack.append((name, True))
                stack.extend((s, False) for _, s in local[name][1])
    deepest = 0
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            level, spreads = _local_nesting(definition)
            deepest = max([deepest, level, *(at + depth.get(s, 0) for at, s in spreads)])
    return max([deepest, *depth.values()])


# -- Depth, aliases and literal arguments (validation) ----------------------------------


class _Shape:
    """Depth and alias counts of a document's selection sets, each fragment
    measured once (a fragment spread inside itself counts as empty: the
    spec's own rule refuses the cycle)."""

    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._heights: dict[str, int] = {}
        self._aliases: dict[str, int] = {}

    def _fragment(self, name: str) -> FragmentDefinitionNode | None:
        return self.fragments.get(name)

    def height(self, selections: SelectionSetNode | None) -> int:
        """How many nested fields with selections lead to the deepest field."""
        if selections is None:
            return 0
        return max((self.selection_height(s) for s in selections.selections), default=0)

    def selection_height(self, node: Node) -> int:
        if isinstance(node, FieldNode):
            if node.selection_set is None or node.name.value.startswith("__"):
                return 0
            return 1 + self.height(node.selection_set)
        if isinstance(node, FragmentSpreadNode):
            name = node.name.value
            if name not in self._heights:
                self._heights[name] = 0  # in progress: a cycle counts as empty
                fragment = self._fragment(name)
                self._heights[name] = self.height(fragment.selection_set) if fragment else 0
            return self._heights[name]
        if isinstance(node, InlineFragmentNode):
            return self.height(node.selection_set)
        return 0

    def aliases(self, selections: SelectionSetNode | None) -> int:
        """Aliased fields, a fragment counted each time it is spread."""
        if selections is None:
            return 0
        total = 0
        for node in selections.selections:
            if isinstance(node, FieldNode):
                total += (node.alias is not None) + self.aliases(node.selection_set)
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                if name not in self._aliases:
                    self._aliases[name] = 0
                    fragment = self._fragment(name)
                    self._aliases[name] = self.aliases(fragment.selection_set) if fragment else 0
                total += self._aliases[name]
            elif isinstance(node, InlineFragmentNode):
                total += self.aliases(node.selection_set)
        return total

    def too_deep(self, selections: SelectionSetNode, depth: int, max_depth: int) -> Node:
        """The first field (in document order) deeper than ``max_depth`` below
        ``selections`` (at ``depth``), following one path: the caller knows
        there is one."""
        while True:
            node = next(
                s for s in selections.selections if depth + self.selection_height(s) > max_depth
            )
            if isinstance(node, FieldNode):
                if depth > max_depth or node.selection_set is None:
                    return node
                selections, depth = node.selection_set, depth + 1
            elif isinstance(node, FragmentSpreadNode):
                fragment = self.fragments[node.name.value]
                selections = fragment.selection_set
            else:
                assert isinstance(node, InlineFragmentNode)
                selections = node.selection_set


def _literal_problems(value: ValueNode, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, StringValueNode):
        problem = text_problem(value.value)
        if problem is not None:
            yield path, problem
    elif isinstance(value, ListValueNode):
        if len(value.values) > MAX_IDS:
            yield path, f"must hold at most {MAX_IDS} items"
            return
        for index, item in enumerate(value.values):
            yield from _literal_problems(item, f"{path}[{index}]")
    elif isinstance(value, ObjectValueNode):
        for field in value.fields:
            yield from _literal_problems(field.value, f"{path}.{field.name.value}")


@cache
def bounds_rule(limits: GraphQLLimits) -> type[ValidationRule]:
    """A validation rule refusing operations deeper than ``max_depth``, a
    document with more than ``max_aliases`` aliases, and literal arguments
    that break :mod:`shotline.inputs`' rules; linear in the document. Made
    once per limits, not once per request."""

    class DocumentBounds(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            document = context.document
            shape = _Shape(document)
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            for operation in operations:
                if shape.height(operation.selection_set) > limits.max_depth:
                    name = operation.name.value if operation.name else "anonymous"
                    node = shape.too_deep(operation.selection_set, 0, limits.max_depth)
                    context.report_error(
                        GraphQLError(
                            f"'{name}' exceeds maximum operation depth of {limits.max_depth}",
                            [node],
                        )
                    )
            count = sum(shape.aliases(operation.selection_set) for operation in operations)
            if count > limits.max_aliases:
                context.report_error(
                    GraphQLError(f"{count} aliases found. Allowed: {limits.max_aliases}")
                )

        def enter_argument(self, node: Any, *_args: Any) -> None:
            for path, problem in _literal_problems(node.value, node.name.value):
                self.report_error(_refusal(f"argument {path} {problem}", "BAD_USER_INPUT", [node]))

    return DocumentBounds


# -- Cost ---------------------------------------------------------------------------------


def _named(field: GraphQLField) -> tuple[Any, bool]:
    """The field's named type, and whether it is a list."""
    kind = field.type
    is_list = False
    while isinstance(kind, GraphQLNonNull | GraphQLList):
        is_list = is_list or isinstance(kind, GraphQLList)
        kind = kind.of_type
    return kind, is_list


class _Cost:
    """The cost of one operation with its variables; see :func:`operation_cost`."""

    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: Mapping[str, Any],
        limits: GraphQLLimits,
    ) -> None:
        self.schema = schema
        self.variables = variables
        self.limits = limits
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._memo: dict[tuple[str, int | None], int] = {}

    def _page(self, node: FieldNode, field: GraphQLField) -> int | None:
        """The page size a field's arguments ask for (``None``: not paged)."""
        if not any(name in field.args for name in PAGE_ARGUMENTS):
            return None
        sizes = []
        for argument in node.arguments or ():
            if argument.name.value not in PAGE_ARGUMENTS:
                continue
            value: Any = argument.value
            if isinstance(value, VariableNode):
                value = self.variables.get(value.name.value)
            elif isinstance(value, IntValueNode):
                value = int(value.value)
            if isinstance(value, int) and not isinstance(value, bool):
                sizes.append(min(max(value, 0), self.limits.max_page_size))
        if sizes:
            return max(sizes)
        if "limit" in field.args:
            return self.limits.list_estimate  # a plain list: whole unless limited
        return self.limits.max_page_size  # a connection's default page

    def selections(self, selections: SelectionSetNode | None, parent: Any, page: int | None) -> int:
        """Values answered for one object of type ``parent`` (``page``: the
        page size of the connection this object is, for its ``edges``)."""
        if selections is None:
            return 0
        total = 0
        spread: set[str] = set()
        for node in selections.selections:
            if isinstance(node, FieldNode):
                total += self.field(node, parent, page)
            elif isinstance(node, FragmentSpreadNode) and node.name.value not in spread:
                # Spread twice in one selection set, a fragment is collected once.
                name = node.name.value
                spread.add(name)
                key = (name, page)
                if key not in self._memo:
                    self._memo[key] = 0
                    fragment = self.fragments.get(name)
                    if fragment is not None:
                        kind = self.schema.get_type(fragment.type_condition.name.value)
                        self._memo[key] = self.selections(fragment.selection_set, kind, page)
                total += self._memo[key]
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition
                kind = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selections(node.selection_set, kind, page)
        return total

    def field(self, node: FieldNode, parent: Any, page: int | None) -> int:
        fields = (
            parent.fields if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) else {}
        )
        definition = fields.get(node.name.value)
        if definition is None:  # __typename and introspection
            return 1
        kind, is_list = _named(definition)
        own_page = self._page(node, definition)
        if is_list:
            rows = page if page is not None else (own_page or self.limits.list_estimate)
            return 1 + rows * max(self.selections(node.selection_set, kind, None), 1)
        return 1 + self.selections(node.selection_set, kind, own_page)


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any],
    limits: GraphQLLimits,
) -> int:
    """How many values the operation can answer at most, as estimated from
    its selection: each field is one value per object; a list multiplies
    what is below it by its page size (``limit``, ``first`` or ``last``, at
    most ``max_page_size``; a connection without one: ``max_page_size``; a
    plain list without ``limit``: ``list_estimate`` rows). Time linear in the
    document: each fragment is costed once per page size it is spread under,
    and counted once per selection set that spreads it (as execution
    collects it once)."""
    root = schema.get_root_type(operation.operation)
    return _Cost(schema, document, variables, limits).selections(
        operation.selection_set, root, None
    )


# -- The extension ---------------------------------------------------------------------


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    """The operation a request runs, or ``None`` if ``name`` does not pick one
    (then execution answers that error itself)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        if len(operations) > 1:
            raise _refusal(
                "Must provide operation name if query contains multiple operations.",
                "OPERATION_NAME_REQUIRED",
            )
        return operations[0] if operations else None
    return next((o for o in operations if o.name and o.name.value == name), None)


class RequestLimits(SchemaExtension):
    """Applies :class:`GraphQLLimits` to every operation (see the module)."""

    def __init__(self, *, limits: GraphQLLimits, documents: DocumentCache) -> None:
        self.limits = limits
        self.documents = documents
        self.rule = bounds_rule(limits)
        self.cached = False

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.validation_rules = (*context.validation_rules, self.rule)
        yield

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query
        if query is not None:
            context.graphql_document = self._document(query)
        yield

    def _document(self, query: str) -> DocumentNode:
        """The parsed document, kept or parsed now, or the refusal of a text
        too long or nested too deeply to work on."""
        if len(query) > self.limits.max_query_chars:
            raise _refusal(
                f"the query text has {len(query)} characters: "
                f"at most {self.limits.max_query_chars} are allowed",
                "QUERY_TOO_LONG",
            )
        document = self.documents.get(query)
        if document is not None:
            self.cached = True
            return document
        too_deep = _refusal(
            f"the document nests selections or fragments more than {MAX_NESTING} levels deep",
            "QUERY_TOO_DEEP",
        )
        try:
            document = parse(query)
        except RecursionError:
            raise too_deep from None
        if nesting(document) > MAX_NESTING:
            raise too_deep
        return document

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if self.cached:
            context.pre_execution_errors = []  # validated when it was kept
        yield
        document = context.graphql_document
        if not self.cached and not context.pre_execution_errors and document and context.query:
            self.documents.put(context.query, document)

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        assert document is not None
        # Strawberry runs the first operation when none is named: the spec
        # wants an error when there are several.
        provided = context._provided_operation_name
        operation = _operation(document, provided)
        variables = context.variables or {}
        for name, value in variables.items():
            for path, problem in input_problems(value, f"${name}"):
                raise _refusal(f"variable {path} {problem}", "BAD_USER_INPUT")
        if operation is not None:
            cost = operation_cost(
                context.schema._schema,
                document,
                operation,
                variables,
                self.limits,
            )
            if cost > self.limits.max_cost:
                raise _refusal(
                    f"the operation may answer {cost:,} values: at most "
                    f"{self.limits.max_cost:,} are allowed (a list counts its page size, "
                    f"{self.limits.list_estimate} rows without one)",
                    "QUERY_TOO_COSTLY",
                )
        yield
