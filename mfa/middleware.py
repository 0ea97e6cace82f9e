"""Second factors, enforced for every staff page.

`OTPMiddleware` is django-otp's, less its query per request; `SecondFactorRequiredMiddleware`
sends a signed-in member of staff who has not given a second factor to enrol or verify.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware as BaseOTPMiddleware
from django_otp.models import Device

from mfa import conf, selectors

NEEDS_SECOND_FACTOR = (
    "Give your second factor first: sign in to the register in a browser to verify. "
    "Partner systems use a token, not a session."
)


class OTPMiddleware(BaseOTPMiddleware):
    """django-otp's middleware, without loading the device on every request.

    The session says which device verified the user (only this app's verify views and
    django-otp-webauthn's ceremonies write it, after checking the device is the user's and
    confirmed), so `is_verified()` needs no query; the device itself is loaded only if a
    view asks for it. A reset by an administrator ends the colleague's verified sessions
    (mfa.services.mfa_reset) rather than relying on a per-request check.
    """

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        self._init_user_fields(user)
        if user.is_authenticated:
            persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
            if persistent_id:
                user.otp_device = SimpleLazyObject(
                    functools.partial(
                        Device.from_persistent_id, self._normalize_persistent_id(persistent_id)
                    )
                )
        return user


def second_factor_not_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view a signed-in user may open before giving a second factor."""
    view.second_factor_not_required = True  # type: ignore[attr-defined]
    return view


class SecondFactorRequiredMiddleware:
    """No staff page without a second factor; no role, not even a superuser, gets round it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or user.is_verified():  # type: ignore[union-attr,attr-defined]
            return None
        if request.path_info.startswith("/api/"):
            # Token clients carry no session, so this is a browser session using the API.
            return JsonResponse({"detail": NEEDS_SECOND_FACTOR}, status=403)
        if getattr(view_func, "second_factor_not_required", False):
            return None
        # Pages that need no sign-in (sign-in, health, accessibility) need no second factor.
        if not getattr(view_func, "login_required", True):
            return None
        if request.path_info.startswith(tuple(conf.get("EXEMPT_PATH_PREFIXES"))):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in conf.get("EXEMPT_URL_NAMES"):
            return None
        return redirect_to_second_factor(request, request.get_full_path())


def redirect_to_second_factor(request: HttpRequest, next_url: str) -> HttpResponse:
    name = "mfa-verify" if selectors.has_second_factor(request.user) else "mfa-setup"
    return redirect(f"{reverse(name)}?{urlencode({'next': next_url})}")
