"""What was done to a staff account's sign-in, by whom and why."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class AccountEventKind(models.TextChoices):
    INVITATION_SENT = "invitation_sent", "Invitation to set a password sent"
    RESET_LINK_SENT = "reset_link_sent", "Password reset link sent"
    UNLOCKED = "unlocked", "Unlocked after too many failed sign-ins"
    PASSWORD_SET = "password_set", "Password set from a link"
    PASSWORD_CHANGED = "password_changed", "Password changed by its owner"


_LINK_KINDS = [AccountEventKind.INVITATION_SENT, AccountEventKind.RESET_LINK_SENT]


class AccountEvent(models.Model):
    """One action on an account's sign-in. Never the link itself: a link is a credential."""

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="account_events"
    )
    kind = models.CharField(max_length=32, choices=AccountEventKind.choices)
    # Null only for an invitation sent by bootstrap (no administrator exists yet).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account_events_made",
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When the link sent with this event stops working (invitations and reset links).
    expires_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["account", "-created_at"], name="account_event_recent")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=_LINK_KINDS, expires_at__isnull=False)
                | (~models.Q(kind__in=_LINK_KINDS) & models.Q(expires_at__isnull=True)),
                name="account_event_link_has_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.account})"
