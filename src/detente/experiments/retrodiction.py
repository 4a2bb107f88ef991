"""Retrodiction and calibration over a case library (``detente retrodict``, ``detente calibrate``).

A library is a folder of case files (each with a ``date:`` and a ``record:``) that include a
common file. :func:`retrodict` lines each case's model up against its record, with the share
of draws that match it (:mod:`detente.analysis.retrodiction` states the match rule);
:func:`calibrate` keeps, by rejection (approximate Bayesian computation [Beaumont2002]), the draws of the
shared parameters under which every case dated before a date is retrodicted;
:func:`score` scores the later cases with those draws against two baselines.

**Claims over the draws.** A case's claims are evaluated under each draw too (the analysis
``analyze`` runs, :func:`claims_at`); :func:`claim_shares` gives each claim's share of the
valid draws (those whose analysis succeeds) with its exact 95% interval, as ``summarize``
gives it (:func:`~detente.experiments.summary.share_interval`), beside its truth at the point
estimate: a claim states a finding, and its share over the calibrated draws is what is shown.

**Draws.** A draw gives each *shared* parameter (one declared in an included file) one
value, drawn from its prior (its range and distribution), used in every case; each case's
own parameters are drawn from their own ranges, independently per case. Draw ``i`` uses the
generator ``numpy.random.default_rng([seed, i])``, so results do not depend on the workers.
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from detente.analysis.pipeline import run
from detente.analysis.retrodiction import case_json, first_costly_step, matches, predict
from detente.errors import DetenteError
from detente.experiments.draws import Choice, Drawn
from detente.experiments.executors import Executor
from detente.experiments.scenario_text import ScenarioText
from detente.experiments.summary import share_interval
from detente.scenario import ParameterValue, Scenario
from detente.scenariofile.loader import sections

CHUNK = 25
"""Draws per task given to a worker."""
FEW_ACCEPTED = 20
"""Fewer accepted draws than this earn a warning."""
PRIOR_DRAWS = 100
"""Least number of prior draws the prior baseline uses."""


@dataclass(frozen=True, slots=True)
class Case:
    """A case of the library: its file's content and the scenario at the point estimate."""

    path: str
    text: ScenarioText
    scenario: Scenario

    @property
    def name(self) -> str:
        """The case's name: its file's name without ``.yaml``."""
        return Path(self.path).stem

    @property
    def date(self) -> str:
        """The case's ``date:`` (YYYY-MM-DD); every case of a library has one."""
        assert self.scenario.date is not None
        return self.scenario.date

    def shared(self) -> frozenset[str]:
        """The parameters declared in the files the case includes."""
        return self.text.shared() & frozenset(self.scenario.parameter_records)


def case_files(path: Path) -> list[Path]:
    """The case files at ``path``: the file itself, or a folder's ``*.yaml`` files with a
    ``record:`` (after their includes; a common file without one is not a case)."""
    if not path.is_dir():
        return [path]
    found = [f for f in sorted(path.glob("*.yaml")) if "record" in sections(f)]
    if not found:
        raise DetenteError(f"{path}: no case file (a *.yaml file with a record: section) in it")
    return found


def load_cases(path: Path) -> list[Case]:
    """The cases at ``path``, each checked (a date and a record), sorted by date."""
    cases = []
    for file in case_files(path):
        text = ScenarioText.read(file)
        scenario = text.build({})
        if scenario.record is None:
            raise DetenteError(f"{file}: no record: section; add what happened to retrodict it")
        cases.append(Case(str(file), text, scenario))
    return sorted(cases, key=lambda c: (c.date, c.name))


ClaimTruths = Mapping[str, bool]
"""Each claim's truth under one draw, by name."""
Evaluated = tuple[bool, ClaimTruths | None]
"""One draw of a case: whether the model retrodicts its record, and its claims' truths
(``None``: the draw's analysis failed, an invalid draw)."""


def case_document(
    case: Case,
    tolerance: int,
    share: float | None,
    claims: Mapping[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One case of ``retrodict --json``: ``{case, date, record, model, match, share, claims}``
    (``claims``: :func:`claim_shares`, ``None`` without draws)."""
    return {
        "case": case.name,
        **case_json(case.scenario, tolerance),
        "share": share,
        "claims": None if claims is None else dict(claims),
    }


def claims_at(scenario: Scenario) -> dict[str, bool] | None:
    """Each of the scenario's claims' truth, as ``analyze`` evaluates them (``{}`` without
    claims); ``None`` when the analysis fails (an invalid draw)."""
    if not scenario.claims:
        return {}
    try:
        return dict(run(scenario).claims or {})
    except DetenteError:
        return None


def claim_shares(case: Case, evaluated: Sequence[ClaimTruths | None]) -> dict[str, dict[str, Any]]:
    """Each of the case's claims over draws: ``{name: {point, share, low, high, draws}}``.

    ``point`` is the claim's truth at the point estimate (``None`` when its analysis fails);
    ``share`` the share of the valid draws (``evaluated`` not ``None``) in which it holds, with
    the exact 95% interval ``summarize`` gives (``low``, ``high``; all ``None`` without a valid
    draw); ``draws`` the number of valid draws.
    """
    point = claims_at(case.scenario)
    valid = [truths for truths in evaluated if truths is not None]
    shares: dict[str, dict[str, Any]] = {}
    for claim in case.scenario.claims:
        holds = sum(bool(truths.get(claim.name)) for truths in valid)
        interval: Mapping[str, float | None] = (
            share_interval(holds, len(valid))
            if valid
            else {"share": None, "low": None, "high": None}
        )
        shares[claim.name] = {
            "point": None if point is None else point.get(claim.name),
            **interval,
            "draws": len(valid),
        }
    return shares


def retrodicts(scenario: Scenario, tolerance: int) -> bool:
    """Whether the model retrodicts the scenario's record (the match rule)."""
    prediction = predict(scenario)
    assert scenario.record is not None
    return matches(scenario.record.outcome(prediction.stages), prediction.outcome, tolerance)


def sweep_share(
    case: Case, directory: Path, tolerance: int
) -> tuple[float, dict[str, dict[str, Any]]]:
    """The share of a sweep's valid draws (of this case's file) under which the model
    retrodicts the record, each draw re-evaluated (with the sweep's ``--set`` values), and
    the case's claims over the same draws (:func:`claim_shares`, from the sweep's own
    ``claim.*`` columns)."""
    from detente.experiments.store import ResultStore
    from detente.experiments.table import valid_rows

    manifest, table = ResultStore(directory).read()
    if manifest.identity().get("scenario") != case.text.identity()["scenario"]:
        raise DetenteError(
            f"--sweep {directory}: the sweep is of another scenario file than {case.path}"
        )
    names = [c for c in table.column_names if c.startswith("parameter.")]
    columns = {c.removeprefix("parameter."): table.column(c).to_pylist() for c in names}
    rows = np.flatnonzero(valid_rows(table))
    if rows.size == 0:
        raise DetenteError(f"--sweep {directory}: no valid draw to score")
    sets = manifest.identity().get("sets") or {}
    assert isinstance(sets, dict)
    hits = 0
    for row in rows:
        overrides = {**sets, **{name: _value(values[row]) for name, values in columns.items()}}
        hits += retrodicts(case.text.build(overrides), tolerance)
    swept = {
        claim.name: table.column(f"claim.{claim.name}").to_pylist()
        for claim in case.scenario.claims
        if f"claim.{claim.name}" in table.column_names
    }
    truths = [{name: bool(flags[row]) for name, flags in swept.items()} for row in rows]
    return hits / rows.size, claim_shares(case, truths)


def _value(value: Any) -> ParameterValue:
    return value if isinstance(value, str) else float(value)


# --- calibration ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Library:
    """What a worker needs to evaluate draws: the cases, the shared priors, the tolerance."""

    cases: tuple[Case, ...]
    shared: tuple[Drawn, ...]
    seed: int
    tolerance: int


def shared_priors(cases: Sequence[Case]) -> tuple[Drawn, ...]:
    """The priors of the shared parameters, as the earliest case that has each declares it; a
    case whose prior of a shared parameter differs is an error."""
    priors: dict[str, tuple[Drawn, str]] = {}
    for case in cases:
        shared = case.shared()
        for drawn in case.text.uncertain():
            if drawn.name not in shared:
                continue
            if drawn.name not in priors:
                priors[drawn.name] = (drawn, case.path)
            elif _prior(priors[drawn.name][0]) != _prior(drawn):
                raise DetenteError(
                    f"{case.path}: parameters.{drawn.name}: a shared parameter with another range "
                    f"or distribution than in {priors[drawn.name][1]}; override its value only"
                )
    return tuple(drawn for drawn, _ in priors.values())


def _prior(drawn: Drawn) -> tuple[object, ...]:
    if isinstance(drawn, Choice):
        return (drawn.labels, drawn.probabilities)
    return (drawn.low, drawn.high, drawn.distribution, drawn.mode, drawn.sd, drawn.integer)


def draw(
    library: Library, index: int, fixed: Mapping[str, ParameterValue] | None = None
) -> tuple[dict[str, ParameterValue], bool]:
    """Draw ``index``: the shared values (or ``fixed`` ones) and whether every case of the
    library is retrodicted under them (each case's own parameters drawn too)."""
    rng = np.random.default_rng([library.seed, index])
    shared = {p.name: _one(p, rng) for p in library.shared} if fixed is None else dict(fixed)
    for case in library.cases:
        if not retrodicts(case.text.build(_values(case, shared, rng)), library.tolerance):
            return shared, False
    return shared, True


def _values(
    case: Case, shared: Mapping[str, ParameterValue], rng: np.random.Generator
) -> dict[str, ParameterValue]:
    """The case's values under a draw: its own parameters drawn, the shared ones given."""
    names = case.shared()
    own = {p.name: _one(p, rng) for p in case.text.uncertain() if p.name not in names}
    return {**own, **{k: v for k, v in shared.items() if k in names}}


def evaluate(library: Library, index: int, fixed: Mapping[str, ParameterValue]) -> Evaluated:
    """Draw ``index`` of a one-case library at the ``fixed`` shared values (the case's own
    parameters drawn as :func:`draw` draws them): whether the model retrodicts the record,
    and the case's claims' truths (:func:`claims_at`)."""
    (case,) = library.cases
    rng = np.random.default_rng([library.seed, index])
    scenario = case.text.build(_values(case, fixed, rng))
    return retrodicts(scenario, library.tolerance), claims_at(scenario)


def _one(parameter: Drawn, rng: np.random.Generator) -> ParameterValue:
    value = parameter.values(rng.random(1))[0]
    return str(value) if isinstance(parameter, Choice) else float(value)


def _chunk(
    library: Library, span: tuple[int, int]
) -> list[tuple[int, dict[str, ParameterValue], bool]]:
    return [(i, *draw(library, i)) for i in range(*span)]


def _fixed_chunk(
    library: Library, tasks: Sequence[tuple[int, Mapping[str, ParameterValue]]]
) -> list[Evaluated]:
    return [evaluate(library, index, values) for index, values in tasks]


def _spans(draws: int) -> list[tuple[int, int]]:
    return [(start, min(start + CHUNK, draws)) for start in range(0, draws, CHUNK)]


def before(cases: Sequence[Case], date: str) -> tuple[list[Case], list[Case]]:
    """The cases dated before ``date`` and the others."""
    return [c for c in cases if c.date < date], [c for c in cases if c.date >= date]


def parse_date(text: str) -> str:
    """``--before``: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (its first day).

    >>> parse_date("2010"), parse_date("2018-06")
    ('2010-01-01', '2018-06-01')
    """
    parts = text.strip().split("-")
    if 1 <= len(parts) <= 3 and all(part.isdigit() for part in parts):
        numbers = [int(part) for part in parts] + [1] * (3 - len(parts))
        try:
            return datetime.date(*numbers).isoformat()
        except ValueError:
            pass
    raise DetenteError(f"--before {text!r}: expected a date YYYY-MM-DD (or YYYY-MM, or YYYY)")


def calibrate(
    cases: Sequence[Case],
    date: str,
    draws: int,
    seed: int,
    tolerance: int,
    executor: Executor,
    advance: Callable[[int], None],
) -> dict[str, Any]:
    """The posterior document: the accepted draws of the shared parameters (see the module)."""
    early, _ = before(cases, date)
    if not early:
        raise DetenteError(f"--before {date}: no case is dated before it; nothing to calibrate on")
    if draws < 1:
        raise DetenteError(f"--draws must be at least 1, got {draws}")
    shared = shared_priors(cases)
    if not shared:
        raise DetenteError(
            "no shared parameter with a range: calibration draws the parameters of the file the "
            "cases include (give them a range:)"
        )
    library = Library(tuple(early), shared, seed, tolerance)
    accepted: list[tuple[int, dict[str, ParameterValue]]] = []
    for results in executor.map_unordered(_chunk, library, _spans(draws)):
        accepted.extend((i, values) for i, values, ok in results if ok)
        advance(len(results))
    accepted.sort(key=lambda pair: pair[0])
    return {
        "before": date,
        "draws": draws,
        "seed": seed,
        "tolerance": tolerance,
        "accepted": len(accepted),
        "acceptance_rate": len(accepted) / draws,
        "parameters": {p.name: _prior_json(p) for p in shared},
        "cases": [{"case": c.name, "date": c.date, "file": c.path} for c in early],
        "samples": [{"draw": i, **values} for i, values in accepted],
    }


def _prior_json(parameter: Drawn) -> dict[str, Any]:
    if isinstance(parameter, Choice):
        return {"choices": dict(zip(parameter.labels, parameter.probabilities, strict=True))}
    return {
        "low": parameter.low,
        "high": parameter.high,
        "distribution": parameter.distribution,
    }


def few_accepted(posterior: Mapping[str, Any]) -> str | None:
    """A one-line warning when too few draws were accepted, else ``None``."""
    accepted, draws = posterior["accepted"], posterior["draws"]
    if accepted >= FEW_ACCEPTED:
        return None
    return (
        f"warning: only {accepted} of {draws} draws accepted "
        f"({100 * accepted / draws:.2g}%); the posterior is rough: draw more (--draws) or "
        "loosen the tolerance"
    )


def read_posterior(path: Path) -> dict[str, Any]:
    """A posterior written by ``calibrate`` (a one-line error when it is not one)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DetenteError(f"--posterior {path}: not a calibrate posterior ({error})") from None
    keys = {"before", "samples", "seed", "tolerance", "parameters"}
    if not isinstance(document, dict) or not keys <= set(document):
        raise DetenteError(
            f"--posterior {path}: not a calibrate posterior (write one with calibrate)"
        )
    if not document["samples"]:
        raise DetenteError(
            f"--posterior {path}: no accepted draw to score with; calibrate with more --draws"
        )
    return document


def check_posterior(path: Path, posterior: Mapping[str, Any], case: Case) -> None:
    """Refuse, in one line, a posterior of another library: one whose shared parameters (and
    their priors) are not the case's, or whose calibration cases, when found, lie in another
    folder than the case's file (and do not name it)."""
    mine = {p.name: _prior_json(p) for p in shared_priors([case])}
    theirs = dict(posterior["parameters"])
    listed = [c for c in posterior.get("cases") or [] if isinstance(c, Mapping)]
    files = [Path(str(c["file"])) for c in listed if c.get("file")]
    folders = {f.resolve().parent for f in files if f.is_file()}
    elsewhere = bool(folders) and Path(case.path).resolve().parent not in folders
    named = case.name in {c.get("case") for c in listed}
    if mine != theirs or (elsewhere and not named):
        cases = ", ".join(str(c.get("case")) for c in listed) or "none"
        raise DetenteError(
            f"--posterior {path}: a posterior of another library (calibrated on {cases}, "
            f"drawing {', '.join(sorted(theirs)) or 'nothing'}), not of {case.path}; "
            "calibrate this file's library"
        )


def score(
    cases: Sequence[Case],
    posterior: Mapping[str, Any],
    executor: Executor,
    advance: Callable[[int], None],
) -> tuple[list[dict[str, Any]], float, dict[str, float]]:
    """The later cases (dated on or after the posterior's date) scored with its draws: each
    case's document with its share, the hit rate (the mean share over the cases) and the
    baselines (the same with prior draws; every deal breaking at its first costly step)."""
    _, late = before(cases, str(posterior["before"]))
    if not late:
        raise DetenteError(f"no case is dated on or after {posterior['before']}; nothing to score")
    tolerance = int(posterior["tolerance"])
    shared = shared_priors(cases)
    documents, shares, priors, naive = [], [], [], []
    offset = 1 + max(int(posterior.get("draws", 0)), 0)
    samples = posterior["samples"]
    for case in late:
        library = Library((case,), shared, int(posterior["seed"]), tolerance)
        evaluated = posterior_draws(case, posterior, executor, advance)
        share = _mean(ok for ok, _ in evaluated)
        prior_draws = max(len(samples), PRIOR_DRAWS)
        spans = [
            (offset + len(samples) + a, offset + len(samples) + b) for a, b in _spans(prior_draws)
        ]
        prior = _mean(
            ok for chunk in executor.map_unordered(_chunk, library, spans) for _, _, ok in chunk
        )
        advance(prior_draws)
        record = case.scenario.record
        assert record is not None
        prediction = predict(case.scenario)
        baseline = matches(
            record.outcome(prediction.stages), first_costly_step(case.scenario), tolerance
        )
        claims = claim_shares(case, [truths for _, truths in evaluated])
        documents.append(case_document(case, tolerance, share, claims))
        shares.append(share)
        priors.append(prior)
        naive.append(float(baseline))
    return (
        documents,
        float(np.mean(shares)),
        {"prior": float(np.mean(priors)), "first_costly_step": float(np.mean(naive))},
    )


def posterior_draws(
    case: Case,
    posterior: Mapping[str, Any],
    executor: Executor,
    advance: Callable[[int], None],
) -> list[Evaluated]:
    """The case evaluated under each of the posterior's draws (:func:`evaluate`): its shared
    parameters at the draw's values, its own drawn (seeded past the calibration's draws)."""
    library = Library((case,), (), int(posterior["seed"]), int(posterior["tolerance"]))
    offset = 1 + max(int(posterior.get("draws", 0)), 0)
    fixed = [
        (offset + k, {n: v for n, v in s.items() if n != "draw"})
        for k, s in enumerate(posterior["samples"])
    ]
    tasks = [fixed[start:stop] for start, stop in _spans(len(fixed))]
    evaluated = [e for chunk in executor.map_unordered(_fixed_chunk, library, tasks) for e in chunk]
    advance(len(fixed))
    return evaluated


def posterior_claims(
    case: Case,
    posterior: Mapping[str, Any],
    executor: Executor,
    advance: Callable[[int], None],
) -> dict[str, dict[str, Any]]:
    """The case's claims over the posterior's draws (:func:`claim_shares` of
    :func:`posterior_draws`), as ``retrodict --posterior --json`` gives them per case."""
    evaluated = posterior_draws(case, posterior, executor, advance)
    return claim_shares(case, [truths for _, truths in evaluated])


def _mean(flags: Iterable[bool]) -> float:
    values = [bool(f) for f in flags]
    return sum(values) / len(values) if values else math.nan
