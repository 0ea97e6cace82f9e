"""Agencies, staff, API clients, the access log, and the nominal (the person on the register)."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser, Group, UserManager
from django.contrib.postgres.fields import ArrayField
from django.db import models
from guardian.models import GroupObjectPermissionBase
from simple_history.models import HistoricalRecords


class AgencyKind(models.TextChoices):
    POLICE_FORCE = "police_force", "Police force"
    PROBATION_REGION = "probation_region", "Probation region"
    PRISON = "prison", "Prison"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    HEALTH = "health", "Health"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    VICTIM_SERVICE = "victim_service", "Victim service"
    OTHER = "other", "Other"


class Agency(models.Model):
    """An organisation whose staff and systems use the register.

    Each agency owns one auth Group: record-level grants (django-guardian)
    are made to that group, so sharing a record with an agency is one row.
    """

    code = models.SlugField(max_length=16, unique=True, help_text="Short code, e.g. NMP")
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=AgencyKind.choices)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="agency")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Role(models.TextChoices):
    OFFENDER_MANAGER = "offender_manager", "Offender manager"
    PROBATION_PRACTITIONER = "probation_practitioner", "Probation practitioner"
    VICTIM_LIAISON_OFFICER = "victim_liaison_officer", "Victim liaison officer"
    MAPPA_COORDINATOR = "mappa_coordinator", "MAPPA coordinator"
    SUPERVISOR = "supervisor", "Supervisor"
    AUDITOR = "auditor", "Auditor"
    ADMINISTRATOR = "administrator", "Administrator"


class StaffUserManager(UserManager["StaffUser"]):
    def get_queryset(self) -> models.QuerySet[StaffUser]:
        # Every page shows, and the access gate uses, the user's agency.
        return super().get_queryset().select_related("agency")


class StaffUser(AbstractUser):
    """A member of staff, or a partner system's API client, acting for one agency."""

    objects = StaffUserManager()  # type: ignore[misc]

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="staff")
    roles = ArrayField(
        models.CharField(max_length=32, choices=Role.choices), default=list, blank=True
    )
    is_api_client = models.BooleanField(
        default=False, help_text="A partner system's identity rather than a person's."
    )
    # Password hashes and login times are not case history.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    REQUIRED_FIELDS = ["email"]

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(roles__contained_by=[r.value for r in Role]),
                name="staffuser_roles_known",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def role_labels(self) -> list[str]:
        return [Role(r).label for r in self.roles]


class ApiClient(models.Model):
    """A partner system's credentials. Only a hash of the secret is kept."""

    name = models.CharField(max_length=200)
    user = models.OneToOneField(StaffUser, on_delete=models.PROTECT, related_name="api_client")
    key_id = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["secret_hash"])

    def __str__(self) -> str:
        return self.name


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

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["user", "-at"], name="accesslog_user_at"),
            models.Index(fields=["record_type", "record_id", "-at"], name="accesslog_record_at"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.channel} {self.record_type}:{self.record_id}"


class Nominal(models.Model):
    """The person on the register. Issue 3 grows this into the full ViSOR-style record."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family_name = models.CharField(max_length=100)
    given_names = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["family_name", "given_names", "id"]
        permissions = [("share_nominal", "Can share the nominal with another agency")]
        indexes = [models.Index(fields=["family_name", "given_names"], name="nominal_name")]

    def __str__(self) -> str:
        return f"{self.family_name.upper()}, {self.given_names}"


class NominalAgencyPermission(GroupObjectPermissionBase):
    """django-guardian's direct foreign-key table for nominals.

    Guardian's generic tables join on a text object id, which makes scoped
    list queries slow at register scale; this one joins on the UUID key.
    """

    content_object = models.ForeignKey(Nominal, on_delete=models.CASCADE)
    history = HistoricalRecords()

    class Meta(GroupObjectPermissionBase.Meta):
        # guardian's unique_together (group, permission, content_object) is the
        # index the access gate's EXISTS subquery uses.
        pass
