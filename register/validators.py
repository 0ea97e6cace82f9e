"""Validators and normalisers for the identifiers held on a nominal, and the shared rules
for dates of birth and people's names (models' `clean()` call them, so pages, the API and
imports refuse the same values with the same messages).

Each identifier has a `normalise_*` function and a `validate_*` function.

- Normalisers never raise. They turn what a user typed into the stored, searchable form, and
  they return anything they cannot read with only spaces removed and letters upper-cased, so
  search and the services can call them on any input.
- Validators normalise first, then raise `django.core.exceptions.ValidationError` with a
  GOV.UK-style message, so they give the same result for "04/123456x" and "04/0123456X".
  Django skips field validators for empty values, so a blank optional field never gets here.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone

# Police National Computer ID ------------------------------------------------------

# The PNC check character: the 2-digit year followed by the 7-digit zero-padded serial, read as
# one number, mod 23, indexes this alphabet (no I, O or S; Z stands for 0). As published in the
# Criminal Justice Hub data dictionary ("Police National Computer Id") and as implemented by the
# Ministry of Justice's PNCIdValidator in ministryofjustice/hmpps-person-record.
PNC_CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"
PNC_SERIAL_DIGITS = 7
PNC_MAX_SERIAL = 10**PNC_SERIAL_DIGITS - 1

# A real example in the canonical form: 040123456 = 23 x 1744498 + 2, and letter 2 is B.
PNC_EXAMPLE = "2004/0123456B"
PNC_FORMAT_MESSAGE = f"Enter a PNC ID in the format {PNC_EXAMPLE}"
PNC_CHECK_LETTER_MESSAGE = "The PNC ID check letter is wrong: check the number"

_PNC = re.compile(r"([0-9]{2}|[0-9]{4})/([0-9]{1,7})([A-Z])")
_YEAR = re.compile(r"[0-9]{2}|[0-9]{4}")
_SERIAL = re.compile(r"[0-9]{1,7}")


def _squash(value: str) -> str:
    """Remove all whitespace and upper-case."""
    return "".join(value.split()).upper()


def pnc_check_letter(year: str, serial: str) -> str:
    """The check letter for a PNC ID with this year (2 or 4 digits) and serial (1 to 7 digits).

    >>> pnc_check_letter("2004", "123456")
    'B'
    """
    if not _YEAR.fullmatch(year):
        raise ValueError(f"A PNC year has 2 or 4 digits, not {year!r}")
    if not _SERIAL.fullmatch(serial):
        raise ValueError(f"A PNC serial number has 1 to 7 digits, not {serial!r}")
    number = int(year[-2:] + serial.zfill(PNC_SERIAL_DIGITS))
    return PNC_CHECK_LETTERS[number % len(PNC_CHECK_LETTERS)]


def make_pnc_id(year: int, serial: int) -> str:
    """A valid PNC ID in canonical form, e.g. make_pnc_id(2004, 123456) == "2004/0123456B".

    A year below 100 is written with 2 digits ("04/0123456B"); any other year must have 4.
    """
    if 0 <= year < 100:
        year_text = f"{year:02d}"
    elif 1000 <= year <= 9999:
        year_text = str(year)
    else:
        raise ValueError(f"A PNC year is 0-99 or 1000-9999, not {year}")
    if not 0 <= serial <= PNC_MAX_SERIAL:
        raise ValueError(f"A PNC serial number is 0-{PNC_MAX_SERIAL}, not {serial}")
    serial_text = f"{serial:0{PNC_SERIAL_DIGITS}d}"
    return f"{year_text}/{serial_text}{pnc_check_letter(year_text, serial_text)}"


def normalise_pnc_id(value: str) -> str:
    """Upper case, no spaces, serial zero-padded to 7 digits; the year is kept as given.

    "04/123456b" -> "04/0123456B"; "2004 / 0123456 B" -> "2004/0123456B".
    """
    squashed = _squash(value)
    match = _PNC.fullmatch(squashed)
    if match is None:
        return squashed
    year, serial, letter = match.groups()
    return f"{year}/{serial.zfill(PNC_SERIAL_DIGITS)}{letter}"


def validate_pnc_id(value: str) -> None:
    match = _PNC.fullmatch(normalise_pnc_id(value))
    if match is None:
        raise ValidationError(PNC_FORMAT_MESSAGE, code="invalid")
    year, serial, letter = match.groups()
    if pnc_check_letter(year, serial) != letter:
        raise ValidationError(PNC_CHECK_LETTER_MESSAGE, code="pnc_check_letter")


# National Insurance number --------------------------------------------------------

# HMRC allocation rules: D, F, I, Q, U and V are never used as the first letter, and neither they
# nor O as the second; some prefixes are never allocated (TN is for temporary numbers).
NI_BANNED_FIRST_LETTERS = frozenset("DFIQUV")
NI_BANNED_SECOND_LETTERS = frozenset("DFIOQUV")
NI_BANNED_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
# QQ is itself never allocated: it shows the format only.
NI_FORMAT_MESSAGE = "Enter a National Insurance number in the correct format, like QQ 12 34 56 C"

_NI = re.compile(r"([A-Z])([A-Z])[0-9]{6}[A-D]")


def normalise_ni_number(value: str) -> str:
    """Upper case, no spaces: "ab 12 34 56 c" -> "AB123456C"."""
    return _squash(value)


def validate_ni_number(value: str) -> None:
    number = normalise_ni_number(value)
    match = _NI.fullmatch(number)
    if (
        match is None
        or match[1] in NI_BANNED_FIRST_LETTERS
        or match[2] in NI_BANNED_SECOND_LETTERS
        or number[:2] in NI_BANNED_PREFIXES
    ):
        raise ValidationError(NI_FORMAT_MESSAGE, code="invalid")


# Vehicle registration --------------------------------------------------------------

VEHICLE_REGISTRATION_MESSAGE = (
    "Enter a vehicle registration of 2 to 8 letters and numbers, like AB51 ABC"
)
# Letters and digits in any script: foreign plates vary (a German plate can start "MÜ").
_REGISTRATION = re.compile(r"[^\W_]{2,8}")


def normalise_vehicle_registration(value: str) -> str:
    """Upper case, no spaces and no hyphens (as on many foreign plates).

    "ab51 abc" -> "AB51ABC"; "ab-123-cd" -> "AB123CD".
    """
    return _squash(value).replace("-", "")


def validate_vehicle_registration(value: str) -> None:
    if not _REGISTRATION.fullmatch(normalise_vehicle_registration(value)):
        raise ValidationError(VEHICLE_REGISTRATION_MESSAGE, code="invalid")


# Phone number -------------------------------------------------------------------------

PHONE_MIN_DIGITS = 7
PHONE_MAX_DIGITS = 15  # the E.164 maximum
PHONE_MESSAGE = "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
# What people type around the digits: spaces, brackets, hyphens, dots and one leading "+".
_PHONE_CHARACTERS = re.compile(r"\s*\(?\s*\+?[0-9()\-.\s]*")


def normalise_phone(value: str) -> str:
    """Digits only, with a leading "+" for a non-UK international number.

    "07700 900123", "+44 7700 900123", "0044 7700900123" and "+44 (0)7700 900123" all give
    "07700900123"; "+33 1 23 45 67 89" and "0033 1 23 45 67 89" both give "+33123456789".
    """
    first = re.search(r"[+0-9]", value)
    international = first is not None and first[0] == "+"
    digits = "".join(re.findall(r"[0-9]", value))
    if not international and digits.startswith("00"):
        international, digits = True, digits[2:]
    if international and digits.startswith("44"):
        national = digits[2:]
        return "0" + national.removeprefix("0")  # "+44 (0)..." carries a redundant trunk 0
    if international and digits:
        return "+" + digits
    return digits


def validate_phone(value: str) -> None:
    if not _PHONE_CHARACTERS.fullmatch(value):
        raise ValidationError(PHONE_MESSAGE, code="invalid")
    digits = normalise_phone(value).removeprefix("+")
    if not PHONE_MIN_DIGITS <= len(digits) <= PHONE_MAX_DIGITS:
        raise ValidationError(PHONE_MESSAGE, code="invalid")


# Dates of birth ------------------------------------------------------------------------

# No one on the register was born before 1900; an earlier date is a typing slip (1850 for 1950).
EARLIEST_DATE_OF_BIRTH = dt.date(1900, 1, 1)
DATE_OF_BIRTH_FUTURE_MESSAGE = "Date of birth must be in the past"
DATE_OF_BIRTH_TOO_EARLY_MESSAGE = "Date of birth must be on or after 1 January 1900"

# The age of criminal responsibility in England and Wales. Children and Young Persons Act 1933
# s.50: "It shall be conclusively presumed that no child under the age of ten years can be
# guilty of any offence." So no conviction can be for an offence committed before the
# person's 10th birthday, and a date of birth that says otherwise is wrong.
AGE_OF_CRIMINAL_RESPONSIBILITY = 10
AGE_OF_RESPONSIBILITY_SOURCE = "Children and Young Persons Act 1933 s.50"
DATE_OF_BIRTH_AFTER_OFFENCE_MESSAGE = (
    "Date of birth must be at least 10 years before each of the person's offences "
    f"(the earliest is {{offence:%-d %B %Y}}): no one under 10 can be guilty of an offence "
    f"({AGE_OF_RESPONSIBILITY_SOURCE})"
)
OFFENCE_UNDER_AGE_MESSAGE = (
    "The person was under 10 on this date (born {born:%-d %B %Y}): no one under 10 can be "
    f"guilty of an offence ({AGE_OF_RESPONSIBILITY_SOURCE}). Check the date and the date of "
    "birth"
)


def validate_date_of_birth(value: dt.date, *, today: dt.date | None = None) -> None:
    """Not in the future and not before 1900."""
    if value > (today or timezone.localdate()):
        raise ValidationError(DATE_OF_BIRTH_FUTURE_MESSAGE, code="future")
    if value < EARLIEST_DATE_OF_BIRTH:
        raise ValidationError(DATE_OF_BIRTH_TOO_EARLY_MESSAGE, code="too_early")


def tenth_birthday(born: dt.date) -> dt.date:
    """The day the person turns 10 (someone born on 29 February turns 10 on 1 March)."""
    try:
        return born.replace(year=born.year + AGE_OF_CRIMINAL_RESPONSIBILITY)
    except ValueError:
        return dt.date(born.year + AGE_OF_CRIMINAL_RESPONSIBILITY, 3, 1)


def under_age_of_responsibility(born: dt.date | None, on: dt.date | None) -> bool:
    """True when a person born on `born` was under 10 on `on` (unknown dates: False)."""
    return born is not None and on is not None and on < tenth_birthday(born)


def validate_date_of_birth_against_offences(born: dt.date, offences: Iterable[dt.date]) -> None:
    """The date of birth must not make the person under 10 at any offence (dates given)."""
    too_young = sorted(day for day in offences if under_age_of_responsibility(born, day))
    if too_young:
        raise ValidationError(
            DATE_OF_BIRTH_AFTER_OFFENCE_MESSAGE.format(offence=too_young[0]),
            code="under_age_of_responsibility",
        )


def validate_offence_date(day: dt.date, born: dt.date | None) -> None:
    """An offence (or a conviction for one) dated before the person's 10th birthday."""
    if born is not None and under_age_of_responsibility(born, day):
        raise ValidationError(
            OFFENCE_UNDER_AGE_MESSAGE.format(born=born), code="under_age_of_responsibility"
        )


# Names of people -------------------------------------------------------------------------

NAME_CONTROL_MESSAGE = "Remove the control character (such as a tab or new line) from the name"
NAME_NO_LETTER_MESSAGE = "Enter a name using letters, not only numbers or symbols"


def validate_person_name(value: str) -> None:
    """A person's name: no control character (tabs and new lines included: a name is one
    line), and at least one letter in any script ("123" or "--" is a slip, not a name).

    Blank is left to the field's own `blank` rule.
    """
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValidationError(NAME_CONTROL_MESSAGE, code="control_character")
    if value.strip() and not any(ch.isalpha() for ch in value):
        raise ValidationError(NAME_NO_LETTER_MESSAGE, code="no_letter")


def validate_handle(value: str) -> None:
    """An online name or profile: any characters people use ("user_1984"), one line."""
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValidationError(NAME_CONTROL_MESSAGE, code="control_character")


def name_errors(
    instance: object, fields: Iterable[str], validate: Callable[[str], None] = validate_person_name
) -> dict[str, list[str]]:
    """{field: [message]} for each named field of `instance` whose name is refused."""
    errors: dict[str, list[str]] = {}
    for name in fields:
        try:
            validate(getattr(instance, name) or "")
        except ValidationError as exc:
            errors[name] = exc.messages
    return errors
