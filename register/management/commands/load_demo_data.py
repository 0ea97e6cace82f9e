from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from register import demo


class Command(BaseCommand):
    help = "Load the demo agencies, users and records. Safe to run again: it changes nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            logins = demo.load()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in with any of these:"))
        self.stdout.write(f"  password for all: {demo.DEMO_PASSWORD}")
        for login in logins:
            self.stdout.write(f"  {login.username:<12} {login.role:<24} {login.agency}")
