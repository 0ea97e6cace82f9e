"""The notification period from the register's convictions: which one governs, from when.

Builds notifications.rules.PeriodCase rows from Conviction records (consecutive terms added over
all of the person's convictions, under 18 judged on the relevant date) and asks
notifications.rules.governing_period which of them governs. No writes: the services record it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from notifications import rules
from register.models import Conviction, Disposal, Nominal, SentenceType
from register.rules import aggregate_terms, format_date


def _terms(convictions: Iterable[Conviction]) -> dict[str, int | None]:
    return aggregate_terms(
        {
            str(c.pk): (c.sentence_days, str(c.consecutive_to_id) if c.consecutive_to_id else None)
            for c in convictions
        }
    )


def period_case(
    conviction: Conviction, nominal: Nominal, total_days: int | None
) -> rules.PeriodCase:
    """One conviction as the period table reads it. The relevant date is the date of conviction,
    finding or caution (SOA 2003 s.82(6)), held in conviction_date for all four disposals."""
    relevant = conviction.conviction_date
    age = nominal.age_on(relevant)
    discharge = (
        (conviction.sentence_amount, conviction.sentence_unit)
        if conviction.sentence_type == SentenceType.CONDITIONAL_DISCHARGE
        and conviction.sentence_amount is not None
        and conviction.sentence_unit
        else None
    )
    disposal = (
        ""
        if conviction.disposal == Disposal.CONVICTION
        else (f" ({conviction.get_disposal_display().lower()})")
    )
    term_text = conviction.term_text
    if total_days is not None and total_days != conviction.sentence_days:
        # SOA 2003 s.82(4)(a): consecutive terms count as one term of their aggregate.
        term_text = f"{term_text or 'a term'} with consecutive terms, {total_days} days in all"
    return rules.PeriodCase(
        record_id=str(conviction.pk),
        disposal=conviction.disposal,
        sentence_type=conviction.sentence_type,
        relevant_date=relevant,
        under_18_on_relevant_date=age is not None and age < 18,
        sentence_days=total_days,
        term_text=term_text,
        discharge=discharge,
        description=f"{conviction.offence.title}{disposal} on {format_date(relevant)}",
    )


def governing(
    nominal: Nominal, candidates: Sequence[Conviction], *, skip_unreadable: bool = False
) -> tuple[Conviction, rules.GoverningPeriod] | None:
    """Of `candidates` (the qualifying convictions), the one whose period runs longest.

    Raises ValueError (from the rule table) when a record lacks what its period needs, e.g.
    custody with no length, unless `skip_unreadable` leaves such records out.
    """
    if not candidates:
        return None
    everyone = list(
        Conviction.objects.filter(nominal=nominal).only("pk", "sentence_days", "consecutive_to_id")
    )
    totals = _terms(everyone or candidates)
    cases = {
        str(c.pk): period_case(c, nominal, totals.get(str(c.pk), c.sentence_days))
        for c in candidates
    }
    readable = []
    for case in cases.values():
        try:
            rules.period_for(case)
        except ValueError:
            if not skip_unreadable:
                raise
            continue
        readable.append(case)
    chosen = rules.governing_period(readable)
    if chosen is None:
        return None
    by_id = {str(c.pk): c for c in candidates}
    return by_id[chosen.case.record_id], chosen
