"""Partner systems' credentials: create, change scopes, rotate, revoke.

A token is `<key_id>.<secret>`; only a hash of the secret is stored, so a token is shown
once, when made, and never again. Each change records who acted and why (history).
`actor=None` is for management commands run by an operator on the server.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from register.audit import stamp
from register.errors import DomainError
from register.models import Agency, ApiClient, ApiClientKey, ApiScope, StaffUser
from register.services.common import full_clean, require_reason
from register.services.staff import _check_admin_of, staff_user_create

RATE = re.compile(r"^[1-9][0-9]{0,6}/(s|sec|second|m|min|minute|h|hour|d|day)$")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _stamp(instance: ApiClient | ApiClientKey, actor: StaffUser | None, reason: str) -> None:
    if actor is not None:
        stamp(instance, actor=actor, reason=reason)
    else:
        instance._change_reason = reason  # type: ignore[union-attr]


def _clean_scopes(scopes: Iterable[str]) -> list[str]:
    chosen = set(scopes)
    unknown = sorted(chosen - set(ApiScope.values))
    if unknown:
        raise DomainError(f"Unknown scope: {', '.join(unknown)}", field="scopes")
    return [s for s in ApiScope.values if s in chosen]


def _clean_rate(rate: str) -> str:
    rate = (rate or "").strip()
    if rate and not RATE.match(rate):
        raise DomainError(
            "Enter a rate like 600/min (a number, then /sec, /min, /hour or /day)", field="rate"
        )
    return rate


def _new_key(
    client: ApiClient, *, actor: StaffUser | None, reason: str, days: int | None
) -> tuple[ApiClientKey, str]:
    days = settings.API_CLIENT_KEY_DAYS if days is None else days
    if not 1 <= days <= 366:
        raise DomainError("A key must last between 1 and 366 days", field="days")
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    key = ApiClientKey(
        client=client,
        key_id=key_id,
        secret_hash=hash_secret(secret),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    _stamp(key, actor, reason)
    key.save()
    return key, f"{key_id}.{secret}"


def _locked(client: ApiClient, actor: StaffUser | None) -> ApiClient:
    """The client's row, locked: two administrators rotating at once take turns."""
    if actor is not None:
        _check_admin_of(actor, client.user.agency_id)
    return ApiClient.objects.select_for_update().select_related("user").get(pk=client.pk)


@transaction.atomic
def api_client_create(
    *,
    actor: StaffUser | None,
    agency: Agency,
    name: str,
    roles: Iterable[str],
    scopes: Iterable[str],
    reason: str,
    days: int | None = None,
    rate: str = "",
) -> tuple[ApiClient, str]:
    """Register a partner system. Returns the client and its token, shown once and never stored."""
    reason = require_reason(reason)
    name = (name or "").strip()
    if not name:
        raise DomainError("Enter the partner system's name", field="name")
    user = staff_user_create(
        actor=actor,
        agency=agency,
        username=f"api.{agency.code}.{secrets.token_hex(6)}",
        first_name=name[:150],
        last_name="(API client)",
        email="",
        roles=roles,
        password=None,
        reason=reason,
    )
    StaffUser.objects.filter(pk=user.pk).update(is_api_client=True)
    user.is_api_client = True
    client = ApiClient(name=name, user=user, scopes=_clean_scopes(scopes), rate=_clean_rate(rate))
    full_clean(client, exclude=["user"])
    _stamp(client, actor, reason)
    client.save()
    _, token = _new_key(client, actor=actor, reason=reason, days=days)
    return client, token


@transaction.atomic
def api_client_update(
    *,
    actor: StaffUser | None,
    client: ApiClient,
    scopes: Iterable[str],
    rate: str | None = None,
    reason: str,
) -> ApiClient:
    reason = require_reason(reason)
    client = _locked(client, actor)
    if not client.is_active:
        raise DomainError("This API client has been revoked")
    client.scopes = _clean_scopes(scopes)
    if rate is not None:
        client.rate = _clean_rate(rate)
    full_clean(client, exclude=["user"])
    _stamp(client, actor, reason)
    client.save()
    return client


@transaction.atomic
def api_client_rotate(
    *,
    actor: StaffUser | None,
    client: ApiClient,
    reason: str,
    days: int | None = None,
    overlap_hours: int | None = None,
) -> tuple[ApiClientKey, str]:
    """A new key; the client's other live keys stop working after the overlap.

    The overlap (settings.API_CLIENT_ROTATION_OVERLAP_HOURS) lets the partner deploy the
    new token before the old one stops; 0 ends the old keys at once (a leaked key).
    """
    reason = require_reason(reason)
    client = _locked(client, actor)
    if not client.is_active:
        raise DomainError("This API client has been revoked: create a new one")
    hours = settings.API_CLIENT_ROTATION_OVERLAP_HOURS if overlap_hours is None else overlap_hours
    if not 0 <= hours <= 24 * 14:
        raise DomainError("The overlap must be between 0 and 336 hours", field="overlap_hours")
    now = timezone.now()
    ends = now + dt.timedelta(hours=hours)
    for old in client.keys.filter(revoked_at__isnull=True, expires_at__gt=ends):
        old.expires_at = ends
        _stamp(old, actor, f"Rotated: {reason}")
        old.save(update_fields=["expires_at"])
    return _new_key(client, actor=actor, reason=reason, days=days)


@transaction.atomic
def api_client_revoke(*, actor: StaffUser | None, client: ApiClient, reason: str) -> ApiClient:
    """Stop the client at once: every key revoked, the client inactive. Not undone."""
    reason = require_reason(reason)
    client = _locked(client, actor)
    now = timezone.now()
    for key in client.keys.filter(revoked_at__isnull=True):
        key.revoked_at = now
        _stamp(key, actor, reason)
        key.save(update_fields=["revoked_at"])
    client.is_active = False
    _stamp(client, actor, reason)
    client.save(update_fields=["is_active"])
    return client
