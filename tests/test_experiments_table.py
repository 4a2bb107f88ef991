"""Reading a run's table: whether a claim holds on each draw, and which draws were valid."""

from __future__ import annotations

import pyarrow as pa

from detente.experiments import by_choice, summary
from detente.experiments.sobol_indices import whole_blocks
from detente.experiments.table import claim_holds, valid_rows


def test_every_reader_counts_a_null_claim_as_not_holding_and_skips_invalid_draws() -> None:
    table = pa.table(
        {
            "draw": [0, 1, 2, 3, 4, 5],
            "invalid": [None, None, None, "no scenario", None, None],
            "parameter.m": ["a", "a", "b", "b", "a", "b"],
            "claim.c": [True, None, True, True, False, None],
        }
    )
    assert claim_holds(table, "c").tolist() == [True, False, True, True, False, False]
    assert valid_rows(table).tolist() == [True, True, True, False, True, True]
    kept, invalid = summary._valid_draws(table)
    assert kept.column("draw").to_pylist() == [0, 1, 2, 4, 5] and invalid == 1
    shares = by_choice.by_choice(kept, ["c"], lambda holds, n: {"share": holds / n})
    assert {label: v["claims"]["c"]["share"] for label, v in shares["m"].items()} == {
        "a": 1 / 3,
        "b": 1 / 2,
    }
    blocks, dropped = whole_blocks(table, 3, 2)
    assert blocks.column("draw").to_pylist() == [0, 1, 2] and dropped == 1
