"""One-time links: invitations and reset links, each with its own key and lifetime.

Built on Django's PasswordResetTokenGenerator: the token is an HMAC of the account's
password hash (among other state), so it stops working the moment a password is set
from it. Each purpose has its own salt, so an invitation token is no reset token.
Django checks every token against PASSWORD_RESET_TIMEOUT; these check their own
lifetime instead (accounts.conf), and can say "expired" apart from "not valid".
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

from accounts import conf
from register.models import StaffUser


class LinkState(enum.Enum):
    VALID = "valid"
    EXPIRED = "expired"
    INVALID = "invalid"  # wrong, already used, or for a disabled or unknown account


def _naive_utc(when: dt.datetime) -> dt.datetime:
    # Django counts token seconds from a naive datetime; UTC keeps clock changes out of it.
    return timezone.make_naive(when, dt.UTC)


class LinkTokenGenerator(PasswordResetTokenGenerator):
    def __init__(self, *, key_salt: str, lifetime: Callable[[], dt.timedelta]) -> None:
        super().__init__()
        self.key_salt = key_salt
        self.lifetime = lifetime

    def _now(self) -> dt.datetime:
        return _naive_utc(timezone.now())

    def _make_hash_value(self, user: StaffUser, timestamp: int) -> str:  # type: ignore[override]
        # Disabling the account (or changing its e-mail) also ends its links.
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"

    def make_token_at(self, user: StaffUser, issued_at: dt.datetime) -> str:
        """A token as if issued at `issued_at` (the service issues at now)."""
        return self._make_token_with_timestamp(
            user, self._num_seconds(_naive_utc(issued_at)), self.secret
        )

    def expires_at(self, issued_at: dt.datetime) -> dt.datetime:
        return issued_at + self.lifetime()

    def state(self, user: StaffUser | None, token: str | None) -> LinkState:
        if user is None or not token or not user.is_active:
            return LinkState.INVALID
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return LinkState.INVALID
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return LinkState.INVALID
        if self._num_seconds(self._now()) - ts > self.lifetime().total_seconds():
            return LinkState.EXPIRED
        return LinkState.VALID

    def check_token(self, user: StaffUser | None, token: str | None) -> bool:  # type: ignore[override]
        return self.state(user, token) is LinkState.VALID


invitation_tokens = LinkTokenGenerator(
    key_salt="accounts.tokens.invitation", lifetime=conf.invitation_lifetime
)
reset_tokens = LinkTokenGenerator(key_salt="accounts.tokens.reset", lifetime=conf.reset_lifetime)
