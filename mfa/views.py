"""Second-factor pages: set up, verify, recovery codes, step-up, and an administrator's reset."""

from __future__ import annotations

import base64
import io
from typing import Any
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from mfa import conf, selectors, services, session
from mfa.forms import CodeForm, ConfirmForm, RecoveryCodeForm, ResetForm
from mfa.middleware import second_factor_not_required
from register import selectors as register_selectors
from register.errors import DomainError
from register.requests import StaffRequest
from register.views.common import _apply_domain_error

NEW_CODES_KEY = "mfa_new_recovery_codes"
WRONG_CODE = "The code is not right: check your app and enter the code it shows now"
THROTTLED = "Too many wrong codes: wait a minute, then enter the code your app shows"


def _next_url(request: HttpRequest) -> str:
    """Where to go afterwards: a path on this site, or the home page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url("home")


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _check_code(request: StaffRequest, device: Any, form: Any, wrong: str = WRONG_CODE) -> bool:
    """Check the code against the device (django-otp throttles repeated failures)."""
    allowed, _ = device.verify_is_allowed()
    verified = allowed and django_otp.verify_token(
        request.user, device.persistent_id, form.cleaned_data["token"]
    )
    if verified:
        session.mark_verified(request, verified)
        return True
    form.add_error("token", wrong if allowed else THROTTLED)
    return False


def _key_context(request: StaffRequest) -> dict[str, Any]:
    """What the security-key button needs (static/mfa.js reads these data attributes)."""
    return {
        "webauthn": {
            "auth_begin": reverse("mfa-webauthn:credential-authentication-begin"),
            "auth_complete": reverse("mfa-webauthn:credential-authentication-complete"),
            "register_begin": reverse("mfa-webauthn:credential-registration-begin"),
            "register_complete": reverse("mfa-webauthn:credential-registration-complete"),
        }
    }


# Verify at sign-in ----------------------------------------------------------------------


@second_factor_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: StaffRequest) -> HttpResponse:
    next_url = _next_url(request)
    if request.user.is_verified():  # type: ignore[attr-defined]
        return redirect(next_url)
    if not selectors.has_second_factor(request.user):
        return redirect(_with_next("mfa-setup", next_url))
    device = selectors.totp_device(request.user)
    form = CodeForm(request.POST or None)
    if (
        request.method == "POST"
        and device
        and form.is_valid()
        and _check_code(request, device, form)
    ):
        return redirect(next_url)
    has_keys = selectors.security_keys(request.user).exists()
    return render(
        request,
        "mfa/verify.html",
        {
            "form": form if device else None,
            "has_keys": has_keys,
            "next": next_url,
            **_key_context(request),
        },
    )


@second_factor_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def verify_recovery(request: StaffRequest) -> HttpResponse:
    next_url = _next_url(request)
    if request.user.is_verified():  # type: ignore[attr-defined]
        return redirect(next_url)
    device = selectors.recovery_device(request.user)
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wrong = "The recovery code is not right, or has been used: each code works once"
        if device is None:
            form.add_error("token", wrong)
        elif _check_code(request, device, form, wrong=wrong):
            left = selectors.recovery_codes_left(request.user)
            messages.success(
                request,
                f"You have {left} recovery codes left. Set up new ones from "
                "“Your second factor” before they run out.",
            )
            return redirect(next_url)
    return render(request, "mfa/verify_recovery.html", {"form": form, "next": next_url})


# Set up at first sign-in ------------------------------------------------------------------


def _qr_svg(uri: str) -> str:
    """The key as an SVG QR code: paths and attributes only, no style (the CSP allows none)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=15)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]


def _manual_key(device: TOTPDevice) -> str:
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@second_factor_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def setup(request: StaffRequest) -> HttpResponse:
    next_url = _next_url(request)
    if selectors.has_second_factor(request.user):
        # Enrolled already: adding another factor needs the first (mfa-manage).
        return redirect(_with_next("mfa-verify", next_url))
    device = services.totp_enrolment_start(user=request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.totp_enrolment_confirm(
                user=request.user, device=device, token=form.cleaned_data["token"]
            )
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            session.mark_verified(request, device)
            return redirect(_with_next("mfa-enrolled", next_url))
    return render(
        request,
        "mfa/setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "manual_key": _manual_key(device),
            "next": next_url,
            **_key_context(request),
        },
    )


@never_cache
@require_GET
def enrolled(request: StaffRequest) -> HttpResponse:
    """Just enrolled: the first recovery codes, made once and shown once."""
    if selectors.recovery_device(request.user) is None:
        request.session[NEW_CODES_KEY] = services.recovery_codes_generate(user=request.user)
    return redirect(_with_next("mfa-recovery-codes", _next_url(request)))


# Recovery codes and the overview ---------------------------------------------------------


@never_cache
@require_GET
def manage(request: StaffRequest) -> HttpResponse:
    return render(
        request,
        "mfa/manage.html",
        {
            "totp": selectors.totp_device(request.user),
            "keys": list(selectors.security_keys(request.user)),
            "codes_left": selectors.recovery_codes_left(request.user),
            **_key_context(request),
        },
    )


@never_cache
@require_GET
def recovery_codes(request: StaffRequest) -> HttpResponse:
    codes = request.session.pop(NEW_CODES_KEY, None)
    return render(
        request,
        "mfa/recovery_codes.html",
        {
            "codes": codes,
            "codes_left": None if codes else selectors.recovery_codes_left(request.user),
            "next": _next_url(request),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def recovery_codes_regenerate(request: StaffRequest) -> HttpResponse:
    # The form has no fields: a POST is the confirmation, even an empty one.
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        request.session[NEW_CODES_KEY] = services.recovery_codes_generate(user=request.user)
        return redirect("mfa-recovery-codes")
    return render(request, "mfa/recovery_codes_regenerate.html", {"form": form})


# Step-up ---------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def step_up(request: StaffRequest) -> HttpResponse:
    next_url = _next_url(request)
    device = selectors.totp_device(request.user)
    form = CodeForm(request.POST or None)
    if (
        request.method == "POST"
        and device
        and form.is_valid()
        and _check_code(request, device, form)
    ):
        return redirect(next_url)
    return render(
        request,
        "mfa/step_up.html",
        {
            "form": form if device else None,
            "has_keys": selectors.security_keys(request.user).exists(),
            "next": next_url,
            "minutes": conf.get("STEP_UP_MINUTES"),
            **_key_context(request),
        },
    )


# An administrator resets a colleague's second factor ----------------------------------------


@require_http_methods(["GET", "POST"])
def staff_reset(request: StaffRequest, staff_id: int) -> HttpResponse:
    member = register_selectors.staff_get(user=request.user, staff_id=staff_id)
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mfa_reset(
                actor=request.user, member=member, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(
                request,
                f"Second factor reset for {member}. They must set one up when they next sign in.",
            )
            return redirect("staff-list")
    return render(request, "mfa/staff_reset.html", {"form": form, "member": member})
