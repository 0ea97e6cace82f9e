"""Partner systems authenticate with `Authorization: Token <key_id>.<secret>`.

A key works until it expires or is revoked (register.services.api_clients); an unknown,
wrong, expired or revoked key all get the same 401, so the answer reveals nothing about
which keys exist. The authenticated request carries the client (`request.auth`), and the
scope the endpoint needs is checked here (register.permissions explains why here).
"""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any

from django.db.models import Q
from django.utils import timezone
from rest_framework import authentication, exceptions

from register.models import ApiClient, ApiClientKey, StaffUser
from register.permissions import check_scope
from register.services.api_clients import hash_secret

# last_used_at is written at most this often per key: a busy client costs one UPDATE a
# minute, not one per request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class ApiClientTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate(self, request: Any) -> tuple[StaffUser, ApiClient] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user, client = result
        view = (getattr(request, "parser_context", None) or {}).get("view")
        if view is not None:
            check_scope(client, view, request.method)
        return user, client

    def authenticate_credentials(self, key: str) -> tuple[StaffUser, ApiClient]:
        key_id, _, secret = key.partition(".")
        now = timezone.now()
        found = (
            ApiClientKey.objects.select_related("client__user__agency")
            .filter(
                key_id=key_id,
                revoked_at__isnull=True,
                expires_at__gt=now,
                client__is_active=True,
                client__user__is_active=True,
            )
            .first()
        )
        # Compare even when no key matched, so timing does not reveal key ids.
        expected = found.secret_hash if found else hash_secret("no-such-client")
        if not hmac.compare_digest(expected, hash_secret(secret)) or found is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if found.last_used_at is None or found.last_used_at < now - LAST_USED_RESOLUTION:
            # Conditional: of many requests in the same minute, across processes, one writes.
            ApiClientKey.objects.filter(pk=found.pk).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
            ).update(last_used_at=now)
        client = found.client
        client.authenticated_key = found  # type: ignore[attr-defined]
        return client.user, client
