"""Named, parameterised building blocks loadable from a string spec.

A spec is a name optionally followed by keyword (or positional) arguments in
parentheses, e.g. ``boulware(exponent=4)`` or ``hardline(package={"deal":
"BigDeal"})``. Arguments are Python literals parsed with :func:`ast.literal_eval`
(numbers, strings, booleans, ``None``, lists, tuples, dicts): nothing is ever
evaluated. The same spec string works in code, on the command line and in
scenario files.

A :class:`Registry` maps names to :class:`Entry` objects that declare their
metadata (bilateral only? stochastic? vectorisable?) and typed parameters, so
documentation tables and error messages are generated from it. A building block
is declared once, beside its definition, with :meth:`Registry.declare`; its
parameters come from the factory's signature (names, types, defaults) and
``typing.Annotated`` metadata (a description, a :class:`Range`)::

    def tit_for_tat(
        reciprocity: Annotated[float, NON_NEGATIVE, "own concession per unit of the opponent's"] = 1.0,
    ) -> StrategySpec: ...

    STRATEGIES.declare("tit-for-tat", tit_for_tat, "reciprocal concession", bilateral_only=True)

A parameter is settable from a spec when its annotation carries a description;
other parameters (e.g. data a policy computes in ``prepare``) keep their
defaults. Third-party entries arrive through an entry-point group
(``importlib.metadata``), loaded lazily on the first lookup.
"""

from __future__ import annotations

import ast
import inspect
import math
import re
import types
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Annotated, Any, Generic, TypeVar, Union, get_args, get_origin, get_type_hints

from detente.errors import DetenteError, UnknownNameError

T = TypeVar("T")

_SPEC = re.compile(r"\s*([A-Za-z_][\w.\-]*)\s*(?:\((.*)\))?\s*\Z", re.DOTALL)

ParameterType = type[float] | type[int] | type[str] | type[bool] | type[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Range:
    """The valid values of a numeric parameter, declared in its annotation.

    >>> Range(0, 1).describe(), Range(0, open_low=True).describe(), Range(0).describe()
    ('between 0.0 and 1.0', '> 0.0', '>= 0.0')
    """

    low: float | None = None
    high: float | None = None
    open_low: bool = False

    def __post_init__(self) -> None:
        for bound in ("low", "high"):
            value = getattr(self, bound)
            if value is not None:
                object.__setattr__(self, bound, float(value))

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies within the bounds (NaN never does)."""
        below = self.low is not None and (value <= self.low if self.open_low else value < self.low)
        return not (below or (self.high is not None and value > self.high) or value != value)

    def describe(self) -> str:
        """The valid range in words, e.g. ``between 0.0 and 1.0`` or ``> 0.0``."""
        if self.low is not None and self.high is not None and not self.open_low:
            return f"between {self.low} and {self.high}"
        parts = [] if self.low is None else [f"{'>' if self.open_low else '>='} {self.low}"]
        parts += [] if self.high is None else [f"<= {self.high}"]
        return " and ".join(parts) or "a number"


UNIT = Range(0.0, 1.0)
"""A share or a probability: between 0 and 1."""

POSITIVE = Range(0.0, open_low=True)
"""Greater than 0."""

NON_NEGATIVE = Range(0.0)
"""At least 0."""


@dataclass(frozen=True, slots=True)
class Parameter:
    """One declared parameter of an entry: name, type, default, meaning and valid range.

    >>> Parameter("exponent", float, 4.0, "curvature").describe()
    'exponent (float, default 4.0): curvature'
    """

    name: str
    type: ParameterType
    default: Any
    doc: str = ""
    range: Range = Range()

    def describe(self) -> str:
        """``name (type, default d): doc`` for help texts and error messages."""
        text = f"{self.name} ({self.type.__name__}, default {self.default!r})"
        return f"{text}: {self.doc}" if self.doc else text

    def coerce(self, owner: str, value: Any) -> Any:
        """``value`` checked against the declared type (ints are accepted as floats)."""
        if value is None and self.default is None:
            return None
        if self.type is float and isinstance(value, int | float) and not isinstance(value, bool):
            return self.check_range(owner, self.finite(owner, value))
        if isinstance(value, self.type) and not (self.type is int and isinstance(value, bool)):
            return self.check_range(owner, value) if isinstance(value, int | float) else value
        raise DetenteError(
            f"{owner}: parameter {self.name!r} must be of type {self.type.__name__}, got {value!r}"
        )

    def finite(self, owner: str, value: float) -> float:
        """``value`` as a float, or an error for one no float holds (inf, nan, 10**400).

        >>> Parameter("p", float, 1.0).finite("policy", 10**400)
        Traceback (most recent call last):
        detente.errors.DetenteError: policy: parameter 'p' must be a finite number, got an integer beyond 1e308
        """
        huge = isinstance(value, int) and abs(value) >= 2**1023
        if not huge and math.isfinite(value):
            return float(value)
        got = "an integer beyond 1e308" if huge else repr(value)
        raise DetenteError(f"{owner}: parameter {self.name!r} must be a finite number, got {got}")

    def check_range(self, owner: str, value: float) -> float:
        """``value`` if it lies within the declared :class:`Range`, else an error.

        >>> Parameter("p", float, 0.5, range=UNIT).check_range("policy", 2.0)
        Traceback (most recent call last):
        detente.errors.DetenteError: policy: parameter 'p' must be between 0.0 and 1.0, got 2.0
        """
        if not self.range.contains(value):
            raise DetenteError(
                f"{owner}: parameter {self.name!r} must be {self.range.describe()}, got {value!r}"
            )
        return value


_TYPES: tuple[ParameterType, ...] = (float, int, str, bool, dict)


def parameters_of(
    owner: str, factory: Callable[..., object], annotations: Mapping[str, Any] | None = None
) -> tuple[Parameter, ...]:
    """The spec parameters of ``factory``, from its signature and ``Annotated`` metadata.

    A parameter is a spec parameter when its annotation is ``Annotated[T, ...]`` with a
    description (a string) among the metadata, and optionally a :class:`Range`; ``T`` is
    ``float``, ``int``, ``str``, ``bool`` or ``dict`` (``| None`` when the default is
    None). Its name and default come from the signature. ``annotations`` replaces the
    factory's own annotations, for a factory that cannot carry them (a class defined
    elsewhere). A declaration the registry could not honour is refused here, at
    registration, with a ``ValueError`` naming ``owner``.

    >>> def f(level: Annotated[float, UNIT, "how high"] = 0.8, cache: int = 0) -> None: ...
    >>> [p.describe() + ", " + p.range.describe() for p in parameters_of("policy 'f'", f)]
    ['level (float, default 0.8): how high, between 0.0 and 1.0']
    """
    signature = inspect.signature(factory).parameters
    if annotations is None:
        hints = get_type_hints(factory, include_extras=True)
    else:
        hints = dict(annotations)
        unknown = sorted(hints.keys() - signature.keys())
        if unknown:
            raise ValueError(f"{owner}: the factory has no parameter {unknown[0]!r} to annotate")
    declared = [_declared(owner, p, hints.get(p.name)) for p in signature.values()]
    return tuple(p for p in declared if p is not None)


def _declared(owner: str, p: inspect.Parameter, hint: Any) -> Parameter | None:
    """The spec parameter ``p`` declares (None: not settable from a spec), its default checked."""
    metadata = get_args(hint)[1:] if get_origin(hint) is Annotated else ()
    docs = [m for m in metadata if isinstance(m, str)]
    if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
        raise ValueError(
            f"{owner}: parameter {p.name!r} has no default; a spec may leave out any "
            "parameter and the factory must still build"
        )
    if not docs:
        return None
    if p.kind not in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
        raise ValueError(f"{owner}: spec parameter {p.name!r} must be nameable by keyword")
    kind, optional = _type_of(owner, p.name, get_args(hint)[0])
    ranges = [m for m in metadata if isinstance(m, Range)]
    if ranges and kind not in (float, int):
        raise ValueError(f"{owner}: spec parameter {p.name!r} has a range but is not a number")
    parameter = Parameter(p.name, kind, p.default, docs[0], ranges[0] if ranges else Range())
    if p.default is None and not optional:
        raise ValueError(
            f"{owner}: spec parameter {p.name!r} defaults to None, which its type "
            f"{kind.__name__} does not admit; annotate it {kind.__name__} | None"
        )
    try:
        parameter.coerce(owner, p.default)
    except DetenteError as error:
        raise ValueError(f"{error.message} as its default") from None
    return parameter


def _type_of(owner: str, name: str, annotation: Any) -> tuple[ParameterType, bool]:
    """The parameter type an annotation names, and whether it admits None."""
    union = get_origin(annotation) in (Union, types.UnionType)
    members = get_args(annotation) if union else (annotation,)
    kinds = [get_origin(m) or m for m in members if m is not type(None)]
    if len(kinds) != 1 or kinds[0] not in _TYPES:
        raise ValueError(
            f"{owner}: spec parameter {name!r} is annotated {annotation!r}; a spec parameter "
            "is a float, int, str, bool or dict (or one of these | None)"
        )
    return kinds[0], len(kinds) < len(members)


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

    @classmethod
    def of(
        cls,
        name: str,
        factory: Callable[..., T],
        summary: str,
        *,
        kind: str = "strategy",
        bilateral_only: bool = False,
        stochastic: bool = False,
        vectorisable: bool = False,
        annotations: Mapping[str, Any] | None = None,
    ) -> Entry[T]:
        """An entry whose parameters come from ``factory``'s signature (:func:`parameters_of`).

        >>> def stubborn(exponent: Annotated[float, POSITIVE, "curvature"] = 8.0) -> float:
        ...     return exponent
        >>> Entry.of("stubborn", stubborn, "concede late").signature()
        'exponent (float, default 8.0): curvature'
        """
        parameters = parameters_of(f"{kind} {name!r}", factory, annotations)
        flags = (bilateral_only, stochastic, vectorisable)
        return cls(name, factory, summary, parameters, kind, *flags)

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
        args = tuple(_literal(a) for a in call.args)
        kwargs = tuple((str(k.arg), _literal(k.value)) for k in call.keywords)
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

    def declare(
        self,
        name: str,
        factory: Callable[..., T],
        summary: str,
        *,
        bilateral_only: bool = False,
        stochastic: bool = False,
        vectorisable: bool = False,
        annotations: Mapping[str, Any] | None = None,
    ) -> Entry[T]:
        """Register ``factory`` under ``name``, beside its definition (see :meth:`Entry.of`).

        >>> things: Registry[float] = Registry("thing")
        >>> def halve(x: Annotated[float, "what to halve"] = 1.0) -> float:
        ...     return x / 2
        >>> things.declare("halve", halve, "half of x").parameters[0].default
        1.0
        >>> things.load("halve(3)")
        1.5
        """
        if name in self._entries:
            raise ValueError(f"{self.kind} {name!r} is already registered")
        entry = Entry.of(
            name,
            factory,
            summary,
            kind=self.kind,
            bilateral_only=bilateral_only,
            stochastic=stochastic,
            vectorisable=vectorisable,
            annotations=annotations,
        )
        return self.register(entry)

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


def _literal(node: ast.expr) -> Any:
    """The literal ``node`` stands for; a ValueError quoting the source text otherwise."""
    try:
        return ast.literal_eval(node)
    except ValueError:
        raise ValueError(f"{ast.unparse(node)!r} is not a literal; quote text") from None
