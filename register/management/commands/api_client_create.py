from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from register.errors import DomainError
from register.models import Agency, Role
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
                reason=options["reason"],
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stderr.write(f"API client {client.name!r} acts for {agency.name}. Token (shown once):")
        self.stdout.write(token)
