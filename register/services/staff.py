"""Agencies, staff accounts and partner systems' credentials."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from register.audit import save_with_history, stamp
from register.errors import DomainError
from register.models import Agency, Role, StaffUser
from register.services.common import full_clean, require_reason

# Agencies -------------------------------------------------------------------


@transaction.atomic
def agency_create(
    *, actor: StaffUser | None, code: str, name: str, kind: str, reason: str
) -> Agency:
    group, _ = Group.objects.get_or_create(name=f"agency:{code}")
    agency = Agency(code=code, name=name, kind=kind, group=group)
    full_clean(agency, exclude=["group"])
    if actor is not None:
        stamp(agency, actor=actor, reason=require_reason(reason))
    else:
        agency._change_reason = require_reason(reason)  # type: ignore[attr-defined]
    agency.save()
    return agency


# Staff ----------------------------------------------------------------------


def _check_admin_of(actor: StaffUser, agency_id: int) -> None:
    if not (actor.has_role(Role.ADMINISTRATOR) and actor.agency_id == agency_id):
        raise DomainError("Only an administrator of the same agency can manage this account")


NATIONAL_AUDITOR_MESSAGE = (
    "An agency administrator cannot give the national auditor role: it sees every agency's "
    "access log"
)


def _clean_roles(
    roles: Iterable[str], *, actor: StaffUser | None, held: Iterable[str] = ()
) -> list[str]:
    roles = sorted(set(roles))
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise DomainError(f"Unknown role: {', '.join(unknown)}", field="roles")
    # Only bootstrap (a command, actor=None) makes a national auditor: one agency's
    # administrator must not widen what their own agency may audit.
    if actor is not None and Role.NATIONAL_AUDITOR in roles and Role.NATIONAL_AUDITOR not in held:
        raise DomainError(NATIONAL_AUDITOR_MESSAGE, field="roles")
    return roles


@transaction.atomic
def staff_user_create(
    *,
    actor: StaffUser | None,
    agency: Agency,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    roles: Iterable[str],
    password: str | None,
    reason: str,
) -> StaffUser:
    """Create a member of staff. `actor=None` only for bootstrap (demo data, first admin)."""
    if actor is not None:
        _check_admin_of(actor, agency.pk)
    user = StaffUser(
        username=username.strip().lower(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip().lower(),
        agency=agency,
        roles=_clean_roles(roles, actor=actor),
    )
    full_clean(user, exclude=["password"])
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise DomainError(exc.messages[0], field="password") from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    reason = require_reason(reason)
    if actor is not None:
        stamp(user, actor=actor, reason=reason)
    else:
        user._change_reason = reason  # type: ignore[attr-defined]
    user.save()
    user.groups.add(agency.group)
    return user


@transaction.atomic
def staff_user_update(
    *,
    actor: StaffUser,
    user: StaffUser,
    first_name: str,
    last_name: str,
    email: str,
    roles: Iterable[str],
    reason: str,
) -> StaffUser:
    _check_admin_of(actor, user.agency_id)
    new_roles = _clean_roles(roles, actor=actor, held=user.roles)
    if user.pk == actor.pk and Role.ADMINISTRATOR not in new_roles:
        raise DomainError("You cannot remove your own administrator role", field="roles")
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    user.email, user.roles = email.strip().lower(), new_roles
    full_clean(user, exclude=["password"])
    return save_with_history(user, actor=actor, reason=require_reason(reason))


@transaction.atomic
def staff_user_set_active(
    *, actor: StaffUser, user: StaffUser, active: bool, reason: str
) -> StaffUser:
    _check_admin_of(actor, user.agency_id)
    if user.pk == actor.pk and not active:
        raise DomainError("You cannot deactivate your own account")
    user.is_active = active
    return save_with_history(user, actor=actor, reason=require_reason(reason))


@transaction.atomic
def staff_deactivate_dormant(*, actor: StaffUser, now: dt.datetime | None = None, days: int) -> int:
    """Disable accounts unused for `days` (a person never signed in counts from joining).

    Each account is saved one by one so that history records the actor and
    reason on every row; the set is small (it is only the newly dormant).
    """
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    dormant = StaffUser.objects.filter(is_active=True, is_api_client=False).exclude(
        username=actor.username
    )
    dormant = dormant.filter(last_login__lt=cutoff) | dormant.filter(
        last_login__isnull=True, date_joined__lt=cutoff
    )
    count = 0
    # skip_locked: two workers running this at once each take different rows.
    for user in dormant.select_for_update(skip_locked=True, of=("self",)):
        user.is_active = False
        save_with_history(
            user, actor=actor, reason=f"Not used for {days} days: disabled automatically"
        )
        count += 1
    return count
