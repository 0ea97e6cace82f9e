"""Agencies, teams, staff and their roles, and partner systems' API clients."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, Group, UserManager
from django.contrib.postgres.fields import ArrayField
from django.db import models
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


class Team(models.Model):
    """A team within an agency (e.g. a public protection unit); caseloads and rankings group by it."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="team_unique_name_per_agency")
        ]

    def __str__(self) -> str:
        return self.name


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
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
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
