"""manage.py make_legacy_file --nominals 10000 --seed 1 out.json: a valid legacy file to import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from imports import sample


class Command(BaseCommand):
    help = "Write a generated legacy register file (JSON or CSV) with related rows."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="The file to write (.json or .csv)")
        parser.add_argument("--nominals", type=int, default=100)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--bad", type=int, default=0, help="Records to spoil with one error")
        parser.add_argument("--format", choices=["json", "csv"], default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        fmt = options["format"] or ("csv" if out.suffix.lower() == ".csv" else "json")
        rows = sample.records(options["nominals"], seed=options["seed"], bad=options["bad"])
        out.write_text(sample.render(rows, fmt), encoding="utf-8")
        related = sum(
            len(r[k])
            for r in rows
            for k in ("names", "addresses", "convictions", "civil_orders", "risk_assessments")
        )
        self.stdout.write(
            f"Wrote {len(rows):,} nominals and {related:,} related rows to {out} ({fmt})"
        )
