"""The report's "model against the record" section: what happened in the case beside the path
the model predicts, with a timeline figure.

It is built from ``analyze``'s ``retrodiction`` (a scenario with a ``record:``;
:func:`detente.analysis.retrodiction.case_json`) and shown only then. With a calibrate
posterior (``report --posterior``; the report's ``posterior`` document) it adds the share of
the calibrated draws under which the model retrodicts the record, and a table of each claim's
share of them with its 95% interval (:func:`detente.experiments.retrodiction.claim_shares`). The section type is
passed in (``make``, ``table``), so this module does not import the section list that lists it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from detente.labels import Labels
from detente.report.data import ReportData
from detente.report.figures import INK, MUTED, PALETTE, FigureSpec, _style
from detente.report.text import plural, share

if TYPE_CHECKING:
    from matplotlib.figure import Figure

S = TypeVar("S")
BROKEN = PALETTE[1]
DONE = PALETTE[2]


def record_section(
    data: ReportData,
    make: Callable[..., S],
    table: Callable[[tuple[str, ...], tuple[tuple[str, ...], ...]], Any],
) -> S | None:
    """The section (made with ``make``, its table with ``table``), or ``None`` without a
    record."""
    analysis = data.analysis or {}
    retro = analysis.get("retrodiction")
    if not retro:
        return None
    labels = Labels.of(analysis)
    record, model = retro["record"], retro["model"]
    sentences = (
        _verdict(retro, labels, analysis.get("scenario")),
        f"In the record {_story(record, labels, past=True)}.",
        _unagreed(retro) or f"On the model's path {_story(model, labels, past=False)}.",
        _trust_sentence(record["trust_records"], retro["date"]),
        _posterior_sentence(data.posterior),
    )
    rows = tuple(
        (
            event["date"],
            labels.party(event["party"]),
            event["did"] + (f" {labels.item(event['item'])}" if event["item"] else ""),
            "" if event["stage"] is None else str(event["stage"]),
            event["source"],
        )
        for event in record["events"]
    )
    events = table(("date", "party", "did", "stage", "source"), rows)
    claims = _claims_table(data.posterior, labels, table)
    alt = (
        "The record's dated events above the model's predicted stages on one time axis; "
        "a cross marks where each says the deal broke."
    )
    draw = partial(timeline, record=record, model=model, date=retro["date"])
    figure = FigureSpec("record", alt, draw, (7.0, 2.6))
    has_dates = bool(record["events"]) or bool(model.get("stage_dates"))
    return make(
        "record",
        "Model against the record",
        tuple(s for s in sentences if s),
        ((events,) if rows else ()) + ((claims,) if claims is not None else ()),
        (figure,) if has_dates else (),
    )


def _posterior_sentence(posterior: Mapping[str, Any] | None) -> str:
    if posterior is None:
        return ""
    return (
        f"Over the {plural(posterior['draws'], 'draw')} calibrated on the cases before "
        f"{posterior['before']}, the model retrodicts the record in "
        f"{share(posterior['share'])} of them"
        + ("; each claim's share of them is in the last table." if posterior["claims"] else ".")
    )


def calibrated(entry: Mapping[str, Any]) -> str:
    """A claim's share of the calibrated draws, in words.

    >>> calibrated({"share": 0.47, "low": 0.24, "high": 0.71, "draws": 19})
    'holds in 47% of the 19 calibrated draws (95% interval 24%–71%)'
    """
    if entry["share"] is None:
        return f"no valid draw of {entry['draws']}"
    return (
        f"holds in {share(entry['share'])} of the {entry['draws']} calibrated draws "
        f"(95% interval {share(entry['low'])}–{share(entry['high'])})"
    )


def _claims_table(
    posterior: Mapping[str, Any] | None,
    labels: Labels,
    table: Callable[[tuple[str, ...], tuple[tuple[str, ...], ...]], Any],
) -> Any:
    if posterior is None or not posterior["claims"]:
        return None
    rows = tuple(
        (
            labels.claim(name),
            "cannot be decided"
            if entry["point"] is None
            else "holds"
            if entry["point"]
            else "does not hold",
            calibrated(entry),
        )
        for name, entry in posterior["claims"].items()
    )
    return table(("claim", "on the point estimate", "over the calibrated draws"), rows)


def _verdict(retro: Mapping[str, Any], labels: Labels, name: str | None) -> str:
    said = "retrodicts" if retro["match"] else "does not retrodict"
    case = name or f"the case of {retro['date']}"
    return (
        f"The model {said} the record of {case}: whether the deal formed, "
        "the stage it broke at and who broke it."
    )


def _unagreed(retro: Mapping[str, Any]) -> str:
    """What the model says of a record that agreed no position, when it finds a deal: a
    ratifiable agreement exists, but no schedule to carry it out by (``""`` otherwise)."""
    record, model = retro["record"], retro["model"]
    if record["agreed"] is not None or not model["formed"] or model["stages"] is not None:
        return ""
    return (
        "On the model's side a ratifiable agreement exists (the model predicts a deal), while "
        "the record has none: no position was agreed, so there is no schedule to carry out."
    )


_PAST = {"form": "formed", "be": "were", "break": "broke", "none": "no deal formed"}
_PRESENT = {"form": "forms", "be": "are", "break": "breaks", "none": "no deal forms"}


def _story(part: Mapping[str, Any], labels: Labels, past: bool) -> str:
    """What a record (``past``) or the model's path says, in a clause."""
    words = _PAST if past else _PRESENT
    if not part["formed"]:
        return words["none"]
    done = f"{plural(part['carried_out'], 'stage')} {words['be']} carried out"
    broken = part["breaks"]
    if broken is None:
        ending = (
            "in full"
            if part["completed"]
            else "and nobody broke it"
            if past
            else "and nobody breaks it"
        )
        return f"the deal {words['form']} and {done} {ending}".replace(
            " out and nobody", " out, and nobody"
        )
    when = f" ({broken['date']})" if broken.get("date") else ""
    return (
        f"the deal {words['form']}, {done}, and {labels.party(broken['party'])} "
        f"{words['break']} it in stage {broken['stage']}{when}"
    )


def _trust_sentence(trust: Mapping[str, Any], date: str) -> str:
    if not trust["used"] and not trust["left_out"]:
        return ""
    left = trust["left_out"]
    return f"The trust beliefs use {plural(trust['used'], 'dated record')} before {date}" + (
        f"; {plural(left, 'later record')} of the common timeline {'is' if left == 1 else 'are'} left out."
        if left
        else "."
    )


def timeline(
    figure: Figure, record: Mapping[str, Any], model: Mapping[str, Any], date: str
) -> None:
    """The record's events (top lane) and the model's stages (bottom lane) on one time axis."""
    ax = figure.add_subplot()
    _style(ax)
    ax.axvline(_day(date), color=MUTED, lw=0.8, ls=":")
    _record_lane(ax, record["events"], record["breaks"])
    _model_lane(ax, model)
    ax.set_yticks([0, 1], ["model", "record"])
    ax.set_ylim(-0.7, 1.9)
    ax.xaxis_date()
    handles, names = ax.get_legend_handles_labels()
    unique = dict(zip(names, handles, strict=True))
    ax.legend(unique.values(), unique.keys(), fontsize=8, frameon=False, ncols=4, loc="upper left")


def _record_lane(ax: Any, events: Sequence[Mapping[str, Any]], broken: Any) -> None:
    for event in events:
        day = _day(event["date"])
        if event["breaks"]:
            ax.plot([day], [1], "X", ms=9, color=BROKEN, label="broke")
        elif event["did"] == "delivered":
            ax.plot([day], [1], "o", ms=6, color=DONE, label="delivered")
        else:
            ax.plot([day], [1], "o", ms=6, mfc="white", color=INK, label="other event")


def _model_lane(ax: Any, model: Mapping[str, Any]) -> None:
    stages = model.get("stage_dates") or []
    broken = model["breaks"]
    for stage in stages:
        start, end = _day(stage["start"]), _day(stage["end"])
        if not model["formed"]:
            colour, label = MUTED, "not reached"
        elif broken is not None and stage["stage"] == broken["stage"]:
            colour, label = BROKEN, "breaks"
        elif stage["stage"] <= model["carried_out"]:
            colour, label = DONE, "carried out"
        else:
            colour, label = MUTED, "not reached"
        ax.barh(
            [0],
            [end - start],
            left=[start],
            height=0.35,
            color=colour,
            alpha=0.55,
            edgecolor="white",
            label=label,
        )
        ax.text(
            start + (end - start) / 2,
            0,
            str(stage["stage"]),
            ha="center",
            va="center",
            fontsize=8,
            color=INK,
        )
    if broken is not None and broken.get("date"):
        ax.plot([_day(broken["date"])], [0], "X", ms=9, color=BROKEN)


def _day(text: str) -> float:
    """A date as matplotlib's day number (the axis shows it as a date)."""
    from matplotlib.dates import date2num  # imported here: slow to import, needed only to draw

    return float(date2num(datetime.date.fromisoformat(text)))  # type: ignore[no-untyped-call]
