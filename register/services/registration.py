"""Registration decisions, notices, reviews and appeals, and ending a registration."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from register import events
from register.audit import save_with_history
from register.eligibility import evaluate_nominal, outcome_as_json, safeguard_now
from register.errors import DomainError
from register.models import (
    CriteriaSet,
    Decision,
    Nominal,
    Registration,
    RegistrationReview,
    RegistrationStatus,
    ReviewOutcome,
    StaffUser,
)
from register.services.common import full_clean, require_reason


def _not_future(day: dt.date, field: str) -> None:
    """Records say what happened: a date in the future has not happened yet."""
    if day > timezone.localdate():
        raise DomainError("The date must be today or in the past", field=field)


def _set_status(nominal: Nominal, status: str) -> None:
    Nominal.objects.filter(pk=nominal.pk).update(registration_status=status)
    nominal.registration_status = status


def registration_status_refresh(*, nominal: Nominal) -> str:
    """Recompute the nominal's registration status from its decisions (e.g. after a merge)."""
    decisions = Registration.objects.filter(nominal=nominal)
    if decisions.filter(decision=Decision.REGISTER, ended_on__isnull=True).exists():
        status = RegistrationStatus.REGISTERED
    else:
        latest = decisions.order_by("-decided_on", "-created_at").first()
        if latest is None:
            status = RegistrationStatus.NOT_DECIDED
        elif latest.decision == Decision.REGISTER:
            status = RegistrationStatus.ENDED
        else:
            status = RegistrationStatus.NOT_REGISTERED
    _set_status(nominal, status)
    return status


@transaction.atomic
def registration_decide(
    *,
    actor: StaffUser,
    nominal: Nominal,
    criteria_set: CriteriaSet,
    decision: str,
    rationale: str,
    decided_on: dt.date,
    starts_on: dt.date | None = None,
    review_on: dt.date | None = None,
    start_requirements: bool = True,
) -> Registration:
    """Decide whether to register, keeping the eligibility explanation the decision rested on.

    Registering needs the criteria met and the misidentified-victim safeguard clear.
    Deciding not to register is always possible: the rationale says why. Either decision is
    announced (registration.decided); `start_requirements=False` asks the notifications
    listener to leave the requirements to the caller (who picks the index conviction).
    """
    if not rationale.strip():
        raise DomainError("Enter the rationale for the decision", field="rationale")
    # Lock the person: two decisions made at once must not both find "no current registration",
    # and a registration and a primary-aggressor review must not pass each other.
    list(Nominal.objects.select_for_update().filter(pk=nominal.pk).values_list("pk", flat=True))
    if Registration.objects.filter(
        nominal=nominal, decision=Decision.REGISTER, ended_on__isnull=True
    ).exists():
        raise DomainError(
            "This person is already registered: end or review that registration first"
        )
    [(_, outcome)] = evaluate_nominal(nominal, as_of=decided_on, criteria_sets=[criteria_set])
    if decision == Decision.REGISTER:
        # The misidentified-victim safeguard, decided on the locked row as it is now (the facts
        # a page loaded earlier may be stale): every path (page, API, import) comes through here.
        safeguard, review = safeguard_now(nominal)
        if not safeguard.passed or outcome.blocked:
            raise DomainError(
                safeguard.detail if not safeguard.passed else outcome.checks[-1].detail,
                field="decision",
            )
        if review is not None and review.reviewed_on > decided_on:
            raise DomainError(
                "The decision cannot be dated before the primary-aggressor review of "
                f"{review.reviewed_on:%d %b %Y} that lifted the block",
                field="decided_on",
            )
        if not outcome.criteria_met:
            raise DomainError(
                f"The criteria of '{criteria_set.name}' are not met: see the explanation"
            )
        if starts_on is None:
            raise DomainError("Enter the date registration starts", field="starts_on")
        if review_on is None:
            raise DomainError("Enter a review date: nothing is kept without one", field="review_on")
        if review_on <= starts_on:
            raise DomainError("The review date must be after the start date", field="review_on")
    registration = Registration(
        nominal=nominal,
        decision=decision,
        criteria_set=criteria_set,
        explanation=outcome_as_json(outcome),
        rationale=rationale.strip(),
        decided_by=actor,
        decided_on=decided_on,
        starts_on=starts_on if decision == Decision.REGISTER else None,
        review_on=review_on if decision == Decision.REGISTER else None,
    )
    full_clean(registration)
    save_with_history(registration, actor=actor, reason=rationale.strip())
    _set_status(
        nominal,
        RegistrationStatus.REGISTERED
        if decision == Decision.REGISTER
        else RegistrationStatus.NOT_REGISTERED,
    )
    # Notifications starts the default requirements, the notification period (from the
    # index conviction of this outcome) and the first item due, in this transaction; victims
    # and MAPPA hear of a registration. The register calls none of them (register.events).
    events.registration_event(
        actor=actor,
        registration=registration,
        kind=events.RegistrationEventKind.REGISTERED,
        context={"eligibility": outcome, "start_requirements": start_requirements},
    )
    return registration


@transaction.atomic
def registration_serve_notice(
    *, actor: StaffUser, registration: Registration, served_on: dt.date, reason: str
) -> Registration:
    if not registration.is_current:
        raise DomainError("Only a current registration has a notice to serve")
    _not_future(served_on, "served_on")
    registration.notice_served_on = served_on
    return save_with_history(registration, actor=actor, reason=require_reason(reason))


@transaction.atomic
def registration_end(
    *, actor: StaffUser, registration: Registration, ended_on: dt.date, end_reason: str
) -> Registration:
    if not registration.is_current:
        raise DomainError("This registration has already ended or was a decision not to register")
    if not end_reason.strip():
        raise DomainError("Enter why the registration ends", field="end_reason")
    if registration.starts_on and ended_on < registration.starts_on:
        raise DomainError("The end date cannot be before the start date", field="ended_on")
    _not_future(ended_on, "ended_on")
    registration.ended_on, registration.end_reason = ended_on, end_reason.strip()
    save_with_history(registration, actor=actor, reason=end_reason.strip())
    _set_status(registration.nominal, RegistrationStatus.ENDED)
    events.registration_event(
        actor=actor, registration=registration, kind=events.RegistrationEventKind.DEREGISTERED
    )
    return registration


@transaction.atomic
def registration_review_request(
    *,
    actor: StaffUser,
    registration: Registration,
    kind: str,
    requested_on: dt.date,
    requested_by: str,
    grounds: str,
) -> RegistrationReview:
    if registration.decision != Decision.REGISTER:
        raise DomainError("Only a decision to register can be reviewed or appealed")
    _not_future(requested_on, "requested_on")
    review = RegistrationReview(
        registration=registration,
        kind=kind,
        requested_on=requested_on,
        requested_by=requested_by.strip(),
        grounds=grounds.strip(),
    )
    full_clean(review)
    return save_with_history(review, actor=actor, reason=f"{review.get_kind_display()} requested")


@transaction.atomic
def registration_review_decide(
    *,
    actor: StaffUser,
    review: RegistrationReview,
    outcome: str,
    outcome_reason: str,
    decided_on: dt.date,
) -> RegistrationReview:
    if review.outcome != ReviewOutcome.PENDING:
        raise DomainError("This review has already been decided")
    if outcome == ReviewOutcome.PENDING:
        raise DomainError("Choose an outcome", field="outcome")
    if not outcome_reason.strip():
        raise DomainError("Enter the reason for the outcome", field="outcome_reason")
    review.outcome, review.outcome_reason = outcome, outcome_reason.strip()
    review.decided_on, review.decided_by = decided_on, actor
    full_clean(review)
    save_with_history(review, actor=actor, reason=outcome_reason.strip())
    if outcome == ReviewOutcome.ENDED and review.registration.is_current:
        registration_end(
            actor=actor,
            registration=review.registration,
            ended_on=decided_on,
            end_reason=f"{review.get_kind_display()} decided: {outcome_reason.strip()}",
        )
    return review
