"""What the api_client_* commands share: finding a client and reading scopes."""

from __future__ import annotations

from django.core.management.base import CommandError

from register.models import ApiClient, ApiClientKey, ApiScope


def parse_scopes(text: str) -> list[str]:
    scopes = [s.strip() for s in (text or "").split(",") if s.strip()]
    unknown = [s for s in scopes if s not in ApiScope.values]
    if unknown:
        raise CommandError(
            f"Unknown scope: {', '.join(unknown)}. Known: {', '.join(ApiScope.values)}"
        )
    return scopes


def find_client(reference: str) -> ApiClient:
    """A client by its id, or by the key id of any of its keys (the part before the dot)."""
    query = ApiClient.objects.select_related("user__agency")
    if reference.isdigit():
        client = query.filter(pk=int(reference)).first()
    else:
        key = ApiClientKey.objects.filter(key_id=reference.split(".")[0]).first()
        client = query.filter(pk=key.client_id).first() if key else None
    if client is None:
        raise CommandError(f"No API client {reference!r} (give its id or a key id)")
    return client
