"""Transfer pages: the lead agency asks, a receiving supervisor accepts or rejects.

Every page reaches its record through the gate: the nominal with "share" (the lead agency
only) to ask, the transfer through `transfer_selectors` (the two agencies' acting roles
only) for everything else; anything else answers 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from register import selectors, transfer_selectors
from register.audit import log_page_reads
from register.errors import DomainError
from register.forms import GovukFormMixin
from register.models import Agency, NominalTransfer, StaffUser
from register.requests import StaffRequest
from register.services import transfers as services
from register.views.common import _apply_domain_error, _page

TEMPLATES = "register/transfers/"


class RequestForm(GovukFormMixin, forms.Form):
    to_agency = forms.ModelChoiceField(
        label="Agency to transfer the record to",
        queryset=Agency.objects.none(),
        empty_label="Choose an agency",
        error_messages={"required": "Choose the agency to transfer the record to"},
    )
    new_area = forms.CharField(
        label="The person's new area",
        help_text="For example, the town or the police force area they have moved to.",
        max_length=200,
        error_messages={"required": "Enter the area the person has moved to"},
    )
    reason = forms.CharField(
        label="Why should the record move?",
        help_text="The receiving agency's supervisor reads this before deciding.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Enter why the record should move"},
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].queryset = agencies  # type: ignore[attr-defined]


class AcceptForm(GovukFormMixin, forms.Form):
    responsible_officer = forms.ModelChoiceField(
        label="Responsible officer",
        help_text="Someone in your agency. You can choose later: leave it as nobody for now.",
        queryset=StaffUser.objects.none(),
        required=False,
        empty_label="Nobody for now",
    )
    reason = forms.CharField(
        label="Note (optional)",
        help_text="Kept in the record's history with your name.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, officers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_officer"].queryset = officers  # type: ignore[attr-defined]


class ReasonForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Enter the reason"},
    )

    def __init__(self, *args: Any, label: str, required_message: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = required_message


@require_http_methods(["GET", "POST"])
def transfer_request(request: StaffRequest, nominal_id: str) -> HttpResponse:
    nominal = selectors.nominal_get(user=request.user, nominal_id=nominal_id, action="share")
    if nominal.merged_into_id or nominal.lead_agency_id != request.user.agency_id:
        raise Http404
    form = RequestForm(
        request.POST or None, agencies=selectors.agencies_to_share_with(nominal=nominal)
    )
    if request.method == "POST" and form.is_valid():
        try:
            transfer = services.transfer_request(
                actor=request.user, nominal=nominal, **form.cleaned_data
            )
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(
                request,
                f"Transfer requested: a supervisor of {transfer.to_agency.name} will decide. "
                "Until then the record stays with your agency.",
            )
            return redirect("transfer-detail", transfer_id=transfer.pk)
    elif request.method == "GET":
        log_page_reads(request, [nominal], "Opened to request a transfer")
    return render(
        request,
        f"{TEMPLATES}request.html",
        {"form": form, "nominal": nominal, "read_days": services.read_days()},
    )


@require_GET
def transfer_list(request: StaffRequest) -> HttpResponse:
    directions = transfer_selectors.visible_directions(request.user)
    if not directions:
        raise Http404
    page = _page(request, transfer_selectors.transfers_for(user=request.user))
    rows = list(page.object_list)
    for transfer in rows:
        transfer.direction = transfer_selectors.direction_of(transfer, request.user)  # type: ignore[attr-defined]
    if rows:
        log_page_reads(request, [t.nominal for t in rows], "Transfer requests listed")
    return render(
        request,
        f"{TEMPLATES}list.html",
        {"page": page, "rows": rows, "directions": directions},
    )


def _detail_context(request: StaffRequest, transfer: NominalTransfer) -> dict[str, Any]:
    direction = transfer_selectors.direction_of(transfer, request.user)
    return {
        "transfer": transfer,
        "direction": direction,
        "can_decide": transfer.is_open and direction == "incoming",
        "can_withdraw": transfer.is_open and direction == "outgoing",
        "read_days": services.read_days(),
    }


@require_GET
def transfer_detail(request: StaffRequest, transfer_id: str) -> HttpResponse:
    transfer = transfer_selectors.transfer_get(user=request.user, transfer_id=transfer_id)
    log_page_reads(request, [transfer.nominal], "Transfer request viewed")
    return render(request, f"{TEMPLATES}detail.html", _detail_context(request, transfer))


@require_http_methods(["GET", "POST"])
def transfer_accept(request: StaffRequest, transfer_id: str) -> HttpResponse:
    """Choose the responsible officer, then confirm on a second page before anything moves."""
    transfer = transfer_selectors.transfer_get(
        user=request.user, transfer_id=transfer_id, direction="incoming"
    )
    if not transfer.is_open:
        messages.info(request, "This transfer has already been decided")
        return redirect("transfer-detail", transfer_id=transfer.pk)
    officers = services.officer_choices(agency_id=request.user.agency_id)
    form = AcceptForm(request.POST or None, officers=officers)
    confirming = False
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["confirm"]:
            try:
                services.transfer_accept(
                    actor=request.user,
                    transfer=transfer,
                    responsible_officer=form.cleaned_data["responsible_officer"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as error:
                _apply_domain_error(form, error)
            else:
                messages.success(
                    request,
                    f"Transfer accepted: {request.user.agency.name} now leads the record of "
                    f"{transfer.nominal}",
                )
                return redirect("nominal-detail", nominal_id=transfer.nominal_id)
        else:
            confirming = True
    elif request.method == "GET":
        log_page_reads(request, [transfer.nominal], "Transfer request opened to accept")
    return render(
        request,
        f"{TEMPLATES}accept.html",
        {
            **_detail_context(request, transfer),
            "form": form,
            "confirming": confirming,
        },
    )


def _reason_page(
    request: StaffRequest,
    transfer: NominalTransfer,
    *,
    act: Any,
    label: str,
    required_message: str,
    heading: str,
    button: str,
    done: str,
) -> HttpResponse:
    if not transfer.is_open:
        messages.info(request, "This transfer has already been decided")
        return redirect("transfer-detail", transfer_id=transfer.pk)
    form = ReasonForm(request.POST or None, label=label, required_message=required_message)
    if request.method == "POST" and form.is_valid():
        try:
            act(actor=request.user, transfer=transfer, reason=form.cleaned_data["reason"])
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, done)
            return redirect("transfer-detail", transfer_id=transfer.pk)
    elif request.method == "GET":
        log_page_reads(request, [transfer.nominal], f"Transfer request opened: {heading}")
    return render(
        request,
        f"{TEMPLATES}reason.html",
        {**_detail_context(request, transfer), "form": form, "heading": heading, "button": button},
    )


@require_http_methods(["GET", "POST"])
def transfer_reject(request: StaffRequest, transfer_id: str) -> HttpResponse:
    transfer = transfer_selectors.transfer_get(
        user=request.user, transfer_id=transfer_id, direction="incoming"
    )
    return _reason_page(
        request,
        transfer,
        act=services.transfer_reject,
        label="Why are you rejecting the transfer?",
        required_message="Enter why the transfer is rejected",
        heading="Reject the transfer",
        button="Reject transfer",
        done="Transfer rejected: the record stays with the agency that asked",
    )


@require_http_methods(["GET", "POST"])
def transfer_withdraw(request: StaffRequest, transfer_id: str) -> HttpResponse:
    transfer = transfer_selectors.transfer_get(
        user=request.user, transfer_id=transfer_id, direction="outgoing"
    )
    return _reason_page(
        request,
        transfer,
        act=services.transfer_withdraw,
        label="Why are you withdrawing the request?",
        required_message="Enter why the request is withdrawn",
        heading="Withdraw the transfer request",
        button="Withdraw request",
        done="Transfer request withdrawn: the record stays with your agency",
    )
