"""RFGV priority: Recency, Frequency, Gravity of incidents and the number of Victims.

The score is stored on the nominal (with its parts) so a team's ranked list is
one indexed query; it is refreshed when convictions or incidents change and
nightly, because recency decays with time alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from register import rules
from register.models import Conviction, Nominal, PriorityWeights, ReportedIncident


def weights_row(agency_id: int | None) -> PriorityWeights:
    """The agency's own weights, else the default row, else the built-in defaults."""
    # Not agency_id__in=[agency_id, None]: SQL's IN never matches NULL, so the default row would
    # be silently skipped in favour of the built-in defaults.
    wanted = (
        Q(agency__isnull=True)
        if agency_id is None
        else Q(agency__isnull=True) | Q(agency_id=agency_id)
    )
    rows = {w.agency_id: w for w in PriorityWeights.objects.filter(wanted)}
    return rows.get(agency_id) or rows.get(None) or PriorityWeights()


def current_weights(agency_id: int | None = None) -> rules.PriorityWeights:
    row = weights_row(agency_id)
    return rules.PriorityWeights(
        recency=row.recency,
        frequency=row.frequency,
        gravity=row.gravity,
        victims=row.victims,
        recency_horizon_days=row.recency_horizon_days,
        frequency_cap=row.frequency_cap,
        gravity_cap=row.gravity_cap,
        victims_cap=row.victims_cap,
    )


def scored_events(nominal_ids: Sequence[object]) -> dict[object, list[rules.ScoredEvent]]:
    """Every conviction and incident of these nominals as scored events, in two queries."""
    events: dict[object, list[rules.ScoredEvent]] = {pk: [] for pk in nominal_ids}
    convictions = Conviction.objects.filter(nominal_id__in=nominal_ids).values_list(
        "id", "nominal_id", "offence_date", "conviction_date", "gravity", "offence__default_gravity"
    )
    for pk, nominal_id, offence_date, conviction_date, gravity, default_gravity in convictions:
        events[nominal_id].append(
            rules.ScoredEvent(
                record_id=str(pk),
                occurred_on=offence_date or conviction_date,
                gravity=float(gravity if gravity is not None else default_gravity),
                victim_key=None,
            )
        )
    incidents = ReportedIncident.objects.filter(nominal_id__in=nominal_ids).values_list(
        "id", "nominal_id", "occurred_on", "gravity", "victim_reference"
    )
    for pk, nominal_id, occurred_on, gravity, victim in incidents:
        events[nominal_id].append(
            rules.ScoredEvent(
                record_id=str(pk),
                occurred_on=occurred_on,
                gravity=float(gravity),
                victim_key=victim.strip().lower() or None,
            )
        )
    return events


def _parts(score: rules.PriorityScore) -> dict[str, object]:
    return {key: value for key, value in asdict(score).items() if key != "total"}


def nominal_refresh_priority(
    *, nominal: Nominal, as_of: dt.date | None = None
) -> rules.PriorityScore:
    as_of = as_of or timezone.localdate()
    weights = current_weights(nominal.lead_agency_id)
    score = rules.priority_score(scored_events([nominal.pk])[nominal.pk], weights, as_of)
    Nominal.objects.filter(pk=nominal.pk).update(
        priority_score=score.total, priority_parts=_parts(score)
    )
    nominal.priority_score, nominal.priority_parts = score.total, _parts(score)
    return score


def refresh_all_priorities(*, as_of: dt.date | None = None, batch_size: int = 2000) -> int:
    """Nightly: recompute every score in batches (recency decays even when nothing changes)."""
    as_of = as_of or timezone.localdate()
    weights: dict[int | None, rules.PriorityWeights] = {}
    leads = dict(
        Nominal.objects.filter(merged_into__isnull=True).values_list("pk", "lead_agency_id")
    )
    ids = list(leads)
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        events = scored_events(batch)
        rows = []
        for pk in batch:
            agency_id = leads[pk]
            if agency_id not in weights:
                weights[agency_id] = current_weights(agency_id)
            score = rules.priority_score(events[pk], weights[agency_id], as_of)
            rows.append(Nominal(pk=pk, priority_score=score.total, priority_parts=_parts(score)))
        with transaction.atomic():
            Nominal.objects.bulk_update(rows, ["priority_score", "priority_parts"])
    return len(ids)
