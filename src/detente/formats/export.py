"""Writing a scenario as GENIUS XML or GeniusWeb JSON files.

The files load back (in detente, and in GENIUS/GeniusWeb) to the same
utilities. GENIUS normalises each discrete issue by its largest evaluation, so
an issue's table ``t`` with weight ``w`` is written as evaluations ``t / max t``
and weight ``w · max t``. An integer or real issue is written with GENIUS's
linear evaluator when every party's table is one (clamped to [0, 1]);
otherwise it becomes a discrete issue listing its values. What GENIUS cannot
express is refused with the reason: an offset, negative evaluations, a
utility above 1 (GENIUS caps at 1), tables or constraints. GeniusWeb takes
linear additive utilities as they are; its reservation is a bid, so the
reservation value is written as the bid whose utility equals it (a warning
is returned when no outcome has exactly that utility).

The files are written into a temporary folder and moved into place together, so
an interrupted or failed export (a full disk) leaves nothing partial behind. An
existing folder is written into only when it holds nothing but files of the
names the export writes; a missing parent folder is an error, never created.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from detente.errors import DetenteError
from detente.files import write_folder
from detente.formats import geniusweb
from detente.outcomes import Issue, OutcomeSpace, Value
from detente.parties import Party
from detente.scenario import Scenario
from detente.utility import Capped, HyperRectangles, LinearAdditive, Utility, evaluate_all

ExportFormat = Literal["genius", "geniusweb"]
_EXACT = 1e-12


@dataclass(frozen=True, slots=True)
class _IssueForm:
    """How one issue is written: GENIUS kind, and for linear ones the per-party (slope, offset)."""

    kind: Literal["discrete", "integer", "real"]
    lines: tuple[tuple[float, float], ...] = ()


def export_domain(scenario: Scenario, fmt: ExportFormat, out_dir: str | Path) -> tuple[str, ...]:
    """Write ``scenario`` as a GENIUS or GeniusWeb domain into ``out_dir``; return warnings.

    >>> import tempfile, pathlib
    >>> from detente.formats.domain import load_domain
    >>> from detente.outcomes import Issue
    >>> space = OutcomeSpace((Issue("deal", ("small", "big")),))
    >>> parties = tuple(Party(i, LinearAdditive((1.0,), (t,))) for i, t in
    ...                 (("a", (1.0, 0.5)), ("b", (0.2, 1.0))))
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> export_domain(Scenario("demo", space, parties), "genius", out)
    ()
    >>> load_domain(out).utility_matrix().tolist()
    [[1.0, 0.2], [0.5, 1.0]]
    """
    if fmt == "genius":
        texts, warnings = _genius_files(scenario)
    elif fmt == "geniusweb":
        texts, warnings = _geniusweb_files(scenario)
    else:
        raise DetenteError(f"unknown export format {fmt!r}; use genius or geniusweb")
    files = {name: text.encode("utf-8") for name, text in texts.items()}
    write_folder(Path(out_dir), files)
    return warnings


def _domain_stem(scenario: Scenario) -> str:
    stem = f"{_safe(scenario.name) or 'domain'}_domain"
    while stem in scenario.party_ids:
        stem = "_" + stem
    return stem


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def _discounts(scenario: Scenario) -> tuple[float, ...]:
    origin = scenario.origin
    if origin is not None and len(origin.discount_factors) == len(scenario.parties):
        return origin.discount_factors
    return tuple(1.0 for _ in scenario.parties)


# --- GENIUS ---------------------------------------------------------------------------------


def _genius_files(scenario: Scenario) -> tuple[dict[str, str], tuple[str, ...]]:
    space = scenario.space
    utilities = [_genius_utility(party) for party in scenario.parties]
    linear = [u for u in utilities if isinstance(u, LinearAdditive)]
    forms = tuple(_issue_form(space, i, linear) for i in range(len(space.issues)))
    template = ET.Element("negotiation_template")
    template.append(_space_element(space, forms, None, None))
    texts = {f"{_domain_stem(scenario)}.xml": _xml(template)}
    for k, (party, utility) in enumerate(zip(scenario.parties, utilities, strict=True)):
        discount = _discounts(scenario)[k]
        if isinstance(utility, HyperRectangles):
            root = _rectangles_element(space, utility)
        else:
            root = _space_element(space, forms, utility, linear.index(utility))
        ET.SubElement(root, "discount_factor", value=repr(float(discount)))
        ET.SubElement(root, "reservation", value=repr(float(party.reservation)))
        texts[f"{_safe(party.id)}.xml"] = _xml(root)
    return texts, ()


def _genius_utility(party: Party) -> LinearAdditive | HyperRectangles:
    utility: Utility = party.utility
    capped = isinstance(utility, Capped) and utility.ceiling == 1.0
    if isinstance(utility, Capped) and capped:
        utility = utility.base
    if isinstance(utility, HyperRectangles) and utility.ceiling == 1.0:
        return utility
    if not isinstance(utility, LinearAdditive):
        raise _refuse(
            party,
            f"its utility is a {type(utility).__name__}; GENIUS takes "
            "linear additive or hyper-rectangle utilities",
        )
    if utility.offset != 0.0:
        raise _refuse(party, f"its utility has an offset ({utility.offset}), which GENIUS lacks")
    if any(min(t) < 0 for t, w in zip(utility.tables, utility.weights, strict=True) if w != 0):
        raise _refuse(party, "a value table has negative entries; GENIUS evaluations are >= 0")
    if any(w < 0 for w in utility.weights):
        raise _refuse(party, "an issue weight is negative")
    best = sum(w * max(t) for w, t in zip(utility.weights, utility.tables, strict=True))
    if best > 1.0 + _EXACT and not capped:
        raise _refuse(
            party,
            f"its utility reaches {best:.6g} and GENIUS caps utilities at 1 "
            "(rescale the utility to at most 1 first)",
        )
    return utility


def _refuse(party: Party, reason: str) -> DetenteError:
    return DetenteError(f"cannot export party {party.id!r} exactly: {reason}")


def _normalised(weight: float, table: Sequence[float]) -> tuple[float, tuple[float, ...]]:
    top = max(table)
    if weight == 0.0 or top <= 0.0:
        return 0.0, tuple(0.0 for _ in table)
    return weight * top, tuple(t / top for t in table)


def _issue_form(space: OutcomeSpace, position: int, linear: Sequence[LinearAdditive]) -> _IssueForm:
    issue = space.issues[position]
    if issue.kind not in ("integer", "item", "real"):
        return _IssueForm("discrete")
    x = np.asarray(issue.values, dtype=np.float64)
    origin = x - x[0] if issue.kind != "real" else x
    lines = []
    for utility in linear:
        _, table = _normalised(utility.weights[position], utility.tables[position])
        line = _fit_clamped_line(origin, np.asarray(table))
        if line is None:
            return _IssueForm("discrete")
        lines.append(line)
    return _IssueForm("real" if issue.kind == "real" else "integer", tuple(lines))


def _fit_clamped_line(x: np.ndarray, table: np.ndarray) -> tuple[float, float] | None:
    """``(slope, offset)`` with ``clip(slope·x + offset, 0, 1) == table``, if one exists."""
    inner = np.flatnonzero((table > 0.0) & (table < 1.0))
    if len(inner) >= 2:
        i, j = inner[0], inner[-1]
        slope = float((table[j] - table[i]) / (x[j] - x[i]))
        offset = float(table[i] - slope * x[i])
    elif np.all(table == table[0]):
        slope, offset = 0.0, float(table[0])
    else:
        return None
    fitted = np.clip(slope * x + offset, 0.0, 1.0)
    return (slope, offset) if np.allclose(fitted, table, rtol=0.0, atol=_EXACT) else None


def _space_element(
    space: OutcomeSpace,
    forms: Sequence[_IssueForm],
    utility: LinearAdditive | None,
    linear_position: int | None,
) -> ET.Element:
    root = ET.Element("utility_space", number_of_issues=str(len(space.issues)))
    objective = ET.SubElement(
        root, "objective", index="0", name="root", type="objective", etype="objective"
    )
    for position, (issue, form) in enumerate(zip(space.issues, forms, strict=True)):
        element = _issue_element(objective, position + 1, issue, form)
        if utility is None or linear_position is None:
            continue
        weight, table = _normalised(utility.weights[position], utility.tables[position])
        if form.kind == "discrete":
            for item, value in zip(element.findall("item"), table, strict=True):
                item.set("evaluation", repr(float(value)))
        else:
            slope, offset = form.lines[linear_position]
            _evaluator(element, form.kind, slope, offset)
        ET.SubElement(objective, "weight", index=str(position + 1), value=repr(float(weight)))
    return root


def _issue_element(parent: ET.Element, index: int, issue: Issue, form: _IssueForm) -> ET.Element:
    kind = form.kind
    element = ET.SubElement(
        parent, "issue", index=str(index), name=issue.name, type=kind, etype=kind, vtype=kind
    )
    if kind == "integer":
        element.set("lowerbound", str(int(issue.values[0])))
        element.set("upperbound", str(int(issue.values[-1])))
    elif kind == "real":
        ET.SubElement(
            element,
            "range",
            lowerbound=repr(float(issue.values[0])),
            upperbound=repr(float(issue.values[-1])),
        )
    else:
        for k, value in enumerate(issue.values):
            ET.SubElement(element, "item", index=str(k + 1), value=_text(value))
    return element


def _evaluator(element: ET.Element, kind: str, slope: float, offset: float) -> None:
    if kind == "integer":
        ET.SubElement(element, "evaluator", ftype="linear", slope=repr(slope), offset=repr(offset))
    else:
        ET.SubElement(
            element, "evaluator", ftype="linear", parameter0=repr(offset), parameter1=repr(slope)
        )


def _text(value: Value) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def _rectangles_element(space: OutcomeSpace, utility: HyperRectangles) -> ET.Element:
    if any(issue.kind not in ("integer", "item") for issue in space.issues):
        raise DetenteError("cannot export hyper-rectangles over non-integer issues to GENIUS")
    root = ET.Element("utility_space", type="nonlinear")
    objective = ET.SubElement(
        root, "objective", index="0", name="root", type="objective", etype="objective"
    )
    for position, issue in enumerate(space.issues):
        _issue_element(objective, position + 1, issue, _IssueForm("integer"))
    holder = ET.SubElement(objective, "utility", maxutility=repr(float(utility.scale)))
    ufun = ET.SubElement(holder, "ufun", type="PlainUfun", weight="1", aggregation="sum")
    for box in utility.boxes:
        element = ET.SubElement(ufun, "hyperRectangle", utility=repr(float(box.utility)))
        for position, low, high in box.bounds:
            values = space.issues[position].values
            ET.SubElement(
                element,
                "INCLUDES",
                index=str(position + 1),
                min=str(values[low]),
                max=str(values[high]),
            )
    return root


def _xml(root: ET.Element) -> str:
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# --- GeniusWeb ------------------------------------------------------------------------------


def _geniusweb_files(scenario: Scenario) -> tuple[dict[str, str], tuple[str, ...]]:
    space, warnings = scenario.space, []
    stem = _domain_stem(scenario)
    texts = {f"{stem}.json": geniusweb.dumps(geniusweb.domain_document(space, scenario.name))}
    for party in scenario.parties:
        utility = _geniusweb_utility(party)
        bid, warning = _reservation_bid(space, party, utility)
        if warning:
            warnings.append(warning)
        document = geniusweb.profile_document(
            party, space, scenario.name, utility.weights, utility.tables, bid
        )
        texts[f"{_safe(party.id)}.json"] = geniusweb.dumps(document)
    return texts, tuple(warnings)


def _geniusweb_utility(party: Party) -> LinearAdditive:
    utility = party.utility
    if isinstance(utility, Capped) and isinstance(utility.base, LinearAdditive):
        base = utility.base
        top = sum(
            w * max(t) if w > 0 else w * min(t)
            for w, t in zip(base.weights, base.tables, strict=True)
        )
        if top <= utility.ceiling:
            utility = base
    if not isinstance(utility, LinearAdditive):
        raise _refuse(
            party,
            f"its utility is a {type(utility).__name__}; GeniusWeb takes "
            "linear additive utilities only",
        )
    if utility.offset != 0.0:
        raise _refuse(party, f"its utility has an offset ({utility.offset}), which GeniusWeb lacks")
    return utility


def _reservation_bid(
    space: OutcomeSpace, party: Party, utility: LinearAdditive
) -> tuple[dict[str, Value] | None, str | None]:
    if party.reservation == 0.0:
        return None, None
    if space.size > 2_000_000:
        return (
            None,
            f"{party.id}: reservation {party.reservation} not written (space too large to search for a bid)",
        )
    values = evaluate_all(utility, space)
    best = int(np.argmin(np.abs(values - party.reservation)))
    bid: dict[str, Value] = {k: _text(v) for k, v in space.to_dict(best).items()}
    if abs(values[best] - party.reservation) > _EXACT:
        return bid, (
            f"{party.id}: no outcome has utility {party.reservation}; wrote the reservation bid "
            f"with the nearest utility {values[best]:.6g}"
        )
    return bid, None
