"""Partner systems authenticate with `Authorization: Token <key_id>.<secret>`."""

from __future__ import annotations

import hmac

from rest_framework import authentication, exceptions

from register.models import ApiClient, StaffUser
from register.services import hash_secret


class ApiClientTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key: str) -> tuple[StaffUser, ApiClient]:
        key_id, _, secret = key.partition(".")
        client = (
            ApiClient.objects.select_related("user__agency")
            .filter(key_id=key_id, is_active=True, user__is_active=True)
            .first()
        )
        # Compare even when no client matched, so timing does not reveal key ids.
        expected = client.secret_hash if client else hash_secret("no-such-client")
        if not hmac.compare_digest(expected, hash_secret(secret)) or client is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        return client.user, client
