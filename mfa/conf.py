"""MFA settings, each with its default (override in Django settings as MFA_<NAME>).

Every value here is local security policy, not law.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Serious actions (a disclosure decision, granting victim access, merging records, ending a
    # registration) need a second factor entered within this many minutes.
    "STEP_UP_MINUTES": 15,
    # How many single-use recovery codes a member of staff is given at a time.
    "RECOVERY_CODES": 10,
    # Paths a signed-in member of staff may open before giving a second factor, besides the
    # sign-in, sign-out and MFA pages themselves and every page that needs no sign-in at all:
    # setting a password from a reset or invitation link (the accounts app).
    "EXEMPT_PATH_PREFIXES": ("/account/reset/", "/account/invitation/"),
    # Pages by URL name likewise: signing out.
    "EXEMPT_URL_NAMES": ("logout",),
    # A form posted without a recent second factor is kept this long while the user steps up,
    # then submitted for them when they come back.
    "PENDING_POST_SECONDS": 600,
    # Demo accounts' authenticator keys are HMAC(DEMO_SECRET, username), so `manage.py
    # demo_code <username>` can print the current code. Only when DEMO_CODES is on.
    "DEMO_SECRET": "demo-register-2026-second-factor",
    "DEMO_CODES": False,
}


def get(name: str) -> Any:
    return getattr(settings, f"MFA_{name}", DEFAULTS[name])
