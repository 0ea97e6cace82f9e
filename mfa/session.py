"""What a session remembers about its second factor.

django-otp keeps the verifying device's id in the session (its `login`); this module
adds when the user last gave a second factor, for step-up re-authentication, and keeps
the form a user posted while being asked to step up.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

import django_otp
from django.http import HttpRequest, QueryDict

from mfa import conf
from mfa.models import VerifiedSession

VERIFIED_AT_KEY = "mfa_verified_at"
PENDING_POST_KEY = "mfa_pending_post"


def mark_verified(request: HttpRequest, device: Any) -> None:
    """The user has just given a second factor with `device`."""
    django_otp.login(request, device)
    request.session[VERIFIED_AT_KEY] = time.time()
    if request.session.session_key is None:
        request.session.save()
    VerifiedSession.objects.get_or_create(
        session_key=request.session.session_key, defaults={"user_id": device.user_id}
    )


def recently_verified(request: HttpRequest, minutes: float | None = None) -> bool:
    if minutes is None:
        minutes = conf.get("STEP_UP_MINUTES")
    verified_at = request.session.get(VERIFIED_AT_KEY)
    if not isinstance(verified_at, int | float):
        return False
    return 0 <= time.time() - verified_at <= minutes * 60


def keep_pending_post(request: HttpRequest) -> str:
    """Keep a posted form while the user steps up; the token is needed to replay it."""
    token = secrets.token_urlsafe(16)
    request.session[PENDING_POST_KEY] = {
        "path": request.path,
        "data": request.POST.urlencode(),
        "token": token,
        "at": time.time(),
    }
    return token


def take_pending_post(request: HttpRequest, token: str) -> QueryDict | None:
    """The form kept for this path and token, once; None if there is none or it is stale."""
    pending = request.session.get(PENDING_POST_KEY)
    if not pending or not token:
        return None
    del request.session[PENDING_POST_KEY]
    fresh = time.time() - pending.get("at", 0) <= conf.get("PENDING_POST_SECONDS")
    if pending.get("path") != request.path or not fresh:
        return None
    if not secrets.compare_digest(str(pending.get("token")), token):
        return None
    return QueryDict(pending["data"])


def forget_session(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Signing out ends the session, so a reset no longer needs to end it (user_logged_out)."""
    if request is not None and request.session.session_key:
        VerifiedSession.objects.filter(session_key=request.session.session_key).delete()
