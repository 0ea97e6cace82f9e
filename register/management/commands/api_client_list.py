from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Prefetch
from django.utils import timezone

from register.models import ApiClient, ApiClientKey


class Command(BaseCommand):
    help = "List partner systems: agency, scopes, rate and keys (expiry, last used). No secrets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", help="Only this agency's clients (code)")

    def handle(self, *args: Any, **options: Any) -> None:
        clients = ApiClient.objects.select_related("user__agency").prefetch_related(
            Prefetch("keys", queryset=ApiClientKey.objects.order_by("-created_at"))
        )
        if options["agency"]:
            clients = clients.filter(user__agency__code__iexact=options["agency"])
        now = timezone.now()
        for client in clients.order_by("user__agency__code", "name"):
            state = "active" if client.is_active else "revoked"
            self.stdout.write(
                f"{client.pk}  {client.name}  [{client.user.agency.code}, {state}]  "
                f"scopes: {', '.join(client.scopes) or '(none)'}  "
                f"rate: {client.rate or 'default'}"
            )
            for key in client.keys.all():
                if key.revoked_at:
                    status = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}"
                elif key.expires_at <= now:
                    status = f"expired {key.expires_at:%Y-%m-%d %H:%M}"
                else:
                    status = f"expires {key.expires_at:%Y-%m-%d %H:%M}"
                used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
                self.stdout.write(f"    key {key.key_id}  {status}  last used {used}")
