from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from mfa import conf, services, totp
from register import demo


def demo_usernames() -> set[str]:
    return {
        f"{prefix}.{code.lower()}" for code, _, _ in demo.AGENCIES for prefix, *_ in demo.ROLE_USERS
    }


class Command(BaseCommand):
    help = "Print a demo account's current 6-digit sign-in code (demo accounts only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="A demo account, like om.nmp")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        if not conf.get("DEMO_CODES"):
            raise CommandError("Demo codes are off here (MFA_DEMO_CODES).")
        if username not in demo_usernames():
            raise CommandError(f"{username} is not a demo account.")
        device = TOTPDevice.objects.filter(
            user__username=username,
            name=services.DEMO_AUTHENTICATOR,
            key=services.demo_key(username),
            confirmed=True,
        ).first()
        if device is None:
            raise CommandError(f"{username} has no demo authenticator: run load_demo_data first.")
        self.stdout.write(totp.current_code(device))
