"""Identifier validators and normalisers (no database)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from register.validators import (
    NI_FORMAT_MESSAGE,
    PHONE_MESSAGE,
    PNC_CHECK_LETTER_MESSAGE,
    PNC_EXAMPLE,
    PNC_FORMAT_MESSAGE,
    VEHICLE_REGISTRATION_MESSAGE,
    make_pnc_id,
    normalise_ni_number,
    normalise_phone,
    normalise_pnc_id,
    normalise_vehicle_registration,
    pnc_check_letter,
    validate_ni_number,
    validate_phone,
    validate_pnc_id,
    validate_vehicle_registration,
)


def error_of(validator: Callable[[str], None], value: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validator(value)
    return caught.value


# PNC ID ------------------------------------------------------------------------------


def test_check_letter_worked_by_hand() -> None:
    # Alphabet, by index: Z0 A1 B2 C3 D4 E5 F6 G7 H8 J9 K10 L11 M12 N13 P14 Q15 R16 T17 U18 V19
    # W20 X21 Y22.
    # 2004/0123456: "04" + "0123456" = 40123456 = 23 x 1744498 (= 40123454) + 2 -> B.
    assert pnc_check_letter("2004", "0123456") == "B"
    # 99/1: "99" + "0000001" = 990000001 = 23 x 43043478 (= 989999994) + 7 -> G.
    assert pnc_check_letter("99", "1") == "G"
    # 2023/23: "23" + "0000023" = 230000023 = 23 x 10000001 + 0 -> Z (Z stands for 0).
    assert pnc_check_letter("2023", "0000023") == "Z"


def test_check_letter_uses_only_the_last_two_digits_of_the_year() -> None:
    assert pnc_check_letter("1904", "123456") == pnc_check_letter("04", "123456") == "B"


@pytest.mark.parametrize(
    "value",
    [
        PNC_EXAMPLE,  # the example in the error message is itself valid
        "2004/0123456B",
        "04/0123456B",  # 2-digit year
        "04/123456B",  # serial not yet padded
        "2004/123456b",  # lower case
        " 2004 / 0123456 B ",  # spaces
        "99/1G",
        "2023/23Z",
        # Published by the Ministry of Justice as valid (hmpps-person-record PNCIdValidatorTest):
        "1981/0154257C",
        "2008/0056560Z",
        "2011/0275516Q",
    ],
)
def test_valid_pnc_ids(value: str) -> None:
    validate_pnc_id(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("04/123456b", "04/0123456B"),  # year kept as given (2 digits)
        ("2004/123456B", "2004/0123456B"),  # year kept as given (4 digits)
        (" 99 / 1 g ", "99/0000001G"),
        ("2004/0123456B", "2004/0123456B"),  # already canonical
        ("not a pnc", "NOTAPNC"),  # unreadable: squashed, never an exception
        ("", ""),
    ],
)
def test_normalise_pnc_id(value: str, expected: str) -> None:
    assert normalise_pnc_id(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "0123456B",  # no year
        "2004-0123456B",  # wrong separator
        "204/0123456B",  # 3-digit year
        "20041/0123456B",  # 5-digit year
        "2004/12345678B",  # 8-digit serial
        "2004/0123456",  # no check letter
        "2004/0123456BB",  # two letters
        "2004/012345XB",  # letter in the serial
        "AB/0123456B",
    ],
)
def test_badly_formatted_pnc_ids(value: str) -> None:
    error = error_of(validate_pnc_id, value)
    assert error.messages == [PNC_FORMAT_MESSAGE]
    assert error.messages == ["Enter a PNC ID in the format 2004/0123456B"]
    assert error.code == "invalid"


@pytest.mark.parametrize(
    "value",
    [
        "2004/0123456C",
        "04/123456X",
        "2004/0123456I",  # I, O and S are never check letters
        "1981/0154257D",
        "2005/0123456B",  # the year takes part in the check
    ],
)
def test_wrong_check_letter(value: str) -> None:
    error = error_of(validate_pnc_id, value)
    assert error.messages == [PNC_CHECK_LETTER_MESSAGE]
    assert error.messages == ["The PNC ID check letter is wrong: check the number"]
    assert error.code == "pnc_check_letter"
    assert PNC_CHECK_LETTER_MESSAGE != PNC_FORMAT_MESSAGE


def test_make_pnc_id() -> None:
    assert make_pnc_id(2004, 123456) == "2004/0123456B"
    assert make_pnc_id(4, 123456) == "04/0123456B"
    assert make_pnc_id(99, 1) == "99/0000001G"
    assert make_pnc_id(2023, 23) == "2023/0000023Z"


def test_make_pnc_id_always_makes_valid_canonical_ids() -> None:
    for year in (0, 9, 85, 1985, 2000, 2024):
        for serial in (0, 1, 22, 23, 999, 123456, 9_999_999):
            pnc_id = make_pnc_id(year, serial)
            validate_pnc_id(pnc_id)
            assert normalise_pnc_id(pnc_id) == pnc_id


@pytest.mark.parametrize(
    ("year", "serial"), [(100, 1), (999, 1), (10_000, 1), (-1, 1), (2004, -1), (2004, 10_000_000)]
)
def test_make_pnc_id_rejects_impossible_parts(year: int, serial: int) -> None:
    with pytest.raises(ValueError):
        make_pnc_id(year, serial)


@pytest.mark.parametrize(
    ("year", "serial"),
    [("204", "1"), ("2004", ""), ("2004", "12345678"), ("20x4", "1"), ("2004", "1a")],
)
def test_check_letter_rejects_impossible_parts(year: str, serial: str) -> None:
    with pytest.raises(ValueError):
        pnc_check_letter(year, serial)


# National Insurance number -------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "AB123456C",
        "ab123456c",
        "AB 12 34 56 C",
        " AB 123456 C ",
        "JT123456A",
        "CE123456D",
        "OA123456B",
        "ZY123456A",
    ],
)
def test_valid_ni_numbers(value: str) -> None:
    validate_ni_number(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("ab 12 34 56 c", "AB123456C"), ("AB123456C", "AB123456C"), (" jt 123456a", "JT123456A")],
)
def test_normalise_ni_number(value: str, expected: str) -> None:
    assert normalise_ni_number(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        # Prefixes never allocated.
        "BG123456A",
        "GB123456A",
        "KN123456A",
        "NK123456A",
        "NT123456A",
        "TN123456A",
        "ZZ123456A",
        # Banned first letters.
        "DA123456A",
        "FA123456A",
        "IA123456A",
        "QA123456A",
        "UA123456A",
        "VA123456A",
        # Banned second letters.
        "AD123456A",
        "AF123456A",
        "AI123456A",
        "AO123456A",
        "AQ123456A",
        "AU123456A",
        "AV123456A",
        "QQ123456C",  # the format example is not a real number
        # Bad suffix.
        "AB123456E",
        "AB123456Z",
        "AB123456",
        "AB1234561",
        # Wrong shape.
        "",
        "A1234567C",
        "AB12345C",
        "AB1234567C",
        "ABC12345C",
        "12AB3456C",
        "AB123456CD",
    ],
)
def test_invalid_ni_numbers(value: str) -> None:
    error = error_of(validate_ni_number, value)
    assert error.messages == [NI_FORMAT_MESSAGE]
    assert error.messages == [
        "Enter a National Insurance number in the correct format, like QQ 12 34 56 C"
    ]


# Phone ----------------------------------------------------------------------------------


def test_uk_numbers_normalise_the_same_however_written() -> None:
    forms = [
        "07700 900123",
        "07700900123",
        "+44 7700 900123",
        "+447700900123",
        "0044 7700900123",
        "00447700900123",
        "+44 (0)7700 900123",
        "(+44) 7700-900-123",
        "07700.900.123",
    ]
    assert {normalise_phone(form) for form in forms} == {"07700900123"}


def test_landline_normalises_the_same() -> None:
    assert normalise_phone("01632 960 001") == normalise_phone("+44 1632 960001") == "01632960001"


def test_other_international_numbers_keep_a_plus() -> None:
    assert normalise_phone("+33 1 23 45 67 89") == "+33123456789"
    assert normalise_phone("0033 1 23 45 67 89") == "+33123456789"  # 00 is the same as +
    assert normalise_phone("+1 (202) 555-0143") == "+12025550143"


def test_normalise_phone_never_raises() -> None:
    assert normalise_phone("") == ""
    assert normalise_phone("+") == ""
    assert normalise_phone("call me") == ""


@pytest.mark.parametrize(
    "value",
    [
        "07700 900123",
        "+44 7700 900123",
        "0044 7700900123",
        "+33 1 23 45 67 89",
        "1234567",  # 7 digits: the shortest allowed
        "+123456789012345",  # 15 digits: the longest allowed
        "(01632) 960 001",
    ],
)
def test_valid_phone_numbers(value: str) -> None:
    validate_phone(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "123456",  # 6 digits
        "+1234567890123456",  # 16 digits
        "0770O 900123",  # letter O for zero
        "07700 900123 ext 4",
        "07700+900123",  # a plus in the middle
        "+",
    ],
)
def test_invalid_phone_numbers(value: str) -> None:
    assert error_of(validate_phone, value).messages == [PHONE_MESSAGE]


# Vehicle registration ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("ab51 abc", "AB51ABC"), (" AB51ABC ", "AB51ABC"), ("ab-123-cd", "AB123CD"), ("x1", "X1")],
)
def test_normalise_vehicle_registration(value: str, expected: str) -> None:
    assert normalise_vehicle_registration(value) == expected


@pytest.mark.parametrize(
    "value", ["AB51 ABC", "ab51abc", "X1", "A 1", "12345678", "AB-123-CD", "MÜ AB 123", "11"]
)
def test_valid_vehicle_registrations(value: str) -> None:
    validate_vehicle_registration(value)


@pytest.mark.parametrize("value", ["", "A", "123456789", "AB51 AB!", "AB_51", "AB.51"])
def test_invalid_vehicle_registrations(value: str) -> None:
    assert error_of(validate_vehicle_registration, value).messages == [VEHICLE_REGISTRATION_MESSAGE]
