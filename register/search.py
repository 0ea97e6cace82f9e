"""Finding a person: one box that takes a name, date of birth, NI number, PNC ID,
vehicle registration, phone number or email address.

Names match on normalised spelling, on a phonetic key (so "Jon Smyth" finds
"John Smith"), on every name the person has used (aliases, online names),
and with first and last names swapped. Dates of birth match exactly and
with day and month swapped. Exact hits rank first. The phonetic keys are
computed here in Python and stored on NominalName, so search needs no
PostgreSQL extension; where pg_trgm is installed it adds near-miss
spellings the phonetic key cannot catch.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from register import access
from register.models import ContactDetail, Nominal, NominalName, StaffUser, Vehicle
from register.validators import (
    normalise_ni_number,
    normalise_phone,
    normalise_pnc_id,
    normalise_vehicle_registration,
)

# Common short forms, so "Jon" and "Jonathan", "Bill" and "William" meet.
NICKNAMES = {
    "jon": "john",
    "jonathan": "john",
    "johnny": "john",
    "jack": "john",
    "sean": "john",
    "bill": "william",
    "billy": "william",
    "will": "william",
    "liam": "william",
    "bob": "robert",
    "rob": "robert",
    "bobby": "robert",
    "robbie": "robert",
    "dave": "david",
    "davey": "david",
    "mike": "michael",
    "mick": "michael",
    "jim": "james",
    "jimmy": "james",
    "jamie": "james",
    "tom": "thomas",
    "tommy": "thomas",
    "steve": "stephen",
    "steven": "stephen",
    "chris": "christopher",
    "tony": "anthony",
    "andy": "andrew",
    "drew": "andrew",
    "dan": "daniel",
    "danny": "daniel",
    "matt": "matthew",
    "pete": "peter",
    "rich": "richard",
    "dick": "richard",
    "ed": "edward",
    "eddie": "edward",
    "ted": "edward",
    "joe": "joseph",
    "sam": "samuel",
    "ben": "benjamin",
    "alex": "alexander",
    "nick": "nicholas",
    "phil": "philip",
    "kate": "katherine",
    "katie": "katherine",
    "cathy": "katherine",
    "liz": "elizabeth",
    "beth": "elizabeth",
    "sue": "susan",
    "jen": "jennifer",
    "jenny": "jennifer",
    "mo": "mohammed",
    "muhammad": "mohammed",
    "mohamed": "mohammed",
    "mohammad": "mohammed",
}

_SOUND_CODES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}
_SPELLING = [
    (r"ph", "f"),
    (r"ck", "k"),
    (r"^kn", "n"),
    (r"^wr", "r"),
    (r"^ps", "s"),
    (r"q", "k"),
    (r"x", "ks"),
    (r"c(?=[eiy])", "s"),
    (r"c", "k"),
    (r"dg", "j"),
    (r"z", "s"),
    (r"y", "i"),
    # A silent P between M and S or T: Thompson/Thomson, Simpson/Simson, Sampson/Samson.
    (r"mp(?=[st])", "m"),
]

# Letters Unicode does not decompose into an ASCII base (NFKD leaves them whole), as
# they are written in the names of people from Poland, Scandinavia, Germany, Iceland.
_UNDECOMPOSED = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "\u0131": "i",  # dotless i
    }
)


def normalise_name(value: str) -> str:
    """Lower case ASCII letters only: "O'Neill-Smith" -> 'oneillsmith', 'Zoë' -> 'zoe',
    'Michał' -> 'michal', 'Søren' -> 'soren'."""
    folded = unicodedata.normalize("NFKD", value.translate(_UNDECOMPOSED))
    ascii_only = folded.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", ascii_only.lower())


def first_given(value: str) -> str:
    parts = value.split()
    return normalise_name(parts[0]) if parts else ""


@cache
def phonetic(value: str) -> str:
    """A Soundex-style key that first evens out English spelling (C/K, PH/F, Y/I...).

    Unlike plain Soundex the first letter is also evened out, so Catherine
    and Kathryn share a key (K365).
    """
    name = normalise_name(value)
    name = NICKNAMES.get(name, name)
    if not name:
        return ""
    for pattern, replacement in _SPELLING:
        name = re.sub(pattern, replacement, name)
    first = "A" if name[0] in "aeiou" else name[0].upper()
    digits = []
    previous = _SOUND_CODES.get(name[0], "")
    for char in name[1:]:
        code = _SOUND_CODES.get(char, "")
        if code and code != previous:
            digits.append(code)
        if char not in "hw":  # as in Soundex, H and W do not separate equal codes
            previous = code
    return (first + "".join(digits))[:8]


def name_keys(given_names: str, family_name: str) -> dict[str, str]:
    """The search columns NominalName stores for one name."""
    given = first_given(given_names)
    return {
        "search_given": NICKNAMES.get(given, given),
        "search_family": normalise_name(family_name),
        "phonetic_given": phonetic(given),
        "phonetic_family": phonetic(family_name),
    }


# Understanding the query ----------------------------------------------------------

_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b|\b(\d{4})-(\d{2})-(\d{2})\b")
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_PNC = re.compile(r"\b\d{2}(?:\d{2})?/\d{1,7}[A-Za-z]\b")
_NI = re.compile(r"\b[A-Za-z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-Da-d]\b")
# Digits with the separators people type: "07700 900123", "07700-900-123", "(07700) 900123",
# "+44 (0)7700 900123"; at least 7 digits (checked after normalising).
_PHONE = re.compile(r"(?<![\w/+])(?:\+|\()?\d[\d\s().-]{5,}\d(?![\w/])")
# A registration is letters and digits together (AB12CDE, "AB12 CDE"); a bare word is a name.
_REG = re.compile(r"\b(?=\w*\d)(?=\w*[A-Za-z])[A-Za-z0-9]{2,4}(?: ?[A-Za-z0-9]{3})?\b")


@dataclass
class ParsedQuery:
    names: list[str] = field(default_factory=list)
    dates: list[dt.date] = field(default_factory=list)
    pnc_id: str = ""
    ni_number: str = ""
    phone: str = ""
    registration: str = ""
    email: str = ""

    @property
    def is_empty(self) -> bool:
        return not (
            self.names
            or self.dates
            or self.pnc_id
            or self.ni_number
            or self.phone
            or self.registration
            or self.email
        )


def parse_query(text: str) -> ParsedQuery:
    query = ParsedQuery()
    rest = text.strip()
    # First: an address's digits and dots would otherwise read as a phone or a date.
    if m := _EMAIL.search(rest):
        query.email = m[0].lower()
        rest = rest.replace(m[0], " ")
    for match in _DATE.finditer(rest):
        day, month, year = (
            (match[1], match[2], match[3]) if match[1] else (match[6], match[5], match[4])
        )
        try:
            query.dates.append(dt.date(int(year), int(month), int(day)))
        except ValueError:
            continue
    rest = _DATE.sub(" ", rest)
    if m := _PNC.search(rest):
        query.pnc_id = normalise_pnc_id(m[0])
        rest = rest.replace(m[0], " ")
    if m := _NI.search(rest):
        query.ni_number = normalise_ni_number(m[0])
        rest = rest.replace(m[0], " ")
    if (m := _PHONE.search(rest)) and len(normalise_phone(m[0]).lstrip("+")) >= 7:
        query.phone = normalise_phone(m[0])
        rest = rest.replace(m[0], " ")
    if m := _REG.search(rest):
        query.registration = normalise_vehicle_registration(m[0])
        rest = rest.replace(m[0], " ")
    query.names = [w for w in re.split(r"[\s,]+", rest) if normalise_name(w)]
    return query


def pnc_variants(pnc_id: str) -> list[str]:
    """A PNC ID is written with a 2- or 4-digit year ("04/0123456B", "2004/0123456B"), and
    stored as it was entered: search for every way of writing the same ID."""
    year, _, rest = pnc_id.partition("/")
    if not (rest and year.isdigit()):
        return [pnc_id]
    if len(year) == 4:
        return [pnc_id, f"{year[2:]}/{rest}"]
    return [pnc_id, f"19{year}/{rest}", f"20{year}/{rest}"]


def swapped_day_month(day: dt.date) -> dt.date | None:
    if day.day > 12 or day.day == day.month:
        return None
    return day.replace(month=day.day, day=day.month)


# Searching --------------------------------------------------------------------------

SCORE_IDENTIFIER = 1000
SCORE_NAME_EXACT = 100
SCORE_NAME_PHONETIC = 60
SCORE_NAME_SWAPPED = 50
SCORE_NAME_SIMILAR = 30
SCORE_FAMILY_ONLY = 25
SCORE_DOB_EXACT = 80
SCORE_DOB_SWAPPED = 40
MAX_CANDIDATES = 2000


@dataclass
class SearchHit:
    nominal: Nominal
    score: int
    reasons: list[str]


@cache
def trigram_available() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None


def nominal_search(*, user: StaffUser, text: str, limit: int = 50) -> list[SearchHit]:
    """Ranked matches among the nominals `user` may see. A fixed number of queries."""
    query = parse_query(text)
    if query.is_empty:
        return []
    visible = access.scoped(Nominal.objects.filter(merged_into__isnull=True), user)
    scores: dict[object, int] = {}
    reasons: dict[object, list[str]] = {}

    def add(nominal_id: object, points: int, reason: str) -> None:
        scores[nominal_id] = scores.get(nominal_id, 0) + points
        reasons.setdefault(nominal_id, []).append(reason)

    for nominal_id, reason in _identifier_matches(query, visible):
        add(nominal_id, SCORE_IDENTIFIER, reason)
    if query.names:
        for nominal_id, (points, reason) in _name_matches(query.names, visible).items():
            add(nominal_id, points, reason)
    if query.dates:
        _score_dates(query.dates, visible, scores, add, names_given=bool(query.names))
    ranked = sorted(scores.items(), key=lambda item: (-item[1], str(item[0])))[:limit]
    nominals = Nominal.objects.select_related("lead_agency", "responsible_officer").in_bulk(
        [pk for pk, _ in ranked]
    )
    return [
        SearchHit(nominal=nominals[pk], score=score, reasons=reasons[pk])
        for pk, score in ranked
        if pk in nominals
    ]


def _identifier_matches(query: ParsedQuery, visible: QuerySet[Nominal]) -> list[tuple[object, str]]:
    found: list[tuple[object, str]] = []
    if query.pnc_id:
        found += [
            (pk, "PNC ID")
            for pk in visible.filter(pnc_id__in=pnc_variants(query.pnc_id)).values_list(
                "pk", flat=True
            )
        ]
    if query.ni_number:
        found += [
            (pk, "National Insurance number")
            for pk in visible.filter(ni_number=query.ni_number).values_list("pk", flat=True)
        ]
    if query.registration:
        found += [
            (pk, "Vehicle registration")
            for pk in Vehicle.objects.filter(registration=query.registration, nominal__in=visible)
            .order_by()
            .values_list("nominal_id", flat=True)
            .distinct()
        ]
    for value, reason in ((query.phone, "Phone number"), (query.email, "Email address")):
        if value:
            found += [
                (pk, reason)
                for pk in ContactDetail.objects.filter(search_value=value, nominal__in=visible)
                .order_by()
                .values_list("nominal_id", flat=True)
                .distinct()
            ]
    return found


def _name_matches(words: list[str], visible: QuerySet[Nominal]) -> dict[object, tuple[int, str]]:
    """Best name score per nominal, across all the names they have used."""
    if len(words) == 1:
        given, family = "", words[0]
    else:
        given, family = words[0], words[-1]
    keys = name_keys(given, family)
    condition = Q(phonetic_family=keys["phonetic_family"]) | Q(search_family=keys["search_family"])
    if given:
        condition |= Q(
            phonetic_family=keys["phonetic_given"], phonetic_given=keys["phonetic_family"]
        )
    else:
        # One word might be either name.
        condition |= Q(phonetic_given=keys["phonetic_family"])
    if trigram_available():
        condition |= Q(search_family__trigram_similar=keys["search_family"])
    # Closest first, so a common family name cannot push an exact hit past the candidate cap.
    closeness = Case(
        When(
            Q(search_family=keys["search_family"], search_given=keys["search_given"])
            if given
            else Q(search_family=keys["search_family"]),
            then=Value(0),
        ),
        When(
            Q(phonetic_family=keys["phonetic_family"], phonetic_given=keys["phonetic_given"])
            if given
            else Q(phonetic_family=keys["phonetic_family"]),
            then=Value(1),
        ),
        default=Value(2),
        output_field=IntegerField(),
    )
    rows = (
        NominalName.objects.filter(condition, nominal__in=visible)
        .order_by(closeness, "nominal_id")
        .values_list(
            "nominal_id",
            "kind",
            "search_given",
            "search_family",
            "phonetic_given",
            "phonetic_family",
        )[:MAX_CANDIDATES]
    )
    best: dict[object, tuple[int, str]] = {}
    for nominal_id, kind, s_given, s_family, p_given, p_family in rows:
        score, reason = _score_name(keys, bool(given), kind, s_given, s_family, p_given, p_family)
        if score and score > best.get(nominal_id, (0, ""))[0]:
            best[nominal_id] = (score, reason)
    return best


def _score_name(
    keys: dict[str, str],
    has_given: bool,
    kind: str,
    s_given: str,
    s_family: str,
    p_given: str,
    p_family: str,
) -> tuple[int, str]:
    label = "name" if kind in {"current", "birth"} else f"{kind.replace('_', ' ')} name"
    if not has_given:
        if s_family == keys["search_family"]:
            return SCORE_NAME_EXACT - 20, f"Family {label} matches exactly"
        if p_family == keys["phonetic_family"]:
            return SCORE_FAMILY_ONLY, f"Family {label} sounds alike"
        if p_given == keys["phonetic_family"]:
            return SCORE_FAMILY_ONLY - 5, f"Given {label} sounds alike"
        return SCORE_NAME_SIMILAR - 10, f"Family {label} is spelled similarly"
    if s_family == keys["search_family"] and s_given == keys["search_given"]:
        return SCORE_NAME_EXACT, f"Full {label} matches exactly"
    if p_family == keys["phonetic_family"] and p_given == keys["phonetic_given"]:
        return SCORE_NAME_PHONETIC, f"Full {label} sounds alike"
    if p_family == keys["phonetic_given"] and p_given == keys["phonetic_family"]:
        return SCORE_NAME_SWAPPED, f"Given and family {label}s swapped"
    if p_family == keys["phonetic_family"] or s_family == keys["search_family"]:
        return SCORE_FAMILY_ONLY, f"Family {label} matches, given name differs"
    return SCORE_NAME_SIMILAR - 10, f"Family {label} is spelled similarly"


def _score_dates(dates, visible, scores, add, *, names_given: bool) -> None:  # type: ignore[no-untyped-def]
    exact = set(dates)
    swapped = {s for d in dates if (s := swapped_day_month(d))} - exact
    wanted = exact | swapped
    rows = visible.filter(
        Q(date_of_birth__in=wanted) | Q(other_dates_of_birth__overlap=list(wanted))
    )
    if names_given:
        # Dates refine a name search; they do not add strangers who share a birthday.
        rows = rows.filter(pk__in=list(scores))
    for pk, dob, others in rows.values_list("pk", "date_of_birth", "other_dates_of_birth")[
        :MAX_CANDIDATES
    ]:
        held = {dob, *others}
        if held & exact:
            add(pk, SCORE_DOB_EXACT, "Date of birth matches")
        elif held & swapped:
            add(pk, SCORE_DOB_SWAPPED, "Date of birth matches with day and month swapped")
