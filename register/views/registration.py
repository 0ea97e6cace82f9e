"""Eligibility, the primary-aggressor review, and registration: decide, notice, end, review."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from mfa.decorators import require_recent_authentication
from register import page_helpers, selectors, services
from register.audit import log_page_reads
from register.eligibility import evaluate_nominal
from register.errors import DomainError
from register.forms import (
    EndRegistrationForm,
    MisidentificationForm,
    PrimaryAggressorReviewForm,
    RegistrationDecideForm,
    ReviewDecideForm,
    ReviewRequestForm,
    ServeNoticeForm,
)
from register.models import (
    AggressorFinding,
    Decision,
    Misidentification,
    Nominal,
    PrimaryAggressorReview,
    Registration,
    Role,
)
from register.requests import StaffRequest
from register.views.common import _apply_domain_error, form_page


def _registration_url(nominal: Nominal) -> str:
    return f"{reverse('nominal-detail', args=[nominal.pk])}#registration"


def _outcomes(nominal: Nominal) -> list[dict[str, Any]]:
    """Each active criteria set with its outcome, in words and as a tag colour."""
    results = []
    for criteria_set, outcome in evaluate_nominal(nominal):
        if not outcome.criteria_met:
            status, colour = "Not met", "grey"
        elif outcome.blocked:
            status, colour = "Blocked", "orange"  # met, but the safeguard stops registration
        else:
            status, colour = "Met", "green"
        results.append(
            {"criteria_set": criteria_set, "outcome": outcome, "status": status, "colour": colour}
        )
    return results


# Eligibility ------------------------------------------------------------------------------


@require_GET
def eligibility(request: StaffRequest, nominal_id: str) -> HttpResponse:
    """Every active criteria set, met or not, with each check; and the safeguard's reviews."""
    nominal = selectors.nominal_for_eligibility(user=request.user, nominal_id=nominal_id)
    actions = page_helpers.nominal_actions(user=request.user, nominal=nominal)
    can_change = "change" in actions and nominal.merged_into_id is None
    reviews = list(nominal.primary_aggressor_reviews.all())  # type: ignore[attr-defined]
    log_page_reads(request, [nominal], "Eligibility viewed")
    return render(
        request,
        "register/eligibility.html",
        {
            "nominal": nominal,
            "outcomes": _outcomes(nominal),
            "can_change": can_change,
            "can_review": can_change and request.user.has_role(Role.SUPERVISOR),
            "reviews": reviews,
            "found_victim": bool(reviews) and reviews[0].outcome == AggressorFinding.VICTIM,
            "misidentification": (
                Misidentification(nominal.possible_misidentified_victim).label
                if nominal.possible_misidentified_victim
                else ""
            ),
        },
    )


# The misidentified-victim safeguard -----------------------------------------------------------


def _safeguard_nominal(request: StaffRequest, nominal_id: str) -> Nominal:
    """The record, for changing: another agency's, a merged one, or a role that cannot change
    records is 404."""
    nominal = selectors.nominal_get(user=request.user, nominal_id=nominal_id, action="change")
    if nominal.merged_into_id:
        raise Http404
    return nominal


def _review_url(nominal: Nominal) -> str:
    return f"{reverse('nominal-eligibility', args=[nominal.pk])}#primary-aggressor-review"


@require_http_methods(["GET", "POST"])
def misidentification_flag(request: StaffRequest, nominal_id: str) -> HttpResponse:
    """Flag the person as a possible misidentified victim, with the reason."""
    nominal = _safeguard_nominal(request, nominal_id)
    form = MisidentificationForm(
        request.POST or None,
        initial={"misidentification": nominal.possible_misidentified_victim},
    )
    return form_page(
        request,
        form,
        save=lambda d: services.nominal_flag_misidentified(
            actor=request.user, nominal=nominal, **d
        ),
        done=_review_url,
        success="Flagged as a possible misidentified victim: registration is blocked until a "
        "supervisor's primary-aggressor review finds the primary aggressor",
        template="register/misidentification_flag.html",
        context={"nominal": nominal},
        read=[nominal],
        purpose="Opened the form to flag a possible misidentified victim",
    )


@require_http_methods(["GET", "POST"])
def primary_aggressor_review(request: StaffRequest, nominal_id: str) -> HttpResponse:
    """A supervisor records what the review found; others see why they cannot."""
    nominal = _safeguard_nominal(request, nominal_id)
    form = PrimaryAggressorReviewForm(request.POST or None)

    def done(review: PrimaryAggressorReview) -> str:
        return _review_url(review.nominal)

    found: dict[str, str] = {
        AggressorFinding.PRIMARY_AGGRESSOR: "found the primary aggressor: the flag is lifted "
        "and the person can be registered if the criteria are met",
        AggressorFinding.VICTIM: "found the person to be the victim: registration stays "
        "blocked and the linked victim liaison officers have been told",
        AggressorFinding.INCONCLUSIVE: "inconclusive: registration stays blocked",
    }
    outcome = request.POST.get("outcome", "")
    return form_page(
        request,
        form,
        save=lambda d: services.primary_aggressor_review_record(
            actor=request.user, nominal=nominal, **d
        ),
        done=done,
        success=f"Primary-aggressor review recorded: {found.get(outcome, outcome)}",
        template="register/primary_aggressor_review.html",
        context={
            "nominal": nominal,
            "flagged": bool(nominal.possible_misidentified_victim),
            "is_supervisor": request.user.has_role(Role.SUPERVISOR),
            "misidentification": (
                Misidentification(nominal.possible_misidentified_victim).label
                if nominal.possible_misidentified_victim
                else ""
            ),
        },
        read=[nominal],
        purpose="Opened the primary-aggressor review",
    )


# Registration decisions -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def registration_decide(request: StaffRequest, nominal_id: str) -> HttpResponse:
    gate = selectors.nominal_get(user=request.user, nominal_id=nominal_id, action="change")
    if gate.merged_into_id:
        raise Http404
    # The same record with the facts the decision is evaluated on, loaded in a fixed number
    # of queries (the service evaluates the criteria again on it).
    nominal = selectors.nominal_for_eligibility(user=request.user, nominal_id=nominal_id)
    form = RegistrationDecideForm(
        request.POST or None, criteria_sets=page_helpers.active_criteria_sets()
    )
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_decide(
                actor=request.user, nominal=nominal, **form.cleaned_data
            )
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            if registration.decision == Decision.REGISTER:
                messages.success(request, f"{nominal} registered: serve the notice")
                return redirect("registration-notice", registration_id=registration.pk)
            messages.success(request, "Decision not to register recorded")
            return redirect(_registration_url(nominal))
    elif request.method == "GET":
        log_page_reads(request, [nominal], "Registration decision opened")
    return render(
        request,
        "register/registration_decide.html",
        {"form": form, "nominal": nominal, "outcomes": _outcomes(nominal)},
    )


def _registration(request: StaffRequest, registration_id: str, action: Any) -> Registration:
    registration = page_helpers.registration_get(
        user=request.user, registration_id=registration_id, action=action
    )
    if registration.decision != Decision.REGISTER:
        raise Http404  # a decision not to register has no notice, end or review
    return registration


@require_http_methods(["GET", "POST"])
def registration_notice(request: StaffRequest, registration_id: str) -> HttpResponse:
    """The notice the person is given: printable, plain, with a form to record it was served."""
    registration = _registration(request, registration_id, "view")
    nominal = registration.nominal
    actions = page_helpers.nominal_actions(user=request.user, nominal=nominal)
    can_change = "change" in actions and registration.is_current
    form = ServeNoticeForm(request.POST or None)
    if request.method == "POST":
        registration = _registration(request, registration_id, "change")
        if form.is_valid():
            try:
                services.registration_serve_notice(
                    actor=request.user,
                    registration=registration,
                    served_on=form.cleaned_data["served_on"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as error:
                _apply_domain_error(form, error)
            else:
                messages.success(request, "Notice recorded as served")
                return redirect("registration-notice", registration_id=registration.pk)
    log_page_reads(request, [nominal], "Registration notice viewed")
    return render(
        request,
        "register/registration_notice.html",
        {
            "registration": registration,
            "nominal": nominal,
            "form": form,
            "can_change": can_change,
        },
    )


@require_http_methods(["GET", "POST"])
@require_recent_authentication()
def registration_end(request: StaffRequest, registration_id: str) -> HttpResponse:
    registration = _registration(request, registration_id, "change")
    if not registration.is_current:
        raise Http404
    form = EndRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_end(
                actor=request.user, registration=registration, **form.cleaned_data
            )
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, "Registration ended")
            return redirect(_registration_url(registration.nominal))
    elif request.method == "GET":
        log_page_reads(request, [registration.nominal], "Opened a registration to end it")
    return render(
        request,
        "register/registration_end.html",
        {"form": form, "registration": registration, "nominal": registration.nominal},
    )


@require_http_methods(["GET", "POST"])
def registration_review_request(request: StaffRequest, registration_id: str) -> HttpResponse:
    registration = _registration(request, registration_id, "change")
    form = ReviewRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.registration_review_request(
                actor=request.user, registration=registration, **form.cleaned_data
            )
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, f"{review.get_kind_display()} request recorded")
            return redirect(_registration_url(registration.nominal))
    elif request.method == "GET":
        log_page_reads(request, [registration.nominal], "Opened a registration to record a review")
    return render(
        request,
        "register/registration_review_request.html",
        {"form": form, "registration": registration, "nominal": registration.nominal},
    )


@require_http_methods(["GET", "POST"])
def registration_review_decide(
    request: StaffRequest, registration_id: str, review_id: str
) -> HttpResponse:
    registration = _registration(request, registration_id, "change")
    review = page_helpers.review_get(registration=registration, review_id=review_id)
    form = ReviewDecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_review_decide(
                actor=request.user, review=review, **form.cleaned_data
            )
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, f"{review.get_kind_display()} decided")
            return redirect(_registration_url(registration.nominal))
    elif request.method == "GET":
        log_page_reads(request, [registration.nominal], "Opened a review to decide it")
    return render(
        request,
        "register/registration_review_decide.html",
        {
            "form": form,
            "registration": registration,
            "review": review,
            "nominal": registration.nominal,
        },
    )
