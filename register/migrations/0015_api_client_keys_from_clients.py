"""Each existing client's one key becomes its first ApiClientKey.

Existing clients had every power their roles gave them, so they keep every scope (an
administrator narrows them on the API clients page), and their key expires
API_CLIENT_KEY_DAYS from now rather than at once, so no partner system stops working the
day this is deployed.
"""

import datetime as dt

from django.conf import settings
from django.db import migrations
from django.utils import timezone

ALL_SCOPES = [
    "register:read",
    "register:write",
    "notifications:read",
    "notifications:write",
    "mappa:read",
    "mappa:write",
    "victims:read",
    "victims:write",
    "webhooks:manage",
    "reports:read",
]


def keys_from_clients(apps, schema_editor):
    ApiClient = apps.get_model("register", "ApiClient")
    ApiClientKey = apps.get_model("register", "ApiClientKey")
    expires_at = timezone.now() + dt.timedelta(days=settings.API_CLIENT_KEY_DAYS)
    for client in ApiClient.objects.all():
        ApiClientKey.objects.create(
            client=client,
            key_id=client.key_id,
            secret_hash=client.secret_hash,
            expires_at=expires_at,
            revoked_at=None if client.is_active else timezone.now(),
        )
        client.scopes = ALL_SCOPES
        client.save(update_fields=["scopes"])


def clients_from_keys(apps, schema_editor):
    ApiClientKey = apps.get_model("register", "ApiClientKey")
    for key in ApiClientKey.objects.order_by("client_id", "-created_at"):
        client = key.client
        if client.key_id != key.key_id and not key.revoked_at:
            client.key_id, client.secret_hash = key.key_id, key.secret_hash
            client.save(update_fields=["key_id", "secret_hash"])
    ApiClientKey.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("register", "0014_api_client_scopes_and_keys"),
    ]

    operations = [migrations.RunPython(keys_from_clients, clients_from_keys)]
