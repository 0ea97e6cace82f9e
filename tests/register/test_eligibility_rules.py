"""Worked eligibility cases and RFGV priority scores: pure rules, no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from register.rules import (
    SAFEGUARD_RULE,
    SERIAL_READINGS,
    SPECIFIED_DA,
    SPECIFIED_STALKING,
    ConvictionFact,
    CriteriaSettings,
    EligibilityOutcome,
    IncidentFact,
    PersonFacts,
    PriorityWeights,
    RiskFact,
    RuleCheck,
    ScoredEvent,
    evaluate,
    evaluate_all,
    format_date,
    priority_score,
    term_days,
    years_before,
)

LORDS = CriteriaSettings(
    key="lords_2024",
    name="2024 Lords amendment",
    test="convicted_serial_or_high_risk",
    custodial_only=True,
)
BROAD = CriteriaSettings(
    key="broad_convicted", name="Broad convicted", test="convicted_serial_or_high_risk"
)
NPCC = CriteriaSettings(key="npcc_serial", name="NPCC serial perpetrator", test="npcc_serial")

AS_OF = dt.date(2024, 6, 1)

STALKING_2A = ("PHA1997-s2A", "Stalking (PHA 1997 s.2A)", SPECIFIED_STALKING)
STALKING_4A = (
    "PHA1997-s4A",
    "Stalking involving fear of violence or serious alarm or distress (PHA 1997 s.4A)",
    SPECIFIED_STALKING,
)
COERCIVE = (
    "SCA2015-s76",
    "Controlling or coercive behaviour in an intimate or family relationship (SCA 2015 s.76)",
    SPECIFIED_DA,
)
ABH_DA = ("OAPA1861-s47", "Assault occasioning actual bodily harm (OAPA 1861 s.47)", SPECIFIED_DA)
BEATING_DA = ("CJA1988-s39", "Assault by beating (CJA 1988 s.39)", SPECIFIED_DA)
THEFT = ("TA1968-s1", "Theft (TA 1968 s.1)", None)


def conviction(
    record_id: str,
    offence: tuple[str, str, str | None],
    convicted_on: dt.date,
    *,
    disposal: str = "conviction",
    custodial: bool = True,
    months: int | None = 18,
    age: int | None = 30,
    spent: bool = False,
    unit: str = "months",
    sentence_type: str = "",
    licence_end: dt.date | None = None,
    associated_form: str = "",
    victim_age: int | None = None,
) -> ConvictionFact:
    code, title, kind = offence
    return ConvictionFact(
        record_id=record_id,
        offence_code=code,
        offence_title=title,
        specified_kind=kind,
        disposal=disposal,
        custodial=custodial,
        sentence_days=term_days(months, unit),
        sentence_text=f"{months} {unit}" if months is not None else "",
        offence_date=convicted_on - dt.timedelta(days=90),
        conviction_date=convicted_on,
        age_at_offence=age,
        spent=spent,
        sentence_type=sentence_type or ("immediate_custody" if custodial else "community_order"),
        licence_end=licence_end,
        associated_form=associated_form,
        victim_age=victim_age,
    )


def rosh(record_id: str, on: dt.date, level: str, tool: str = "oasys_rosh") -> RiskFact:
    return RiskFact(record_id=record_id, tool=tool, assessed_on=on, level=level)


def incident(
    record_id: str,
    on: dt.date,
    victim: str,
    relationship: str = "ex_partner",
    *,
    threatened_only: bool = False,
    age: int | None = 34,
) -> IncidentFact:
    return IncidentFact(
        record_id=record_id,
        occurred_on=on,
        victim_key=victim,
        relationship=relationship,
        threatened_only=threatened_only,
        age_at_incident=age,
    )


def check(outcome: EligibilityOutcome, starts_with: str) -> RuleCheck:
    [found] = [c for c in outcome.checks if c.rule.startswith(starts_with)]
    return found


def detail_of(outcome: EligibilityOutcome, starts_with: str) -> str:
    return check(outcome, starts_with).detail


def all_detail(outcome: EligibilityOutcome) -> str:
    return " ".join(c.detail for c in outcome.checks)


# --- Convicted, serial or high risk (Lords 2024 and broad convicted) -------------------------


def test_stalker_convicted_of_s4a_twice_and_jailed_meets_the_lords_set() -> None:
    """Jailed for s.4A stalking of his ex-partner in 2019, and again for stalking her in 2022."""
    facts = PersonFacts(
        convictions=(
            conviction("c1", STALKING_4A, dt.date(2019, 3, 4), months=12),
            conviction("c2", STALKING_4A, dt.date(2022, 11, 15), months=30),
        )
    )

    outcome = evaluate(facts, LORDS, AS_OF)

    assert outcome.criteria_met and outcome.can_register and not outcome.blocked
    assert outcome.criteria_key == "lords_2024" and outcome.criteria_name == "2024 Lords amendment"
    serial = check(outcome, "(a)")
    assert serial.passed
    assert "on 2 separate occasions: 4 March 2019 and 15 November 2022" in serial.detail
    assert serial.record_ids == ("c1", "c2")
    custody = check(outcome, "Sentenced to immediate custody")
    # The 2019 term of 12 months and its licence ended in 2020: only the 2022 custody is "a
    # condition of the release and licence" now (issue 10, finding 8).
    assert custody.passed and custody.record_ids == ("c2",)
    assert "immediate custody of 30 months, with a licence until" in custody.detail
    assert check(outcome, "Either").detail == "Met by (a) relevant serial offender."


def test_coercive_control_and_abh_sentenced_together_is_serial_by_two_offences() -> None:
    """One hearing: coercive control and ABH against his wife, a community order for both.

    Two different specified offences on one occasion make a serial offender; the broad set is
    met, the Lords set is not because nothing was an immediate custodial sentence.
    """
    day = dt.date(2023, 2, 7)
    facts = PersonFacts(
        convictions=(
            conviction("cc", COERCIVE, day, custodial=False, months=None),
            conviction("abh", ABH_DA, day, custodial=False, months=None),
        )
    )

    broad, lords = evaluate_all(facts, [BROAD, LORDS], AS_OF)

    serial = check(broad, "(a)")
    assert serial.passed and set(serial.record_ids) == {"cc", "abh"}
    assert "2 different specified offences" in serial.detail
    assert broad.criteria_met
    assert not lords.criteria_met
    assert not check(lords, "Sentenced to immediate custody").passed
    assert check(lords, "(a)").passed


def test_two_counts_of_one_offence_on_the_same_day_are_one_occasion() -> None:
    """Two counts of assault by beating of his partner, convicted together: not serial."""
    day = dt.date(2023, 9, 12)
    facts = PersonFacts(
        convictions=(
            conviction("b1", BEATING_DA, day),
            conviction("b2", BEATING_DA, day),
        )
    )

    outcome = evaluate(facts, BROAD, AS_OF)

    serial = check(outcome, "(a)")
    assert not serial.passed
    assert "all on 12 September 2023: that is one occasion of one offence" in serial.detail
    assert not outcome.criteria_met


def test_single_conviction_with_high_rosh_meets_the_test_through_b() -> None:
    """One s.4A stalking conviction with custody; OASys rates the risk of serious harm high."""
    facts = PersonFacts(
        convictions=(conviction("c1", STALKING_4A, dt.date(2023, 1, 10)),),
        risk_assessments=(rosh("r1", dt.date(2024, 2, 1), "high"),),
    )

    outcome = evaluate(facts, LORDS, AS_OF)

    assert outcome.criteria_met
    assert not check(outcome, "(a)").passed
    risk = check(outcome, "(b)")
    assert risk.passed and risk.record_ids == ("r1",)
    assert "OASys RoSH assessment on 1 February 2024 rated high" in risk.detail
    either = check(outcome, "Either")
    assert either.passed and either.record_ids == ("r1",)
    assert either.detail == "Met by (b) high risk of serious harm."


def test_single_conviction_with_low_rosh_is_not_met() -> None:
    """One stalking conviction, OASys RoSH low: neither serial nor high risk."""
    facts = PersonFacts(
        convictions=(conviction("c1", STALKING_4A, dt.date(2023, 1, 10)),),
        risk_assessments=(rosh("r1", dt.date(2024, 2, 1), "low"),),
    )

    outcome = evaluate(facts, BROAD, AS_OF)

    assert not outcome.criteria_met and not outcome.can_register
    assert check(outcome, "Convicted of a specified").passed
    assert not check(outcome, "(b)").passed
    assert check(outcome, "Either").detail == "Neither (a) nor (b) is met."


def test_latest_rosh_wins_over_an_older_high_rating() -> None:
    """Rated very high in 2021 before a programme; re-assessed medium in 2024."""
    facts = PersonFacts(
        convictions=(conviction("c1", COERCIVE, dt.date(2020, 6, 1)),),
        risk_assessments=(
            rosh("old", dt.date(2021, 5, 1), "very_high"),
            rosh("new", dt.date(2024, 3, 18), "medium"),
        ),
    )

    outcome = evaluate(facts, BROAD, AS_OF)

    risk = check(outcome, "(b)")
    assert not risk.passed and not outcome.criteria_met
    assert risk.record_ids == ("new", "old")
    assert "The latest is the OASys RoSH assessment on 18 March 2024 rated medium" in risk.detail
    assert "Superseded by the latest: OASys RoSH assessment on 1 May 2021 rated very high" in (
        risk.detail
    )


def test_future_rosh_and_other_tools_do_not_count_for_b() -> None:
    """A DASH rated high and a RoSH dated after the decision date are both left out."""
    facts = PersonFacts(
        convictions=(conviction("c1", COERCIVE, dt.date(2020, 6, 1)),),
        risk_assessments=(
            rosh("now", dt.date(2024, 1, 5), "medium"),
            rosh("later", dt.date(2024, 7, 1), "very_high"),
            rosh("dash", dt.date(2024, 5, 1), "high", tool="dash"),
        ),
    )

    risk = check(evaluate(facts, BROAD, AS_OF), "(b)")

    assert not risk.passed
    assert "Ignored: OASys RoSH assessment on 1 July 2024 rated very high, dated after" in (
        risk.detail
    )
    assert "Not considered, because this criteria set uses other tools: DASH" in risk.detail
    assert risk.record_ids == ("now", "later", "dash")
    # A set that also trusts DASH sees the later, high DASH as the latest assessment.
    with_dash = replace(BROAD, risk_tools=("oasys_rosh", "dash"))
    assert check(evaluate(facts, with_dash, AS_OF), "(b)").passed


def test_two_assessments_on_the_same_day_use_the_higher_level() -> None:
    """Probation rated him high and a second RoSH the same day said medium: never lowered."""
    facts = PersonFacts(
        convictions=(conviction("c1", STALKING_4A, dt.date(2023, 1, 10)),),
        risk_assessments=(
            rosh("medium", dt.date(2024, 4, 4), "medium"),
            rosh("high", dt.date(2024, 4, 4), "high"),
        ),
    )

    risk = check(evaluate(facts, BROAD, AS_OF), "(b)")

    assert risk.passed and risk.record_ids == ("high", "medium")
    assert "2 assessments are dated 4 April 2024 (high and medium)" in risk.detail


def test_da_age_limit_excludes_an_offence_at_15_and_counts_one_at_16() -> None:
    """Assaulted his mother at 15 and again at 16: only the second is a DA conviction."""
    facts = PersonFacts(
        convictions=(
            conviction("at15", BEATING_DA, dt.date(2021, 4, 1), age=15),
            conviction("at16", ABH_DA, dt.date(2022, 4, 1), age=16),
        )
    )

    outcome = evaluate(facts, BROAD, AS_OF)

    specified = check(outcome, "Convicted of a specified")
    assert specified.passed
    assert (
        "Assault by beating (CJA 1988 s.39) on 1 April 2021 excluded: aged 15 at the offence, "
        "under the minimum age of 16 for domestic abuse." in specified.detail
    )
    assert check(outcome, "(a)").record_ids == ("at16",)
    assert not outcome.criteria_met


def test_stalking_age_limit_counts_11_but_not_9() -> None:
    """Stalked a classmate at 9 and at 11, then a partner at 19: stalking counts from 10."""
    facts = PersonFacts(
        convictions=(
            conviction("at9", STALKING_2A, dt.date(2014, 5, 3), age=9, custodial=False),
            conviction("at11", STALKING_2A, dt.date(2016, 5, 3), age=11, custodial=False),
            conviction("at19", STALKING_2A, dt.date(2024, 1, 20), age=19),
        )
    )

    outcome = evaluate(facts, LORDS, AS_OF)

    specified = check(outcome, "Convicted of a specified")
    assert "aged 9 at the offence, under the minimum age of 10 for stalking" in specified.detail
    serial = check(outcome, "(a)")
    assert serial.passed and serial.record_ids == ("at11", "at19")
    assert "3 May 2016 and 20 January 2024" in serial.detail
    assert outcome.criteria_met


def test_unknown_age_at_offence_means_the_conviction_does_not_count() -> None:
    """No date of birth on file: the age limit cannot be confirmed, so nothing counts."""
    facts = PersonFacts(convictions=(conviction("c1", COERCIVE, dt.date(2022, 1, 1), age=None),))

    outcome = evaluate(facts, BROAD, AS_OF)

    specified = check(outcome, "Convicted of a specified")
    # Named in the detail, but an excluded conviction is never evidence (issue 10, finding 1).
    assert not specified.passed and specified.record_ids == ()
    assert "age at offence unknown" in specified.detail


def test_spent_conviction_counts_only_where_the_set_counts_spent_convictions() -> None:
    """A 2012 s.2A stalking conviction, now spent, and a 2023 s.4A conviction."""
    facts = PersonFacts(
        convictions=(
            conviction("spent", STALKING_2A, dt.date(2012, 5, 3), spent=True),
            conviction("recent", STALKING_4A, dt.date(2023, 10, 2)),
        )
    )
    not_spent = replace(BROAD, key="no_spent", count_spent=False)

    counting, excluding = evaluate_all(facts, [BROAD, not_spent], AS_OF)

    assert counting.criteria_met
    assert check(counting, "(a)").record_ids == ("spent", "recent")
    assert not excluding.criteria_met
    assert (
        "Stalking (PHA 1997 s.2A) on 3 May 2012 excluded: spent, and this criteria set does not "
        "count spent convictions." in detail_of(excluding, "Convicted of a specified")
    )


def test_historic_convictions_before_the_cutoff_count_only_when_the_set_says_so() -> None:
    """Coercive control in 2016 and ABH on his partner in 2023; the cutoff is 1 January 2018."""
    facts = PersonFacts(
        convictions=(
            conviction("old", COERCIVE, dt.date(2016, 8, 30)),
            conviction("new", ABH_DA, dt.date(2023, 8, 30)),
        )
    )
    cutoff = dt.date(2018, 1, 1)
    counts_historic = replace(BROAD, historic_before=cutoff, count_historic=True)
    ignores_historic = replace(BROAD, historic_before=cutoff, count_historic=False)

    assert evaluate(facts, counts_historic, AS_OF).criteria_met
    outcome = evaluate(facts, ignores_historic, AS_OF)
    assert not outcome.criteria_met
    assert "historic (before 1 January 2018), and this criteria set does not count historic" in (
        detail_of(outcome, "Convicted of a specified")
    )


def test_cautions_count_only_when_the_set_counts_cautions() -> None:
    """Cautioned for assault by beating of his partner, later convicted of coercive control."""
    facts = PersonFacts(
        convictions=(
            conviction(
                "caution",
                BEATING_DA,
                dt.date(2021, 2, 2),
                disposal="caution",
                custodial=False,
                months=None,
            ),
            conviction("cc", COERCIVE, dt.date(2023, 3, 3)),
        )
    )

    without = evaluate(facts, BROAD, AS_OF)
    with_cautions = evaluate(facts, replace(BROAD, count_cautions=True), AS_OF)

    assert not without.criteria_met
    assert (
        "Assault by beating (CJA 1988 s.39) (caution) on 2 February 2021 excluded: a caution, "
        "and this criteria set does not count cautions." in detail_of(without, "Convicted of")
    )
    assert with_cautions.criteria_met
    assert check(with_cautions, "(a)").record_ids == ("caution", "cc")


def test_suspended_sentence_fails_the_lords_custodial_condition_but_meets_broad() -> None:
    """Two stalking convictions, both with suspended sentences and a high RoSH."""
    facts = PersonFacts(
        convictions=(
            conviction("s1", STALKING_2A, dt.date(2022, 1, 11), custodial=False, months=6),
            conviction("s2", STALKING_4A, dt.date(2023, 7, 19), custodial=False, months=12),
        ),
        risk_assessments=(rosh("r1", dt.date(2023, 8, 1), "high"),),
    )

    lords, broad = evaluate_all(facts, [LORDS, BROAD], AS_OF)

    custody = check(lords, "Sentenced to immediate custody")
    assert not custody.passed and custody.record_ids == ("s1", "s2")
    assert "a suspended sentence is not custody" in custody.detail
    assert not lords.criteria_met and not lords.can_register
    assert broad.criteria_met
    assert not any(c.rule.startswith("Sentenced to immediate custody") for c in broad.checks)
    assert check(broad, "Either").detail.startswith("Met by both (a)")


def test_insanity_finding_counts_and_non_specified_offences_are_explained() -> None:
    """Found not guilty by reason of insanity of s.4A stalking; also a theft, not specified."""
    facts = PersonFacts(
        convictions=(
            conviction("theft", THEFT, dt.date(2019, 1, 1)),
            conviction(
                "ngri", STALKING_4A, dt.date(2020, 1, 1), disposal="not_guilty_insanity", months=60
            ),
        ),
        risk_assessments=(rosh("r1", dt.date(2024, 1, 1), "very_high"),),
    )

    outcome = evaluate(facts, LORDS, AS_OF)

    specified = check(outcome, "Convicted of a specified")
    # Regression (issue 10, finding 1): the excluded theft is explained but not evidence.
    assert specified.record_ids == ("ngri",)
    assert "(found not guilty by reason of insanity) on 1 January 2020" in specified.detail
    assert (
        "Theft (TA 1968 s.1) on 1 January 2019 excluded: not a specified domestic abuse or "
        "stalking offence." in specified.detail
    )
    assert outcome.criteria_met


def test_conviction_after_the_assessment_date_is_not_counted() -> None:
    """Re-running a decision made in 2022: a 2023 conviction did not exist then."""
    facts = PersonFacts(
        convictions=(
            conviction("c1", STALKING_4A, dt.date(2021, 1, 1)),
            conviction("c2", STALKING_4A, dt.date(2023, 1, 1)),
        )
    )

    outcome = evaluate(facts, BROAD, dt.date(2022, 6, 1))

    assert not outcome.criteria_met
    assert "dated after 1 June 2022, the date being assessed" in all_detail(outcome)


def test_no_convictions_at_all_is_explained() -> None:
    outcome = evaluate(PersonFacts(), LORDS, AS_OF)

    assert not outcome.criteria_met
    assert (
        detail_of(outcome, "Convicted of") == "No convictions, cautions or findings are recorded."
    )
    assert "No OASys RoSH assessment is recorded on or before 1 June 2024." in all_detail(outcome)


# --- NPCC serial perpetrator -----------------------------------------------------------------


def test_npcc_two_partners_within_three_years_is_met_including_a_threat() -> None:
    """Assaulted his ex-wife in 2022 and threatened his new partner in 2024; never convicted."""
    facts = PersonFacts(
        incidents=(
            incident("i1", dt.date(2022, 3, 14), "ex-wife", "ex_partner"),
            incident(
                "i2", dt.date(2024, 4, 2), "partner", "intimate_partner", threatened_only=True
            ),
        )
    )

    outcome = evaluate(facts, NPCC, AS_OF)

    assert outcome.criteria_met and outcome.can_register
    victims = check(outcome, "Against 2 or more different victims")
    assert victims.passed and victims.record_ids == ("i1", "i2")
    assert victims.detail == (
        "2 different victims: victim 1 (incident on 14 March 2022) and "
        "victim 2 (incident on 2 April 2024)."
    )
    assert "threatened only" in detail_of(outcome, "Reported domestic abuse")
    # Victims are numbered, never named: offender-side staff do not see victim details.
    assert "ex-wife" not in all_detail(outcome)


def test_npcc_second_victim_outside_the_window_is_not_met() -> None:
    """His first partner was harmed in 2020, more than three years before 1 June 2024."""
    facts = PersonFacts(
        incidents=(
            incident("old", dt.date(2020, 12, 24), "first", "ex_partner"),
            incident("new", dt.date(2023, 12, 24), "second", "intimate_partner"),
        )
    )

    outcome = evaluate(facts, NPCC, AS_OF)

    assert not outcome.criteria_met
    reported = check(outcome, "Reported domestic abuse")
    assert "between 1 June 2021 and 1 June 2024" in reported.rule
    assert (
        "Incident on 24 December 2020 against victim 1 (ex-partner) excluded: outside the 3-year "
        "window (before 1 June 2021)." in reported.detail
    )
    assert reported.record_ids == ("new", "old")
    assert check(outcome, "Against 2").record_ids == ("new",)


def test_npcc_same_victim_twice_is_not_met() -> None:
    """Three call-outs to the same partner in a year: a repeat victim, not a serial pattern."""
    facts = PersonFacts(
        incidents=tuple(
            incident(f"i{n}", dt.date(2024, month, 1), "partner", "intimate_partner")
            for n, month in enumerate((1, 3, 5))
        )
    )

    outcome = evaluate(facts, NPCC, AS_OF)

    assert not outcome.criteria_met
    victims = check(outcome, "Against 2")
    assert victims.record_ids == ("i0", "i1", "i2")
    assert victims.detail.startswith(
        "Only 1 different victim: victim 1 (incidents on 1 January 2024, 1 March 2024 and "
        "1 May 2024); 2 are needed."
    )


def test_npcc_window_from_29_february_starts_on_28_february() -> None:
    """Assessed on 29 February 2024: the three-year window opens on 28 February 2021."""
    leap_day = dt.date(2024, 2, 29)
    recent = incident("recent", dt.date(2024, 1, 1), "sister", "family_member")
    on_boundary = incident("edge", dt.date(2021, 2, 28), "ex", "ex_partner")
    day_before = replace(on_boundary, record_id="before", occurred_on=dt.date(2021, 2, 27))

    assert years_before(leap_day, 3) == dt.date(2021, 2, 28)
    assert years_before(dt.date(2028, 2, 29), 4) == dt.date(2024, 2, 29)
    assert evaluate(PersonFacts(incidents=(recent, on_boundary)), NPCC, leap_day).criteria_met
    outcome = evaluate(PersonFacts(incidents=(recent, day_before)), NPCC, leap_day)
    assert not outcome.criteria_met
    assert "before 28 February 2021" in detail_of(outcome, "Reported domestic abuse")


def test_npcc_excludes_other_relationships_under_16s_and_unknown_ages() -> None:
    """A neighbour, an incident at 15, and one with no date of birth on file: none count."""
    facts = PersonFacts(
        incidents=(
            incident("neighbour", dt.date(2023, 1, 1), "n", "other"),
            incident("young", dt.date(2023, 2, 1), "m", "family_member", age=15),
            incident("unknown", dt.date(2023, 3, 1), "p", "intimate_partner", age=None),
            incident("ok", dt.date(2023, 4, 1), "q", "intimate_partner"),
        )
    )

    outcome = evaluate(facts, NPCC, AS_OF)

    assert not outcome.criteria_met
    detail = detail_of(outcome, "Reported domestic abuse")
    assert "the victim is not a partner, ex-partner or family member" in detail
    assert "aged 15 at the incident, under the minimum age of 16 for domestic abuse" in detail
    assert "age at the incident unknown" in detail
    assert check(outcome, "Against 2").record_ids == ("ok",)


# --- Safeguard, record ids, errors -----------------------------------------------------------


def test_possible_misidentified_victim_is_blocked_until_a_primary_aggressor_review() -> None:
    """Dual arrest after she fought back: meets NPCC on paper, but may be the real victim."""
    facts = PersonFacts(
        incidents=(
            incident("i1", dt.date(2023, 5, 5), "a", "intimate_partner"),
            incident("i2", dt.date(2024, 5, 5), "b", "ex_partner"),
        ),
        possible_misidentified_victim=True,
    )

    blocked = evaluate(facts, NPCC, AS_OF)

    assert blocked.criteria_met and blocked.blocked and not blocked.can_register
    safeguard = blocked.checks[-1]
    assert safeguard.rule == SAFEGUARD_RULE and not safeguard.passed
    assert "Registration is blocked until a supervisor's primary-aggressor review" in (
        safeguard.detail
    )

    # Recording a review is not enough: only a finding of "primary aggressor" (which clears
    # the flag) releases it (issue 10, finding 3; tests/register/test_safeguard_rules.py).
    from register.rules import AggressorReviewFact

    def reviewed(outcome: str) -> AggressorReviewFact:
        return AggressorReviewFact("r1", outcome, dt.date(2024, 6, 1), "Sam Upton")

    still = evaluate(replace(facts, primary_aggressor_review=reviewed("inconclusive")), NPCC, AS_OF)
    assert still.blocked and not still.can_register
    released = evaluate(
        replace(
            facts,
            possible_misidentified_victim=False,
            primary_aggressor_review=reviewed("primary_aggressor"),
        ),
        NPCC,
        AS_OF,
    )

    assert released.can_register and not released.blocked
    assert released.checks[-1].passed
    assert "found this person to be the primary aggressor" in released.checks[-1].detail


def test_safeguard_is_reported_as_passed_when_not_flagged_for_every_set() -> None:
    for outcome in evaluate_all(PersonFacts(), [LORDS, BROAD, NPCC], AS_OF):
        assert not outcome.blocked
        assert outcome.checks[-1].rule == SAFEGUARD_RULE and outcome.checks[-1].passed
        assert "not flagged" in outcome.checks[-1].detail


def test_every_check_names_the_records_it_used_in_every_set() -> None:
    """A full file: each record that decides a check is quoted back by id."""
    facts = PersonFacts(
        convictions=(
            conviction("conv-1", STALKING_4A, dt.date(2021, 3, 3)),
            conviction("conv-2", COERCIVE, dt.date(2023, 3, 3), spent=True),
        ),
        risk_assessments=(rosh("risk-1", dt.date(2024, 1, 1), "high"),),
        incidents=(
            incident("inc-1", dt.date(2023, 1, 1), "a", "intimate_partner"),
            incident("inc-2", dt.date(2024, 1, 1), "b", "family_member"),
        ),
    )

    lords, broad, npcc = evaluate_all(facts, [LORDS, BROAD, NPCC], AS_OF)

    for outcome in (lords, broad):
        assert outcome.criteria_met
        assert check(outcome, "Convicted of").record_ids == ("conv-1", "conv-2")
        assert check(outcome, "(a)").record_ids == ("conv-1", "conv-2")
        assert check(outcome, "(b)").record_ids == ("risk-1",)
        assert check(outcome, "Either").record_ids == ("conv-1", "conv-2", "risk-1")
    # conv-1's 18 months ended in 2022; only conv-2 carries custody with a licence still to run.
    assert check(lords, "Sentenced to immediate custody").record_ids == ("conv-2",)
    assert npcc.criteria_met
    assert check(npcc, "Reported domestic abuse").record_ids == ("inc-1", "inc-2")
    assert check(npcc, "Against 2").record_ids == ("inc-1", "inc-2")
    assert [c.rule.split(" ")[0] for c in lords.checks] == [
        "Convicted",
        "Sentenced",
        "(a)",
        "(b)",
        "Either",
        "Misidentified-victim",
    ]


def test_unknown_test_raises() -> None:
    with pytest.raises(ValueError, match="no_such_test"):
        evaluate(PersonFacts(), replace(BROAD, test="no_such_test"), AS_OF)


def test_dates_are_written_as_staff_write_them() -> None:
    assert format_date(dt.date(2021, 5, 3)) == "3 May 2021"
    assert format_date(dt.date(2024, 12, 25)) == "25 December 2024"


# --- RFGV priority ---------------------------------------------------------------------------


def event(record_id: str, on: dt.date, gravity: float, victim: str | None = None) -> ScoredEvent:
    return ScoredEvent(record_id=record_id, occurred_on=on, gravity=gravity, victim_key=victim)


def test_priority_shows_each_part_and_sums_them() -> None:
    """Latest incident a quarter of the horizon ago, four events, 250 harm, two victims."""
    as_of = dt.date(2024, 6, 1)
    weights = PriorityWeights(recency_horizon_days=400)
    events = [
        event("i1", as_of - dt.timedelta(days=100), 100.0, "a"),
        event("i2", as_of - dt.timedelta(days=200), 50.0, "b"),
        event("i3", as_of - dt.timedelta(days=300), 50.0, "a"),
        event("c1", as_of - dt.timedelta(days=500), 50.0, None),
    ]

    score = priority_score(events, weights, as_of)

    assert score.recency == pytest.approx(0.75)
    assert score.frequency == pytest.approx(0.3)  # c1 is outside the 400-day horizon
    assert score.gravity == pytest.approx(0.25)
    assert score.victims == pytest.approx(0.4)
    assert score.total == pytest.approx(1.7)
    assert score.explanation[0] == "Priority 1.70, the sum of the four weighted parts below."
    assert score.explanation[1].startswith("Recency 0.75 (0.75 of 1, weight 1)")
    assert (
        "latest event was on 22 February 2024, 100 days before 1 June 2024"
        in (score.explanation[1])
    )
    assert "3 events in the last 400 days" in score.explanation[2]
    assert "total harm 250 over 4 events" in score.explanation[3]
    assert "2 different victims named" in score.explanation[4]


def test_weights_change_who_ranks_first() -> None:
    """A recent minor incident against one partner, or serious harm to several victims in 2022."""
    as_of = dt.date(2024, 6, 1)
    recent_minor = [event("r", as_of - dt.timedelta(days=5), 10.0, "x")]
    older_serious = [
        event("s1", dt.date(2022, 1, 10), 400.0, "a"),
        event("s2", dt.date(2022, 2, 10), 400.0, "b"),
        event("s3", dt.date(2022, 3, 10), 200.0, "c"),
    ]
    recency_led = PriorityWeights(recency=5.0, frequency=0.0, gravity=0.5, victims=0.5)
    harm_led = PriorityWeights(recency=0.5, frequency=0.5, gravity=3.0, victims=2.0)

    def ranked(weights: PriorityWeights) -> list[str]:
        scores = {
            "recent minor": priority_score(recent_minor, weights, as_of).total,
            "older serious": priority_score(older_serious, weights, as_of).total,
        }
        return sorted(scores, key=lambda name: scores[name], reverse=True)

    assert ranked(recency_led) == ["recent minor", "older serious"]
    assert ranked(harm_led) == ["older serious", "recent minor"]
    weighted = priority_score(older_serious, harm_led, as_of)
    assert weighted.gravity == pytest.approx(3.0)  # 1000 harm reaches the cap, weighted by 3
    assert "(1.00 of 1, weight 3)" in weighted.explanation[3]


def test_priority_ignores_events_after_the_date_scored() -> None:
    as_of = dt.date(2024, 6, 1)
    past = event("p", dt.date(2024, 6, 1), 100.0, "a")
    future = event("f", dt.date(2024, 7, 1), 900.0, "b")

    with_future = priority_score([past, future], PriorityWeights(), as_of)
    without = priority_score([past], PriorityWeights(), as_of)

    assert with_future.total == pytest.approx(without.total)
    assert with_future.recency == pytest.approx(1.0)
    assert with_future.victims == pytest.approx(0.2)
    assert with_future.explanation[-1] == "1 event dated after 1 June 2024 ignored."


def test_priority_with_no_events_is_all_zeros_and_says_so() -> None:
    score = priority_score([], PriorityWeights(), dt.date(2024, 6, 1))

    assert (score.total, score.recency, score.frequency, score.gravity, score.victims) == (
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
    )
    assert score.explanation == (
        "No incidents or convictions on or before 1 June 2024, so every part scores 0.",
    )


def test_priority_parts_are_capped_and_old_events_score_no_recency() -> None:
    """Twelve old incidents against seven victims: frequency and victims stop at their caps."""
    as_of = dt.date(2024, 6, 1)
    weights = PriorityWeights(recency_horizon_days=365 * 3)
    old = [event(f"o{n}", dt.date(2019, 1, 1 + n), 200.0, f"v{n % 7}") for n in range(12)]
    recent = [event(f"r{n}", as_of - dt.timedelta(days=n), 1.0) for n in range(12)]

    old_score = priority_score(old, weights, as_of)
    recent_score = priority_score(recent, weights, as_of)

    assert old_score.recency == 0.0 and old_score.frequency == 0.0
    assert old_score.gravity == pytest.approx(1.0) and old_score.victims == pytest.approx(1.0)
    assert recent_score.recency == pytest.approx(1.0)
    assert recent_score.frequency == pytest.approx(1.0)
    assert recent_score.victims == 0.0


# --- 2024 Lords set as the source reads (issue 10, finding 8) -----------------------------------
#
# DOMAIN.md, "Offences and the eligibility question": the amendment applies "as a condition of the
# release and licence": "the qualifying conviction itself carries a custodial sentence with a
# licence (old custody for an unrelated conviction does not count)".

LORDS_CUSTODY_CASES: list[tuple[str, str, tuple[ConvictionFact, ...], bool, tuple[str, ...]]] = [
    # (id, wording, convictions, custodial condition met, records named)
    (
        "old-custody-and-new-community-order",
        "old custody for an unrelated conviction does not count",
        (
            conviction("old", BEATING_DA, dt.date(2005, 4, 1), months=8),
            conviction("new", ABH_DA, dt.date(2023, 9, 1), custodial=False, months=None),
        ),
        False,
        ("old", "new"),
    ),
    (
        "custody-with-licence-running",
        "the qualifying conviction itself carries a custodial sentence with a licence",
        (conviction("c", COERCIVE, dt.date(2023, 9, 1), months=18),),
        True,
        ("c",),
    ),
    (
        "licence-recorded-as-ended",
        "as a condition of the release and licence",
        (
            conviction(
                "c", COERCIVE, dt.date(2022, 1, 1), months=36, licence_end=dt.date(2024, 1, 1)
            ),
        ),
        False,
        ("c",),
    ),
    (
        "licence-recorded-running-past-term",
        "as a condition of the release and licence",
        (
            conviction(
                "c", COERCIVE, dt.date(2021, 1, 1), months=12, licence_end=dt.date(2025, 1, 1)
            ),
        ),
        True,
        ("c",),
    ),
    (
        "life-sentence",
        "a custodial sentence with a licence",
        (conviction("c", STALKING_4A, dt.date(2001, 1, 1), months=None, sentence_type="life"),),
        True,
        ("c",),
    ),
    (
        "suspended-is-not-custody",
        "a custodial sentence with a licence",
        (
            conviction(
                "c", COERCIVE, dt.date(2024, 1, 1), custodial=False, sentence_type="suspended"
            ),
        ),
        False,
        ("c",),
    ),
    (
        "weeks-term-counted-in-days",
        "a custodial sentence with a licence (28 weeks from 1 January 2024 runs to 14 July 2024)",
        (conviction("c", COERCIVE, dt.date(2024, 1, 1), months=28, unit="weeks"),),
        True,
        ("c",),
    ),
]


@pytest.mark.parametrize(
    ("wording", "convictions", "passed", "ids"),
    [pytest.param(*case[1:], id=case[0]) for case in LORDS_CUSTODY_CASES],
)
def test_lords_custody_is_read_on_the_qualifying_conviction(
    wording: str, convictions: tuple[ConvictionFact, ...], passed: bool, ids: tuple[str, ...]
) -> None:
    outcome = evaluate(PersonFacts(convictions=convictions), LORDS, AS_OF)
    custody = check(outcome, "Sentenced to immediate custody with a licence")
    assert custody.passed is passed
    assert custody.record_ids == ids
    assert "condition of the release and licence" in custody.rule
    assert wording


def test_regression_8_months_in_2005_and_a_2023_community_order_fails_lords() -> None:
    # Finding 8: "any past custody satisfies custodial" on the old code.
    facts = PersonFacts(
        convictions=(
            conviction("old", BEATING_DA, dt.date(2005, 4, 1), months=8),
            conviction("new", ABH_DA, dt.date(2023, 9, 1), custodial=False, months=None),
        ),
        risk_assessments=(rosh("r", dt.date(2024, 1, 1), "high"),),
    )
    lords, broad = evaluate_all(facts, [LORDS, BROAD], AS_OF)
    assert not lords.criteria_met
    assert broad.criteria_met
    assert "ended on 1 December 2005" in check(lords, "Sentenced").detail


SERIAL_CASES: list[tuple[str, str, tuple[ConvictionFact, ...], dict[str, bool]]] = [
    # (id, wording, convictions, met under each reading)
    (
        "same-offence-two-occasions",
        "convicted on more than one occasion of the same specified offence",
        (
            conviction("a", STALKING_2A, dt.date(2020, 1, 1)),
            conviction("b", STALKING_2A, dt.date(2023, 1, 1)),
        ),
        {"occasions": True, "offences": False, "either": True},
    ),
    (
        "two-offences-one-day",
        "or of more than one specified offence",
        (
            conviction("a", COERCIVE, dt.date(2023, 1, 1)),
            conviction("b", ABH_DA, dt.date(2023, 1, 1)),
        ),
        {"occasions": False, "offences": True, "either": True},
    ),
    (
        "two-offences-two-occasions",
        "more than one occasion ... or more than one specified offence",
        (
            conviction("a", COERCIVE, dt.date(2021, 1, 1)),
            conviction("b", ABH_DA, dt.date(2023, 1, 1)),
        ),
        {"occasions": True, "offences": True, "either": True},
    ),
    (
        "two-counts-one-day",
        "several counts on the same day are one occasion of one offence",
        (
            conviction("a", STALKING_2A, dt.date(2023, 1, 1)),
            conviction("b", STALKING_2A, dt.date(2023, 1, 1)),
        ),
        {"occasions": False, "offences": False, "either": False},
    ),
]


@pytest.mark.parametrize(
    ("wording", "convictions", "readings"),
    [pytest.param(*case[1:], id=case[0]) for case in SERIAL_CASES],
)
def test_serial_is_read_as_the_criteria_set_says(
    wording: str, convictions: tuple[ConvictionFact, ...], readings: dict[str, bool]
) -> None:
    # DOMAIN.md: whether "serial" means separate occasions or separate offence types is a
    # contested reading: "keep it a setting of the set and say which was used".
    for reading, met in readings.items():
        settings = replace(BROAD, serial_reading=reading)
        serial = check(evaluate(PersonFacts(convictions=convictions), settings, AS_OF), "(a)")
        assert serial.passed is met, reading
        assert f"read as {SERIAL_READINGS[reading]}" in serial.rule
        assert f'reads "serial" as {SERIAL_READINGS[reading]}' in serial.detail
    assert wording


ASSOCIATED_CASES: list[tuple[str, str, bool, bool]] = [
    # (id, form, the set counts associated offences, the conviction counts)
    ("attempt-counted", "attempt", True, True),
    ("conspiracy-counted", "conspiracy", True, True),
    ("aiding-counted", "aiding_abetting", True, True),
    ("attempt-not-counted", "attempt", False, False),
    ("aiding-not-counted", "aiding_abetting", False, False),
    ("substantive-always", "", False, True),
]


@pytest.mark.parametrize(
    ("form", "count_associated", "counts"),
    [pytest.param(*c[1:], id=c[0]) for c in ASSOCIATED_CASES],
)
def test_associated_offences_count_as_the_set_says(
    form: str, count_associated: bool, counts: bool
) -> None:
    # DOMAIN.md: "convicted of a specified DA or stalking offence (or an associated offence)".
    facts = PersonFacts(
        convictions=(conviction("a", STALKING_4A, dt.date(2023, 1, 1), associated_form=form),)
    )
    settings = replace(BROAD, count_associated=count_associated)
    specified = check(evaluate(facts, settings, AS_OF), "Convicted of a specified")
    assert specified.passed is counts
    if not counts:
        assert "does not count associated offences" in specified.detail


VICTIM_AGE_CASES: list[tuple[str, tuple[str, str, str | None], int | None, int, bool, str]] = [
    # (id, offence, victim's age, perpetrator's age, counts, words in the detail)
    ("da-both-16", COERCIVE, 16, 30, True, "qualifying conviction"),
    ("da-victim-15", ABH_DA, 15, 30, False, "the victim was 15 at the offence"),
    ("da-victim-unknown", ABH_DA, None, 30, True, "The victim's age is not recorded"),
    ("da-perpetrator-15", ABH_DA, 30, 15, False, "under the minimum age of 16"),
    ("stalking-victim-12", STALKING_2A, 12, 30, True, "qualifying conviction"),
    ("stalking-perpetrator-10", STALKING_2A, None, 10, True, "qualifying conviction"),
    ("stalking-perpetrator-9", STALKING_2A, None, 9, False, "under the minimum age of 10"),
]


@pytest.mark.parametrize(
    ("offence", "victim_age", "age", "counts", "words"),
    [pytest.param(*c[1:], id=c[0]) for c in VICTIM_AGE_CASES],
)
def test_domestic_abuse_needs_both_people_16_or_over(
    offence: tuple[str, str, str | None], victim_age: int | None, age: int, counts: bool, words: str
) -> None:
    # Domestic Abuse Act 2021 s.1(2): "A and B are each aged 16 or over"; stalking from age 10
    # (DOMAIN.md, "Age limits").
    facts = PersonFacts(
        convictions=(conviction("a", offence, dt.date(2023, 1, 1), age=age, victim_age=victim_age),)
    )
    specified = check(evaluate(facts, BROAD, AS_OF), "Convicted of a specified")
    assert specified.passed is counts
    assert words in specified.detail


def test_every_check_names_its_source() -> None:
    # Issue 10, "Sources on screen": every eligibility outcome names its rule and source.
    facts = PersonFacts(
        convictions=(conviction("a", STALKING_2A, dt.date(2023, 1, 1)),),
        incidents=(incident("i", dt.date(2024, 1, 1), "v", "intimate_partner"),),
    )
    for outcome in evaluate_all(facts, [LORDS, BROAD, NPCC], AS_OF):
        for c in outcome.checks:
            assert c.source, c.rule
    lords = evaluate(facts, LORDS, AS_OF)
    assert "condition of the release and licence" in check(lords, "Sentenced").source
    assert "not settled law" in check(lords, "(a)").source
    assert "Domestic Abuse Act 2021 s.1" in check(lords, "Convicted of").source
