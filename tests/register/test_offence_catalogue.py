"""The starting offence catalogue (plain data, no database)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from register import offence_catalogue
from register.offence_catalogue import CODES, OFFENCES, by_code

KEY_TYPES: dict[str, type] = {
    "code": str,
    "statute": str,
    "section": str,
    "title": str,
    "specified_stalking": bool,
    "coercive_control": bool,
    "mappa_cat2_specified": bool,
    "sexual": bool,
    "violent": bool,
    "default_gravity": int,
}


def test_at_least_45_offences() -> None:
    assert len(OFFENCES) >= 45


def test_codes_are_unique_and_exported() -> None:
    codes = [o["code"] for o in OFFENCES]
    assert len(codes) == len(set(codes))
    assert set(codes) == CODES


@pytest.mark.parametrize("offence", OFFENCES, ids=lambda o: o["code"])
def test_every_entry_has_exactly_the_keys_with_the_right_types(offence: dict[str, object]) -> None:
    assert set(offence) == set(KEY_TYPES)
    for key, kind in KEY_TYPES.items():
        # `type(...) is` so that a bool never passes for the int gravity, nor 0/1 for a flag.
        assert type(offence[key]) is kind, (key, offence[key])
    for key in ("code", "statute", "section", "title"):
        assert str(offence[key]).strip(), key


@pytest.mark.parametrize("offence", OFFENCES, ids=lambda o: o["code"])
def test_gravity_is_positive(offence: dict[str, object]) -> None:
    gravity = offence["default_gravity"]
    assert isinstance(gravity, int)
    assert gravity > 0


def test_fits_the_offence_table() -> None:
    # register.models.Offence: code 40, statute 200, section 40, title 200 characters.
    for offence in OFFENCES:
        assert len(offence["code"]) <= 40
        assert len(offence["statute"]) <= 200
        assert len(offence["section"]) <= 40
        assert len(offence["title"]) <= 200


def test_exactly_two_specified_stalking_offences() -> None:
    stalking = [o for o in OFFENCES if o["specified_stalking"]]
    assert {(o["statute"], o["section"]) for o in stalking} == {
        ("Protection from Harassment Act 1997", "s.2A"),
        ("Protection from Harassment Act 1997", "s.4A"),
    }
    assert len(stalking) == 2


def test_exactly_one_coercive_control_offence() -> None:
    ccb = [o for o in OFFENCES if o["coercive_control"]]
    assert len(ccb) == 1
    assert (ccb[0]["statute"], ccb[0]["section"]) == ("Serious Crime Act 2015", "s.76")


def test_coercive_control_and_stalking_count_for_mappa_category_2() -> None:
    for code in ("SCA2015-s76", "PHA1997-s2A", "PHA1997-s4A"):
        assert by_code(code)["mappa_cat2_specified"] is True


@pytest.mark.parametrize(
    "code",
    [
        "PHA1997-s2",
        "PHA1997-s4",
        "PHA1997-s2A",
        "PHA1997-s4A",
        "PHA1997-s5-5",
        "SPA2019-s8",
        "DAA2021-s39",
        "FLA1996-s42A",
        "SCA2015-s76",
        "CJA1988-s39",
        "OAPA1861-s47",
        "OAPA1861-s20",
        "OAPA1861-s18",
        "OAPA1861-s16",
        "SCA2015-s75A",
        "CL-murder",
        "CL-manslaughter",
        "CL-false-imprisonment",
        "CL-kidnapping",
        "SOA2003-s1",
        "SOA2003-s2",
        "SOA2003-s3",
        "SOA2003-s4",
        "CJCA2015-s33",
        "SOA2003-s66B",
        "SOA2003-s67",
        "CDA1971-s1-1",
        "CDA1971-s1-3",
        "CDA1971-s2",
        "MCA1988-s1",
        "CA2003-s127",
        "OSA2023-s179",
        "OSA2023-s181",
        "POA1986-s4",
        "POA1986-s4A",
        "POA1986-s5",
        "POA1986-s3",
        "TA1968-s9",
        "TA1968-s1",
        "FA2006-s2",
        "TA1968-s21",
        "CYPA1933-s1",
        "CJPOA1994-s51",
        "CSA2010-s24",
        "ASBCPA2014-s121",
        "FGMA2003-s1",
        "PCA1953-s1",
        "CJA1988-s139AA",
        "CDA1998-s29-1c",
        "CDA1998-s32-1a",
        "CAtt1981-s1-murder",
    ],
)
def test_the_required_offences_are_present(code: str) -> None:
    assert code in CODES


def test_sample_flags() -> None:
    assert by_code("SOA2003-s1")["sexual"] is True
    assert by_code("SOA2003-s1")["mappa_cat2_specified"] is True
    assert by_code("OAPA1861-s47")["violent"] is True
    assert by_code("CJA1988-s39")["mappa_cat2_specified"] is False
    assert by_code("CL-murder")["default_gravity"] > by_code("OAPA1861-s18")["default_gravity"]
    assert by_code("OAPA1861-s18")["default_gravity"] > by_code("OAPA1861-s47")["default_gravity"]
    assert by_code("OAPA1861-s47")["default_gravity"] > by_code("CJA1988-s39")["default_gravity"]


def test_by_code() -> None:
    assert by_code("PHA1997-s2A")["title"] == "Stalking"
    with pytest.raises(KeyError):
        by_code("NOPE")


def test_by_code_returns_a_copy() -> None:
    by_code("PHA1997-s2A")["title"] = "Changed"
    assert by_code("PHA1997-s2A")["title"] == "Stalking"


def test_module_has_no_django_imports() -> None:
    tree = ast.parse(Path(offence_catalogue.__file__).read_text())
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.split(".")[0] in {"django", "rest_framework"}}
