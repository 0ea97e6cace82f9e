from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from register.errors import DomainError
from register.management.commands._api_clients import find_client
from register.services import api_client_rotate


class Command(BaseCommand):
    help = (
        "Issue a new key for a partner system and print its token once; its old keys stop "
        "working after the overlap (default API_CLIENT_ROTATION_OVERLAP_HOURS)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("client", help="The client's id, or one of its key ids")
        parser.add_argument("--reason", required=True)
        parser.add_argument("--days", type=int, help="How long the new key works")
        parser.add_argument(
            "--overlap-hours", type=int, help="How long old keys keep working (0: stop now)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        client = find_client(options["client"])
        try:
            key, token = api_client_rotate(
                actor=None,
                client=client,
                reason=options["reason"],
                days=options["days"],
                overlap_hours=options["overlap_hours"],
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stderr.write(
            f"New key {key.key_id} for {client.name!r}, expires "
            f"{key.expires_at:%Y-%m-%d %H:%M %Z}. Token (shown once):"
        )
        self.stdout.write(token)
