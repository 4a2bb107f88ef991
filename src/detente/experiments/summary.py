"""Summaries of a results directory: how often each claim holds, and what it depends on.

For a sweep, each claim gets the share of draws in which it holds with an
exact (Clopper–Pearson) 95% interval [ClopperPearson1934], and its
sensitivity to each parameter: the share within each tercile of the
parameter's drawn values, and Spearman's rank correlation between the
parameter and the claim holding. Parameters are listed most influential
(largest absolute correlation) first. On request, a sweep's summary also
describes where each claim holds (``discovery``: PRIM boxes, see
:mod:`detente.experiments.discovery`) and every claim's share among the draws
that meet a condition (``given``, see :mod:`detente.experiments.conditions`);
it always says what each named solution contains across the draws
(``contents``, see :mod:`detente.experiments.contents`).

A ``sobol`` design's draws are not independent, so its interval is Student's
t over the means of its independently scrambled replicates (randomized
quasi-Monte Carlo [Owen1997]): each replicate's mean is an unbiased estimate
of the share and the replicates are independent, whereas the binomial
interval, which assumes independent draws, ignores the design's balance (it
is too wide, as wide as for random draws). Both are given; ``interval_method``
says which ``low`` and ``high`` are.

A categorical parameter (a string column of labels) has no order: its
sensitivity is the claim's share among the draws of each label (``labels``),
with null ``spearman``, empty ``terciles`` and ``cuts``, listed after the
numeric parameters; ``by_choice`` (:mod:`detente.experiments.by_choice`)
adds every claim's share with its interval conditional on each label.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from numpy.typing import NDArray

from detente.errors import DetenteError, UnknownNameError
from detente.experiments import discovery
from detente.experiments.by_choice import by_choice as claims_by_choice
from detente.experiments.by_choice import categorical_columns, declared_labels, label_shares
from detente.experiments.conditions import condition
from detente.experiments.contents import contents
from detente.experiments.store import Manifest, Notify, ResultStore, chunk_name
from detente.experiments.table import claim_holds, valid_rows

CONFIDENCE = 0.95

Summarizer = Callable[[Manifest, pa.Table], dict[str, object]]


def share_interval(holds: int, total: int, confidence: float = CONFIDENCE) -> dict[str, float]:
    """The share ``holds / total`` with its exact binomial (Clopper–Pearson) interval.

    >>> {k: round(v, 4) for k, v in share_interval(7, 10).items()}
    {'share': 0.7, 'low': 0.3475, 'high': 0.9333}
    """
    from scipy import stats

    interval = stats.binomtest(holds, total).proportion_ci(confidence, method="exact")
    return {"share": holds / total, "low": float(interval.low), "high": float(interval.high)}


def sensitivity(holds: NDArray[np.bool_], values: NDArray[np.float64]) -> dict[str, object]:
    """How a claim's truth varies with one parameter: tercile shares and Spearman's rho.

    ``rho`` is null when either the claim or the parameter never varies.

    >>> x = np.linspace(0, 1, 9)
    >>> result = sensitivity(x > 0.5, x)
    >>> round(result["spearman"], 3), result["terciles"][::2], result["cuts"]
    (0.866, [0.0, 1.0], [0.375, 0.75])
    """
    from scipy import stats

    order = np.argsort(values, kind="stable")
    groups = np.array_split(order, 3)
    shares = [float(holds[g].mean()) if g.size else None for g in groups]
    cuts = [float(values[g[0]]) for g in groups[1:] if g.size]
    varies = np.ptp(values) > 0 and np.ptp(holds.astype(np.int8)) > 0
    rho = float(stats.spearmanr(values, holds).statistic) if varies and holds.size > 2 else None
    return {"spearman": rho, "terciles": shares, "cuts": cuts}


@dataclass(frozen=True, slots=True)
class Questions:
    """What a sweep's summary answers beyond the claims' shares.

    ``discover``: describe where each claim holds (PRIM boxes, at most ``boxes``
    per claim); ``claims``: only these claims (``None``: every one); ``given``:
    a condition under which to give every claim's share; ``sensitivity``: the
    Sobol' indices of a Saltelli sweep (with ``claims``, of those claims only, and of
    no result field).
    """

    discover: bool = False
    claims: tuple[str, ...] | None = None
    boxes: int = discovery.BOXES
    given: str | None = None
    sensitivity: bool = False


def summarize_sweep(
    manifest: Manifest,
    table: pa.Table,
    questions: Questions | None = None,
    *,
    notify: Notify | None = None,
    by_choice: bool = True,
) -> dict[str, object]:
    """The summary of a sweep's rows (see the module docstring).

    Draws whose scenario was invalid are counted (``invalid``) and left out of
    every share; ``scenario`` and ``sets`` identify what was swept. With
    ``questions.sensitivity``, under ``sensitivity``, the Sobol' indices of a
    Saltelli sweep (:mod:`detente.experiments.sobol_indices`); what they leave
    out is said through ``notify``. With ``by_choice`` and categorical
    parameters swept, ``by_choice`` holds the claims conditional on each label.
    """
    questions = questions or Questions()
    indices = (
        _sensitivity(manifest, table, notify, questions.claims) if questions.sensitivity else None
    )
    table, invalid = _valid_draws(table)
    names = table.column_names
    parameters = [n.removeprefix("parameter.") for n in names if n.startswith("parameter.")]
    categorical = set(categorical_columns(table))
    values = {
        p: np.asarray(table.column(f"parameter.{p}").to_pylist(), dtype=object)
        if p in categorical
        else table.column(f"parameter.{p}").to_numpy()
        for p in parameters
    }
    claim_names = [n.removeprefix("claim.") for n in names if n.startswith("claim.")]
    claims: dict[str, object] = {}
    draws = table.column("draw").to_numpy()
    replicates = int(str(manifest.arguments["replicates"])) if _sobol(manifest) else None
    for claim in claim_names:
        holds = claim_holds(table, claim)
        by_parameter = {
            p: _labelled(holds, v) if p in categorical else sensitivity(holds, v)
            for p, v in values.items()
        }
        ranked = sorted(by_parameter.items(), key=lambda item: _rank(item[1]))
        claims[claim] = {
            **claim_interval(holds, draws, replicates),
            "holds": int(holds.sum()),
            "sensitivity": dict(ranked),
        }
    conditional = (
        {
            "by_choice": claims_by_choice(
                table,
                claim_names,
                share_interval,
                declared_labels(manifest.arguments.get("parameters")),
            )
        }
        if by_choice and categorical
        else {}
    )
    summary: dict[str, object] = {
        "kind": "sweep",
        "draws": table.num_rows,
        "invalid": invalid,
        "planned": manifest.total,
        "complete": manifest.complete,
        "scenario": manifest.arguments.get("scenario"),
        "sets": manifest.arguments.get("sets"),
        "parameters": parameters,
        "claims": claims,
        "contents": contents(table),
        **_answers(table, questions, list(claims)),
        **conditional,
    }
    if indices is not None:
        summary["sensitivity"] = indices
    labels = manifest.details.get("labels")
    if labels:
        summary["labels"] = labels
    return summary


def claim_interval(
    holds: NDArray[np.bool_], draws: NDArray[np.int64], replicates: int | None
) -> dict[str, object]:
    """A claim's share and 95 % interval: binomial, or over a ``sobol`` design's replicates.

    With ``replicates`` (draw ``i`` in replicate ``i mod R``), ``low`` and
    ``high`` are the share ± Student's t half-width of the replicate means,
    but never less than one step ``1/m`` of a replicate's share (``m`` points
    each; clipped to [0, 1]), and ``binomial`` keeps the Clopper–Pearson
    interval. The floor matters: a well-balanced design can give every
    replicate the same share (say a claim that depends on one parameter's
    threshold: each replicate's ``m`` points fall one per ``1/m`` of its
    range), a zero variance that says only that each replicate is within one
    step of the truth.

    >>> draws = np.arange(64)
    >>> balanced = claim_interval(draws < 32, draws, 4)  # every replicate: half of its 16
    >>> balanced["low"], balanced["high"], balanced["binomial"]["low"] < 0.4
    (0.4375, 0.5625, True)
    """
    binomial = share_interval(int(holds.sum()), holds.size)
    if replicates is None:
        return {**binomial, "interval_method": "binomial"}
    replicate = draws % replicates
    counts = np.bincount(replicate, minlength=replicates)
    present = counts > 0
    if present.sum() < 2:
        return {**binomial, "interval_method": "binomial"}
    means = np.bincount(replicate, weights=holds, minlength=replicates)[present] / counts[present]
    spread = mean_interval(means)
    half = (float(spread["high"]) - float(spread["low"])) / 2  # type: ignore[arg-type]
    half = max(half, 1 / int(counts[present].min()))
    share = binomial["share"]
    return {
        "share": share,
        "low": max(0.0, share - half),
        "high": min(1.0, share + half),
        "interval_method": "replicates",
        "replicates": int(present.sum()),
        "binomial": {"low": binomial["low"], "high": binomial["high"]},
    }


def _sensitivity(
    manifest: Manifest, table: pa.Table, notify: Notify | None, asked: Sequence[str] | None
) -> dict[str, object]:
    """The ``sensitivity`` key (of the ``asked`` claims only, when some are), saying through
    ``notify`` what the indices leave out and what SALib warned of (one line per output)."""
    from detente.experiments import sobol_indices

    claims = [n.removeprefix("claim.") for n in table.column_names if n.startswith("claim.")]
    chosen = None if asked is None else _chosen(asked, claims)
    found = sobol_indices.sobol_indices(manifest, table, chosen)
    if notify is not None:
        if found.dropped:
            notify(
                f"{found.dropped:,} of {found.base_samples + found.dropped:,} base samples hold an "
                f"invalid or missing draw and are left out of the Sobol' indices (N = "
                f"{found.base_samples:,})"
            )
        for name, why in found.skipped.items():
            notify(f"no Sobol' indices for result field {name}: {why}")
        for name, said in found.warnings.items():
            notify(f"Sobol' indices of {found.kinds[name]} {name}: SALib warns: {said}")
    return dict(found.indices)


def _answers(table: pa.Table, questions: Questions, claims: list[str]) -> dict[str, object]:
    """The ``discovery`` and ``given`` keys ``questions`` ask for."""
    chosen = _chosen(questions.claims, claims)
    answers: dict[str, object] = {}
    if questions.discover:
        answers["discovery"] = discover_claims(table, chosen, questions.boxes)
    if questions.given is not None:
        answers["given"] = given(table, questions.given, chosen)
    return answers


def _chosen(asked: Sequence[str] | None, claims: list[str]) -> list[str]:
    """The claims asked for, in the sweep's order; an unknown one is an error naming them all."""
    if asked is None:
        return claims
    for name in asked:
        if name not in claims:
            known = ", ".join(claims) or "none"
            raise UnknownNameError(
                f"--claim {name}: no such claim in this sweep; its claims: {known}"
            )
    return [name for name in claims if name in asked]


def discover_claims(table: pa.Table, claims: Sequence[str], boxes: int) -> dict[str, object]:
    """``{claim: discovery summary}`` (:func:`detente.experiments.discovery.describe`).

    Numeric parameters are read as numbers, a string parameter (a categorical
    choice) as labels.
    """
    inputs = {
        name.removeprefix("parameter."): table.column(name).to_numpy(zero_copy_only=False)
        for name in table.column_names
        if name.startswith("parameter.")
    }
    settings = discovery.Settings(boxes=boxes)
    return {
        claim: discovery.describe(claim_holds(table, claim), inputs, settings) for claim in claims
    }


def given(table: pa.Table, expression: str, claims: Sequence[str]) -> dict[str, object]:
    """Every claim's share among the draws that meet ``expression`` (see :func:`condition`).

    Raises:
        DetenteError: no draw meets the condition (or see :func:`condition`).
    """
    meets = condition(table, expression)
    if not meets.any():
        raise DetenteError(
            f"--given {expression!r}: no draw of the {table.num_rows:,} summarized meets it"
        )
    shares = {}
    for claim in claims:
        holds = claim_holds(table, claim)[meets]
        shares[claim] = {**share_interval(int(holds.sum()), holds.size), "holds": int(holds.sum())}
    return {"expr": expression, "draws": int(meets.sum()), "claims": shares}


def _labelled(holds: NDArray[np.bool_], labels: NDArray[np.object_]) -> dict[str, object]:
    """A categorical parameter's sensitivity: the claim's share among each label's draws."""
    return {"spearman": None, "terciles": [], "cuts": [], "labels": label_shares(holds, labels)}


def _rank(entry: dict[str, object]) -> tuple[bool, float]:
    """Numeric parameters by largest absolute correlation, then the categorical ones."""
    return ("labels" in entry, -abs(_rho(entry)))


def _valid_draws(table: pa.Table) -> tuple[pa.Table, int]:
    """The rows of draws whose scenario was valid, and how many were not."""
    if "invalid" not in table.column_names:
        return table, 0
    valid = table.filter(pa.array(valid_rows(table)))
    if valid.num_rows == 0:
        raise DetenteError(
            f"every one of the {table.num_rows:,} draws summarized is invalid (see their "
            "`invalid` column); nothing to summarize"
        )
    return valid, table.num_rows - valid.num_rows


def _sobol(manifest: Manifest) -> bool:
    return manifest.arguments.get("design") == "sobol"


def _rho(entry: dict[str, object]) -> float:
    rho = entry["spearman"]
    return rho if isinstance(rho, float) else 0.0


def mean_interval(values: NDArray[np.float64], confidence: float = CONFIDENCE) -> dict[str, object]:
    """The mean of the finite ``values`` with its Student-t interval (null with under 2 values).

    >>> {k: round(v, 4) for k, v in mean_interval(np.array([1.0, 2.0, 3.0])).items()}
    {'mean': 2.0, 'low': -0.4841, 'high': 4.4841, 'n': 3}
    """
    from scipy import stats

    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return {"mean": None, "low": None, "high": None, "n": 0}
    mean = float(finite.mean())
    if finite.size < 2:
        return {"mean": mean, "low": None, "high": None, "n": 1}
    half = stats.t.ppf((1 + confidence) / 2, finite.size - 1) * finite.std(ddof=1)
    half /= np.sqrt(finite.size)
    return {
        "mean": mean,
        "low": mean - float(half),
        "high": mean + float(half),
        "n": int(finite.size),
    }


def _seats(table: pa.Table) -> dict[str, NDArray[Any]]:
    """One entry per (session, signatory): its strategy, utility, advantage and session values."""
    lengths = pc.list_value_length(table.column("strategies")).to_numpy()
    utilities = pc.list_flatten(table.column("utilities")).to_numpy(zero_copy_only=False)
    reservations = pc.list_flatten(table.column("reservations")).to_numpy(zero_copy_only=False)
    nash = table.column("nash_distance").to_numpy(zero_copy_only=False)
    return {
        "strategy": np.asarray(pc.list_flatten(table.column("strategies")).to_pylist()),
        "utility": utilities.astype(np.float64),
        "advantage": (utilities - reservations).astype(np.float64),
        "agreement": np.repeat(table.column("agreement").to_numpy(zero_copy_only=False), lengths),
        "nash_distance": np.repeat(np.asarray(nash, dtype=np.float64), lengths),
    }


def summarize_tournament(manifest: Manifest, table: pa.Table) -> dict[str, object]:
    """A tournament's ranking: per strategy, over every seat it took in every session.

    Strategies are ranked by mean utility; each measure has a 95% interval.
    """
    seats = _seats(table)
    ranking = []
    for strategy in np.unique(seats["strategy"]):
        mine = seats["strategy"] == strategy
        agreed = seats["agreement"][mine].astype(bool)
        ranking.append(
            {
                "strategy": str(strategy),
                "seats": int(mine.sum()),
                "mean_utility": mean_interval(seats["utility"][mine]),
                "agreement_rate": share_interval(int(agreed.sum()), agreed.size),
                "advantage": mean_interval(seats["advantage"][mine]),
                "nash_distance": mean_interval(seats["nash_distance"][mine]),
            }
        )
    ranking.sort(key=lambda entry: -_mean(entry["mean_utility"]))
    return {
        "kind": "tournament",
        "sessions": table.num_rows,
        "planned": manifest.total,
        "complete": manifest.complete,
        "scenarios": sorted(set(table.column("scenario").to_pylist())),
        "ranking": [{"rank": k, **entry} for k, entry in enumerate(ranking, start=1)],
    }


def _mean(interval: object) -> float:
    mean = interval.get("mean") if isinstance(interval, dict) else None
    return mean if isinstance(mean, float) else -np.inf


def invalid_draws(directory: str | os.PathLike[str]) -> list[tuple[int, str]]:
    """``(draw, why)`` for every draw of a sweep whose scenario was invalid, in draw order.

    Reads only those two columns of each recorded chunk.
    """
    store = ResultStore(directory)
    manifest = store.existing()
    if manifest is None or manifest.kind != "sweep":
        return []
    found: list[tuple[int, str]] = []
    for index in sorted(manifest.done):
        path = store.directory / chunk_name(index)
        table = pq.read_table(path, columns=["draw", "invalid"])
        flagged = table.filter(pa.array(~valid_rows(table)))
        found.extend(
            zip(
                flagged.column("draw").to_pylist(),
                flagged.column("invalid").to_pylist(),
                strict=True,
            )
        )
    return found


SUMMARIZERS: dict[str, Summarizer] = {"sweep": summarize_sweep, "tournament": summarize_tournament}
"""How to summarize each kind of run, by the kind recorded in its manifest."""


def summarize(
    directory: str | os.PathLike[str],
    questions: Questions | None = None,
    *,
    notify: Notify | None = None,
) -> dict[str, object]:
    """The summary of the results in ``directory`` as a JSON-ready document.

    Keys: ``kind``, ``planned``, ``complete`` and, for a sweep, ``draws`` (valid
    rows summarized), ``invalid`` (draws whose scenario was invalid),
    ``scenario`` and ``sets`` (what was swept), ``parameters`` and ``claims``
    (``{name: {share, low, high, interval_method, holds, sensitivity}}``),
    ``contents`` (what each named solution contains,
    :func:`~detente.experiments.contents.contents`) and, as ``questions`` ask,
    ``discovery``, ``given`` and ``sensitivity`` (the Sobol' indices of a
    Saltelli sweep, ``{name: {param: {S1, S1_conf, ST, ST_conf}}}``, see
    :func:`summarize_sweep`); for a tournament, ``sessions``, ``scenarios`` and
    ``ranking`` (see :func:`summarize_tournament`).

    Raises:
        ResultsError: the directory holds no results, or a chunk is missing,
            truncated or corrupt (named in the one-line message).
    """
    manifest, table = ResultStore(directory).read()
    if manifest.kind == "sweep":
        return summarize_sweep(manifest, table, questions, notify=notify)
    summarizer = SUMMARIZERS.get(manifest.kind)
    if summarizer is None:
        raise DetenteError(f"{directory}: cannot summarize a {manifest.kind!r} run")
    if questions is not None and questions != Questions():
        raise DetenteError(
            f"{directory}: --discover, --claim, --given and --sensitivity apply to a sweep, "
            f"not a {manifest.kind}"
        )
    return summarizer(manifest, table)
