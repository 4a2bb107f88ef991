"""Fixed packages: can a given deal (a named position) be carried out, all at once or in stages?

The designer (:mod:`detente.phasing.designer`) chooses *how much* of every
item to deliver. A negotiator's position fixes that: the package is given and
only the schedule is open. Fixing an item's total at the position's amount is
the linear constraint ``min = max = amount`` on the item, so the same programs
answer the two questions an analyst asks of a position:

- **one-shot**: is the one-stage exchange (in the deal's move order) of the
  whole package self-enforcing? If not, which move fails and by how much;
- **fewest stages**: the fewest stages (up to a limit) whose best schedule
  carries the whole package, and that schedule.

Items the package does not name keep their bounds: the designer still chooses
them (e.g. a transfer sized to what each stage needs).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from detente.phasing.deal import Deal
from detente.phasing.designer import DEFAULT_TIME_LIMIT, Design, Designer, StageSearch
from detente.phasing.enforcement import Enforcement
from detente.phasing.schedule import Schedule


@dataclass(frozen=True, slots=True)
class PackagePhasing:
    """Whether a fixed package is self-enforcing as a one-shot exchange, and in how many stages.

    ``one_shot`` is the one-stage design (``feasible`` or not); ``one_shot_check``
    the check of the plain one-stage exchange when every item is fixed (its
    ``violated`` moves and slacks say who would renege, and by how much);
    ``search`` the fewest stages up to ``max_stages`` that carry the package.
    """

    amounts: tuple[tuple[str, float], ...]
    one_shot: Design
    one_shot_check: Enforcement | None
    search: StageSearch
    max_stages: int

    @property
    def min_stages(self) -> int | None:
        """The fewest stages that carry the package (``None``: more than ``max_stages``)."""
        return self.search.stages


def phase_package(
    deal: Deal,
    amounts: Mapping[str, float],
    max_stages: int,
    time_limit: float = DEFAULT_TIME_LIMIT,
    base: Designer | None = None,
) -> PackagePhasing:
    """One-shot feasibility and the fewest stages of a fixed package (e.g. a named position).

    ``base`` is the deal's designer when the caller has one: the package's
    programs then share its compiled incentive constraints (an analysis phases
    several packages of one deal).

    One item worth 1.5 to B costs its giver A 1 per unit; A's completion value
    is 2, so A gives at most 2 units in one go (action for action at its simplest,
    ``docs/explanation/self-enforcement.md``):

    >>> from detente.phasing.deal import Stake
    >>> from detente.phasing.items import Item, party_values
    >>> deal = Deal((Stake("A", completion=2.0), Stake("B")),
    ...             (Item("x", "A", cost=1.0, value=party_values({"B": 1.5})),), (("A",),))
    >>> result = phase_package(deal, {"x": 3.0}, max_stages=3)
    >>> result.one_shot.feasible, result.one_shot_check.violated, result.min_stages
    (False, ('stage 1: A',), None)
    >>> phase_package(deal, {"x": 2.0}, max_stages=3).min_stages
    1
    """
    if base is None or base.deal is not deal or base.time_limit != time_limit:
        base = Designer(deal, time_limit)
    designer = base.package(amounts)
    fixed = designer.deal
    one = designer.best(1, "total", None)
    plain = None
    if len(amounts) == len(deal.items):
        plain = designer.check(Schedule.from_stages(deal.item_names, [dict(amounts)]))
    if one.feasible:
        search = StageSearch(1, "the one-shot exchange carries the package", one)
    else:
        target = sum(amounts[name] for name in fixed.measured)
        search = designer.min_stages(target, max_stages)
    pairs = tuple((name, float(amounts[name])) for name in deal.item_names if name in amounts)
    return PackagePhasing(pairs, one, plain, search, max_stages)
