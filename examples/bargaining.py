"""Which deals beat no deal, and where the bargaining solutions put them.

Run from the repository root: ``python examples/bargaining.py``.
"""

from __future__ import annotations

import detente as dt


def main() -> None:
    scenario = dt.load_scenario("scenarios/theory/worked-example.yaml")
    report = dt.analyze(scenario)
    print(f"{report['n_rational']} of {report['n_outcomes']} outcomes beat no deal for both sides")
    for name, solution in report["solutions"].items():
        deal = solution["outcome"]["deal"] if solution else "none"
        print(f"{name:>18}: {deal}")


if __name__ == "__main__":
    main()
