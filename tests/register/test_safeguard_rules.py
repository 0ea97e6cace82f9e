"""The misidentified-victim safeguard (register.rules.safeguard_check): worked cases.

Source for every case, DOMAIN.md "Offences and the eligibility question", Safeguard:
  "a person flagged as a possible misidentified victim (counter-allegation, dual arrest,
  violent resistance) cannot be registered until a primary-aggressor review *finds* that they
  are the primary aggressor. The review has an outcome (primary aggressor / victim /
  inconclusive), a reviewer (supervisor) and a rationale; only a 'primary aggressor' outcome
  lifts the block, and the flag itself cannot be cleared by editing the record — only by such
  a review."
Issue 10, finding 3: the safeguard "lifts once any review date is set, whatever it found".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pytest

from register import rules
from register.rules import AggressorReviewFact, PersonFacts

ON = dt.date(2026, 3, 2)
SOURCE = 'DOMAIN.md "Offences and the eligibility question", Safeguard'


def review(outcome: str, on: dt.date = ON, reviewer: str = "Sam Upton") -> AggressorReviewFact:
    return AggressorReviewFact(record_id="r1", outcome=outcome, reviewed_on=on, reviewer=reviewer)


def flagged(latest: AggressorReviewFact | None = None, why: str = "dual arrest") -> PersonFacts:
    return PersonFacts(
        possible_misidentified_victim=True, misidentification=why, primary_aggressor_review=latest
    )


def unflagged(latest: AggressorReviewFact | None = None) -> PersonFacts:
    return PersonFacts(primary_aggressor_review=latest)


@dataclass(frozen=True)
class Case:
    name: str
    source: str  # where the rule comes from, quoted in the module docstring
    quote: str  # the words of the source this case follows
    facts: PersonFacts
    passes: bool
    says: tuple[str, ...]  # words the explanation must contain


CASES = [
    Case(
        "not flagged, never reviewed: nothing to block",
        SOURCE,
        "a person flagged as a possible misidentified victim ... cannot be registered",
        unflagged(),
        True,
        ("Not needed", "not flagged"),
    ),
    Case(
        "flagged, no review yet: blocked",
        SOURCE,
        "cannot be registered until a primary-aggressor review *finds* that they are the "
        "primary aggressor",
        flagged(),
        False,
        ("dual arrest", "blocked", "no review is recorded yet"),
    ),
    Case(
        "flagged, the review found the victim: blocked (finding 3)",
        SOURCE,
        "only a 'primary aggressor' outcome lifts the block",
        flagged(review(rules.REVIEW_VICTIM)),
        False,
        ("2 March 2026", "Sam Upton", "to be the victim", "stays blocked"),
    ),
    Case(
        "flagged, the review was inconclusive: blocked (finding 3)",
        SOURCE,
        "only a 'primary aggressor' outcome lifts the block",
        flagged(review(rules.REVIEW_INCONCLUSIVE)),
        False,
        ("could not establish who the primary aggressor is", "stays blocked"),
    ),
    Case(
        "the review found the primary aggressor, which cleared the flag: lifted, naming it",
        SOURCE,
        "until a primary-aggressor review *finds* that they are the primary aggressor",
        unflagged(review(rules.REVIEW_PRIMARY_AGGRESSOR)),
        True,
        ("review of 2 March 2026 by Sam Upton", "primary aggressor", "not blocked"),
    ),
    Case(
        "flagged again after a review that found the primary aggressor: blocked again",
        SOURCE,
        "cannot be registered until a primary-aggressor review *finds* ...",
        flagged(review(rules.REVIEW_PRIMARY_AGGRESSOR), why="counter-allegation"),
        False,
        ("counter-allegation", "again after the last review", "a new review"),
    ),
    Case(
        "flag cleared without a finding (the latest review found the victim): still blocked",
        SOURCE,
        "the flag itself cannot be cleared by editing the record — only by such a review",
        unflagged(review(rules.REVIEW_VICTIM)),
        False,
        ("even though the flag is not shown", "victim"),
    ),
    Case(
        "flag cleared without a finding (the latest review was inconclusive): still blocked",
        SOURCE,
        "the flag itself cannot be cleared by editing the record — only by such a review",
        unflagged(review(rules.REVIEW_INCONCLUSIVE)),
        False,
        ("even though the flag is not shown",),
    ),
    Case(
        "an outcome the rule does not know never lifts the block",
        SOURCE,
        "only a 'primary aggressor' outcome lifts the block",
        flagged(review("primary aggressor (probably)")),
        False,
        ("gave no recognised outcome", "stays blocked"),
    ),
    Case(
        "an unknown outcome with the flag cleared still blocks",
        SOURCE,
        "only a 'primary aggressor' outcome lifts the block",
        unflagged(review("")),
        False,
        ("gave no recognised outcome",),
    ),
    Case(
        "a review recorded without a reviewer (carried over) is named by its date alone",
        SOURCE,
        "The review has an outcome ..., a reviewer (supervisor) and a rationale",
        flagged(review(rules.REVIEW_INCONCLUSIVE, reviewer="")),
        False,
        ("The primary-aggressor review of 2 March 2026 could not",),
    ),
    Case(
        "violent resistance is named as why the flag was raised",
        SOURCE,
        "(counter-allegation, dual arrest, violent resistance)",
        flagged(why="violent resistance"),
        False,
        ("(violent resistance)",),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_safeguard_case(case: Case) -> None:
    assert case.source and case.quote
    check = rules.safeguard_check(case.facts)
    assert check.rule == rules.SAFEGUARD_RULE
    assert check.passed is case.passes, check.detail
    for words in case.says:
        assert words in check.detail, (words, check.detail)
    if case.facts.primary_aggressor_review is not None:
        assert check.record_ids == ("r1",)  # the explanation names the review it rests on


def test_only_the_primary_aggressor_finding_lifts_the_block() -> None:
    """The outcome table itself: DOMAIN.md Safeguard, "only a 'primary aggressor' outcome lifts
    the block"."""
    lifting = {outcome for outcome, (lifts, _) in rules.REVIEW_FINDINGS.items() if lifts}
    assert lifting == {rules.REVIEW_PRIMARY_AGGRESSOR}
    assert set(rules.REVIEW_FINDINGS) == {"primary_aggressor", "victim", "inconclusive"}


NPCC = rules.CriteriaSettings(key="npcc", name="NPCC serial", test=rules.TEST_NPCC_SERIAL)
TWO_VICTIMS = PersonFacts(
    incidents=(
        rules.IncidentFact("i1", dt.date(2025, 1, 5), "v1", "intimate_partner", False, 30),
        rules.IncidentFact("i2", dt.date(2025, 9, 5), "v2", "ex_partner", False, 30),
    )
)


@pytest.mark.parametrize(
    ("outcome", "can_register"),
    [
        (rules.REVIEW_PRIMARY_AGGRESSOR, True),
        (rules.REVIEW_VICTIM, False),
        (rules.REVIEW_INCONCLUSIVE, False),
    ],
)
def test_criteria_met_but_only_a_primary_aggressor_finding_allows_registration(
    outcome: str, can_register: bool
) -> None:
    """The eligibility outcome carries the safeguard: met criteria with a "victim" or
    "inconclusive" review are still blocked (issue 10, finding 3)."""
    cleared = outcome == rules.REVIEW_PRIMARY_AGGRESSOR  # such a review clears the flag
    facts = replace(
        TWO_VICTIMS,
        possible_misidentified_victim=not cleared,
        misidentification="" if cleared else "dual arrest",
        primary_aggressor_review=review(outcome),
    )
    outcome_ = rules.evaluate(facts, NPCC, ON)
    assert outcome_.criteria_met
    assert outcome_.blocked is not can_register
    assert outcome_.can_register is can_register
    assert outcome_.checks[-1].rule == rules.SAFEGUARD_RULE
