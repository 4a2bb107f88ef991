"""Claims: named statements about a scenario's results, in a small safe language.

A claim is an expression over the documented result fields (the keys of
``detente analyze --json``), for example ``one_shot.feasible == false`` or
``stakeholders.south_korea.nash < stakeholders.south_korea.utilitarian``.
It is parsed by a small recursive-descent parser (never ``eval``) into an
immutable tree and evaluated against a nested mapping of results.

Values are numbers, booleans, strings, ``null``, lists and objects. Logic is
three-valued (Kleene, as in SQL): a comparison involving ``null`` is unknown,
``false and unknown`` is false, ``true or unknown`` is true, and a claim
*holds* only when its value is ``true``. The full grammar and semantics are in
``docs/reference/claims.md``.

>>> claim = Claim.parse("small", "deal.size <= 4 and not one_shot.feasible")
>>> claim.holds({"deal": {"size": 3}, "one_shot": {"feasible": False}})
True
"""

from __future__ import annotations

import difflib
import functools
import numbers
import operator
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import numpy as np

from detente.errors import DetenteError, Location, UnknownNameError

Value: TypeAlias = object
"""A result value: number, bool, str, None, list or mapping (JSON-like)."""

PathElement: TypeAlias = str | int
MAX_DEPTH = 64
"""Deepest nesting of parentheses and operators an expression may have."""


class ClaimError(DetenteError):
    """A claim is malformed, names an unknown field or combines values that do not fit."""


# --------------------------------------------------------------------------- tokens

_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
      | (?P<string>"[^"\\]*"|'[^'\\]*')
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<op>==|!=|<=|>=|<|>|\+|-|\*|/|\(|\)|\[|\]|\.|,)""",
    re.VERBOSE | re.ASCII,
)
_KEYWORDS = frozenset({"and", "or", "not", "true", "false", "null"})


@dataclass(frozen=True, slots=True)
class Token:
    """A lexical token: its kind (number, string, name, keyword, op, end), text and column."""

    kind: str
    text: str
    column: int


def tokenize(text: str) -> tuple[Token, ...]:
    """Split ``text`` into tokens; 1-based columns; ends with an ``end`` token.

    >>> [t.text for t in tokenize("a.b >= 2")]
    ['a', '.', 'b', '>=', '2', '']
    """
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise _syntax(text, position + 1, f"unexpected character {text[position]!r}")
        kind = match.lastgroup or "op"
        word = match.group()
        if kind == "name" and word in _KEYWORDS:
            kind = "keyword"
        if kind != "space":
            tokens.append(Token(kind, word, position + 1))
        position = match.end()
    tokens.append(Token("end", "", len(text) + 1))
    return tuple(tokens)


def _syntax(text: str, column: int, message: str) -> ClaimError:
    return ClaimError(f"syntax error at column {column}: {message} in {text!r}")


# --------------------------------------------------------------------------- values


def kind_of(value: Value) -> str:
    """The language's name for the kind of ``value``.

    >>> kind_of(3), kind_of(True), kind_of(None), kind_of("a"), kind_of([1])
    ('number', 'boolean', 'null', 'string', 'list')
    """
    if value is None:
        return "null"
    if isinstance(value, bool | np.bool_):
        return "boolean"
    if isinstance(value, numbers.Real):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, Sequence):
        return "list"
    return type(value).__name__


def _truth(value: Value, where: str) -> bool | None:
    kind = kind_of(value)
    if kind == "null":
        return None
    if kind != "boolean":
        raise ClaimError(f"{where} needs true, false or null, got a {kind} ({value!r})")
    return bool(value)


def _number(value: Value, where: str) -> float | None:
    kind = kind_of(value)
    if kind == "null":
        return None
    if kind != "number":
        raise ClaimError(f"{where} needs numbers, got a {kind} ({value!r})")
    return float(value)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- tree


@dataclass(frozen=True, slots=True)
class Literal:
    """A constant: number, string, boolean or null."""

    value: Value

    def evaluate(self, results: Mapping[str, Value]) -> Value:
        return self.value

    def fields(self) -> Iterator[tuple[PathElement, ...]]:
        """The result fields the expression reads, as paths."""
        return iter(())


@dataclass(frozen=True, slots=True)
class FieldPath:
    """A dotted path into the results, e.g. ``solutions.nash.value`` or ``stages[0]``."""

    path: tuple[PathElement, ...]

    def evaluate(self, results: Mapping[str, Value]) -> Value:
        return lookup(results, self.path)

    def fields(self) -> Iterator[tuple[PathElement, ...]]:
        """The result fields the expression reads, as paths."""
        yield self.path


@dataclass(frozen=True, slots=True)
class Not:
    """Logical negation (Kleene: ``not null`` is null)."""

    operand: Node

    def evaluate(self, results: Mapping[str, Value]) -> Value:
        truth = _truth(self.operand.evaluate(results), "'not'")
        return None if truth is None else not truth

    def fields(self) -> Iterator[tuple[PathElement, ...]]:
        """The result fields the expression reads, as paths."""
        return self.operand.fields()


@dataclass(frozen=True, slots=True)
class Negative:
    """Arithmetic negation."""

    operand: Node

    def evaluate(self, results: Mapping[str, Value]) -> Value:
        number = _number(self.operand.evaluate(results), "'-'")
        return None if number is None else -number

    def fields(self) -> Iterator[tuple[PathElement, ...]]:
        """The result fields the expression reads, as paths."""
        return self.operand.fields()


@dataclass(frozen=True, slots=True)
class Logic:
    """``and`` / ``or`` over two operands, three-valued."""

    op: str
    left: Node
    right: Node

    def evaluate(self, results: Mapping[str, Value]) -> Value:
        where = f"'{self.op}'"
        left = _truth(self.left.evaluate(results), where)
        decisive = self.op == "or"
        if left is decisive:
            return decisive
        right = _truth(self.right.evaluate(results), where)
        if right is decisive:
            return decisive
        return None if left is None or right is None else not decisive

    def fields(self) -> Iterator[tuple[PathElement, ...]]:
        """The result fields the expression reads, as paths."""
        yield from self.left.fields()
        yield from self.right.fields()


def _divide(a: float, b: float) -> float | None:
    return None if b == 0 else a / b


_ARITHMETIC: dict[str, Callable[[float, float], float | None]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": _divide,
}


@dataclass(frozen=True, slots=True)
class Arithmetic:
    """``+ - * /`` over numbers; ``null`` in gives ``null`` out, so does division by zero."""

    op: str
    left: Node
    right: Node

    def evaluate(self, results: Mapping[str, Value]) -> Value:
        where = f"'{self.op}'"
        left = _number(self.left.evaluate(results), where)
        right = _number(self.right.evaluate(results), where)
        if left is None or right is None:
            return None
        return _ARITHMETIC[self.op](left, right)

    def fields(self) -> Iterator[tuple[PathElement, ...]]:
        """The result fields the expression reads, as paths."""
        yield from self.left.fields()
        yield from self.right.fields()


def compare(op: str, left: Value, right: Value) -> bool | None:
    """Compare two values under the language's rules (see the reference).

    >>> compare("<", 1, 2.5), compare("==", None, None), compare("<", None, 1)
    (True, True, None)
    """
    kinds = (kind_of(left), kind_of(right))
    if op in ("==", "!=") and "null" in kinds:
        equal = kinds[0] == kinds[1]
        return equal if op == "==" else not equal
    if "null" in kinds:
        return None
    ordered = kinds[0] == kinds[1] and kinds[0] in ("number", "string")
    if kinds[0] != kinds[1] or (op not in ("==", "!=") and not ordered):
        raise ClaimError(f"cannot compare a {kinds[0]} with a {kinds[1]} using {op!r}")
    return bool(_COMPARISONS[op](left, right))


_COMPARISONS: dict[str, Callable[[Any, Any], object]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


@dataclass(frozen=True, slots=True)
class Comparison:
    """A comparison chain ``a < b <= c`` meaning ``a < b and b <= c``."""

    ops: tuple[str, ...]
    operands: tuple[Node, ...]

    def evaluate(self, results: Mapping[str, Value]) -> Value:
        values = [operand.evaluate(results) for operand in self.operands]
        truths = [compare(op, a, b) for op, a, b in zip(self.ops, values, values[1:], strict=False)]
        if False in truths:
            return False
        return None if None in truths else True

    def fields(self) -> Iterator[tuple[PathElement, ...]]:
        """The result fields the expression reads, as paths."""
        for operand in self.operands:
            yield from operand.fields()


def _length(value: Value) -> Value:
    if kind_of(value) not in ("list", "string", "object", "null"):
        raise ClaimError(f"'len' needs a list, got a {kind_of(value)} ({value!r})")
    return None if value is None else len(value)  # type: ignore[arg-type]


def _extreme(choose: Callable[[list[float]], float], name: str) -> Callable[..., Value]:
    def apply(*values: Value) -> Value:
        numbers_ = [_number(v, f"'{name}'") for v in values]
        present = [n for n in numbers_ if n is not None]
        return None if len(present) < len(numbers_) else choose(present)

    return apply


def _absolute(value: Value) -> Value:
    number = _number(value, "'abs'")
    return None if number is None else abs(number)


FUNCTIONS: dict[str, tuple[Callable[..., Value], int, int]] = {
    "abs": (_absolute, 1, 1),
    "len": (_length, 1, 1),
    "min": (_extreme(min, "min"), 1, 64),
    "max": (_extreme(max, "max"), 1, 64),
}
"""Functions a claim may call: name -> (function, fewest arguments, most arguments)."""


@dataclass(frozen=True, slots=True)
class Call:
    """A call of one of :data:`FUNCTIONS`."""

    name: str
    arguments: tuple[Node, ...]

    def evaluate(self, results: Mapping[str, Value]) -> Value:
        function = FUNCTIONS[self.name][0]
        return function(*(argument.evaluate(results) for argument in self.arguments))

    def fields(self) -> Iterator[tuple[PathElement, ...]]:
        """The result fields the expression reads, as paths."""
        for argument in self.arguments:
            yield from argument.fields()


Node: TypeAlias = Literal | FieldPath | Not | Negative | Logic | Arithmetic | Comparison | Call


# --------------------------------------------------------------------------- parser


class _Parser:
    """Recursive descent over the token list; one method per precedence level."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.position = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[min(self.position, len(self.tokens) - 1)]

    def error(self, message: str, token: Token | None = None) -> ClaimError:
        token = token or self.current
        found = f"'{token.text}'" if token.text else "the end"
        return _syntax(self.text, token.column, f"{message}, found {found}")

    def accept(self, *texts: str) -> Token | None:
        token = self.current
        if token.kind in ("op", "keyword") and token.text in texts:
            self.position += 1
            return token
        return None

    def expect(self, text: str, what: str) -> Token:
        token = self.accept(text)
        if token is None:
            raise self.error(f"expected {what}")
        return token

    def parse(self) -> Node:
        node = self.disjunction()
        if self.current.kind != "end":
            raise self.error("expected an operator or the end of the claim")
        return node

    def nested(self, parse: Callable[[], Node]) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"expression nested deeper than {MAX_DEPTH} levels")
        try:
            return parse()
        finally:
            self.depth -= 1

    def disjunction(self) -> Node:
        node = self.conjunction()
        while self.accept("or"):
            node = Logic("or", node, self.nested(self.conjunction))
        return node

    def conjunction(self) -> Node:
        node = self.negation()
        while self.accept("and"):
            node = Logic("and", node, self.nested(self.negation))
        return node

    def negation(self) -> Node:
        if self.accept("not"):
            return Not(self.nested(self.negation))
        return self.comparison()

    def comparison(self) -> Node:
        operands = [self.sum()]
        ops: list[str] = []
        while (token := self.accept("==", "!=", "<", "<=", ">", ">=")) is not None:
            ops.append(token.text)
            operands.append(self.sum())
        return Comparison(tuple(ops), tuple(operands)) if ops else operands[0]

    def sum(self) -> Node:
        node = self.product()
        while (token := self.accept("+", "-")) is not None:
            node = Arithmetic(token.text, node, self.nested(self.product))
        return node

    def product(self) -> Node:
        node = self.unary()
        while (token := self.accept("*", "/")) is not None:
            node = Arithmetic(token.text, node, self.nested(self.unary))
        return node

    def unary(self) -> Node:
        if self.accept("-"):
            return Negative(self.nested(self.unary))
        if self.accept("+"):
            return self.nested(self.unary)
        return self.atom()

    def atom(self) -> Node:
        token = self.current
        if self.accept("("):
            node = self.nested(self.disjunction)
            self.expect(")", "')' to close the '(' at column " + str(token.column))
            return node
        self.position += 1
        if token.kind == "number":
            return Literal(float(token.text))
        if token.kind == "string":
            return Literal(token.text[1:-1])
        if token.kind == "keyword" and token.text in _CONSTANTS:
            return Literal(_CONSTANTS[token.text])
        if token.kind == "name":
            return self.call(token) if self.accept("(") else self.field(token)
        self.position -= 1
        raise self.error("expected a value (number, string, true, false, null, field or '(')")

    def call(self, name: Token) -> Node:
        if name.text not in FUNCTIONS:
            raise self.error(
                f"unknown function {name.text!r}; functions are {', '.join(sorted(FUNCTIONS))}",
                name,
            )
        arguments = [] if self.current.text == ")" else [self.nested(self.disjunction)]
        while self.accept(","):
            arguments.append(self.nested(self.disjunction))
        self.expect(")", f"',' or ')' in the call of {name.text}")
        _, fewest, most = FUNCTIONS[name.text]
        if not fewest <= len(arguments) <= most:
            raise self.error(f"{name.text} takes {fewest} to {most} arguments", name)
        return Call(name.text, tuple(arguments))

    def field(self, name: Token) -> Node:
        path: list[PathElement] = [name.text]
        while True:
            if self.accept("."):
                token = self.current
                if token.kind not in ("name", "keyword"):
                    raise self.error("expected a field name after '.'")
                self.position += 1
                path.append(token.text)
            elif self.accept("["):
                path.append(self.index())
                self.expect("]", "']'")
            else:
                return FieldPath(tuple(path))

    def index(self) -> PathElement:
        negative = self.accept("-") is not None
        token = self.current
        self.position += 1
        if token.kind == "string" and not negative:
            return token.text[1:-1]
        if token.kind == "number" and token.text.isdigit() and len(token.text) < 19:
            return -int(token.text) if negative else int(token.text)
        self.position -= 1
        raise self.error("expected an integer index or a quoted key inside '[ ]'")


_CONSTANTS: dict[str, Value] = {"true": True, "false": False, "null": None}


@functools.lru_cache(maxsize=1024)
def parse(text: str) -> Node:
    """Parse a claim expression into its tree; a :class:`ClaimError` points at the column.

    Trees are immutable, so a text parsed before is not parsed again.

    >>> parse("a.b[0] > 1")
    Comparison(ops=('>',), operands=(FieldPath(path=('a', 'b', 0)), Literal(value=1.0)))
    """
    return _Parser(text).parse()


# --------------------------------------------------------------------------- fields


def format_path(path: Sequence[PathElement]) -> str:
    """Render a path the way a claim writes it.

    >>> format_path(("a", "b", 0, "c"))
    'a.b[0].c'
    """
    text = ""
    for element in path:
        if isinstance(element, int):
            text += f"[{element}]"
        elif element.isidentifier():
            text += f".{element}" if text else element
        else:
            text += f"[{element!r}]"
    return text


def field_paths(results: Mapping[str, Value], prefix: tuple[PathElement, ...] = ()) -> list[str]:
    """Every field path in ``results`` (objects are descended into, lists are not).

    >>> field_paths({"a": {"b": 1, "c": [1, 2]}, "d": None})
    ['a', 'a.b', 'a.c', 'd']
    """
    paths: list[str] = []
    for key, value in results.items():
        path = (*prefix, str(key))
        paths.append(format_path(path))
        if isinstance(value, Mapping):
            paths.extend(field_paths(value, path))
    return paths


def lookup(results: Mapping[str, Value], path: Sequence[PathElement]) -> Value:
    """The value at ``path``; ``null`` passes through; unknown keys raise a one-line error.

    A list index past the end gives ``null`` (list lengths are data, keys are schema).

    >>> lookup({"a": [{"b": 2}]}, ("a", 0, "b")), lookup({"a": None}, ("a", "b"))
    (2, None)
    """
    value: Value = results
    for depth, element in enumerate(path):
        if value is None:
            return None
        if isinstance(element, str) and isinstance(value, Mapping):
            if element not in value:
                raise _unknown_field(results, path[: depth + 1], value)
            value = value[element]
        elif isinstance(element, int) and kind_of(value) == "list":
            items: Sequence[Value] = value  # type: ignore[assignment]
            value = items[element] if -len(items) <= element < len(items) else None
        else:
            where = format_path(path[:depth]) or "the results"
            part = f"index [{element}]" if isinstance(element, int) else f"field {element!r}"
            raise ClaimError(f"{where} is a {kind_of(value)}; it has no {part}")
    return value


def _unknown_field(
    results: Mapping[str, Value], path: Sequence[PathElement], parent: Mapping[str, Value]
) -> DetenteError:
    wanted = format_path(path)
    close = difflib.get_close_matches(wanted, field_paths(results), n=4, cutoff=0.6)
    siblings = [format_path((*path[:-1], str(key))) for key in parent]
    ordered = close + [s for s in sorted(siblings) if s not in close]
    shown = ", ".join(ordered[:24]) + (
        f" … ({len(ordered) - 24} more)" if len(ordered) > 24 else ""
    )
    return UnknownNameError(f"unknown field {wanted!r}; valid fields are: {shown}")


def check_fields(node: Node, results: Mapping[str, Value]) -> None:
    """Raise the unknown-field error for any field of ``node`` missing from ``results``.

    Unlike evaluation, this visits every field, including those a short-circuit would skip.

    >>> check_fields(parse("x > 1 or y"), {"x": 2, "yy": True})
    Traceback (most recent call last):
    detente.errors.UnknownNameError: unknown field 'y'; valid fields are: yy, x
    """
    for path in node.fields():
        lookup(results, path)


# --------------------------------------------------------------------------- claims


@dataclass(frozen=True, slots=True)
class Claim:
    """A named statement about results: its source text and parsed expression."""

    name: str
    text: str
    expression: Node
    description: str = ""
    location: Location | None = field(default=None, compare=False)

    @classmethod
    def parse(cls, name: str, text: str, description: str = "") -> Claim:
        """Parse ``text``; errors name the claim.

        >>> Claim.parse("c", "x >= (1")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        detente.claims.ClaimError: claims.c: syntax error at column 8: expected ')' to close ...
        """
        try:
            return cls(name, text, parse(text), description)
        except DetenteError as error:
            raise _in_claim(error, name) from None

    def value(self, results: Mapping[str, Value]) -> Value:
        """The expression's value (``true``, ``false`` or ``null``) on ``results``."""
        try:
            value = self.expression.evaluate(results)
        except DetenteError as error:
            raise _in_claim(error, self.name, self.location) from None
        if kind_of(value) not in ("boolean", "null"):
            wrong = ClaimError(
                f"a claim must be true or false, but {self.text!r} is a {kind_of(value)}"
            )
            raise _in_claim(wrong, self.name, self.location)
        return value

    def holds(self, results: Mapping[str, Value]) -> bool:
        """Whether the claim is true on ``results`` (unknown counts as not holding)."""
        return self.value(results) is True

    def check(self, results: Mapping[str, Value]) -> None:
        """Raise if the claim names a field ``results`` lacks (see :func:`check_fields`)."""
        try:
            check_fields(self.expression, results)
        except DetenteError as error:
            raise _in_claim(error, self.name, self.location) from None


def _in_claim(error: DetenteError, name: str, location: Location | None = None) -> DetenteError:
    if location is None:
        where = error.location
        location = Location(where.file, where.line, where.column, where.field or f"claims.{name}")
    return type(error)(error.message, location)


def evaluate_claims(claims: Sequence[Claim], results: Mapping[str, Value]) -> dict[str, bool]:
    """Each claim's truth on ``results``, by name.

    >>> evaluate_claims([Claim.parse("big", "x > 0.3")], {"x": 0.5})
    {'big': True}
    """
    return {claim.name: claim.holds(results) for claim in claims}
