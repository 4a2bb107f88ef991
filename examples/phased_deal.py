"""All-or-nothing versus step by step: the largest deal each schedule can carry.

The action-for-action model (docs/explanation/self-enforcement.md): a one-shot exchange carries a deal of
2; with more stages, each side's step is backed by the other's next one.
Run from the repository root: ``python examples/phased_deal.py``.
"""

from __future__ import annotations

import detente as dt


def main() -> None:
    deal = dt.load_scenario("scenarios/theory/action-for-action.yaml", {"delta": 0.9}).phasing.deal
    for stages in range(1, 7):
        design = dt.design(deal, stages)
        print(f"{stages} stage(s): the largest self-enforcing deal is {design.total:.4f}")
    fewest = dt.min_stages(deal, 8.0)
    print(f"a deal of 8 needs {fewest.stages} stages")


if __name__ == "__main__":
    main()
