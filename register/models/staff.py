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
    # Sees every agency's access log (register.selectors.access_log_search); an agency's
    # auditor sees only what concerns their own agency.
    NATIONAL_AUDITOR = "national_auditor", "National auditor"
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


class ApiScope(models.TextChoices):
    """What a partner system may do, on top of its roles and agency (the gate still applies)."""

    REGISTER_READ = "register:read", "Read the register (nominals and their details)"
    REGISTER_WRITE = "register:write", "Change the register"
    NOTIFICATIONS_READ = "notifications:read", "Read notifications, due items and tasks"
    NOTIFICATIONS_WRITE = "notifications:write", "Record notifications and breaches"
    MAPPA_READ = "mappa:read", "Read MAPPA cases"
    MAPPA_WRITE = "mappa:write", "Change MAPPA cases"
    VICTIMS_READ = "victims:read", "Read victim records"
    VICTIMS_WRITE = "victims:write", "Change victim records"
    WEBHOOKS_MANAGE = "webhooks:manage", "Manage its own webhook subscriptions"
    REPORTS_READ = "reports:read", "Read reports"


class ApiClient(models.Model):
    """A partner system: its scopes and rate. Its credentials are its keys (ApiClientKey)."""

    name = models.CharField(max_length=200)
    user = models.OneToOneField(StaffUser, on_delete=models.PROTECT, related_name="api_client")
    scopes = ArrayField(
        models.CharField(max_length=32, choices=ApiScope.choices), default=list, blank=True
    )
    rate = models.CharField(
        max_length=20,
        blank=True,
        help_text="Requests allowed, e.g. 600/min; blank for settings.API_CLIENT_RATE",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scopes__contained_by=[s.value for s in ApiScope]),
                name="apiclient_scopes_known",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ApiClientKey(models.Model):
    """One credential of a partner system. Only a hash of its secret is kept.

    A client has one live key, or two during a rotation's overlap: the old key keeps working
    until its expiry is brought forward to the end of the overlap.
    """

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="keys")
    key_id = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Written at most once a minute per key (register.authentication), not on every request.
    last_used_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["secret_hash", "last_used_at"])

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["client", "expires_at"], name="apiclientkey_client_expiry")]

    def __str__(self) -> str:
        return self.key_id
