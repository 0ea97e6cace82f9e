from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from register.errors import DomainError
from register.management.commands._api_clients import find_client
from register.services import api_client_revoke


class Command(BaseCommand):
    help = "Stop a partner system at once: every key revoked. It cannot be undone."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("client", help="The client's id, or one of its key ids")
        parser.add_argument("--reason", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        client = find_client(options["client"])
        try:
            api_client_revoke(actor=None, client=client, reason=options["reason"])
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"Revoked {client.name!r} (id {client.pk}) and all its keys.")
