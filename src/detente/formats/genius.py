"""GENIUS XML domains and profiles, read exactly as GENIUS 10.4 evaluates them.

The rules (each pinned by a fixture in ``tests/fixtures/formats``):

- Issues, weights and evaluators are matched by their ``index`` attribute,
  never by position; a weight whose index is not an issue's (some files number
  the root objective 1 and weight it) is ignored. An issue without a weight
  has no evaluator, which GENIUS cannot evaluate: an error here.
- Discrete evaluator: ``evaluation / max evaluation`` of that issue's items
  (0 if that maximum is below 1e-5); values matched by string, a repeated item
  in a profile keeps the last evaluation, a repeated value in a domain counts
  once (and is noted in the domain's origin); extra attributes (``cost``, ``description``) are ignored.
- Integer evaluator: ``clamp(slope · (x − lowerbound) + offset, 0, 1)``.
- Real evaluator on the domain's ``<range>``: ``linear`` ``clamp(parameter1 · x
  + parameter0, 0, 1)``, ``triangular`` (parameter0 low, parameter1 high,
  parameter2 top), ``constant`` parameter0; the issue is discretised on an
  evenly spaced grid of ``real_steps`` points including both bounds.
- Weights are used as written; the sum is capped at 1 (``min(u, 1)``, as
  GENIUS's ``getUtility`` does) — this only binds when weights sum above 1. A
  negative weight, or weights all 0, is an error.
- ``<reservation value>`` defaults to 0; a ``<discount_factor value>`` ≤ 0 or
  > 1, absent, or in the old ``<discount_factor><value>`` form means 1 (none).
- ``type="nonlinear"`` profiles: hyper-rectangles with inclusive bounds on
  integer issues, ``Σ utility / maxutility`` capped at 1.
- ``UNCERTAIN`` and ``constraint`` profiles are not supported.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from detente.errors import Location, ScenarioError
from detente.formats.reading import MAX_ISSUE_VALUES, MAX_NUMBER_CHARS
from detente.formats.xmlsource import XmlDocument
from detente.outcomes import Issue, OutcomeSpace
from detente.parties import Party
from detente.utility import Box, Capped, HyperRectangles, LinearAdditive, Utility

NORMALISATION_FLOOR = 1e-5
"""GENIUS gives a discrete issue utility 0 when its largest evaluation is below this."""

_UNSUPPORTED_KINDS = ("uncertain", "constraint")
_CAP_TOLERANCE = 1e-12
"""Weights summing to 1 up to rounding do not make the cap at 1 worth its cost."""


@dataclass(frozen=True, slots=True)
class DomainIssue:
    """A domain issue and the ``index`` GENIUS files refer to it by."""

    index: int
    issue: Issue
    bounds: tuple[float, float] | None = None
    repeated: tuple[str, ...] = ()
    """Values the domain lists more than once (each counts once, as in GENIUS)."""


@dataclass(frozen=True, slots=True)
class Profile:
    """What one GENIUS profile file gives a party."""

    utility: Utility
    reservation: float
    discount: float


def read_domain(document: XmlDocument, real_steps: int) -> tuple[DomainIssue, ...]:
    """The issues of a GENIUS domain (``negotiation_template``) file, in file order."""
    space_element = document.root if document.root.tag == "utility_space" else None
    if space_element is None:
        space_element = document.root.find("utility_space")
    if space_element is None:
        raise _error(document.path, "a GENIUS domain file needs a <utility_space> element")
    issues = tuple(
        _domain_issue(document.path, element, real_steps) for element in space_element.iter("issue")
    )
    if not issues:
        raise _error(document.path, "the domain defines no <issue>")
    indices = [issue.index for issue in issues]
    if len(set(indices)) != len(indices):
        raise _error(document.path, f"issue indices repeat: {indices}")
    return issues


def read_profile(
    document: XmlDocument, issues: Sequence[DomainIssue], space: OutcomeSpace
) -> Profile:
    """A party's utility, reservation value and discount factor from a profile file."""
    root = document.root
    if root.tag != "utility_space":
        raise _error(
            document.path, f"a GENIUS profile's root must be <utility_space>, not <{root.tag}>"
        )
    kind = (root.get("type") or "linear").lower()
    if kind in _UNSUPPORTED_KINDS:
        raise _error(
            document.path,
            f"not supported: {kind.upper()} profiles (type={root.get('type')!r}); "
            "detente reads linear additive and hyperRectangle (nonlinear) profiles",
        )
    if kind == "nonlinear":
        utility: Utility = _rectangles(document.path, root, issues, space)
    else:
        utility = _linear(document.path, root, issues, space)
    return Profile(utility, _reservation(document.path, root), _discount(root))


def _domain_issue(path: Path, element: ET.Element, real_steps: int) -> DomainIssue:
    index = _int(path, element, "index", "issue")
    name = element.get("name") or f"issue{index}"
    kind = _issue_kind(element)
    where = f"issue {name!r} (index {index})"
    if kind == "integer":
        first = _int(path, element, "lowerbound", where)
        last = _int(path, element, "upperbound", where)
        if last < first:
            raise _error(path, f"{where}: upperbound {last} is below lowerbound {first}")
        if last - first + 1 > MAX_ISSUE_VALUES:
            raise _error(
                path,
                f"{where}: {last - first + 1:,} values from {first} to {last}; an issue may have "
                f"at most {MAX_ISSUE_VALUES:,}",
            )
        return DomainIssue(index, Issue.integer(name, first, last), (first, last))
    if kind == "real":
        low, high = _real_range(path, element, where)
        grid = np.linspace(low, high, real_steps) if high > low else np.array([low])
        if len(np.unique(grid)) != len(grid):
            raise _error(
                path,
                f"{where}: the range [{low:g}, {high:g}] is too narrow for {real_steps} "
                "distinct grid points (use fewer --real-steps)",
            )
        return DomainIssue(index, Issue(name, tuple(float(x) for x in grid), "real"), (low, high))
    listed = Counter(item.get("value", "") for item in element.findall("item"))
    if not listed:
        raise _error(path, f"{where} has no <item> values")
    repeated = tuple(value for value, times in listed.items() if times > 1)
    return DomainIssue(index, Issue(name, tuple(listed)), repeated=repeated)


def _issue_kind(element: ET.Element) -> str:
    for attribute in ("vtype", "type", "etype"):
        kind = (element.get(attribute) or "").lower()
        if kind in ("discrete", "integer", "real"):
            return kind
    if element.find("range") is not None:
        return "real"
    if element.get("lowerbound") is not None:
        return "integer"
    return "discrete"


def _real_range(path: Path, element: ET.Element, where: str) -> tuple[float, float]:
    holder = element.find("range")
    holder = element if holder is None else holder
    low = _float(path, holder, "lowerbound", where)
    high = _float(path, holder, "upperbound", where)
    if high < low:
        raise _error(path, f"{where}: upperbound {high} is below lowerbound {low}")
    return low, high


def _linear(
    path: Path, root: ET.Element, issues: Sequence[DomainIssue], space: OutcomeSpace
) -> Utility:
    found = _weighted_issue_elements(path, root)
    weights, tables = [], []
    for issue in issues:
        if issue.index not in found:
            raise _error(
                path,
                f"issue {issue.issue.name!r} (index {issue.index}) has no weight or evaluator in "
                "this profile; GENIUS cannot evaluate it",
            )
        weight, element = found[issue.index]
        if weight < 0:
            raise _error(
                path,
                f'<weight index="{issue.index}"> of issue {issue.issue.name!r} is {weight:g}; '
                "issue weights may not be negative",
            )
        weights.append(weight)
        tables.append(_evaluations(path, element, issue))
    if not any(weights):
        raise _error(path, "every issue weight is 0: at least one <weight> must be positive")
    utility = LinearAdditive(tuple(weights), tuple(tables))
    best = sum(w * max(t) for w, t in zip(weights, tables, strict=True))
    return Capped(utility) if best > 1.0 + _CAP_TOLERANCE else utility


def _weighted_issue_elements(path: Path, root: ET.Element) -> dict[int, tuple[float, ET.Element]]:
    """``{issue index: (weight, issue element)}`` from the weights beside each issue."""
    found: dict[int, tuple[float, ET.Element]] = {}
    for parent in root.iter():
        weights = {
            _int(path, w, "index", "weight"): _float(path, w, "value", "weight")
            for w in parent.findall("weight")
        }
        for element in parent.findall("issue"):
            index = _int(path, element, "index", "issue")
            if index in weights:
                found[index] = (weights[index], element)
    return found


def _evaluations(path: Path, element: ET.Element, issue: DomainIssue) -> tuple[float, ...]:
    kind = (element.get("type") or "discrete").lower()
    where = f"issue {issue.issue.name!r} (index {issue.index})"
    if kind not in ("discrete", "integer", "real"):
        raise _error(
            path,
            f"not supported: {where} has evaluator type {element.get('type')!r}; GENIUS 10.4 "
            "evaluates only discrete, integer and real issues",
        )
    if kind != _kind_of(issue.issue):
        raise _error(path, f"{where} is {_kind_of(issue.issue)} in the domain but {kind} here")
    if kind == "discrete":
        return _discrete(path, element, issue.issue, where)
    if kind == "integer":
        return _integer(path, element, issue, where)
    return _real(path, element, issue.issue, where)


def _kind_of(issue: Issue) -> str:
    return {"values": "discrete", "item": "integer"}.get(issue.kind, issue.kind)


def _discrete(path: Path, element: ET.Element, issue: Issue, where: str) -> tuple[float, ...]:
    evaluation: dict[str, float] = {}
    for item in element.findall("item"):
        text = item.get("evaluation")
        if text is not None and text != "null":
            evaluation[item.get("value", "")] = _number(path, text, f"{where}: evaluation")
    if not evaluation:
        raise _error(path, f"{where} has no evaluated <item>")
    missing = [str(v) for v in issue.values if str(v) not in evaluation]
    if missing:
        raise _error(path, f"{where}: no evaluation for value(s) {', '.join(map(repr, missing))}")
    top = max(evaluation.values())
    if top < NORMALISATION_FLOOR:
        return tuple(0.0 for _ in issue.values)
    return tuple(evaluation[str(v)] / top for v in issue.values)


def _integer(path: Path, element: ET.Element, issue: DomainIssue, where: str) -> tuple[float, ...]:
    lower = element.get("lowerbound")
    low = _number(path, lower, where) if lower is not None else float(issue.issue.values[0])
    evaluator = element.find("evaluator")
    slope = _float(path, evaluator, "slope", where, 0.0) if evaluator is not None else 0.0
    offset = _float(path, evaluator, "offset", where, 0.0) if evaluator is not None else 0.0
    x = np.asarray(issue.issue.values, dtype=np.float64)
    return tuple(np.clip(slope * (x - low) + offset, 0.0, 1.0).tolist())


def _real(path: Path, element: ET.Element, issue: Issue, where: str) -> tuple[float, ...]:
    evaluator = element.find("evaluator")
    if evaluator is None:
        raise _error(path, f"{where}: a real issue needs an <evaluator>")
    ftype = (evaluator.get("ftype") or "").lower()
    x = np.asarray(issue.values, dtype=np.float64)
    p = [evaluator.get(f"parameter{i}") for i in range(3)]
    if ftype == "linear":
        p0, p1 = (_number(path, v, where) for v in p[:2])
        return tuple(np.clip(p1 * x + p0, 0.0, 1.0).tolist())
    if ftype == "constant":
        return tuple(_number(path, p[0], where) for _ in x)
    if ftype == "triangular":
        low, high, top = (_number(path, v, where) for v in p)
        return tuple(triangular(x, low, high, top).tolist())
    raise _error(path, f"not supported: {where} has real evaluator ftype {ftype!r}")


def triangular(x: np.ndarray, low: float, high: float, top: float) -> np.ndarray:
    """GENIUS's triangular evaluation: 0 outside ``[low, high)``, rising to 1 at ``top``.

    >>> triangular(np.array([0.0, 0.25, 0.5, 0.75, 1.0]), 0.0, 1.0, 0.5).tolist()
    [0.0, 0.5, 1.0, 0.5, 0.0]
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        rising = (x - low) / (top - low)
        falling = 1.0 - (x - top) / (high - top)
    return np.where(x < low, 0.0, np.where(x < top, rising, np.where(x < high, falling, 0.0)))


def _rectangles(
    path: Path, root: ET.Element, issues: Sequence[DomainIssue], space: OutcomeSpace
) -> HyperRectangles:
    utility = root.find("./objective/utility")
    ufun = utility.find("ufun") if utility is not None else None
    if utility is None or ufun is None:
        raise _error(path, "a nonlinear profile needs <objective><utility><ufun>")
    scale = _float(path, utility, "maxutility", "utility")
    if (ufun.get("aggregation") or "sum").lower() != "sum" or ufun.find("ufun") is not None:
        raise _error(path, "not supported: nested or non-sum <ufun> aggregation")
    if _float(path, ufun, "weight", "ufun", 1.0) != 1.0:
        raise _error(path, "not supported: a <ufun> weight other than 1")
    by_index = {issue.index: (position, issue) for position, issue in enumerate(issues)}
    boxes = [_box(path, element, by_index) for element in ufun.findall("hyperRectangle")]
    return HyperRectangles(tuple(box for box in boxes if box is not None), scale)


def _box(
    path: Path, element: ET.Element, by_index: dict[int, tuple[int, DomainIssue]]
) -> Box | None:
    if element.find("EXCLUDES") is not None:
        raise _error(path, "not supported: EXCLUDES hyper-rectangles")
    utility = _float(path, element, "utility", "hyperRectangle")
    utility *= _float(path, element, "weight", "hyperRectangle", 1.0)
    if not np.isfinite(utility):
        raise _error(path, "hyperRectangle: utility × weight is not a finite number")
    bounds = []
    for bound in element.findall("INCLUDES"):
        index = _int(path, bound, "index", "INCLUDES")
        if index not in by_index:
            raise _error(path, f"INCLUDES refers to issue index {index}, which the domain lacks")
        position, issue = by_index[index]
        if issue.issue.kind != "integer":
            raise _error(
                path, f"hyper-rectangle bounds need integer issues; {issue.issue.name!r} is not"
            )
        first = int(issue.issue.values[0])
        low = max(_int(path, bound, "min", "INCLUDES") - first, 0)
        high = min(_int(path, bound, "max", "INCLUDES") - first, len(issue.issue) - 1)
        if low > high:
            return None
        bounds.append((position, low, high))
    return Box(tuple(bounds), utility)


def _reservation(path: Path, root: ET.Element) -> float:
    found = [e.get("value") for e in root.iter("reservation") if e.get("value") is not None]
    return _number(path, found[-1], "reservation") if found else 0.0


def _discount(root: ET.Element) -> float:
    found = [e.get("value") for e in root.iter("discount_factor") if e.get("value") is not None]
    try:
        factor = float(str(found[-1])) if found else 1.0
    except ValueError:
        return 1.0
    return factor if 0.0 < factor <= 1.0 else 1.0


def _int(path: Path, element: ET.Element, attribute: str, where: str) -> int:
    text = element.get(attribute)
    _check_length(path, text, f"{where}: {attribute}")
    try:
        return int(str(text).strip())
    except ValueError:
        raise _error(path, f"{where}: {attribute}={text!r} is not an integer") from None


def _float(
    path: Path, element: ET.Element, attribute: str, where: str, default: float | None = None
) -> float:
    text = element.get(attribute)
    if text is None and default is not None:
        return default
    return _number(path, text, f"{where}: {attribute}")


def _number(path: Path, text: str | None, where: str) -> float:
    _check_length(path, text, where)
    try:
        value = float(str(text).strip())
    except ValueError:
        raise _error(path, f"{where}: {text!r} is not a number") from None
    if not np.isfinite(value):
        raise _error(path, f"{where}: {text!r} is not a finite number")
    return value


def _check_length(path: Path, text: str | None, where: str) -> None:
    if text is not None and len(text.strip()) > MAX_NUMBER_CHARS:
        raise _error(
            path,
            f"{where}: a number written with {len(text.strip()):,} characters; numbers may have "
            f"at most {MAX_NUMBER_CHARS}",
        )


def _error(path: Path, message: str) -> ScenarioError:
    return ScenarioError(message, Location(str(path)))


@dataclass(frozen=True, slots=True)
class GeniusDomain:
    """What a GENIUS domain and its profiles give: the space, the parties and what to note."""

    space: OutcomeSpace
    parties: tuple[Party, ...]
    discounts: tuple[float, ...]
    """Each profile's ``<discount_factor>`` as GENIUS reads it (1 for none)."""
    notes: tuple[str, ...]
    """What was read differently from how it is written (a repeated value counted once)."""


def read_genius(
    domain: XmlDocument, profiles: Sequence[XmlDocument], real_steps: int
) -> GeniusDomain:
    """Outcome space, parties (ids = profile stems) and discount factors of a GENIUS domain."""
    issues = read_domain(domain, real_steps)
    try:
        space = OutcomeSpace(tuple(issue.issue for issue in issues))
    except ValueError as error:
        raise _error(domain.path, str(error)) from None
    parties, discounts = [], []
    for document in profiles:
        profile = read_profile(document, issues, space)
        parties.append(Party(document.path.stem, profile.utility, reservation=profile.reservation))
        discounts.append(profile.discount)
    notes = tuple(
        f"{domain.path.name}: issue {issue.issue.name!r} lists {value!r} more than once; "
        "counted once, as GENIUS matches values by their text"
        for issue in issues
        for value in issue.repeated
    )
    return GeniusDomain(space, tuple(parties), tuple(discounts), notes)
