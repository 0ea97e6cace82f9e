"""The access log: every read of a protected record."""

from __future__ import annotations

from django.db import models

from register.models.staff import Agency, StaffUser


class AccessChannel(models.TextChoices):
    PAGE = "page", "Page"
    API = "api", "API"
    EXPORT = "export", "Export"
    DISCLOSURE = "disclosure", "Disclosure"


class AccessLog(models.Model):
    """Who consulted which protected record, when, how and why (DPA 2018 Part 3 s.62).

    Append-only: a database trigger (migration 0002) refuses UPDATE and DELETE.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(StaffUser, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    record_type = models.CharField(
        max_length=64, help_text="app_label.model, e.g. register.nominal"
    )
    record_id = models.CharField(max_length=64)
    record_label = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=16, choices=AccessChannel.choices)
    purpose = models.CharField(max_length=300)
    recipient_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="For API reads and disclosures: the agency that received the data.",
    )
    recipient = models.CharField(
        max_length=200, blank=True, help_text="For disclosures: the person who was told."
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["user", "-at"], name="accesslog_user_at"),
            models.Index(fields=["record_type", "record_id", "-at"], name="accesslog_record_at"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.channel} {self.record_type}:{self.record_id}"
