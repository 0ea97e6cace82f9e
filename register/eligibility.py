"""Builds the facts register.rules needs from the database, and evaluates criteria sets."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch
from django.utils import timezone

from register import rules
from register.models import (
    Conviction,
    CriteriaSet,
    Misidentification,
    Nominal,
    PrimaryAggressorReview,
    ReportedIncident,
    RiskAssessment,
)


def specified_kind(conviction: Conviction) -> str | None:
    """Stalking offences are specified by statute; any offence can be DA when flagged as such."""
    offence = conviction.offence
    if offence.specified_stalking:
        return rules.SPECIFIED_STALKING
    if offence.coercive_control or conviction.is_domestic_abuse:
        return rules.SPECIFIED_DA
    return None


def person_facts(nominal: Nominal, as_of: dt.date) -> rules.PersonFacts:
    """Expects convictions (with offence), risk assessments and incidents prefetched."""
    rows = list(nominal.convictions.all())
    terms = rules.aggregate_terms(
        {
            str(c.pk): (c.sentence_days, str(c.consecutive_to_id) if c.consecutive_to_id else None)
            for c in rows
        }
    )
    convictions = tuple(
        rules.ConvictionFact(
            record_id=str(c.pk),
            offence_code=c.offence.code,
            offence_title=str(c.offence),
            specified_kind=specified_kind(c),
            disposal=c.disposal,
            custodial=c.custodial,
            sentence_days=terms[str(c.pk)],
            sentence_text=c.term_text,
            sentence_type=c.sentence_type,
            sentence_date=c.sentence_date,
            licence_start=c.licence_start,
            licence_end=c.licence_end,
            associated_form=c.associated_form,
            victim_age=c.victim_age,
            offence_date=c.offence_date,
            conviction_date=c.conviction_date,
            age_at_offence=nominal.age_on(c.offence_date) if c.offence_date else None,
            spent=bool(c.spent_on and c.spent_on <= as_of),
        )
        for c in rows
    )
    risks = tuple(
        rules.RiskFact(record_id=str(r.pk), tool=r.tool, assessed_on=r.assessed_on, level=r.level)
        for r in nominal.risk_assessments.all()
    )
    incidents = tuple(
        rules.IncidentFact(
            record_id=str(i.pk),
            occurred_on=i.occurred_on,
            victim_key=i.victim_reference.strip().lower(),
            relationship=i.victim_relationship,
            threatened_only=i.threatened_only,
            age_at_incident=nominal.age_on(i.occurred_on),
        )
        for i in nominal.incidents.all()
    )
    return rules.PersonFacts(
        convictions=convictions,
        risk_assessments=risks,
        incidents=incidents,
        possible_misidentified_victim=bool(nominal.possible_misidentified_victim),
        misidentification=(
            Misidentification(nominal.possible_misidentified_victim).label.lower()
            if nominal.possible_misidentified_victim
            else ""
        ),
        primary_aggressor_review=latest_review_fact(nominal),
    )


def latest_review_fact(nominal: Nominal) -> rules.AggressorReviewFact | None:
    """The latest primary-aggressor review: the one that decides the safeguard. Uses the
    prefetched reviews (FACT_PREFETCHES) when loaded, newest first as the model orders them."""
    return _review_fact(next(iter(nominal.primary_aggressor_reviews.all()), None))  # type: ignore[attr-defined]


def _review_fact(review: PrimaryAggressorReview | None) -> rules.AggressorReviewFact | None:
    if review is None:
        return None
    reviewer = review.reviewed_by
    return rules.AggressorReviewFact(
        record_id=str(review.pk),
        outcome=review.outcome,
        reviewed_on=review.reviewed_on,
        reviewer=(reviewer.get_full_name() or reviewer.username) if reviewer else "",
    )


def safeguard_now(
    nominal: Nominal,
) -> tuple[rules.RuleCheck, PrimaryAggressorReview | None]:
    """The safeguard on the record as it is in the database now (not on prefetched facts), and
    the latest review: what registration_decide checks before registering anyone."""
    flag = (
        Nominal.objects.filter(pk=nominal.pk)
        .values_list("possible_misidentified_victim", flat=True)
        .first()
    ) or ""
    review = (
        PrimaryAggressorReview.objects.filter(nominal_id=nominal.pk)
        .select_related("reviewed_by")
        .order_by("-reviewed_on", "-created_at")
        .first()
    )
    facts = rules.PersonFacts(
        possible_misidentified_victim=bool(flag),
        misidentification=Misidentification(flag).label.lower() if flag else "",
        primary_aggressor_review=_review_fact(review),
    )
    return rules.safeguard_check(facts), review


def criteria_settings(criteria: CriteriaSet) -> rules.CriteriaSettings:
    return rules.CriteriaSettings(
        key=criteria.key,
        name=criteria.name,
        test=criteria.test,
        custodial_only=criteria.custodial_only,
        count_spent=criteria.count_spent,
        count_cautions=criteria.count_cautions,
        historic_before=criteria.historic_before,
        count_historic=criteria.count_historic,
        da_min_age=criteria.da_min_age,
        stalking_min_age=criteria.stalking_min_age,
        risk_tools=tuple(criteria.risk_tools),
        risk_levels=tuple(criteria.risk_levels),
        window_years=criteria.window_years,
        min_victims=criteria.min_victims,
        serial_reading=criteria.serial_reading,
        count_associated=criteria.count_associated,
    )


FACT_PREFETCHES = (
    Prefetch("convictions", queryset=Conviction.objects.select_related("offence")),
    Prefetch("risk_assessments", queryset=RiskAssessment.objects.all()),
    Prefetch("incidents", queryset=ReportedIncident.objects.all()),
    Prefetch(
        "primary_aggressor_reviews",
        queryset=PrimaryAggressorReview.objects.select_related("reviewed_by"),
    ),
)


def evaluate_nominal(
    nominal: Nominal,
    *,
    as_of: dt.date | None = None,
    criteria_sets: list[CriteriaSet] | None = None,
) -> list[tuple[CriteriaSet, rules.EligibilityOutcome]]:
    as_of = as_of or timezone.localdate()
    sets = (
        criteria_sets
        if criteria_sets is not None
        else list(CriteriaSet.objects.filter(is_active=True))
    )
    facts = person_facts(nominal, as_of)
    return [(c, rules.evaluate(facts, criteria_settings(c), as_of)) for c in sets]


def outcome_as_json(outcome: rules.EligibilityOutcome) -> dict[str, object]:
    """The snapshot kept on a registration decision."""
    return {
        "criteria_key": outcome.criteria_key,
        "criteria_name": outcome.criteria_name,
        "criteria_met": outcome.criteria_met,
        "blocked": outcome.blocked,
        "checks": [
            {
                "rule": c.rule,
                "passed": c.passed,
                "detail": c.detail,
                "record_ids": list(c.record_ids),
                "source": c.source,
            }
            for c in outcome.checks
        ],
    }
