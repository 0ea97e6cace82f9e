from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from partners.asyncapi import as_yaml


class Command(BaseCommand):
    help = "Write docs/asyncapi.yaml, the catalogue of webhook events, from EVENT_TYPES."

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(settings.BASE_DIR) / "docs" / "asyncapi.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(as_yaml())
        self.stdout.write(f"Wrote {path}")
