"""A hundred thousand negotiation sessions in lockstep, and one replayed by the reference engine.

Run from the repository root: ``python examples/many_sessions.py``.
"""

from __future__ import annotations

import numpy as np

import detente as dt
from detente.session import session_seeds


def main() -> None:
    scenario = dt.load_scenario("scenarios/theory/worked-example.yaml")
    protocol = dt.AlternatingOffers(deadline=50)
    session = dt.Session.prepare(scenario, protocol, ["random", "boulware(exponent=3)"])
    results = dt.BatchSession.of(session).run(100_000, seed=11)
    print(f"agreement rate {np.mean(results.kind == 0):.3f}")
    print("mean utilities", np.round(results.utilities.mean(axis=0), 3))
    k = 4_242
    replay = session.run(session_seeds(11, 100_000)[k]).result
    print("session", k, "is the same on both engines:", results.result(k) == replay)


if __name__ == "__main__":
    main()
