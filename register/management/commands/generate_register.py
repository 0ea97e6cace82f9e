from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from register import synthetic


class Command(BaseCommand):
    help = (
        "Add N synthetic people with linked records (names, aliases, identifiers, addresses, "
        "contacts, vehicles, convictions, incidents, civil orders, risk assessments, grants) "
        "for benchmarks and load tests. Written in bulk with COPY: it is test data, not "
        "casework, so it bypasses the services and writes NO simple-history rows. Adds to what "
        "is there (demo data included); the same --seed gives the same people and ids, so use "
        "a new seed to add more. Identifiers are random and may match real ones: never run it "
        "against live data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--nominals", type=int, default=1000, help="How many people to add")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1)")
        parser.add_argument(
            "--agencies",
            default="",
            help="Comma-separated agency codes to lead and share records "
            "(default: every agency but 'system'; two demo forces are created if there are none)",
        )
        parser.add_argument(
            "--as-of",
            type=dt.date.fromisoformat,
            default=None,
            help="The 'today' the data is generated for, YYYY-MM-DD (default: today)",
        )
        parser.add_argument(
            "--batch-size", type=int, default=5000, help="People per COPY transaction"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["nominals"] < 1:
            raise CommandError("--nominals must be at least 1")
        try:
            synthetic.ensure_new_seed(options["seed"])
            agencies = synthetic.resolve_agencies(options["agencies"].split(","))
            self.stdout.write(
                f"Generating {options['nominals']:,} nominals (seed {options['seed']}) "
                f"led by {', '.join(a.code for a in agencies)}"
            )
            result = synthetic.generate(
                nominals=options["nominals"],
                seed=options["seed"],
                agencies=agencies,
                as_of=options["as_of"],
                batch_size=options["batch_size"],
                progress=self.stdout.write,
            )
        except synthetic.GenerationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Added {result.nominals:,} nominals"))
        width = max(len(t) for t in result.counts)
        for table, count in result.counts.items():
            self.stdout.write(f"  {table:<{width}}  {count:>10,}")
        self.stdout.write(f"  {'total rows':<{width}}  {sum(result.counts.values()):>10,}")
        # The generator scores priority (register.rules.priority_score, the agency's weights)
        # as it goes: the same as register.priority.refresh_all_priorities(), without a second
        # pass over every row.
        self.stdout.write(f"Total time {result.seconds:.1f} s (including ANALYZE)")
