"""``detente retrodict`` and ``detente calibrate``: the model against the record of a case
library, and rejection calibration of its shared parameters on the early cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from detente.analysis.labels import labels_doc
from detente.cli.common import JsonOpt, console, emit_json, say
from detente.cli.sweep import WorkersOpt
from detente.cli.tables import Column, print_table
from detente.cli.text import literal
from detente.errors import DetenteError
from detente.experiments import retrodiction as rd
from detente.experiments.executors import open_executor
from detente.experiments.progress import progress_bar
from detente.experiments.runner import worker_count
from detente.files import write_text_atomically
from detente.labels import Labels

CasesArg = Annotated[
    Path,
    typer.Argument(
        help="A case file (with date: and record:), or a folder of them (a case library).",
        show_default=False,
    ),
]
ToleranceOpt = Annotated[
    int,
    typer.Option(
        "--tolerance",
        min=0,
        help="Stages by which the model's break may miss the record's and still match.",
    ),
]


def retrodict(
    cases: CasesArg,
    sweep: Annotated[
        Path | None,
        typer.Option(
            "--sweep",
            help="A sweep's results folder (of a case file), or a folder of them named like the "
            "case files: the share of its draws whose path matches the record.",
            show_default=False,
        ),
    ] = None,
    posterior: Annotated[
        Path | None,
        typer.Option(
            "--posterior",
            help="A calibrate posterior: score the cases dated on or after its --before date "
            "with its draws, against the prior draws and the first-costly-step baseline.",
            show_default=False,
        ),
    ] = None,
    tolerance: ToleranceOpt = 0,
    workers: WorkersOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Line each case's predicted path up against its record: did the deal form, which stages
    were carried out, where it broke, by whom and when; one table per case, one row per case
    for a folder."""
    if sweep is not None and posterior is not None:
        raise DetenteError("give either --sweep or --posterior, not both")
    loaded = rd.load_cases(cases)
    extra: dict[str, Any] = {}
    if posterior is not None:
        document = rd.read_posterior(posterior)
        _, late = rd.before(loaded, str(document["before"]))
        total = len(late) * (
            len(document["samples"]) + max(len(document["samples"]), rd.PRIOR_DRAWS)
        )
        with (
            open_executor(worker_count(workers, say)) as executor,
            progress_bar("retrodict", total, 0, "draws") as advance,
        ):
            documents, hit_rate, baselines = rd.score(loaded, document, executor, advance)
        extra = {"hit_rate": hit_rate, "baselines": baselines}
    else:
        documents = [
            rd.case_document(case, tolerance, *_share(case, sweep, cases.is_dir(), tolerance))
            for case in loaded
        ]
    if json_:
        emit_json({"cases": documents, **extra})
        return
    by_name = {case.name: case for case in loaded}
    if len(documents) == 1 and not cases.is_dir():
        _render_case(documents[0], by_name[documents[0]["case"]])
    else:
        _render_rows(documents, by_name)
    if extra:
        console.print(
            literal(
                f"hit rate {_pct(extra['hit_rate'])} over {len(documents)} "
                f"case{'' if len(documents) == 1 else 's'}; baselines: prior draws {_pct(baselines['prior'])}, every deal breaking at its first "
                f"costly step {_pct(baselines['first_costly_step'])}"
            )
        )
    _render_claims(documents, by_name)


def _share(
    case: rd.Case, sweep: Path | None, folder: bool, tolerance: int
) -> tuple[float | None, dict[str, dict[str, Any]] | None]:
    if sweep is None:
        return None, None
    directory = sweep / Path(case.path).stem if folder else sweep
    if folder and not directory.is_dir():
        return None, None
    return rd.sweep_share(case, directory, tolerance)


def _render_claims(documents: list[dict[str, Any]], cases: dict[str, rd.Case]) -> None:
    """A short table per case with claims over draws: each claim's share of the draws."""
    for document in documents:
        claims = document.get("claims")
        if not claims:
            continue
        labels = _labels(cases[document["case"]])
        draws = next(iter(claims.values()))["draws"]
        rows = [
            (
                labels.claim(name),
                "—" if entry["point"] is None else "holds" if entry["point"] else "fails",
                _pct(entry["share"]),
                "—" if entry["low"] is None else f"{_pct(entry['low'])}–{_pct(entry['high'])}",
            )
            for name, entry in claims.items()
        ]
        print_table(
            console,
            f"{document['case']}: claims over {draws} draw{'' if draws == 1 else 's'}",
            (
                "claim",
                "point estimate",
                Column("share of draws", "right"),
                Column("95% interval", "right"),
            ),
            rows,
        )


def _pct(x: float | None) -> str:
    return "—" if x is None or x != x else f"{100 * x:.0f}%"


def _formed(part: dict[str, Any]) -> str:
    return "formed" if part["formed"] else "no deal"


def _unscheduled(part: dict[str, Any]) -> bool:
    """Whether the model's deal has no schedule: the record agreed no position, and the model
    finds a ratifiable agreement (it predicts a deal, but no path)."""
    return bool(part["formed"]) and "stages" in part and part["stages"] is None


def _broke(part: dict[str, Any], labels: Labels) -> str:
    if not part["formed"] or _unscheduled(part):
        return "—"
    broken = part["breaks"]
    if broken is None:
        return "completed" if part["completed"] else "not broken"
    when = f", {broken['date']}" if broken.get("date") else ""
    return f"stage {broken['stage']} by {labels.party(broken['party'])}{when}"


def _labels(case: rd.Case) -> Labels:
    return Labels.of({"labels": labels_doc(case.scenario)})


def _render_case(document: dict[str, Any], case: rd.Case) -> None:
    labels = _labels(case)
    record, model = document["record"], document["model"]
    agreed = f" ({labels.position(record['agreed'])})" if record["agreed"] else ""
    print_table(
        console,
        f"{document['case']} ({document['date']}): model against the record",
        ("", "record", "model"),
        [
            (
                "deal",
                _formed(record) + agreed,
                "a ratifiable agreement exists" if _unscheduled(model) else _formed(model),
            ),
            (
                "stages carried out",
                str(record["carried_out"]),
                "— (no agreed position to schedule)"
                if _unscheduled(model)
                else str(model["carried_out"])
                + (f" of {model['stages']}" if model["stages"] else ""),
            ),
            ("breaks", _broke(record, labels), _broke(model, labels)),
        ],
    )
    trust = record["trust_records"]
    shown = "" if document["share"] is None else f"; {_pct(document['share'])} of draws match"
    console.print(
        literal(
            f"{'match' if document['match'] else 'no match'}{shown}; trust records used "
            f"{trust['used']}, left out (dated on or after {document['date']}) {trust['left_out']}"
        )
    )
    for event in record["events"]:
        what = event["did"] + (f" {labels.item(event['item'])}" if event["item"] else "")
        stage = f" (stage {event['stage']})" if event["stage"] else ""
        console.print(literal(f"  {event['date']}  {labels.party(event['party'])} {what}{stage}"))


def _render_rows(documents: list[dict[str, Any]], cases: dict[str, rd.Case]) -> None:
    rows = []
    for d in documents:
        labels = _labels(cases[d["case"]])
        rows.append(
            (
                d["case"],
                d["date"],
                _summary(d["record"], labels),
                _summary(d["model"], labels),
                "yes" if d["match"] else "no",
                _pct(d["share"]),
            )
        )
    print_table(
        console,
        "model against the record",
        (
            Column("case", whole=True),
            "date",
            "record",
            "model",
            "match",
            Column("share", "right"),
        ),
        rows,
    )


def _summary(part: dict[str, Any], labels: Labels) -> str:
    if _unscheduled(part):
        return "ratifiable agreement"
    return _formed(part) if not part["formed"] else _broke(part, labels)


def calibrate(
    cases: Annotated[Path, typer.Argument(help="A case library: a folder of case files.")],
    before: Annotated[
        str,
        typer.Option(
            "--before", help="Calibrate on the cases dated before this date (YYYY[-MM[-DD]])."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="The posterior file to write (JSON).")],
    draws: Annotated[int, typer.Option("--draws", min=1, help="Prior draws to try.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the draws.")] = 0,
    tolerance: ToleranceOpt = 0,
    workers: WorkersOpt = None,
) -> None:
    """Keep the draws of the shared parameters under which the model retrodicts every case
    dated before --before (approximate Bayesian computation by rejection); write them to --out."""
    if not cases.is_dir():
        raise DetenteError(f"{cases}: give the folder of a case library")
    date = rd.parse_date(before)
    loaded = rd.load_cases(cases)
    with (
        open_executor(worker_count(workers, say)) as executor,
        progress_bar("calibrate", draws, 0, "draws") as advance,
    ):
        posterior = rd.calibrate(loaded, date, draws, seed, tolerance, executor, advance)
    write_text_atomically(out, json.dumps(posterior, indent=1) + "\n")
    say(
        f"calibrate: {posterior['accepted']} of {draws} draws accepted "
        f"({_pct(posterior['acceptance_rate'])}) on {len(posterior['cases'])} cases before "
        f"{date}; wrote {out}"
    )
    warning = rd.few_accepted(posterior)
    if warning is not None:
        say(warning)
