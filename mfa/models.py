"""What the MFA app keeps of its own: administrators' resets and verified sessions.

The second factors themselves are django-otp's devices (an authenticator app's TOTP key,
recovery codes as a static device) and django-otp-webauthn's credentials.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class MfaReset(models.Model):
    """An administrator removed a colleague's second factors: who, whose, when and why."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mfa_resets"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mfa_resets_made"
    )
    reason = models.TextField()
    devices_removed = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="mfa_reset_has_reason"),
        ]

    def __str__(self) -> str:
        return f"MFA reset of {self.member_id} by {self.actor_id}"


class VerifiedSession(models.Model):
    """A session in which the user gave a second factor.

    The session, not a query per request, says a user is verified; a reset ends these
    sessions so that the colleague must sign in and enrol again straight away.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verified_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Verified session of {self.user_id}"
