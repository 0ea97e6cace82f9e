"""Synthetic register data in bulk, for benchmarks, load tests and trying the service at scale.

`generate()` builds realistic, linked records for N people (names and spelling
variants, aliases, identifiers, addresses, contacts, vehicles, convictions,
incidents, civil orders, risk assessments, grants) and writes them with
PostgreSQL COPY, so 100,000 people take minutes rather than hours.

It is test data, not casework:
- it bypasses the services and writes no django-simple-history rows (nobody
  "changed" these records, and history would double the work);
- identifiers (NI numbers, PNC IDs, phone numbers, vehicle registrations) are
  random and valid in form, so they may coincide with real ones: keep
  generated data in development and test databases;
- e-mail addresses use the reserved example.com/.net/.org domains.

The same seed (and `as_of` date) gives the same people with the same ids, on
any database: every value comes from one `random.Random(seed)`, UUIDs included.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
import uuid
from bisect import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

from register import access, rules
from register.models import (
    Address,
    Agency,
    AgencyKind,
    CivilOrder,
    ContactDetail,
    Conviction,
    Nominal,
    NominalAgencyPermission,
    NominalName,
    Offence,
    OrderCondition,
    ReportedIncident,
    RiskAssessment,
    Role,
    StaffUser,
    Vehicle,
)
from register.priority import _parts as priority_parts
from register.priority import current_weights
from register.search import name_keys, normalise_name
from register.validators import make_pnc_id, normalise_phone

# Names ------------------------------------------------------------------------------
#
# Each pool is written most common first; "A/B/C" is one name with its spelling
# variants (the first the most used), "_" stands for a space inside a name.
# Frequencies follow a shifted Zipf curve, so the common names collide the way
# they do on a real register ("John Smith", "Mohammed Khan") and the long tail
# keeps most people distinct.


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


@dataclass(frozen=True)
class Pool:
    """Weighted names, each a group of spellings of the same name."""

    groups: tuple[tuple[str, ...], ...]
    cumulative: tuple[float, ...]

    @classmethod
    def parse(cls, text: str, shift: float = 8.0) -> Pool:
        groups = tuple(
            tuple(s.replace("_", " ") for s in token.split("/")) for token in text.split()
        )
        weights = [1.0 / (rank + shift) for rank in range(len(groups))]
        return cls(groups, tuple(accumulate(weights)))

    def pick_group(self, rng: random.Random) -> tuple[str, ...]:
        return self.groups[bisect(self.cumulative, rng.random() * self.cumulative[-1])]

    def pick(self, rng: random.Random) -> str:
        return spelling(self.pick_group(rng), rng)

    def __bool__(self) -> bool:
        return bool(self.groups)


# Within a group the first spelling is the most used: weights 1, 1/4, 1/9...
_SPELLING_CUMULATIVE = [tuple(accumulate(1.0 / (j + 1) ** 2 for j in range(n))) for n in range(9)]


def spelling(group: tuple[str, ...], rng: random.Random) -> str:
    if len(group) == 1:
        return group[0]
    cumulative = _SPELLING_CUMULATIVE[len(group)]
    return group[bisect(cumulative, rng.random() * cumulative[-1])]


@dataclass(frozen=True)
class Heritage:
    key: str
    weight: float
    male: Pool
    female: Pool
    family: Pool
    # Surnames mostly borne by women (Begum, Kaur, Bibi): used for some women instead.
    female_family: Pool = field(default_factory=lambda: Pool((), ()))
    feminine_surnames: bool = False  # Polish -ski/-cki/-dzki take -ska/-cka/-dzka


_ENGLISH_MALE = Pool.parse(
    "David John/Jon Paul Mark Michael Andrew James Stephen/Steven Robert Richard Daniel "
    "Christopher Lee/Leigh Darren Craig Wayne Gary Dean Jason Carl/Karl Shaun/Shawn Anthony "
    "Thomas Ryan Liam Jamie Scott Kevin Neil Simon Ian Philip/Phillip Matthew Peter Jonathan "
    "Nathan Adam Luke Ben Kyle Jack Joshua Lewis/Louis Dale Stuart/Stewart Martin Graham/Graeme "
    "Alan/Allan/Allen Brian/Bryan Keith Terry Tony Barry Glen/Glenn Aaron Brandon Reece/Rhys "
    "Bradley Jake Tyler Charlie Harry George Alfie Mason Kai Callum/Calum Connor/Conor Jordan "
    "Kieran/Ciaran Nicholas Gavin Russell Trevor Clive Ashley Elliot/Elliott Mitchell Declan "
    "Shane Troy Jay Robbie Marcus Danny Mick Billy"
)
_ENGLISH_FEMALE = Pool.parse(
    "Sarah Emma Claire/Clare Nicola Lisa Michelle Catherine/Kathryn/Katherine Rebecca Laura "
    "Gemma/Jemma Kelly Donna Joanne Amanda Tracey/Tracy Stacey/Stacy Hannah Chloe Jade Amy "
    "Zoe/Zoë Charlotte Danielle Samantha Louise Rachel Jennifer Elizabeth Leanne Kirsty/Kirstie "
    "Natalie Stephanie Vicky/Vikki Shannon Megan Paige Kayleigh/Kayley Jodie/Jody Carly/Carley"
)
_ENGLISH_FAMILY = Pool.parse(
    "Smith/Smyth Jones Taylor Brown Williams Wilson Johnson/Jonson Davies/Davis Robinson Wright "
    "Thompson/Thomson Evans Walker White Roberts Green Hall Wood Jackson Clarke/Clark Harris "
    "Lewis Martin Cooper Hill Ward Hughes Moore Turner King Baker Harrison Morris Lee/Leigh "
    "Allen/Allan Edwards Shaw Mitchell Bell Parker Carter Phillips/Philips Cook/Cooke Watson "
    "Young Bailey Mason Morgan Bennett Kelly Marshall Ashworth Whitfield Hargreaves Sutcliffe "
    "Greenwood Ackroyd Bradshaw Pickering Lister Holroyd Brooke/Brook Atkinson "
    "Stephenson/Stevenson Matthews/Mathews Reid/Read/Reed Grey/Gray Bellamy-Hart Fletcher "
    "Barker Hewitt Dixon Booth Kershaw Lockwood Pearson Rowley Naylor Haigh Crossley "
    "Ellis-Jones Smith-Wilson Heywood Tattersall Pilkington Butterworth Ramsbottom"
)
# The long tail: English place-name surnames, so most people have an uncommon name.
_ENGLISH_PREFIXES = _words(
    "Ash Brad Green Hol Black White Went Lang Brom Hart Whit Bar Thorn Hey Hal Staff Shel Wood "
    "Ather Mid Nor Sut Wal Wes Bur Cal Hay Hather Oak Rad Rother Sandi Sel Stan Tod Wet Brig "
    "Ald Bram Crom Dun Fair"
)
_ENGLISH_SUFFIXES = _words(
    "worth ford ley ton field well wood by stone shaw burn hurst ham dale croft more cliffe "
    "bridge thwaite wick"
)

_SCOTTISH = Heritage(
    "scottish",
    7,
    Pool.parse(
        "Ross Fraser Alasdair/Alistair/Alastair Hamish Callum Euan/Ewan Gregor Iain/Ian Craig "
        "Stuart/Stewart Andrew Lachlan Duncan Murray Angus Kenneth Ruaridh/Rory Fergus"
    ),
    Pool.parse("Fiona Kirsty Morag Eilidh Isla Catriona Ailsa Shona Mhairi Lorna"),
    Pool.parse(
        "MacDonald/McDonald Campbell Stewart/Stuart Robertson Anderson MacLeod/McLeod Murray "
        "Reid Paterson/Patterson Fraser Mackenzie/McKenzie Ross Grant Henderson Duncan Ferguson "
        "Sinclair MacKay/McKay Munro Cameron Crawford Buchanan Docherty/Doherty Gallacher/Gallagher "
        "McIntyre Boyd Kerr Hamilton Millar/Miller"
    ),
)
_WELSH = Heritage(
    "welsh",
    5,
    Pool.parse(
        "Rhys/Reece Dafydd Gareth Owain/Owen Ieuan Aled Emyr Gethin Dylan Rhodri Huw/Hugh Iwan "
        "Gwyn/Gwynne"
    ),
    Pool.parse("Rhiannon Cerys Siân/Sian Bethan Ffion Carys/Cerys Megan Nia Seren Angharad"),
    Pool.parse(
        "Jones Williams Davies/Davis Evans Thomas Roberts Hughes Lewis Morgan Griffiths Price "
        "Pritchard Llewellyn/Llewelyn Powell Jenkins Rees/Reece Owen Howells/Howell Parry "
        "Vaughan Bowen Pugh Prosser Probert"
    ),
)
_IRISH = Heritage(
    "irish",
    7,
    Pool.parse(
        "Sean/Shaun/Shawn Patrick Pádraig/Padraig Ciaran/Kieran Declan Eoin/Owen Niall/Neil "
        "Cathal Conor/Connor Darragh Fergal Liam Aidan/Aiden Brendan Colm Cormac Dermot "
        "Ronan Seamus/Séamus Oisín/Oisin Tadhg Kevin Michael John Gerard/Gerrard"
    ),
    Pool.parse(
        "Siobhan/Siobhán/Shivaun Aoife Niamh/Neve Róisín/Roisin Caoimhe Sinead/Sinéad "
        "Orla/Orlagh Gráinne/Grainne Catherine/Kathryn Mary Bridget/Brigid Deirdre Maeve/Méabh"
    ),
    Pool.parse(
        "Murphy Kelly O'Sullivan/OSullivan/Sullivan Walsh/Welsh O'Brien/OBrien Byrne/Byrnes "
        "Ryan O'Connor/OConnor/Connor O'Neill/ONeill/O'Neil Reilly/O'Reilly/Riley Doyle "
        "McCarthy/MacCarthy Gallagher/Gallacher Doherty/Docherty Kennedy Lynch Murray Quinn "
        "Moore McLaughlin/McLoughlin Carroll Connolly Daly/Daley Brennan Boyle Fitzgerald "
        "Maguire/McGuire Dunne/Dunn Keane/Kane Nolan Flynn/Flinn Mulligan Hennessy Devlin "
        "McNamara Donnelly Farrell Hegarty Kavanagh"
    ),
)
_SOUTH_ASIAN = Heritage(
    "south_asian",
    11,
    Pool.parse(
        "Mohammed/Muhammad/Mohamed/Mohammad Ali Ahmed/Ahmad Imran Asif Tariq/Tarik Zubair "
        "Amir/Aamir Bilal Hamza Usman/Osman Faisal/Faysal Adnan Kamran Shahid Zahid Rizwan "
        "Arjun Rajesh Sanjay Vikram Harpreet Gurpreet Jaswinder Sukhwinder Manjit Amandeep "
        "Rohit Ravi Sunil Abdul Yusuf/Yousuf/Yusif Ibrahim Ismail Hassan/Hasan "
        "Hussain/Hussein/Husain Shabir/Shabbir Wasim/Waseem Naveed/Navid Javed/Javid Sajid "
        "Irfan Kashif Nadeem/Nadim Arif Rashid Junaid Suleman/Sulaiman Abdullah Mahmood Amjad"
    ),
    Pool.parse(
        "Fatima/Fatimah Ayesha/Aisha/Aysha Sana Nadia Priya Anjali Sunita Harjit Rukhsana "
        "Shazia Samina Farzana Nasreen/Nasrin Parveen/Perveen Zainab Maryam/Mariam Amina "
        "Shabana Naila Kiran Simran Jasmine/Yasmin/Yasmeen"
    ),
    Pool.parse(
        "Khan Hussain/Hussein/Husain Ahmed/Ahmad Ali Shah Patel Akhtar/Akhter Iqbal "
        "Mahmood/Mahmud/Mehmood Rahman/Rehman Malik Butt Sharma Singh Mistry "
        "Chowdhury/Choudhury/Chaudhry/Chaudhary Islam Uddin Miah/Mia Rashid Aziz "
        "Siddiqui/Siddique Qureshi/Kureshi Sandhu Gill Dhillon Bains Kumar Gupta Mirza Raja "
        "Anwar Younis/Yunus Saleem/Salim Hanif Nawaz Bashir Sadiq Kauser/Kausar Parmar Bhatti "
        "Sohal Johal Virdi Lal Desai Joshi Naqvi Haq/Huq Karim/Kareem"
    ),
    female_family=Pool.parse("Begum Kaur Bibi Akhtar Khatun/Khatoon"),
)
_POLISH = Heritage(
    "polish",
    5,
    Pool.parse(
        "Piotr Krzysztof Tomasz Paweł/Pawel Marcin Michał/Michal Łukasz/Lukasz Jakub Kamil "
        "Mateusz Dawid Grzegorz Adam Marek Wojciech Bartosz Rafał/Rafal Sebastian Damian Artur "
        "Przemysław/Przemyslaw Szymon Krystian Jarosław/Jaroslaw"
    ),
    Pool.parse(
        "Anna Katarzyna Agnieszka Magdalena Joanna Monika Ewa Karolina Justyna Aleksandra "
        "Małgorzata/Malgorzata Natalia Paulina"
    ),
    Pool.parse(
        "Nowak Kowalski Wiśniewski/Wisniewski Wójcik/Wojcik Kowalczyk Kamiński/Kaminski "
        "Lewandowski Zieliński/Zielinski Szymański/Szymanski Woźniak/Wozniak "
        "Dąbrowski/Dabrowski Kozłowski/Kozlowski Jankowski Mazur Kwiatkowski Krawczyk "
        "Piotrowski Grabowski Nowakowski Pawłowski/Pawlowski Michalski Zając/Zajac Król/Krol "
        "Wieczorek Jabłoński/Jablonski Wróbel/Wrobel Majewski Olszewski Stępień/Stepien "
        "Malinowski Górski/Gorski Rutkowski Sikora Baran Walczak Ostrowski Tomaszewski "
        "Pietrzak Duda Zalewski Wróblewski/Wroblewski Jasiński/Jasinski Marciniak"
    ),
    feminine_surnames=True,
)
_CARIBBEAN = Heritage(
    "caribbean",
    4,
    Pool.parse(
        "Delroy Winston Leroy Marlon Tyrone Jermaine Desmond Errol Clifton Devon André/Andre "
        "Kemar Dwayne/Duane/Dwaine Rohan Courtney Lloyd Everton Junior Trevor Fitzroy Carlton "
        "Neville Lenford Dorian Wesley Clive Michael Anthony"
    ),
    Pool.parse(
        "Marcia Jacqueline Sharon Tanisha Keisha/Kesha Shanice/Shaniece Monique Simone "
        "Beverley/Beverly Yvonne Paulette Claudette Natasha"
    ),
    Pool.parse(
        "Campbell Brown Williams Francis Thomas Grant Reid Clarke/Clark Morrison Gordon Bailey "
        "Henry Samuels Johnson Powell McKenzie/Mackenzie Lewis Christie Palmer Richards Edwards "
        "Joseph Blake Forbes Spence Thompson/Thomson Graham Stewart Barrett Facey Douglas "
        "Bryan Ricketts Chambers"
    ),
)
_WEST_AFRICAN = Heritage(
    "west_african",
    3,
    Pool.parse(
        "Oluwaseun Chukwuemeka Adebayo Olumide Kwame Kofi Babatunde Chinedu Obinna Femi "
        "Ikechukwu Nnamdi Yaw Emmanuel Samuel Daniel Godwin Kelechi Tobi Ayodele"
    ),
    Pool.parse("Ngozi Chioma Funmilayo Abena Adaeze Folake Yetunde Blessing Grace Esther"),
    Pool.parse(
        "Okafor Adeyemi Okonkwo Mensah Adebayo Olawale Eze Nwosu Boateng Owusu Asante "
        "Ogunleye Babatunde Afolabi Oyelaran Ibrahim Okoro Obi Adeleke Agyeman Ogunbiyi Oladipo"
    ),
)
_SOMALI = Heritage(
    "somali",
    1.5,
    Pool.parse(
        "Abdirahman/Abdurahman Abdullahi/Abdulahi Mohamed/Mohammed/Muhammad Ahmed Hassan Abdi "
        "Omar/Umar Yusuf Mahad Abdikarim Said/Saeed Mustafa"
    ),
    Pool.parse("Hodan Amina Fadumo/Faduma Hibo Sahra Ifrah Ayan Ubah"),
    Pool.parse(
        "Mohamed/Mohammed Ahmed Hassan Ali Abdi Warsame Farah Osman Jama Ismail Egal Hirsi "
        "Nur/Noor Aden/Adan Hussein Yusuf Duale"
    ),
)
_ROMANIAN_LITHUANIAN = Heritage(
    "romanian_lithuanian",
    3,
    Pool.parse(
        "Ion/Ioan Andrei Alexandru Florin Marius Gheorghe Mihai Constantin Cristian Vasile "
        "Tomas Mantas Darius Dovydas Jonas Andrius Ionuț/Ionut Adrian Sorin"
    ),
    Pool.parse("Ioana Elena Maria Andreea Ana Ruta Eglė/Egle Ieva Laura Gabriela Alina"),
    Pool.parse(
        "Popescu Popa Ionescu Dumitru Stan Stoica Gheorghe Munteanu Radu Constantin Marin Matei "
        "Kazlauskas Jankauskas Petrauskas Stankevičius/Stankevicius Vasiliauskas Butkus "
        "Lungu Dinu Tudor Rusu Ciobanu Petrescu"
    ),
)
_TURKISH_KURDISH = Heritage(
    "turkish_kurdish",
    1.5,
    Pool.parse(
        "Mehmet/Mehmed Mustafa Ahmet Hasan/Hassan Hüseyin/Huseyin Ali Ibrahim Emre Murat "
        "Serkan Kemal Osman Recep Yusuf Baran Rojhat"
    ),
    Pool.parse("Ayşe/Ayse Fatma Elif Zeynep Emine Hatice Derya Rojin"),
    Pool.parse(
        "Yılmaz/Yilmaz Kaya Demir Şahin/Sahin Çelik/Celik Yıldız/Yildiz Aydın/Aydin "  # noqa: RUF001 (Turkish dotless i)
        "Öztürk/Ozturk Arslan Doğan/Dogan Kılıç/Kilic Aslan Polat Koç/Koc Kurt Özdemir/Ozdemir"  # noqa: RUF001
    ),
)
_PORTUGUESE = Heritage(
    "portuguese",
    1,
    Pool.parse("João/Joao José/Jose Carlos Paulo Rui Nuno Tiago Pedro Miguel Luís/Luis"),
    Pool.parse("Ana Maria Sofia Inês/Ines Marta Catarina Joana"),
    Pool.parse(
        "Silva Santos Ferreira Pereira Oliveira Costa Rodrigues Martins Gonçalves/Goncalves "
        "Sousa/Souza da_Silva dos_Santos Fernandes Lopes Carvalho Almeida"
    ),
)
_VIETNAMESE_CHINESE = Heritage(
    "east_asian",
    1,
    Pool.parse("Minh Tuan Hung Duc Van Quang Wei Jun Hao Ming Jian Kevin"),
    Pool.parse("Lan Mai Linh Hoa Thu Mei Ying Xiu Li"),
    Pool.parse(
        "Nguyen/Nguyễn Tran/Trần Le/Lê Pham/Phạm Hoang/Hoàng Vu/Võ Dang Wang Li Zhang Chen Liu "
        "Wong Chan Cheung/Chung Lam Ng"
    ),
)


def _english_family(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return rng.choice(_ENGLISH_PREFIXES) + rng.choice(_ENGLISH_SUFFIXES)
    return _ENGLISH_FAMILY.pick(rng)


_ENGLISH = Heritage("english", 50, _ENGLISH_MALE, _ENGLISH_FEMALE, _ENGLISH_FAMILY)

HERITAGES: tuple[Heritage, ...] = (
    _ENGLISH,
    _SCOTTISH,
    _WELSH,
    _IRISH,
    _SOUTH_ASIAN,
    _POLISH,
    _CARIBBEAN,
    _WEST_AFRICAN,
    _SOMALI,
    _ROMANIAN_LITHUANIAN,
    _TURKISH_KURDISH,
    _PORTUGUESE,
    _VIETNAMESE_CHINESE,
)
_HERITAGE_CUMULATIVE = tuple(accumulate(h.weight for h in HERITAGES))

# Every spelling of every name, to its group: search benchmarks use these as sound-alikes.
_VARIANTS: dict[str, tuple[str, ...]] = {}
for _heritage in HERITAGES:
    for _pool in (_heritage.male, _heritage.female, _heritage.family, _heritage.female_family):
        for _group in _pool.groups:
            if len(_group) > 1:
                for _name in _group:
                    _VARIANTS.setdefault(_name, _group)


def spelling_variants(name: str) -> tuple[str, ...]:
    """Other spellings of `name` that people really use (Smith: Smyth), or ()."""
    return tuple(s for s in _VARIANTS.get(name, ()) if s != name)


# Informal names people give instead of their own ("Mo", "Dazza", "Seun").
SHORT_FORMS = {
    "Mohammed": "Mo",
    "Muhammad": "Mo",
    "Mohamed": "Mo",
    "Darren": "Daz",
    "Michael": "Mick",
    "Christopher": "Chris",
    "Anthony": "Tony",
    "Daniel": "Danny",
    "Robert": "Rob",
    "Thomas": "Tom",
    "William": "Bill",
    "Nicholas": "Nick",
    "Jonathan": "Jon",
    "Stephen": "Steve",
    "Steven": "Steve",
    "Matthew": "Matt",
    "Andrew": "Andy",
    "Oluwaseun": "Seun",
    "Chukwuemeka": "Emeka",
    "Babatunde": "Tunde",
    "Alexandru": "Alex",
    "Krzysztof": "Chris",
    "Abdirahman": "Abdi",
    "Rebecca": "Becky",
    "Samantha": "Sam",
    "Elizabeth": "Liz",
    "Katarzyna": "Kasia",
    "Catherine": "Kate",
    "Jennifer": "Jen",
}

_POLISH_FEMININE = (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka"))


def _feminine(surname: str) -> str:
    for masculine, feminine in _POLISH_FEMININE:
        if surname.endswith(masculine):
            return surname[: -len(masculine)] + feminine
    return surname


@dataclass
class Person:
    heritage: Heritage
    sex: str
    given_names: str
    family_name: str


def pick_person(rng: random.Random) -> Person:
    heritage = HERITAGES[bisect(_HERITAGE_CUMULATIVE, rng.random() * _HERITAGE_CUMULATIVE[-1])]
    roll = rng.random()
    sex = "male" if roll < 0.82 else "female" if roll < 0.97 else "not_known"
    return Person(heritage, sex, _given_names(heritage, sex, rng), _family_name(heritage, sex, rng))


def _given_names(heritage: Heritage, sex: str, rng: random.Random) -> str:
    pool = heritage.female if sex == "female" else heritage.male
    first = pool.pick(rng)
    if rng.random() < 0.35:  # a middle name
        middle = pool.pick(rng)
        if middle != first:
            return f"{first} {middle}"
    return first


def _family_name(heritage: Heritage, sex: str, rng: random.Random) -> str:
    if sex == "female" and heritage.female_family and rng.random() < 0.5:
        return heritage.female_family.pick(rng)
    family = _english_family(rng) if heritage is _ENGLISH else heritage.family.pick(rng)
    if sex == "female" and heritage.feminine_surnames:
        family = _feminine(family)
    return family


# Places, identifiers, contacts ---------------------------------------------------------

# (town, postcode area, highest district number)
TOWNS = (
    ("Leeds", "LS", 29),
    ("Bradford", "BD", 24),
    ("Sheffield", "S", 36),
    ("Manchester", "M", 40),
    ("Liverpool", "L", 37),
    ("Newcastle upon Tyne", "NE", 15),
    ("Sunderland", "SR", 9),
    ("Middlesbrough", "TS", 9),
    ("Durham", "DH", 9),
    ("Hull", "HU", 17),
    ("York", "YO", 32),
    ("Birmingham", "B", 48),
    ("Nottingham", "NG", 22),
    ("Leicester", "LE", 19),
    ("Cardiff", "CF", 24),
    ("Glasgow", "G", 53),
    ("Edinburgh", "EH", 17),
    ("Bristol", "BS", 16),
    ("Wakefield", "WF", 17),
    ("Huddersfield", "HD", 9),
    ("Halifax", "HX", 7),
    ("Doncaster", "DN", 12),
    ("Blackburn", "BB", 12),
    ("Preston", "PR", 9),
    ("Bolton", "BL", 9),
    ("Oldham", "OL", 16),
    ("Stoke-on-Trent", "ST", 12),
    ("Derby", "DE", 24),
    ("Coventry", "CV", 8),
    ("Luton", "LU", 7),
)
_STREETS = _words(
    "Church Station Victoria Park Mill Chapel High King Queen Albert Manor Green Springfield "
    "Westfield Grange Oak Elm Beech Meadow Windsor York Cemetery School Market North South "
    "Garden Hawthorn Willow Cross Bridge Castle Moor Clifton Crown Farm Hall Orchard Priory "
    "Rosebery Stanley Wellington Cavendish Balmoral Ashfield Lime Fern Heather Kingsway"
)
_STREET_KINDS = _words(
    "Road Street Lane Avenue Close Drive Crescent Way Terrace Grove Court Gardens Place View Walk"
)
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_PLATE_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXY"  # no I, Q or Z
_PLATE_AREAS = "ABCDEFGHKLMNOPRSVWY"
_VEHICLES = (
    "Ford Fiesta",
    "Ford Focus",
    "Ford Transit",
    "Vauxhall Corsa",
    "Vauxhall Astra",
    "Volkswagen Golf",
    "Volkswagen Polo",
    "BMW 3 Series",
    "BMW 1 Series",
    "Audi A3",
    "Nissan Qashqai",
    "Toyota Yaris",
    "Peugeot 208",
    "Kia Sportage",
    "Mercedes-Benz C-Class",
    "Renault Clio",
    "Honda Civic",
    "Land Rover Discovery",
    "Seat Leon",
    "Skoda Octavia",
)
_COLOURS = _words("Black White Silver Grey Blue Red Green")
_EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
_PLATFORMS = ("Facebook", "Instagram", "Snapchat", "TikTok", "X", "WhatsApp")
_DATING = ("Tinder", "Hinge", "Bumble", "Plenty of Fish", "Match")
_NI_FIRST = [c for c in "ABCEGHJKLMNOPRSTWXYZ"]
_NI_SECOND = [c for c in "ABCEGHJKLMNPRSTWXYZ"]
_NI_BANNED = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
_LANDLINE_CODES = ("0113", "0114", "0115", "0116", "0117", "0121", "0131", "0141", "0151", "0161")


def _postcode(area: str, districts: int, rng: random.Random) -> str:
    inward = f"{rng.randint(1, 9)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
    return f"{area}{rng.randint(1, districts)} {inward}"


def _street(rng: random.Random) -> str:
    return f"{rng.choice(_STREETS)} {rng.choice(_STREET_KINDS)}"


def _ni_number(rng: random.Random) -> str:
    while True:
        prefix = rng.choice(_NI_FIRST) + rng.choice(_NI_SECOND)
        if prefix not in _NI_BANNED:
            return f"{prefix}{rng.randrange(1_000_000):06d}{rng.choice('ABCD')}"


def format_ni_number(ni: str) -> str:
    """As printed on letters: "AB123456C" -> "AB 12 34 56 C"."""
    return f"{ni[:2]} {ni[2:4]} {ni[4:6]} {ni[6:8]} {ni[8:]}"


def _vehicle_registration(rng: random.Random, as_of: dt.date) -> str:
    year = rng.randint(2002, as_of.year - 1)
    age = year % 100 + (50 if rng.random() < 0.5 else 0)
    letters = "".join(rng.choice(_PLATE_LETTERS) for _ in range(3))
    return f"{rng.choice(_PLATE_AREAS)}{rng.choice(_PLATE_LETTERS)}{age:02d}{letters}"


def format_vehicle_registration(registration: str) -> str:
    """As on the plate: "AB12CDE" -> "AB12 CDE"."""
    return f"{registration[:4]} {registration[4:]}" if len(registration) == 7 else registration


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.85:
        return f"07{rng.randint(400, 999)} {rng.randrange(1_000_000):06d}"
    code = rng.choice(_LANDLINE_CODES)
    return f"{code} {rng.randint(200, 999)} {rng.randrange(10_000):04d}"


def _handle(given: str, family: str, born: dt.date, rng: random.Random) -> str:
    first, last = normalise_name(given.split()[0]) or "x", normalise_name(family) or "x"
    style = rng.randrange(5)
    if style == 0:
        return f"{first}{last}{born.year % 100:02d}"
    if style == 1:
        return f"{first}_{last[:1]}{rng.randint(1, 999)}"
    if style == 2:
        return f"{first[:3]}{'zza' if rng.random() < 0.5 else 'o'}{born.year}"
    if style == 3:
        return f"{last}.{first[:1]}"
    return f"{rng.choice(['big', 'lil', 'the', 'real'])}{first}{rng.randint(1, 99)}"


# Writing rows with COPY ------------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _array_element(value: object) -> str:
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def copy_text(value: object) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, dt.date):  # datetime too
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ("{" + ",".join(_array_element(v) for v in value) + "}").translate(_ESCAPES)
    if isinstance(value, dict):
        return json.dumps(value).translate(_ESCAPES)
    return str(value)


class Table:
    """Rows for one model, buffered as COPY text; columns not given take the model's defaults."""

    def __init__(self, model: type[models.Model], columns: Sequence[str], now: dt.datetime):
        self.model = model
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
        rest = [
            f
            for name, f in fields.items()
            if name not in columns and not isinstance(f, AutoFieldMixin)
        ]
        quote = connection.ops.quote_name
        names = ", ".join(quote(fields[c].column) for c in columns) + "".join(
            ", " + quote(f.column) for f in rest
        )
        self.sql = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
        self.suffix = "".join("\t" + copy_text(_default(f, now)) for f in rest) + "\n"
        self.width = len(columns)
        self.lines: list[str] = []
        self.count = 0

    def add(self, *values: object) -> None:
        assert len(values) == self.width, (self.model.__name__, values)  # noqa: S101
        self.lines.append("\t".join([copy_text(v) for v in values]) + self.suffix)

    def flush(self) -> None:
        if not self.lines:
            return
        raw = connection.connection
        assert raw is not None  # noqa: S101
        with raw.cursor() as cursor, cursor.copy(self.sql) as copy:
            copy.write("".join(self.lines))
        self.count += len(self.lines)
        self.lines.clear()


def _default(f: models.Field[Any, Any], now: dt.datetime) -> object:
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return now
    if f.has_default() or f.null or f.empty_strings_allowed:
        return f.get_default()
    raise ValueError(f"{f.model.__name__}.{f.name} has no default: register.synthetic must set it")


# The generator ----------------------------------------------------------------------

# Offences as they are spread among DA and stalking perpetrators (catalogue code: weight).
# Codes missing from the catalogue are skipped; other active offences are rare.
OFFENCE_WEIGHTS = {
    "CJA1988-s39": 40,
    "OAPA1861-s47": 18,
    "SCA2015-s76": 10,
    "CDA1971-s1-1": 10,
    "PHA1997-s2": 8,
    "PHA1997-s2A": 8,
    "PHA1997-s5-5": 8,
    "FLA1996-s42A": 6,
    "PHA1997-s4": 5,
    "PHA1997-s4A": 5,
    "OAPA1861-s16": 4,
    "OAPA1861-s20": 4,
    "SCA2015-s75A": 3,
    "MCA1988-s1": 3,
    "CA2003-s127": 3,
    "POA1986-s4A": 3,
    "POA1986-s5": 3,
    "DAA2021-s39": 2,
    "SPA2019-s8": 2,
    "CJCA2015-s33": 2,
    "CDA1971-s2": 2,
}
UNLISTED_OFFENCE_WEIGHT = 0.3
_SENTENCES = (  # (sentence type, weight, custodial)
    ("immediate_custody", 22, True),
    ("suspended", 18, False),
    ("community_order", 30, False),
    ("fine", 12, False),
    ("conditional_discharge", 8, False),
)
_SENTENCE_CUMULATIVE = tuple(accumulate(w for _, w, _ in _SENTENCES))
_RISK_LEVELS = ("low", "medium", "high", "very_high")
_RISK_CUMULATIVE = tuple(accumulate((40, 35, 20, 5)))
_RISK_TOOLS = ("oasys_rosh", "oasys_rosh", "dash", "dash", "sash", "specss")
_RELATIONSHIPS = ("intimate_partner", "ex_partner", "family_member", "other")
_RELATIONSHIP_CUMULATIVE = tuple(accumulate((40, 35, 18, 7)))
_ORDERS = ("restraining", "non_molestation", "dvpo", "dapo", "spo", "dvpn")
_ORDER_CUMULATIVE = tuple(accumulate((35, 20, 15, 12, 10, 8)))
_CONDITIONS = (
    ("prohibition", "Not to contact {v} directly or indirectly, including through social media"),
    ("prohibition", "Not to enter {street}"),
    ("prohibition", "Not to go within 100 metres of {v}'s home address"),
    ("positive_requirement", "To attend a domestic abuse perpetrator programme"),
    ("notification_requirement", "To notify the police of any change of name or address"),
    ("electronic_monitoring", "To wear an electronic tag and keep to an exclusion zone"),
)
_DA_SOURCES = ("police", "prosecutor", "court", "probation")


def _weighted(values: Sequence[str], cumulative: Sequence[float], rng: random.Random) -> str:
    return values[bisect(cumulative, rng.random() * cumulative[-1])]


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    return dt.date(year, month % 12 + 1, min(day.day, 28))


@dataclass
class Result:
    nominals: int
    seconds: float
    counts: dict[str, int]
    first_id: uuid.UUID | None


class GenerationError(Exception):
    pass


def resolve_agencies(codes: Iterable[str] | None = None) -> list[Agency]:
    """The agencies to lead and share records: those named, else every non-system agency,
    else two demo police forces created for the purpose."""
    from register import demo, services

    codes = [c.strip() for c in codes or () if c.strip()]
    if codes:
        found = {a.code.lower(): a for a in Agency.objects.filter(code__in=_case_forms(codes))}
        missing = [c for c in codes if c.lower() not in found]
        if missing:
            raise GenerationError(f"No agency with code {', '.join(missing)}")
        return [found[c.lower()] for c in codes]
    agencies = list(Agency.objects.exclude(code="system").order_by("code"))
    if agencies:
        return agencies
    return [
        services.agency_create(
            actor=None, code=code, name=name, kind=kind, reason="Synthetic register data"
        )
        for code, name, kind in demo.AGENCIES
        if kind == AgencyKind.POLICE_FORCE
    ][:2]


def _case_forms(codes: Iterable[str]) -> list[str]:
    return sorted({form for c in codes for form in (c, c.lower(), c.upper())})


class _Generator:
    def __init__(
        self, rng: random.Random, agencies: Sequence[Agency], as_of: dt.date, now: dt.datetime
    ):
        self.rng = rng
        self.agencies = list(agencies)
        self.as_of = as_of
        self.officers = {
            a.pk: list(
                StaffUser.objects.filter(
                    agency=a,
                    is_active=True,
                    is_api_client=False,
                    roles__overlap=[Role.OFFENDER_MANAGER, Role.PROBATION_PRACTITIONER],
                )
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            for a in self.agencies
        }
        self.weights = {a.pk: current_weights(a.pk) for a in self.agencies}
        offences = list(Offence.objects.filter(is_active=True).order_by("code"))
        if not offences:
            raise GenerationError("The offence catalogue is empty: run the migrations first")
        self.offences = offences
        self.offence_cumulative = tuple(
            accumulate(OFFENCE_WEIGHTS.get(o.code, UNLISTED_OFFENCE_WEIGHT) for o in offences)
        )
        content_type = ContentType.objects.get_for_model(Nominal)
        self.permissions = {
            p.codename.split("_", 1)[0]: p.pk
            for p in Permission.objects.filter(content_type=content_type)
        }
        self.pnc_ids: set[str] = set()
        self.ni_numbers: set[str] = set()
        self.victims = 0
        t: dict[str, Table] = {}
        self.tables = t
        t["nominal"] = Table(
            Nominal,
            [
                "id",
                "family_name",
                "given_names",
                "date_of_birth",
                "other_dates_of_birth",
                "sex",
                "ni_number",
                "pnc_id",
                "height_cm",
                "build",
                "hair",
                "eyes",
                "typologies",
                "offending_area",
                "vulnerabilities",
                "no_fixed_abode",
                "responsible_officer_id",
                "lead_agency_id",
                "possible_misidentified_victim",
                "current_risk_level",
                "priority_score",
                "priority_parts",
            ],
            now,
        )
        t["name"] = Table(
            NominalName,
            [
                "id",
                "nominal_id",
                "kind",
                "given_names",
                "family_name",
                "platform",
                "used_from",
                "used_to",
                "search_given",
                "search_family",
                "phonetic_given",
                "phonetic_family",
            ],
            now,
        )
        t["address"] = Table(
            Address,
            [
                "id",
                "nominal_id",
                "kind",
                "line_1",
                "line_2",
                "town",
                "postcode",
                "date_from",
                "date_to",
                "verified_on",
            ],
            now,
        )
        t["contact"] = Table(
            ContactDetail, ["id", "nominal_id", "kind", "value", "search_value", "date_from"], now
        )
        t["vehicle"] = Table(
            Vehicle, ["id", "nominal_id", "registration", "description", "date_from"], now
        )
        t["conviction"] = Table(
            Conviction,
            [
                "id",
                "nominal_id",
                "offence_id",
                "offence_date",
                "conviction_date",
                "court",
                "disposal",
                "sentence_type",
                "sentence_amount",
                "sentence_unit",
                "sentence_days",
                "licence_start",
                "licence_end",
                "is_domestic_abuse",
                "da_flag_source",
            ],
            now,
        )
        t["incident"] = Table(
            ReportedIncident,
            [
                "id",
                "nominal_id",
                "occurred_on",
                "crime_reference",
                "victim_reference",
                "victim_relationship",
                "threatened_only",
                "gravity",
            ],
            now,
        )
        t["order"] = Table(
            CivilOrder,
            [
                "id",
                "nominal_id",
                "kind",
                "interim",
                "made_on",
                "made_by",
                "starts_on",
                "ends_on",
                "notification_requirements",
            ],
            now,
        )
        t["condition"] = Table(
            OrderCondition,
            [
                "id",
                "order_id",
                "kind",
                "text",
                "compliance_reporter",
                "review_on",
                "provider",
                "starts_on",
            ],
            now,
        )
        t["risk"] = Table(
            RiskAssessment,
            [
                "id",
                "nominal_id",
                "tool",
                "assessed_on",
                "assessor_name",
                "level",
                "risk_to",
                "next_review_on",
            ],
            now,
        )
        t["grant"] = Table(
            NominalAgencyPermission, ["group_id", "permission_id", "content_object_id"], now
        )

    def new_id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def date_between(self, start: dt.date, end: dt.date) -> dt.date:
        if end <= start:
            return start
        return start + dt.timedelta(days=self.rng.randrange((end - start).days + 1))

    def flush(self) -> None:
        for table in self.tables.values():
            table.flush()

    # One person ---------------------------------------------------------------------

    def nominal(self) -> uuid.UUID:
        rng, as_of, t = self.rng, self.as_of, self.tables
        pk = self.new_id()
        person = pick_person(rng)
        born = self.date_between(_add_years(as_of, -70), _add_years(as_of, -16))
        adult = _add_years(born, 16)
        other_dobs: list[dt.date] = []
        if rng.random() < 0.08:
            swapped = born.day <= 12 and born.day != born.month and rng.random() < 0.5
            other_dobs.append(
                born.replace(day=born.month, month=born.day)
                if swapped
                else _add_years(born, rng.choice((-1, 1)))
            )
        lead = self.agencies[rng.randrange(len(self.agencies))]
        officers = self.officers[lead.pk]
        officer = rng.choice(officers) if officers and rng.random() < 0.7 else None

        self.names(pk, person, born)
        town, area, districts = rng.choice(TOWNS)
        no_fixed_abode = rng.random() < 0.03
        self.addresses(pk, town, area, districts, adult, no_fixed_abode)
        self.contacts(pk, person, born)
        if rng.random() < 0.3:
            for _ in range(1 if rng.random() < 0.8 else 2):
                t["vehicle"].add(
                    self.new_id(),
                    pk,
                    _vehicle_registration(rng, as_of),
                    f"{rng.choice(_COLOURS)} {rng.choice(_VEHICLES)}",
                    self.date_between(_add_years(as_of, -5), as_of),
                )
        events: list[rules.ScoredEvent] = []
        stalking = self.convictions(pk, adult, town, events)
        relationships = self.incidents(pk, lead, adult, events)
        if rng.random() < 0.25:
            self.civil_order(pk, adult, town)
        level = self.risk_assessments(pk, adult)
        score = rules.priority_score(events, self.weights[lead.pk], as_of)

        typologies = []
        if relationships & {"intimate_partner", "ex_partner"} or not relationships:
            typologies.append("intimate_partner")
        if "family_member" in relationships:
            typologies.append("family")
        if stalking:
            typologies.append("stalking_ex_intimate")
        vulnerabilities = [
            v
            for v, p in (("mental_health", 0.2), ("alcohol", 0.25), ("drugs", 0.2))
            if rng.random() < p
        ]
        misidentified = (
            "counter_allegation" if person.sex == "female" and rng.random() < 0.1 else ""
        )
        pnc = self.unique(self.pnc_ids, lambda: self.pnc_id(born)) if rng.random() < 0.8 else ""
        ni = self.unique(self.ni_numbers, lambda: _ni_number(rng)) if rng.random() < 0.7 else ""
        t["nominal"].add(
            pk,
            person.family_name,
            person.given_names,
            born,
            other_dobs,
            person.sex,
            ni,
            pnc,
            rng.randint(155, 195) if person.sex != "female" else rng.randint(150, 180),
            rng.choice(("Slim", "Medium", "Stocky", "Heavy", "Athletic", "")),
            rng.choice(("Black", "Brown", "Dark brown", "Fair", "Grey", "Shaved", "Ginger", "")),
            rng.choice(("Brown", "Blue", "Green", "Hazel", "")),
            typologies,
            town,
            vulnerabilities,
            no_fixed_abode,
            officer,
            lead.pk,
            misidentified,
            level,
            score.total,
            priority_parts(score),
        )
        grants = [(lead.group_id, self.permissions[a]) for a in access.GRANTS_FOR_LEAD]
        if len(self.agencies) > 1 and rng.random() < 0.2:
            other = rng.choice([a for a in self.agencies if a.pk != lead.pk])
            grants += [(other.group_id, self.permissions[a]) for a in access.GRANTS_FOR_SHARED]
        for group_id, permission_id in grants:
            t["grant"].add(group_id, permission_id, pk)
        return pk

    def unique(self, seen: set[str], make: Callable[[], str]) -> str:
        while (value := make()) in seen:
            pass
        seen.add(value)
        return value

    def pnc_id(self, born: dt.date) -> str:
        year = self.rng.randint(min(born.year + 12, self.as_of.year), self.as_of.year)
        year = max(year, 1995)
        return make_pnc_id(year, self.rng.randrange(1, 10**7))

    def names(self, pk: uuid.UUID, person: Person, born: dt.date) -> None:
        rng, t = self.rng, self.tables["name"]

        def add(
            kind: str,
            given: str,
            family: str,
            platform: str = "",
            used_from: dt.date | None = None,
            used_to: dt.date | None = None,
        ) -> None:
            keys = name_keys(given, family)
            t.add(
                self.new_id(),
                pk,
                kind,
                given,
                family,
                platform,
                used_from,
                used_to,
                keys["search_given"],
                keys["search_family"],
                keys["phonetic_given"],
                keys["phonetic_family"],
            )

        add("current", person.given_names, person.family_name)
        first = person.given_names.split()[0]
        seen = {(first.lower(), person.family_name.lower())}

        def add_alias(given: str, family: str) -> None:
            key = (given.split()[0].lower(), family.lower())
            if key not in seen:
                seen.add(key)
                add("alias", given, family)

        for _ in range(rng.choice((0, 0, 0, 1, 1, 2, 3))):
            roll = rng.random()
            given_variants = spelling_variants(first)
            family_variants = spelling_variants(person.family_name)
            if roll < 0.3 and (given_variants or family_variants):
                # The same name spelled another way: one part or both.
                given = rng.choice(given_variants) if given_variants else first
                family = person.family_name
                if family_variants and (not given_variants or rng.random() < 0.5):
                    family = rng.choice(family_variants)
                add_alias(given, family)
            elif roll < 0.45 and first in SHORT_FORMS:
                add_alias(SHORT_FORMS[first], person.family_name)
            elif roll < 0.65:  # a made-up name
                other = pick_person(rng)
                add_alias(other.given_names, other.family_name)
            elif roll < 0.8:  # a previous family name (a parent's, a former partner's)
                previous = _family_name(person.heritage, person.sex, rng)
                if previous != person.family_name:
                    used_to = self.date_between(_add_years(born, 16), self.as_of)
                    add("previous", person.given_names, previous, used_from=born, used_to=used_to)
            else:
                dating = rng.random() < 0.3
                add(
                    "dating_profile" if dating else "online",
                    _handle(first, person.family_name, born, rng),
                    "",
                    platform=rng.choice(_DATING if dating else _PLATFORMS),
                )

    def addresses(
        self,
        pk: uuid.UUID,
        town: str,
        area: str,
        districts: int,
        adult: dt.date,
        no_fixed_abode: bool,
    ) -> None:
        rng, t = self.rng, self.tables["address"]
        count = rng.choice((1, 1, 1, 2, 2, 3))
        start = self.date_between(max(adult, _add_years(self.as_of, -3)), self.as_of)
        for index in range(count):
            main = index == 0
            if main and no_fixed_abode:
                kind, line_1 = "weekly_location", f"Near {rng.choice(_STREETS)} bus station"
            else:
                kind = "main" if main else "other"
                flat = f"Flat {rng.randint(1, 40)}, " if rng.random() < 0.25 else ""
                line_1 = f"{flat}{rng.randint(1, 250)} {_street(rng)}"
            date_from = start if main else self.date_between(adult, start)
            date_to = None if main else self.date_between(date_from, self.as_of)
            t.add(
                self.new_id(),
                pk,
                kind,
                line_1,
                "",
                town,
                _postcode(area, districts, rng),
                date_from,
                date_to,
                date_from if rng.random() < 0.5 else None,
            )

    def contacts(self, pk: uuid.UUID, person: Person, born: dt.date) -> None:
        rng, t = self.rng, self.tables["contact"]

        for _ in range(rng.choice((0, 1, 1, 1, 2))):
            phone = _phone(rng)
            t.add(self.new_id(), pk, "phone", phone, normalise_phone(phone), None)
        if rng.random() < 0.5:
            first = normalise_name(person.given_names.split()[0]) or "x"
            family = normalise_name(person.family_name) or "x"
            email = f"{first}.{family}{rng.randint(1, 99) if rng.random() < 0.6 else ''}@{rng.choice(_EMAIL_DOMAINS)}"
            t.add(self.new_id(), pk, "email", email, email.lower(), None)

    def convictions(
        self, pk: uuid.UUID, adult: dt.date, town: str, events: list[rules.ScoredEvent]
    ) -> bool:
        rng, t, as_of = self.rng, self.tables["conviction"], self.as_of
        stalking = False
        earliest = max(adult, _add_years(as_of, -15))
        for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
            offence = self.offences[
                bisect(self.offence_cumulative, rng.random() * self.offence_cumulative[-1])
            ]
            stalking = stalking or offence.specified_stalking
            offence_date = self.date_between(earliest, as_of - dt.timedelta(days=60))
            convicted = self.date_between(
                offence_date + dt.timedelta(days=14), offence_date + dt.timedelta(days=300)
            )
            convicted = min(convicted, as_of)
            caution = rng.random() < 0.08
            if caution:
                disposal, sentence, custodial = "caution", "none", False
            else:
                index = bisect(_SENTENCE_CUMULATIVE, rng.random() * _SENTENCE_CUMULATIVE[-1])
                disposal = "conviction"
                sentence, _, custodial = _SENTENCES[index]
            months = licence_start = licence_end = None
            if custodial:
                months = rng.choice((3, 6, 8, 12, 18, 24, 30, 36, 48, 60))
                licence_start = _add_months(convicted, months // 2)
                licence_end = _add_months(convicted, months)
            elif sentence in {"suspended", "community_order"}:
                months = rng.choice((6, 12, 18, 24))
            court = (
                f"{town} {'Crown' if custodial and (months or 0) > 12 else 'Magistrates'}' Court"
            )
            domestic = offence.coercive_control or rng.random() < 0.75
            t.add(
                self.new_id(),
                pk,
                offence.pk,
                offence_date,
                convicted,
                "" if caution else court,
                disposal,
                sentence,
                months,
                "months" if months is not None else "",
                rules.term_days(months, rules.TERM_MONTHS),
                licence_start,
                licence_end,
                domestic,
                rng.choice(_DA_SOURCES) if domestic else "",
            )
            events.append(rules.ScoredEvent("", offence_date, float(offence.default_gravity), None))
        return stalking

    def incidents(
        self, pk: uuid.UUID, lead: Agency, adult: dt.date, events: list[rules.ScoredEvent]
    ) -> set[str]:
        rng, t = self.rng, self.tables["incident"]
        relationships: set[str] = set()
        victims: list[tuple[str, str]] = []
        earliest = max(adult, _add_years(self.as_of, -10))
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3, 4))):
            if victims and rng.random() < 0.5:  # the same victim again
                reference, relationship = rng.choice(victims)
            else:
                self.victims += 1
                reference = f"V-{rng.randrange(10**8):08d}"
                relationship = _weighted(_RELATIONSHIPS, _RELATIONSHIP_CUMULATIVE, rng)
                victims.append((reference, relationship))
            relationships.add(relationship)
            occurred = self.date_between(earliest, self.as_of)
            gravity = rng.choice((5, 10, 10, 10, 20, 30, 60))
            t.add(
                self.new_id(),
                pk,
                occurred,
                f"{lead.code.upper()}/{occurred.year}/{rng.randrange(10**6):06d}",
                reference,
                relationship,
                rng.random() < 0.15,
                gravity,
            )
            events.append(rules.ScoredEvent("", occurred, float(gravity), reference.lower()))
        return relationships

    def civil_order(self, pk: uuid.UUID, adult: dt.date, town: str) -> None:
        rng, as_of = self.rng, self.as_of
        kind = _weighted(_ORDERS, _ORDER_CUMULATIVE, rng)
        made = self.date_between(max(adult, _add_years(as_of, -5)), as_of)
        if kind == "dvpn":
            ends: dt.date | None = made + dt.timedelta(days=2)
        elif rng.random() < 0.15:
            ends = None  # until further order
        else:
            ends = _add_years(made, rng.choice((1, 2, 3, 5)))
        order_id = self.new_id()
        self.tables["order"].add(
            order_id,
            pk,
            kind,
            kind != "dvpn" and rng.random() < 0.15,
            made,
            f"{town} Magistrates' Court" if kind != "dvpn" else "Superintendent",
            made,
            ends,
            kind == "spo",  # an SPO always carries notification requirements (SPA 2019 s.9)
        )
        for _ in range(rng.choice((1, 1, 2))):
            condition_kind, text = rng.choice(_CONDITIONS)
            self.tables["condition"].add(
                self.new_id(),
                order_id,
                condition_kind,
                text.format(v="the protected person", street=_street(rng)),
                "Programme provider" if condition_kind == "positive_requirement" else "",
                # A positive requirement is reviewed; monitoring has a provider and a start.
                made + dt.timedelta(days=91) if condition_kind == "positive_requirement" else None,
                "EM provider" if condition_kind == "electronic_monitoring" else "",
                made if condition_kind == "electronic_monitoring" else None,
            )

    def risk_assessments(self, pk: uuid.UUID, adult: dt.date) -> str:
        rng, as_of = self.rng, self.as_of
        latest: tuple[dt.date, str] | None = None
        used: set[dt.date] = set()
        for _ in range(rng.choice((0, 1, 1, 2))):
            assessed = self.date_between(max(adult, _add_years(as_of, -4)), as_of)
            if assessed in used:
                continue
            used.add(assessed)
            level = _weighted(_RISK_LEVELS, _RISK_CUMULATIVE, rng)
            self.tables["risk"].add(
                self.new_id(),
                pk,
                rng.choice(_RISK_TOOLS),
                assessed,
                "",
                level,
                rng.sample(("partner", "ex_partner", "children", "known_adult"), rng.randint(1, 2)),
                _add_months(assessed, 6),
            )
            if latest is None or assessed > latest[0]:
                latest = (assessed, level)
        return latest[1] if latest else ""


TABLE_LABELS = {
    "nominal": "register_nominal",
    "name": "register_nominalname",
    "address": "register_address",
    "contact": "register_contactdetail",
    "vehicle": "register_vehicle",
    "conviction": "register_conviction",
    "incident": "register_reportedincident",
    "order": "register_civilorder",
    "condition": "register_ordercondition",
    "risk": "register_riskassessment",
    "grant": "register_nominalagencypermission",
}


def first_nominal_id(seed: int) -> uuid.UUID:
    """The id the first person of a seed gets: the same seed twice would collide."""
    return uuid.UUID(int=random.Random(seed).getrandbits(128), version=4)  # noqa: S311


def ensure_new_seed(seed: int) -> None:
    """Refuse a seed already generated here: its ids would collide with the rows it made."""
    if Nominal.objects.filter(pk=first_nominal_id(seed)).exists():
        raise GenerationError(
            f"Seed {seed} has already been generated in this database: use another --seed"
        )


def generate(
    *,
    nominals: int,
    seed: int,
    agencies: Sequence[Agency] | None = None,
    as_of: dt.date | None = None,
    batch_size: int = 5000,
    progress: Callable[[str], None] | None = None,
    progress_every: int = 10_000,
    analyze: bool = True,
) -> Result:
    """Add `nominals` synthetic people with everything recorded about them (see module docstring)."""
    started = time.monotonic()
    as_of = as_of or timezone.localdate()
    ensure_new_seed(seed)
    agencies = list(agencies) if agencies else resolve_agencies()
    rng = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)
    generator = _Generator(rng, agencies, as_of, timezone.now())
    first: uuid.UUID | None = None
    done = 0
    while done < nominals:
        size = min(batch_size, nominals - done)
        with transaction.atomic():
            for _ in range(size):
                pk = generator.nominal()
                first = first or pk
            generator.flush()
        previous, done = done, done + size
        if progress and (done // progress_every > previous // progress_every or done == nominals):
            elapsed = time.monotonic() - started
            progress(
                f"{done:>9,} nominals  {elapsed:7.1f} s  {done / max(elapsed, 1e-9):7.0f} a second"
            )
    if analyze:
        if progress:
            progress("ANALYZE...")
        with connection.cursor() as cursor:
            for model in {t.model for t in generator.tables.values()}:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    counts = {TABLE_LABELS[key]: table.count for key, table in generator.tables.items()}
    return Result(nominals, time.monotonic() - started, counts, first)
