"""The starting offence catalogue: offences commonly involved in domestic abuse and stalking in
England and Wales. Plain data, no Django imports: a data migration loads it into `Offence`, and
from then on administrators edit the table, not this file.

Every entry has exactly these keys:

code
    A unique short id: statute initials and year, then the section ("PHA1997-s2A"); "CL-..."
    for common-law offences, whose `section` is "-".
statute, section, title
    As charged, e.g. "Protection from Harassment Act 1997", "s.2A", "Stalking".
specified_stalking
    True only for the two specified stalking offences, PHA 1997 s.2A and s.4A.
coercive_control
    True only for controlling or coercive behaviour, Serious Crime Act 2015 s.76.
mappa_cat2_specified
    Murder, or a specified violent or sexual offence for MAPPA Category 2 purposes (Criminal
    Justice Act 2003 s.327): one listed in Schedule 18 to the Sentencing Act 2020 (formerly
    Schedule 15 to the CJA 2003), plus the additions outside that Schedule. Notes:
    - Controlling or coercive behaviour was added to Category 2 by an amendment to CJA 2003
      s.327 (new subsection (4A)), not by listing it in Schedule 18; the reference report
      (Appendix II) describes Category 2 as "murder or specified offences ... (coercive control
      and stalking included)".
    - PHA 1997 s.4 and s.4A are listed in Schedule 18. s.2A (summary only, at most 51 weeks)
      is not; it is marked True here because DOMAIN.md counts stalking in, and a 12-month
      custodial threshold cannot be reached on a single s.2A count anyway.
    - Murder is not in Schedule 18 but is named in s.327 itself, so it is marked True.
    - Offences marked False where listing could not be confirmed (forced marriage, the image
      offences, threatening with a bladed article): an administrator should check these.
    Category 2 also needs 12 months' custody (or a hospital or guardianship order); that
    condition is for the criteria, not the catalogue.
sexual, violent
    What the offence is, following the two Parts of Schedule 18: `violent` means the use or
    threat of physical violence is part of the offence (so stalking without fear of violence,
    criminal damage and rape are not `violent`; rape is `sexual`).
default_gravity
    A crime-harm weight in days of recommended imprisonment for a first offender, approximating
    the Cambridge Crime Harm Index approach (the Sentencing Council starting point for the least
    serious category of the offence, with non-custodial disposals converted to days). These are
    NOT official figures: they are reasonable, documented defaults that an administrator edits.
    Rough conversions used: a fine or discharge 1-5, a low-level community order 10, a
    medium-level community order 20-30, a high-level community order 40; custody in days
    (1 year = 365). Always a positive whole number.
"""

from __future__ import annotations

from typing import Any

PHA = "Protection from Harassment Act 1997"
OAPA = "Offences against the Person Act 1861"
SCA = "Serious Crime Act 2015"
SOA = "Sexual Offences Act 2003"
POA = "Public Order Act 1986"
CDA71 = "Criminal Damage Act 1971"
CDA98 = "Crime and Disorder Act 1998"
THEFT = "Theft Act 1968"
OSA = "Online Safety Act 2023"
COMMON_LAW = "Common law"
NO_SECTION = "-"


def _offence(
    code: str,
    statute: str,
    section: str,
    title: str,
    *,
    gravity: int,
    violent: bool = False,
    sexual: bool = False,
    mappa: bool = False,
    specified_stalking: bool = False,
    coercive_control: bool = False,
) -> dict[str, Any]:
    return {
        "code": code,
        "statute": statute,
        "section": section,
        "title": title,
        "specified_stalking": specified_stalking,
        "coercive_control": coercive_control,
        "mappa_cat2_specified": mappa,
        "sexual": sexual,
        "violent": violent,
        "default_gravity": gravity,
    }


OFFENCES: list[dict[str, Any]] = [
    # Harassment and stalking -----------------------------------------------------------
    _offence("PHA1997-s2", PHA, "s.2", "Harassment", gravity=5),
    _offence(
        "PHA1997-s2A", PHA, "s.2A", "Stalking", gravity=10, mappa=True, specified_stalking=True
    ),
    _offence(
        "PHA1997-s4",
        PHA,
        "s.4",
        "Putting people in fear of violence",
        gravity=20,
        violent=True,
        mappa=True,
    ),
    _offence(
        "PHA1997-s4A",
        PHA,
        "s.4A",
        "Stalking involving fear of violence or serious alarm or distress",
        gravity=40,
        violent=True,
        mappa=True,
        specified_stalking=True,
    ),
    _offence(
        "CDA1998-s32-1a",
        CDA98,
        "s.32(1)(a)",
        "Racially or religiously aggravated harassment",
        gravity=10,
    ),
    # Breaches of protective orders ---------------------------------------------------------
    # A restraining order on acquittal (s.5A) is breached under s.5(5) too.
    _offence("PHA1997-s5-5", PHA, "s.5(5)", "Breach of a restraining order", gravity=20),
    _offence(
        "SPA2019-s8",
        "Stalking Protection Act 2019",
        "s.8",
        "Breach of a stalking protection order",
        gravity=20,
    ),
    _offence(
        "DAA2021-s39",
        "Domestic Abuse Act 2021",
        "s.39",
        "Breach of a domestic abuse protection order",
        gravity=20,
    ),
    _offence(
        "FLA1996-s42A",
        "Family Law Act 1996",
        "s.42A",
        "Breach of a non-molestation order",
        gravity=20,
    ),
    # Not a criminal offence: breach of a DVPO is a civil contempt, dealt with under
    # Magistrates' Courts Act 1980 s.63(3) (fine or up to 2 months' committal). It is in the
    # catalogue so the breach can be recorded against the person like the others.
    _offence(
        "CSA2010-s24",
        "Crime and Security Act 2010",
        "s.24",
        "Breach of a domestic violence protection order (civil contempt)",
        gravity=5,
    ),
    # Controlling or coercive behaviour ------------------------------------------------------
    _offence(
        "SCA2015-s76",
        SCA,
        "s.76",
        "Controlling or coercive behaviour in an intimate or family relationship",
        gravity=40,
        mappa=True,
        coercive_control=True,
    ),
    # Violence against the person ------------------------------------------------------------
    _offence(
        "CJA1988-s39",
        "Criminal Justice Act 1988",
        "s.39",
        "Common assault and battery",
        gravity=2,
        violent=True,
    ),
    _offence(
        "CDA1998-s29-1c",
        CDA98,
        "s.29(1)(c)",
        "Racially or religiously aggravated common assault",
        gravity=5,
        violent=True,
        mappa=True,
    ),
    _offence(
        "OAPA1861-s47",
        OAPA,
        "s.47",
        "Assault occasioning actual bodily harm",
        gravity=30,
        violent=True,
        mappa=True,
    ),
    _offence(
        "OAPA1861-s20",
        OAPA,
        "s.20",
        "Unlawful wounding or inflicting grievous bodily harm",
        gravity=60,
        violent=True,
        mappa=True,
    ),
    _offence(
        "OAPA1861-s18",
        OAPA,
        "s.18",
        "Wounding or causing grievous bodily harm with intent",
        gravity=1825,
        violent=True,
        mappa=True,
    ),
    _offence("OAPA1861-s16", OAPA, "s.16", "Threats to kill", gravity=60, violent=True, mappa=True),
    # Inserted by the Domestic Abuse Act 2021 s.70.
    _offence(
        "SCA2015-s75A",
        SCA,
        "s.75A",
        "Strangulation or suffocation",
        gravity=120,
        violent=True,
        mappa=True,
    ),
    _offence(
        "CAtt1981-s1-murder",
        "Criminal Attempts Act 1981",
        "s.1(1)",
        "Attempted murder",
        gravity=2190,
        violent=True,
        mappa=True,
    ),
    _offence("CL-murder", COMMON_LAW, NO_SECTION, "Murder", gravity=5475, violent=True, mappa=True),
    _offence(
        "CL-manslaughter",
        COMMON_LAW,
        NO_SECTION,
        "Manslaughter",
        gravity=1095,
        violent=True,
        mappa=True,
    ),
    _offence(
        "CL-false-imprisonment",
        COMMON_LAW,
        NO_SECTION,
        "False imprisonment",
        gravity=182,
        violent=True,
        mappa=True,
    ),
    _offence(
        "CL-kidnapping", COMMON_LAW, NO_SECTION, "Kidnapping", gravity=365, violent=True, mappa=True
    ),
    _offence(
        "CYPA1933-s1",
        "Children and Young Persons Act 1933",
        "s.1",
        "Cruelty to a child",
        gravity=40,
        violent=True,
        mappa=True,
    ),
    _offence(
        "ASBCPA2014-s121",
        "Anti-social Behaviour, Crime and Policing Act 2014",
        "s.121",
        "Forced marriage",
        gravity=365,
        violent=True,
    ),
    _offence(
        "FGMA2003-s1",
        "Female Genital Mutilation Act 2003",
        "s.1",
        "Female genital mutilation",
        gravity=1095,
        violent=True,
        mappa=True,
    ),
    _offence(
        "CAA1984-s1",
        "Child Abduction Act 1984",
        "s.1",
        "Abduction of a child by a parent or other connected person",
        gravity=40,
    ),
    # Sexual offences --------------------------------------------------------------------
    _offence("SOA2003-s1", SOA, "s.1", "Rape", gravity=1825, sexual=True, mappa=True),
    _offence(
        "SOA2003-s2", SOA, "s.2", "Assault by penetration", gravity=730, sexual=True, mappa=True
    ),
    _offence("SOA2003-s3", SOA, "s.3", "Sexual assault", gravity=30, sexual=True, mappa=True),
    _offence(
        "SOA2003-s4",
        SOA,
        "s.4",
        "Causing a person to engage in sexual activity without consent",
        gravity=30,
        sexual=True,
        mappa=True,
    ),
    # Repealed on 31 January 2024 and replaced by SOA 2003 s.66B; kept for earlier offences.
    _offence(
        "CJCA2015-s33",
        "Criminal Justice and Courts Act 2015",
        "s.33",
        "Disclosing private sexual photographs or films with intent to cause distress",
        gravity=20,
        sexual=True,
    ),
    # Inserted by the Online Safety Act 2023 s.188; covers threatening to share as well.
    _offence(
        "SOA2003-s66B",
        SOA,
        "s.66B",
        "Sharing or threatening to share an intimate photograph or film",
        gravity=20,
        sexual=True,
    ),
    # Inserted by the Online Safety Act 2023 s.187 ("cyberflashing").
    _offence(
        "SOA2003-s66A",
        SOA,
        "s.66A",
        "Sending a photograph or film of genitals",
        gravity=10,
        sexual=True,
    ),
    _offence("SOA2003-s67", SOA, "s.67", "Voyeurism", gravity=20, sexual=True, mappa=True),
    # Property and fire ------------------------------------------------------------------
    _offence("CDA1971-s1-1", CDA71, "s.1(1)", "Criminal damage", gravity=3),
    # Schedule 18 lists arson; it is treated as violent because fire endangers people.
    _offence(
        "CDA1971-s1-3", CDA71, "s.1(1) and (3)", "Arson", gravity=40, violent=True, mappa=True
    ),
    _offence("CDA1971-s2", CDA71, "s.2", "Threats to destroy or damage property", gravity=10),
    # Only burglary with intent to inflict grievous bodily harm or do unlawful damage is in
    # Schedule 18; the general entry is not marked.
    _offence("TA1968-s9", THEFT, "s.9", "Burglary", gravity=40),
    _offence(
        "TA1968-s10", THEFT, "s.10", "Aggravated burglary", gravity=730, violent=True, mappa=True
    ),
    _offence("TA1968-s1", THEFT, "s.1", "Theft", gravity=2),
    _offence("TA1968-s21", THEFT, "s.21", "Blackmail", gravity=365),
    _offence("FA2006-s2", "Fraud Act 2006", "s.2", "Fraud by false representation", gravity=5),
    # Communications -------------------------------------------------------------------
    _offence(
        "MCA1988-s1",
        "Malicious Communications Act 1988",
        "s.1",
        "Sending letters or communications with intent to cause distress or anxiety",
        gravity=5,
    ),
    _offence(
        "CA2003-s127",
        "Communications Act 2003",
        "s.127",
        "Improper use of a public electronic communications network",
        gravity=3,
    ),
    _offence("OSA2023-s179", OSA, "s.179", "Sending a false communication", gravity=5),
    _offence(
        "OSA2023-s181",
        OSA,
        "s.181",
        "Sending a threatening communication",
        gravity=20,
        violent=True,
    ),
    _offence(
        "CMA1990-s1",
        "Computer Misuse Act 1990",
        "s.1",
        "Unauthorised access to computer material",
        gravity=5,
    ),
    # Public order -----------------------------------------------------------------------
    _offence("POA1986-s4", POA, "s.4", "Fear or provocation of violence", gravity=10, violent=True),
    _offence("POA1986-s4A", POA, "s.4A", "Intentional harassment, alarm or distress", gravity=10),
    _offence("POA1986-s5", POA, "s.5", "Harassment, alarm or distress", gravity=1),
    _offence("POA1986-s3", POA, "s.3", "Affray", gravity=20, violent=True, mappa=True),
    # Justice and weapons ----------------------------------------------------------------
    _offence(
        "CJPOA1994-s51",
        "Criminal Justice and Public Order Act 1994",
        "s.51",
        "Intimidation of a witness",
        gravity=30,
    ),
    _offence(
        "PCA1953-s1",
        "Prevention of Crime Act 1953",
        "s.1",
        "Possession of an offensive weapon in a public place",
        gravity=20,
    ),
    # Six months' custody is the minimum sentence for an adult (s.139AA(7)).
    _offence(
        "CJA1988-s139AA",
        "Criminal Justice Act 1988",
        "s.139AA",
        "Threatening with an article with a blade or point or an offensive weapon",
        gravity=182,
        violent=True,
    ),
]

CODES: set[str] = {o["code"] for o in OFFENCES}

_BY_CODE: dict[str, dict[str, Any]] = {o["code"]: o for o in OFFENCES}


def by_code(code: str) -> dict[str, Any]:
    """A copy of the catalogue entry with this code; KeyError if there is none."""
    try:
        return dict(_BY_CODE[code])
    except KeyError:
        raise KeyError(f"No offence with code {code!r} in the catalogue") from None
