"""Which figures the register applies are law and which are local policy, in one list.

Deadlines and periods that come from a statute are fixed in the apps' rule tables
with their section beside them; figures that are practice or policy (the 7-day
travel notice, the VCS referral time, DVDS timings, meeting cadence, caseload
guides...) are settings that an operator may change. Each app declares its
figures here from its AppConfig.ready (the register must not import the apps
above it), and /reference/rules/ shows them all, saying which is which.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Basis = Literal["law", "policy"]


@dataclass(frozen=True)
class RuleFigure:
    key: str  # the setting's name (policy) or the rule's name (law)
    label: str  # what it is, in the users' words
    value: Callable[[], str]  # read at display time, so a changed setting shows at once
    basis: Basis
    source: str  # the statute section, or who decided the policy and where it is set
    area: str  # the section of the page: "Notification requirements", "MAPPA", ...


_figures: dict[str, RuleFigure] = {}


def declare(*figures: RuleFigure) -> None:
    """Add figures to the list (declaring the same key again replaces it)."""
    for figure in figures:
        _figures[figure.key] = figure


def figures() -> list[RuleFigure]:
    """Every declared figure, law first within each area, in a stable order."""
    return sorted(_figures.values(), key=lambda f: (f.area, f.basis != "law", f.label))
