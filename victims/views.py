"""Staff pages of the victims app: the VLO caseload, the victim page (compartment), the
contact log, grants, representations, a nominal's victims tab, and the disclosure scheme.

Thin: every record comes through victims.selectors (404 for missing and forbidden alike);
the selector's decision (`VictimView.compartment`) chooses what a page shows. Every read
of a victim, nominal or disclosure case is written to the access log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from mfa.decorators import require_recent_authentication
from register import access
from register.audit import log_page_reads
from register.errors import DomainError
from register.models import CivilOrder, Conviction, Nominal, Role
from register.requests import StaffRequest
from register.views.common import _apply_domain_error, _page, _require_roles_for, form_page
from victims import conf, rules, selectors, services
from victims.forms import (
    AllocateForm,
    ContactDetailsForm,
    ContactForm,
    DisclosureChecksForm,
    DisclosureCompleteForm,
    DisclosureCreateForm,
    DisclosureDecisionForm,
    GrantForm,
    MisidentifiedForm,
    OfferForm,
    RepresentationForm,
    RepresentationOutcomeForm,
    RevokeForm,
    VictimCreateForm,
    VictimLinkForm,
)
from victims.models import (
    DisclosureCase,
    DisclosureStatus,
    Representation,
    Victim,
    VictimContactDetails,
)


def _form_page(
    request: StaffRequest,
    form: BaseForm,
    *,
    save: Callable[[dict[str, Any]], Any],
    success_url: str,
    success: str,
    log: list[Any],
    purpose: str,
    heading: str,
    caption: str,
    back_url: str,
    button: str = "Save",
    intro: str = "",
    versioned: Any = None,
) -> HttpResponse:
    return form_page(
        request,
        form,
        save=save,
        done=lambda _: success_url,
        success=success,
        template="victims/form.html",
        context={
            "heading": heading,
            "caption": caption,
            "back_url": back_url,
            "button": button,
            "intro": intro,
        },
        read=log,
        purpose=purpose,
        versioned=versioned,
    )


def _victim_url(victim: Victim, anchor: str = "") -> str:
    url = reverse("victim-detail", args=[victim.pk])
    return f"{url}#{anchor}" if anchor else url


def _compartment(request: StaffRequest, victim_id: Any) -> Victim:
    return selectors.victim_get_compartment(user=request.user, victim_id=victim_id)


def _owning_vlo(request: StaffRequest, victim_id: Any) -> Victim:
    victim = _compartment(request, victim_id)
    if not services.is_owning_vlo(request.user, victim):
        raise Http404
    return victim


# The VLO caseload --------------------------------------------------------------------------


@require_GET
def victims_home(request: StaffRequest) -> HttpResponse:
    """The VLO's allocated victims with their scheme and next contact, against the 180 guide."""
    if not request.user.has_role(Role.VICTIM_LIAISON_OFFICER):
        raise Http404
    page = _page(request, selectors.caseload(user=request.user))
    victims = list(page.object_list)
    if victims:
        log_page_reads(request, victims, "VLO caseload")
    count, guide = page.paginator.count, conf.vlo_caseload_guide()
    return render(
        request,
        "victims/caseload.html",
        {
            "page": page,
            "victims": victims,
            "count": count,
            "guide": guide,
            "over_guide": count > guide,
            "caseload_status": rules.caseload_status(count, guide),
            "today": timezone.localdate(),
        },
    )


# The victim page ---------------------------------------------------------------------------


@require_GET
def victim_detail(request: StaffRequest, victim_id: Any) -> HttpResponse:
    data = selectors.victim_page(user=request.user, victim_id=victim_id)
    victim = data.view.victim
    log_page_reads(
        request,
        [victim],
        "Victim record (with contact details)" if data.view.compartment else "Victim record",
    )
    return render(
        request,
        "victims/victim_detail.html",
        {
            "victim": victim,
            "data": data,
            "compartment": data.view.compartment,
            "owning_vlo": services.is_owning_vlo(request.user, victim),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def contact_details_edit(request: StaffRequest, victim_id: Any) -> HttpResponse:
    victim = _compartment(request, victim_id)
    current = VictimContactDetails.objects.filter(victim=victim).first()
    initial = {f: getattr(current, f) for f in services.CONTACT_FIELDS} if current else {}
    form = ContactDetailsForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> Any:
        reason = data.pop("reason")
        return services.contact_details_set(
            actor=request.user, victim=victim, reason=reason, **data
        )

    return _form_page(
        request,
        form,
        save=save,
        success_url=_victim_url(victim, "contact-details"),
        success="Contact details saved",
        log=[victim],
        purpose="Opened the victim's contact details to change them",
        heading="Contact details",
        caption=str(victim),
        back_url=_victim_url(victim),
        intro="Seen only by the victim's liaison officers and staff granted access.",
        versioned=victim,
    )


@require_http_methods(["GET", "POST"])
def victim_allocate(request: StaffRequest, victim_id: Any) -> HttpResponse:
    victim = _owning_vlo(request, victim_id)
    form = AllocateForm(
        request.POST or None,
        vlos=selectors.owning_vlos(victim=victim),
        initial={"vlo": victim.vlo_id},
    )
    return _form_page(
        request,
        form,
        save=lambda d: services.victim_allocate(
            actor=request.user, victim=victim, vlo=d["vlo"], reason=d["reason"]
        ),
        success_url=_victim_url(victim),
        success="Allocation saved",
        log=[victim],
        purpose="Opened a victim to allocate the VLO",
        heading="Allocate the victim liaison officer",
        caption=str(victim),
        back_url=_victim_url(victim),
        versioned=victim,
    )


@require_http_methods(["GET", "POST"])
def scheme_offer(request: StaffRequest, victim_id: Any) -> HttpResponse:
    victim = _compartment(request, victim_id)
    form = OfferForm(
        request.POST or None,
        initial={
            "offer_made_on": victim.offer_made_on,
            "offer_answer": victim.offer_answer,
            "answer_on": victim.answer_on,
            "contact_level": victim.contact_level,
        },
    )
    return _form_page(
        request,
        form,
        save=lambda d: services.scheme_offer_record(actor=request.user, victim=victim, **d),
        success_url=_victim_url(victim, "scheme"),
        success="Offer and answer saved",
        log=[victim],
        purpose="Opened a victim to record the scheme offer",
        heading="Scheme offer and answer",
        caption=str(victim),
        versioned=victim,
        back_url=_victim_url(victim, "scheme"),
        intro=victim.scheme_reason,
    )


@require_http_methods(["GET", "POST"])
def contact_create(request: StaffRequest, victim_id: Any) -> HttpResponse:
    victim = _compartment(request, victim_id)
    form = ContactForm(request.POST or None, initial={"contact_on": timezone.localdate()})
    return _form_page(
        request,
        form,
        save=lambda d: services.contact_record(actor=request.user, victim=victim, **d),
        success_url=_victim_url(victim, "contact-log"),
        success="Contact recorded",
        log=[victim],
        purpose="Opened a victim to record a contact",
        heading="Record a contact",
        caption=str(victim),
        back_url=_victim_url(victim, "contact-log"),
    )


@require_http_methods(["GET", "POST"])
def representation_create(request: StaffRequest, victim_id: Any) -> HttpResponse:
    victim = _compartment(request, victim_id)
    form = RepresentationForm(
        request.POST or None, links=victim.links.select_related("nominal").order_by("created_at")
    )
    return _form_page(
        request,
        form,
        save=lambda d: services.representation_record(actor=request.user, victim=victim, **d),
        success_url=_victim_url(victim, "representations"),
        success="Representation recorded",
        log=[victim],
        purpose="Opened a victim to record a representation",
        heading="Record a representation about licence conditions",
        caption=str(victim),
        back_url=_victim_url(victim, "representations"),
    )


@require_http_methods(["GET", "POST"])
def representation_outcome(
    request: StaffRequest, victim_id: Any, representation_id: Any
) -> HttpResponse:
    victim = _compartment(request, victim_id)
    representation: Representation = selectors.representation_get(
        victim=victim, representation_id=representation_id
    )
    form = RepresentationOutcomeForm(request.POST or None)
    return _form_page(
        request,
        form,
        save=lambda d: services.representation_decide(
            actor=request.user, representation=representation, **d
        ),
        success_url=_victim_url(victim, "representations"),
        success="Outcome recorded",
        log=[victim],
        purpose="Opened a representation to record its outcome",
        heading="What became of the representation",
        caption=str(victim),
        back_url=_victim_url(victim, "representations"),
        intro=representation.requested,
    )


@require_http_methods(["GET", "POST"])
@require_recent_authentication()
def grant_create(request: StaffRequest, victim_id: Any) -> HttpResponse:
    victim = _owning_vlo(request, victim_id)
    form = GrantForm(request.POST or None, grantees=selectors.grantee_choices(victim=victim))
    return _form_page(
        request,
        form,
        save=lambda d: services.grant_add(actor=request.user, victim=victim, **d),
        success_url=_victim_url(victim, "grants"),
        success="Access granted",
        log=[victim],
        purpose="Opened a victim to grant access",
        heading="Grant access to the victim's details",
        caption=str(victim),
        back_url=_victim_url(victim, "grants"),
        intro="The person will see the victim's address and contact details. "
        "The grant and your reason are kept in the victim's history.",
    )


@require_http_methods(["GET", "POST"])
def grant_revoke(request: StaffRequest, victim_id: Any, grant_id: Any) -> HttpResponse:
    victim = _owning_vlo(request, victim_id)
    grant = selectors.grant_get(user=request.user, victim=victim, grant_id=grant_id)
    form = RevokeForm(request.POST or None)
    return _form_page(
        request,
        form,
        save=lambda d: services.grant_revoke(actor=request.user, grant=grant, **d),
        success_url=_victim_url(victim, "grants"),
        success="Access revoked",
        log=[victim],
        purpose="Opened a grant to revoke it",
        heading=f"Revoke {grant.grantee}'s access",
        caption=str(victim),
        back_url=_victim_url(victim, "grants"),
        button="Revoke access",
    )


# A nominal's victims (offender-side) ---------------------------------------------------------


@require_GET
def nominal_victims(request: StaffRequest, nominal_id: Any) -> HttpResponse:
    """That each victim exists, relationship, sex, age, children, safety flags and offences.
    Never where they live or how to reach them, whoever is looking."""
    _require_roles_for(request, Nominal, "view")
    nominal, links = selectors.nominal_victims(user=request.user, nominal_id=nominal_id)
    log_page_reads(request, [nominal, *(link.victim for link in links)], "Victims of a nominal")
    can_change = (
        not nominal.merged_into_id
        and access.roles_allow(request.user, Nominal, "change")
        and "change" in access.agency_actions(nominal, request.user.agency_id)
    )
    return render(
        request,
        "victims/nominal_victims.html",
        {
            "nominal": nominal,
            "links": links,
            "can_change": can_change,
            "recorded_as_victim": selectors.recorded_as_victim(nominal=nominal),
            "today": timezone.localdate(),
        },
    )


def _changeable_nominal(request: StaffRequest, nominal_id: Any) -> Nominal:
    _require_roles_for(request, Nominal, "change")
    from register import selectors as register_selectors

    nominal = register_selectors.nominal_get(
        user=request.user, nominal_id=nominal_id, action="change"
    )
    if nominal.merged_into_id:
        raise Http404
    return nominal


def _nominal_choices(nominal: Nominal) -> dict[str, Any]:
    return {
        "convictions": Conviction.objects.filter(nominal=nominal)
        .select_related("offence")
        .order_by("-conviction_date"),
        "civil_orders": CivilOrder.objects.filter(nominal=nominal).order_by("-starts_on"),
    }


@require_http_methods(["GET", "POST"])
def victim_create(request: StaffRequest, nominal_id: Any) -> HttpResponse:
    nominal = _changeable_nominal(request, nominal_id)
    form = VictimCreateForm(request.POST or None, **_nominal_choices(nominal))
    back = reverse("nominal-victims", args=[nominal.pk])
    return _form_page(
        request,
        form,
        save=lambda d: services.victim_create(actor=request.user, nominal=nominal, **d),
        success_url=back,
        success="Victim recorded. Your agency's victim liaison officers hold their details.",
        log=[nominal],
        purpose="Opened the form to record a victim",
        heading="Record a victim",
        caption=str(nominal),
        back_url=back,
        intro="Record that this person has a victim. Their address and contact details are "
        "kept by a victim liaison officer, not here.",
    )


@require_http_methods(["GET", "POST"])
def victim_link(request: StaffRequest, nominal_id: Any) -> HttpResponse:
    nominal = _changeable_nominal(request, nominal_id)
    form = VictimLinkForm(
        request.POST or None,
        victims=selectors.victims_linkable(user=request.user, nominal=nominal),
        **_nominal_choices(nominal),
    )
    back = reverse("nominal-victims", args=[nominal.pk])
    return _form_page(
        request,
        form,
        save=lambda d: services.victim_link_add(actor=request.user, nominal=nominal, **d),
        success_url=back,
        success="Victim linked",
        log=[nominal],
        purpose="Opened the form to link a victim",
        heading="Link a victim already on the register",
        caption=str(nominal),
        back_url=back,
    )


@require_http_methods(["GET", "POST"])
def victim_misidentified(request: StaffRequest, nominal_id: Any) -> HttpResponse:
    """Record that this nominal is also recorded as a victim (flags both records)."""
    nominal = _changeable_nominal(request, nominal_id)
    form = MisidentifiedForm(
        request.POST or None,
        victims=selectors.victims_visible(request.user)
        .filter(agency_id=request.user.agency_id)
        .exclude(links__nominal=nominal)
        .order_by("family_name", "given_names", "id"),
    )
    back = reverse("nominal-victims", args=[nominal.pk])
    return _form_page(
        request,
        form,
        save=lambda d: services.victim_mark_also_nominal(actor=request.user, nominal=nominal, **d),
        success_url=back,
        success="Both records flagged: possible misidentified victim",
        log=[nominal],
        purpose="Opened the form to flag a possible misidentified victim",
        heading="This person is also recorded as a victim",
        caption=str(nominal),
        back_url=back,
        intro="Flags this record as a possible misidentified victim: it cannot be registered "
        "until a supervisor's primary-aggressor review finds them the primary aggressor.",
    )


# Disclosure scheme ---------------------------------------------------------------------------


def _disclosure_users_only(request: StaffRequest) -> None:
    _require_roles_for(request, DisclosureCase, "view")


@require_GET
def disclosure_list(request: StaffRequest) -> HttpResponse:
    _disclosure_users_only(request)
    status = request.GET.get("status", DisclosureStatus.OPEN)
    if status not in (*DisclosureStatus.values, "all"):
        status = DisclosureStatus.OPEN
    page = _page(
        request,
        selectors.disclosure_queue(user=request.user, status="" if status == "all" else status),
    )
    cases = list(page.object_list)
    if cases:
        log_page_reads(request, cases, "Disclosure scheme queue")
    target = conf.disclosure_target_days()
    for case in cases:
        case.target_on = case.received_on + dt.timedelta(days=target)  # type: ignore[attr-defined]
    return render(
        request,
        "victims/disclosure_list.html",
        {
            "page": page,
            "cases": cases,
            "status": status,
            "statuses": [*DisclosureStatus.choices, ("all", "All")],
            "query": f"status={status}",
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def disclosure_create(request: StaffRequest) -> HttpResponse:
    _require_roles_for(request, DisclosureCase, "change")
    form = DisclosureCreateForm(
        request.POST or None,
        subjects=selectors.disclosure_subjects(user=request.user),
        officers=selectors.case_officer_choices(user=request.user),
        initial={"case_officer": request.user.pk, "received_on": timezone.localdate()},
    )
    created: list[DisclosureCase] = []

    def save(data: dict[str, Any]) -> Any:
        created.append(services.disclosure_create(actor=request.user, **data))

    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, "Disclosure scheme case opened")
            return redirect("disclosure-detail", case_id=created[0].pk)
    return render(
        request,
        "victims/form.html",
        {
            "form": form,
            "heading": "Open a disclosure scheme case",
            "caption": "Domestic Violence Disclosure Scheme",
            "back_url": reverse("disclosure-list"),
            "button": "Open case",
            "intro": f"The case should be completed within {conf.disclosure_target_days()} days.",
        },
    )


@require_GET
def disclosure_detail(request: StaffRequest, case_id: Any) -> HttpResponse:
    _disclosure_users_only(request)
    case = selectors.disclosure_get(user=request.user, case_id=case_id)
    log_page_reads(request, [case], "Disclosure scheme case")
    steps = rules.disclosure_steps(
        received_on=case.received_on,
        initial_checks_on=case.initial_checks_on,
        face_to_face_on=case.face_to_face_on,
        completed_on=case.completed_on,
        target_days=conf.disclosure_target_days(),
        meeting_working_days=conf.disclosure_meeting_working_days(),
        holidays=conf.bank_holidays(),
    )
    return render(
        request,
        "victims/disclosure_detail.html",
        {"case": case, "steps": steps, "today": timezone.localdate()},
    )


DISCLOSURE_STEPS: dict[str, tuple[type[BaseForm], Callable[..., Any], str, str]] = {
    "checks": (
        DisclosureChecksForm,
        services.disclosure_checks_record,
        "Record the checks",
        "Checks recorded",
    ),
    "decision": (
        DisclosureDecisionForm,
        services.disclosure_decide,
        "Record the multi-agency decision",
        "Decision recorded",
    ),
    "outcome": (
        DisclosureCompleteForm,
        services.disclosure_complete,
        "Record the disclosure and the safety plan",
        "Case completed",
    ),
}


@require_http_methods(["GET", "POST"])
@require_recent_authentication(when=lambda request, step, **_: step in ("decision", "outcome"))
def disclosure_step(request: StaffRequest, case_id: Any, step: str) -> HttpResponse:
    _require_roles_for(request, DisclosureCase, "change")
    if step not in DISCLOSURE_STEPS:
        raise Http404
    case = selectors.disclosure_get(user=request.user, case_id=case_id)
    if case.status != DisclosureStatus.OPEN:
        raise Http404
    form_class, service, heading, success = DISCLOSURE_STEPS[step]
    initial = {
        name: getattr(case, name)
        for name in form_class.base_fields  # type: ignore[attr-defined]
        if getattr(case, name, None) not in (None, "")
    }
    form = form_class(request.POST or None, initial=initial)
    url = reverse("disclosure-detail", args=[case.pk])
    return _form_page(
        request,
        form,
        save=lambda d: service(actor=request.user, case=case, **d),
        success_url=url,
        success=success,
        log=[case],
        purpose=f"Opened a disclosure scheme case: {heading.lower()}",
        heading=heading,
        caption=str(case),
        back_url=url,
    )
