from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from register.errors import DomainError
from register.management.commands._api_clients import parse_scopes
from register.models import Agency, ApiScope, Role
from register.services import api_client_create


class Command(BaseCommand):
    help = "Create credentials for a partner system acting for an agency, and print its token once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True, help="Agency code, e.g. NMP")
        parser.add_argument("--name", required=True, help="The partner system's name")
        parser.add_argument(
            "--role",
            action="append",
            choices=Role.values,
            help="Role the client acts with (repeatable). Default: offender_manager.",
        )
        parser.add_argument(
            "--scopes",
            required=True,
            help=f"Comma-separated, from: {', '.join(ApiScope.values)}",
        )
        parser.add_argument(
            "--days", type=int, help="How long the key works (default: API_CLIENT_KEY_DAYS)"
        )
        parser.add_argument("--rate", default="", help="e.g. 600/min (default: API_CLIENT_RATE)")
        parser.add_argument("--reason", default="Partner system credentials issued")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            agency = Agency.objects.get(code__iexact=options["agency"])
        except Agency.DoesNotExist:
            codes = ", ".join(Agency.objects.values_list("code", flat=True))
            raise CommandError(
                f"No agency with code {options['agency']!r}. Known: {codes}"
            ) from None
        try:
            client, token = api_client_create(
                actor=None,
                agency=agency,
                name=options["name"],
                roles=options["role"] or [Role.OFFENDER_MANAGER],
                scopes=parse_scopes(options["scopes"]),
                days=options["days"],
                rate=options["rate"],
                reason=options["reason"],
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        key = client.keys.get()
        self.stderr.write(
            f"API client {client.name!r} (id {client.pk}) acts for {agency.name} with "
            f"{', '.join(client.scopes) or 'no scopes'}; the key expires "
            f"{key.expires_at:%Y-%m-%d %H:%M %Z}. Token (shown once):"
        )
        self.stdout.write(token)
