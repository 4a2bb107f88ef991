"""``detente threshold`` and ``detente tornado``: what it would take for a claim to flip."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from detente.analysis.labels import labels_of
from detente.cli.common import (
    JsonOpt,
    ScenarioArg,
    SetOpt,
    console,
    emit_json,
    say,
    warn_out_of_range,
)
from detente.cli.tables import Column, print_table
from detente.cli.text import literal
from detente.errors import DetenteError
from detente.experiments import thresholds as th
from detente.experiments.scenario_text import ScenarioText
from detente.labels import Labels
from detente.scenariofile.loader import parse_overrides

ClaimOpt = Annotated[
    str | None, typer.Option("--claim", help="The claim to follow.", show_default=False)
]
FieldOpt = Annotated[
    str | None,
    typer.Option(
        "--field",
        help="A result field to follow instead of a claim (a dotted analyze --json path, "
        "e.g. phasing.agreement.min_stages).",
        show_default=False,
    ),
]
VaryOpt = Annotated[
    list[str],
    typer.Option(
        "--vary",
        help="The parameter to move over its declared range; twice for a two-way map.",
        show_default=False,
    ),
]
GridOpt = Annotated[
    int | None,
    typer.Option(
        "--grid",
        min=2,
        help=f"Grid points over the range (default {th.DEFAULT_GRID}; a two-way map: "
        f"{th.DEFAULT_MAP_GRID} per parameter). A finer grid finds crossings closer together.",
        show_default=False,
    ),
]
ToleranceOpt = Annotated[
    float | None,
    typer.Option(
        "--tolerance",
        help="Width of the final bisection bracket (default: 1/1000 of the range).",
        show_default=False,
    ),
]
LevelOpt = Annotated[
    float | None,
    typer.Option(
        "--level",
        help="For a real-valued --field: also find where it crosses this level.",
        show_default=False,
    ),
]
WorkersOpt = Annotated[
    int,
    typer.Option("--workers", min=1, help="Analyse grid points in this many local processes."),
]


def threshold(
    scenario: ScenarioArg,
    vary: VaryOpt,
    claim: ClaimOpt = None,
    field: FieldOpt = None,
    set_: SetOpt = None,
    grid: GridOpt = None,
    tolerance: ToleranceOpt = None,
    level: LevelOpt = None,
    workers: WorkersOpt = 1,
    json_: JsonOpt = False,
) -> None:
    """Where a claim (or a result field) changes as a parameter moves over its declared range."""
    if (claim is None) == (field is None):
        raise DetenteError("give one of --claim NAME or --field NAME (e.g. --claim deal_exists)")
    if not 1 <= len(vary) <= 2:
        raise DetenteError("give --vary PARAM once (thresholds) or twice (a two-way map)")
    if level is not None and (field is None or len(vary) == 2):
        raise DetenteError("--level applies to a real-valued --field with one --vary")
    evaluations, text = _evaluations(scenario, set_, workers)
    target = _target(evaluations, text, claim, field)
    records = evaluations.records
    chosen = [th.ranged(records, name, text.file) for name in vary]
    for name in set(vary) & evaluations.fixed:
        raise DetenteError(f"--vary {name} and --set {name}=...: a parameter is varied or set")
    with _progress(evaluations, not json_):
        if len(chosen) == 2 and any(th.choice_labels(r) for r in chosen):
            raise DetenteError(
                "a two-way map needs two numeric parameters; vary a categorical one alone"
            )
        if len(chosen) == 2:
            size = grid or th.DEFAULT_MAP_GRID
            first, second = (th.OneWay.of(r, size, tolerance) for r in chosen)
            document = th.two_way(evaluations, target, first, second)
        elif th.choice_labels(chosen[0]):
            document = th.categorical(evaluations, target, chosen[0])
        else:
            search = th.OneWay.of(chosen[0], grid or th.DEFAULT_GRID, tolerance)
            document = th.threshold(evaluations, target, search, level)
    document.update(evaluations=evaluations.count, invalid=evaluations.invalid)
    labels = labels_of(text.build({}))
    if json_:
        emit_json(document)
    elif "holds" in document or ("values" in document and "rows" in document):
        _print_map(document, labels)
    else:
        _print_threshold(document, labels)
    if not json_:
        _timing(evaluations)


def tornado(
    scenario: ScenarioArg,
    claim: Annotated[
        list[str] | None,
        typer.Option("--claim", help="A claim to show (repeatable; default: every claim)."),
    ] = None,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            help="A numeric result field to show (repeatable; default: each position's and the "
            "agreement's min_stages and each party's utility of the agreement).",
        ),
    ] = None,
    set_: SetOpt = None,
    workers: WorkersOpt = 1,
    json_: JsonOpt = False,
) -> None:
    """Each drawn parameter at the ends of its range (a categorical one at each label), the others
    at the point estimate."""
    evaluations, text = _evaluations(scenario, set_, workers)
    example = _point_results(evaluations, text)
    claims = (
        text.claims
        if not claim
        else [th.claim_target(text.claims, n, text.file).claim for n in claim]
    )
    names = field if field else th.default_fields(example)
    targets = [th.field_target(name, example) for name in names]
    if not th.swung_parameters(text):
        raise DetenteError(
            f"{text.file}: no parameter has a range or choices to swing (give one, e.g. "
            "parameters: {delta: {value: 0.9, range: [0.8, 0.99]}}; --set fixes a parameter)"
        )
    with _progress(evaluations, not json_):
        document = th.tornado(evaluations, [th.ClaimTarget(c) for c in claims], targets)
    document.update(evaluations=evaluations.count, invalid=evaluations.invalid)
    if json_:
        emit_json(document)
        return
    _print_tornado(document, labels_of(text.build({})))
    _timing(evaluations)


# --------------------------------------------------------------------------- loading


def _evaluations(
    scenario: Path, sets: list[str] | None, workers: int
) -> tuple[th.Evaluations, ScenarioText]:
    overrides = parse_overrides(sets or [])
    text = ScenarioText.read(scenario, overrides)
    warn_out_of_range(text.build({}), overrides)
    return th.Evaluations(text, workers), text


def _point_results(evaluations: th.Evaluations, text: ScenarioText) -> th.Results:
    from detente.analysis import analyze

    results = evaluations.at({})
    return results if results is not None else analyze(text.build({}))  # raises the reason


def _target(
    evaluations: th.Evaluations, text: ScenarioText, claim: str | None, field: str | None
) -> th.Target:
    if claim is not None:
        return th.claim_target(text.claims, claim, text.file)
    return th.field_target(str(field), _point_results(evaluations, text))


@contextlib.contextmanager
def _progress(evaluations: th.Evaluations, show: bool) -> Iterator[None]:
    """A bar on a terminal's stderr: analyses done out of those planned so far."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    err = Console(stderr=True)
    columns = (TextColumn("analyses"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, disable=not (show and err.is_terminal)) as bar:
        task = bar.add_task("analyses", total=None)

        def tell(done: int, planned: int) -> None:
            bar.update(task, completed=done, total=planned)

        evaluations.progress = tell
        try:
            yield
        finally:
            evaluations.progress = lambda done, planned: None


def _timing(evaluations: th.Evaluations) -> None:
    if evaluations.invalid:
        say(
            f"warning: {evaluations.invalid} of {evaluations.count} points make no valid "
            "scenario; there a claim counts as not holding and a field as null"
        )
    if evaluations.count:
        each = evaluations.seconds / evaluations.count
        say(
            f"{evaluations.count} analyses in {evaluations.seconds:.1f} s "
            f"({1000 * each:.0f} ms each, {evaluations.workers} worker"
            f"{'s' if evaluations.workers > 1 else ''})"
        )


# --------------------------------------------------------------------------- text output


def _g(x: float) -> str:
    return f"{x:.4g}"


def _shown(value: Any, claim: bool) -> str:
    if claim:
        return "holds" if value else "does not hold"
    if isinstance(value, float):
        return _g(value)
    return "null" if value is None else str(value)


def _print_threshold(document: Mapping[str, Any], labels: Labels) -> None:
    is_claim = "claim" in document
    name = labels.claim(document["claim"]) if is_claim else document["field"]
    parameter = labels.parameter(document["parameter"])
    if "labels" in document:
        console.print(literal(f"{name} at each choice of {parameter}:"))
        for label, value in document["values"].items():
            console.print(literal(f"  {parameter} = {label}: {_shown(value, is_claim)}"))
        return
    low, high = document["range"]
    at = document["at"]
    step = (high - low) / max(document["grid"] - 1, 1)
    console.print(
        literal(
            f"{'claim' if is_claim else 'field'} {name} as {parameter} moves over [{_g(low)}, "
            f"{_g(high)}] (point estimate {_g(at)}: {_shown(document['point'], is_claim)})"
        )
    )
    for x, value in document.get("profile", []):
        console.print(literal(f"  {parameter} = {_g(x)}: {_shown(value, False)}"))
    if "profile" in document and "level" not in document:
        console.print("  (a real-valued field: give --level L to find where it crosses L)")
        return
    found = document["crossings"]
    if not found:
        level = f" >= {_g(document['level'])}" if "level" in document else ""
        console.print(literal(f"  no crossing: {name}{level} does not change over the grid"))
    for c in found:
        console.print(
            literal(
                f"  crossing at {parameter} = {_g(c['value'])}: {_shown(c['below'], is_claim)} "
                f"below, {_shown(c['above'], is_claim)} above"
            )
        )
    if document["integer"]:
        precision = "an integer parameter: each crossing is the first whole number on its far side"
    else:
        precision = f"each crossing within ±{_g(document['tolerance'] / 2)}"
    console.print(
        literal(
            f"{document['grid']}-point grid, spacing {_g(step)}; {precision}. Two crossings closer "
            f"together than the grid spacing can be missed: raise --grid to look closer."
        )
    )


MAP_SYMBOLS = {True: "#", False: ".", None: " "}


def _print_map(document: Mapping[str, Any], labels: Labels) -> None:
    first_id, second_id = document["parameters"]
    xs, ys = document["grid"][first_id], document["grid"][second_id]
    first, second = labels.parameter(first_id), labels.parameter(second_id)
    table = document.get("holds") or document["values"]
    is_claim = "holds" in document
    name = labels.claim(document["claim"]) if is_claim else document["field"]
    symbols = _map_symbols(table, is_claim)
    console.print(
        literal(f"{name}: rows {second} (high at the top), columns {first} (low to high)")
    )
    width = max(len(_g(y)) for y in ys)
    for y, row in reversed(list(zip(ys, table, strict=True))):
        console.print(literal(f"  {_g(y):>{width}} | {' '.join(symbols[_key(v)] for v in row)}"))
    console.print(literal(f"  {'':>{width}} +-{'--' * len(xs)}"))
    console.print(literal(f"  {first}: {_g(xs[0])} … {_g(xs[-1])} ({len(xs)} columns)"))
    legend = ", ".join(f"{s} {_shown(v, is_claim)}" for v, s in symbols.items())
    console.print(literal(f"  legend: {legend}"))


def _key(value: Any) -> Any:
    return repr(value) if isinstance(value, list | dict) else value


def _map_symbols(table: Sequence[Sequence[Any]], is_claim: bool) -> dict[Any, str]:
    if is_claim:
        return {True: "#", False: "."}
    values = list(dict.fromkeys(_key(v) for row in table for v in row))
    letters = "0123456789abcdefghijklmnopqrstuvwxyz"
    if all(
        isinstance(v, int | float)
        and not isinstance(v, bool)
        and float(v).is_integer()
        and 0 <= v <= 9
        for v in values
    ):
        return {v: str(int(v)) for v in values}
    return {v: ("-" if v is None else letters[i % len(letters)]) for i, v in enumerate(values)}


def _print_tornado(document: Mapping[str, Any], labels: Labels) -> None:
    rows = document["parameters"]
    flipping = [r for r in rows if r["flips"]]
    console.print(
        literal(
            f"{len(rows)} parameters swung to the ends of their ranges (a categorical one to "
            f"each label); {len(flipping)} flip at least one claim"
        )
    )
    for row in flipping:
        parts = []
        for claim in row["flips"]:
            point = row["claims"][claim]["point"]
            if "labels" in row:
                changed = [k for k, v in row["labels"].items() if v["claims"][claim] != point]
                parts.append(f"{labels.claim(claim)} ({' and '.join(changed)})")
                continue
            v = row["claims"][claim]
            ends = [e for e in ("low", "high") if v[e] != v["point"]]
            parts.append(
                f"{labels.claim(claim)} ({' and '.join(f'{e} {_g(row[e])}' for e in ends)})"
            )
        console.print(literal(f"  {labels.parameter(row['name'])}: flips {', '.join(parts)}"))
    for name in document["fields"]:
        _print_swings(name, rows, labels)


def _print_swings(name: str, rows: Sequence[Mapping[str, Any]], labels: Labels) -> None:
    """One result field's table: each parameter that moves it, its values at the ends of the
    range (at each label, for a categorical one) and the swing, largest first."""
    ranked = sorted(rows, key=lambda r: -(r["fields"][name]["swing"] or 0.0))
    moving = [r for r in ranked if r["fields"][name]["swing"]]
    point = rows[0]["fields"][name]["point"] if rows else None
    title = f"{name} (point estimate {_shown(point, False)})"
    if not moving:
        console.print(literal(f"{title}: no parameter moves it at the ends of its range"))
        return
    table = []
    for r in moving:
        f = r["fields"][name]
        if "labels" in r:
            ends = "; ".join(
                f"{k} {_shown(v['fields'][name], False)}" for k, v in r["labels"].items()
            )
            table.append([labels.parameter(r["name"]), ends, "", _g(f["swing"])])
            continue
        table.append(
            [
                labels.parameter(r["name"]),
                _shown(f["low"], False),
                _shown(f["high"], False),
                _g(f["swing"]),
            ]
        )
    columns = [
        Column("parameter"),
        *(Column(c, "right") for c in ("low (or each label)", "high", "swing")),
    ]
    print_table(console, title, columns, table)
