"""Audit: who changed a record and why (simple-history), who read it and why (AccessLog)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

from django.contrib.auth import get_user_model
from django.db import models

from register.models import AccessChannel, AccessLog

if TYPE_CHECKING:
    from register.models import StaffUser

M = TypeVar("M", bound=models.Model)

SYSTEM_USERNAME = "system.scheduler"


def stamp(instance: M, *, actor: StaffUser, reason: str) -> M:
    """Make the next save of `instance` record `actor` and `reason` in its history.

    Set on the instance, not taken from the request, so it works the same in
    a Celery task or a management command as in a view.
    """
    instance._history_user = actor  # type: ignore[attr-defined]
    instance._change_reason = reason  # type: ignore[attr-defined]
    return instance


def save_with_history(instance: M, *, actor: StaffUser, reason: str, **save_kwargs: object) -> M:
    stamp(instance, actor=actor, reason=reason)
    instance.save(**save_kwargs)  # type: ignore[arg-type]
    return instance


def system_actor() -> StaffUser:
    """The account scheduled work acts as, so history never has a blank 'who'."""
    from django.contrib.auth.models import Group

    from register.models import Agency, AgencyKind

    user_model = get_user_model()
    try:
        return user_model.objects.get(username=SYSTEM_USERNAME)
    except user_model.DoesNotExist:
        # The service itself is an "agency" with no records granted to it.
        agency, _ = Agency.objects.get_or_create(
            code="system",
            defaults={
                "name": "Register service (scheduled work)",
                "kind": AgencyKind.OTHER,
                "group": Group.objects.get_or_create(name="agency:system")[0],
            },
        )
        user = user_model(
            username=SYSTEM_USERNAME,
            first_name="Scheduled",
            last_name="jobs",
            agency=agency,
            roles=[],
            is_active=False,  # nobody can sign in as it
        )
        user.set_unusable_password()
        user.save()
        return user


def log_reads(
    *,
    user: StaffUser,
    records: Iterable[models.Model],
    channel: str,
    purpose: str,
    recipient_agency_id: int | None = None,
    recipient: str = "",
) -> int:
    """Write one AccessLog row per record read, in one INSERT (a disclosure names its recipient)."""
    rows = [
        AccessLog(
            user=user,
            agency_id=user.agency_id,
            record_type=record._meta.label_lower,
            record_id=str(record.pk),
            record_label=str(record)[:200],
            channel=channel,
            purpose=purpose[:300],
            recipient_agency_id=recipient_agency_id,
            recipient=recipient[:200],
        )
        for record in records
    ]
    AccessLog.objects.bulk_create(rows)
    return len(rows)


def log_page_reads(request, records: Iterable[models.Model], purpose: str) -> int:  # type: ignore[no-untyped-def]
    return log_reads(
        user=request.user, records=records, channel=AccessChannel.PAGE, purpose=purpose
    )


def log_api_reads(request, records: Iterable[models.Model], default_purpose: str) -> int:  # type: ignore[no-untyped-def]
    """API reads name the receiving agency and the purpose the partner system gave."""
    purpose = request.headers.get("X-Purpose", "").strip() or default_purpose
    user = request.user
    return log_reads(
        user=user,
        records=records,
        channel=AccessChannel.API,
        purpose=purpose,
        recipient_agency_id=user.agency_id,
    )
