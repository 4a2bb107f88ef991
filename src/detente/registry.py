"""Named, parameterised building blocks loadable from a string spec.

A spec is a name optionally followed by keyword (or positional) arguments in
parentheses, e.g. ``boulware(exponent=4)`` or ``hardline(package={"deal":
"BigDeal"})``. Arguments are Python literals parsed with :func:`ast.literal_eval`
(numbers, strings, booleans, ``None``, lists, tuples, dicts): nothing is ever
evaluated. The same spec string works in code, on the command line and in
scenario files.

A :class:`Registry` maps names to :class:`Entry` objects that declare their
metadata (bilateral only? stochastic? vectorisable?) and typed parameters, so
documentation tables and error messages are generated from it. Third-party
entries arrive through an entry-point group (``importlib.metadata``), loaded
lazily on the first lookup.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, Generic, TypeVar

from detente.errors import DetenteError, UnknownNameError

T = TypeVar("T")

_SPEC = re.compile(r"\s*([A-Za-z_][\w.\-]*)\s*(?:\((.*)\))?\s*\Z", re.DOTALL)

ParameterType = type[float] | type[int] | type[str] | type[bool] | type[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Parameter:
    """One declared parameter of an entry: name, type, default and meaning.

    >>> Parameter("exponent", float, 4.0, "curvature").describe()
    'exponent (float, default 4.0): curvature'
    """

    name: str
    type: ParameterType
    default: Any
    doc: str = ""

    def describe(self) -> str:
        """``name (type, default d): doc`` for help texts and error messages."""
        text = f"{self.name} ({self.type.__name__}, default {self.default!r})"
        return f"{text}: {self.doc}" if self.doc else text

    def coerce(self, owner: str, value: Any) -> Any:
        """``value`` checked against the declared type (ints are accepted as floats)."""
        if value is None and self.default is None:
            return None
        if self.type is float and isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, self.type) and not (self.type is int and isinstance(value, bool)):
            return value
        raise DetenteError(
            f"{owner}: parameter {self.name!r} must be of type {self.type.__name__}, got {value!r}"
        )


@dataclass(frozen=True, slots=True)
class Entry(Generic[T]):
    """A registered building block: a factory plus declared metadata."""

    name: str
    factory: Callable[..., T]
    summary: str
    parameters: tuple[Parameter, ...] = ()
    kind: str = "strategy"
    bilateral_only: bool = False
    stochastic: bool = False
    vectorisable: bool = False
    source: str = "detente"

    def build(self, args: tuple[Any, ...] = (), kwargs: Mapping[str, Any] | None = None) -> T:
        """Call the factory with arguments checked against the declared parameters."""
        return self.factory(**self.bind_arguments(args, kwargs or {}))

    def bind_arguments(self, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> dict[str, Any]:
        """Positional and keyword arguments as checked keyword arguments."""
        if len(args) > len(self.parameters):
            raise DetenteError(
                f"{self.kind} {self.name!r} takes at most {len(self.parameters)} arguments, "
                f"got {len(args)}; parameters: {self.signature()}"
            )
        named = dict(zip((p.name for p in self.parameters), args, strict=False))
        for key, value in kwargs.items():
            if key in named:
                raise DetenteError(f"{self.kind} {self.name!r}: parameter {key!r} given twice")
            named[key] = value
        known = {p.name: p for p in self.parameters}
        for key in named:
            if key not in known:
                raise UnknownNameError(
                    f"{self.kind} {self.name!r} has no parameter {key!r}; "
                    f"parameters: {self.signature()}"
                )
        owner = f"{self.kind} {self.name!r}"
        return {key: known[key].coerce(owner, value) for key, value in named.items()}

    def signature(self) -> str:
        """The declared parameters in one line (``none`` when there are none)."""
        return "; ".join(p.describe() for p in self.parameters) or "none"


@dataclass(frozen=True, slots=True)
class Spec:
    """A parsed spec string: a name and literal arguments.

    >>> parse_spec("boulware(exponent=4)")
    Spec(name='boulware', args=(), kwargs=(('exponent', 4),))
    """

    name: str
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()


def parse_spec(text: str) -> Spec:
    """Parse ``name`` or ``name(arg, key=value, ...)`` with literal arguments only.

    >>> parse_spec("tit-for-tat").name
    'tit-for-tat'
    >>> parse_spec("hardline(package={'deal': 'BigDeal'})").kwargs
    (('package', {'deal': 'BigDeal'}),)
    """
    match = _SPEC.match(text)
    if match is None:
        raise DetenteError(f"cannot parse spec {text!r}; expected name or name(key=value, ...)")
    name, inner = match.group(1), match.group(2)
    if inner is None or not inner.strip():
        return Spec(name)
    try:
        call = ast.parse(f"_({inner})", mode="eval").body
        if not isinstance(call, ast.Call) or any(k.arg is None for k in call.keywords):
            raise ValueError("not a plain argument list")
        args = tuple(ast.literal_eval(a) for a in call.args)
        kwargs = tuple((str(k.arg), ast.literal_eval(k.value)) for k in call.keywords)
    except (SyntaxError, ValueError) as exc:
        raise DetenteError(
            f"cannot parse the arguments of spec {text!r} ({exc}); arguments must be literals "
            "such as 4, 0.5, 'text', True or {'issue': 'value'}"
        ) from None
    return Spec(name, args, kwargs)


def split_specs(text: str) -> list[str]:
    """Split a comma-separated list of specs at top-level commas only.

    >>> split_specs("boulware(exponent=4),hardline(package={'a': 1, 'b': 2})")
    ['boulware(exponent=4)', "hardline(package={'a': 1, 'b': 2})"]
    """
    parts: list[str] = []
    depth, quote, start = 0, "", 0
    for i, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return [p for p in parts if p]


@dataclass(slots=True)
class Registry(Generic[T]):
    """Entries of one kind by name, with third-party entries from an entry-point group.

    Entry points in ``group`` must load to an :class:`Entry`; they are read on the
    first lookup, never at import time.
    """

    kind: str
    group: str | None = None
    _entries: dict[str, Entry[T]] = field(default_factory=dict)
    _plugins_loaded: bool = False

    def register(self, entry: Entry[T]) -> Entry[T]:
        """Add ``entry``; a name may be registered once."""
        if entry.name in self._entries:
            raise ValueError(f"{self.kind} {entry.name!r} is already registered")
        self._entries[entry.name] = entry
        return entry

    def _load_plugins(self) -> None:
        if self._plugins_loaded or self.group is None:
            return
        self._plugins_loaded = True
        for point in entry_points(group=self.group):
            entry = point.load()
            if not isinstance(entry, Entry):
                raise DetenteError(
                    f"entry point {point.name!r} in group {self.group!r} must load to a "
                    f"detente.registry.Entry, got {type(entry).__name__}"
                )
            if entry.name not in self._entries:
                self._entries[entry.name] = entry

    def names(self) -> tuple[str, ...]:
        """Registered names, sorted."""
        self._load_plugins()
        return tuple(sorted(self._entries))

    def __iter__(self) -> Iterator[Entry[T]]:
        return iter([self._entries[name] for name in self.names()])

    def __contains__(self, name: object) -> bool:
        return name in self.names()

    def entry(self, name: str) -> Entry[T]:
        """The entry called ``name``; an unknown name lists the registered ones."""
        self._load_plugins()
        try:
            return self._entries[name]
        except KeyError:
            raise UnknownNameError(
                f"unknown {self.kind} {name!r}; registered: {', '.join(self.names())}"
            ) from None

    def markdown(self) -> str:
        """A Markdown table of the entries and their metadata (the docs are generated from it).

        >>> print(Registry("thing").markdown().splitlines()[0])
        | name | what it does | parameters | bilateral only | stochastic | vectorisable |
        """
        rows = [
            "| name | what it does | parameters | bilateral only | stochastic | vectorisable |",
            "|---|---|---|---|---|---|",
        ]
        for e in self:
            params = "; ".join(
                f"`{p.name}` ({p.type.__name__}, {p.default!r})" for p in e.parameters
            )
            flags = [
                "yes" if flag else "no" for flag in (e.bilateral_only, e.stochastic, e.vectorisable)
            ]
            rows.append(f"| `{e.name}` | {e.summary} | {params or '—'} | {' | '.join(flags)} |")
        return "\n".join(rows)

    def load(self, spec: str) -> T:
        """Build the object a spec string describes."""
        parsed = parse_spec(spec)
        return self.entry(parsed.name).build(parsed.args, dict(parsed.kwargs))
