"""Administrator pages: the agency's partner systems' subscriptions, their delivery log,
replay and secret rotation. Administrators of the client's own agency only; anyone else
gets 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from partners import selectors, services
from register.models import Role
from register.requests import StaffRequest
from register.views.common import _require_role

DELIVERIES_PER_PAGE = 25


class ConfirmForm(forms.Form):
    """An explicit POST: a link followed by a crawler or a double click replays nothing."""


@require_GET
def subscription_list(request: StaffRequest) -> HttpResponse:
    _require_role(request, Role.ADMINISTRATOR)
    subscriptions = list(selectors.subscriptions_for_administrator(user=request.user))
    return render(request, "partners/subscription_list.html", {"subscriptions": subscriptions})


@require_GET
def subscription_detail(request: StaffRequest, subscription_id: str) -> HttpResponse:
    subscription = selectors.subscription_for_administrator(
        user=request.user, subscription_id=subscription_id
    )
    page = Paginator(
        selectors.deliveries_of(subscription=subscription).defer("payload"), DELIVERIES_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "partners/subscription_detail.html",
        {"subscription": subscription, "page": page},
    )


@require_http_methods(["GET", "POST"])
def delivery_replay(request: StaffRequest, subscription_id: str, delivery_id: str) -> HttpResponse:
    subscription = selectors.subscription_for_administrator(
        user=request.user, subscription_id=subscription_id
    )
    row = selectors.delivery_of(subscription=subscription, delivery_id=delivery_id)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.delivery_replay(actor=request.user, delivery_row=row)
        messages.success(request, f"Delivery {row.event_id} will be sent again")
        return redirect("partners-subscription-detail", subscription_id=subscription.pk)
    return render(
        request,
        "partners/delivery_replay.html",
        {"subscription": subscription, "delivery": row, "form": form},
    )


@require_http_methods(["GET", "POST"])
def secret_rotate(request: StaffRequest, subscription_id: str) -> HttpResponse:
    subscription = selectors.subscription_for_administrator(
        user=request.user, subscription_id=subscription_id
    )
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        rotated = services.secret_rotate(
            actor=request.user,
            subscription=subscription,
            reason="Signing secret rotated by an administrator",
        )
        # Shown on this answer only, never stored anywhere a page could show it again.
        response = render(
            request,
            "partners/secret_rotated.html",
            {"subscription": subscription, "rotated": rotated},
        )
        response["Cache-Control"] = "no-store"
        return response
    return render(
        request, "partners/secret_rotate.html", {"subscription": subscription, "form": form}
    )
