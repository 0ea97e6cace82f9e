from django.db import migrations

CRITERIA_SETS = [
    {
        "key": "lords-2024",
        "name": "2024 Lords amendment: relevant DA or stalking perpetrator",
        "description": (
            "Convicted of a specified DA or stalking offence (or an associated offence) and "
            "either a relevant serial offender (convicted on more than one occasion of the same "
            "specified offence, or of more than one specified offence) or assessed as a high or "
            "very high risk of serious harm. Applies on release on licence: custodial sentences only."
        ),
        "test": "convicted_serial_or_high_risk",
        "custodial_only": True,
        "risk_tools": ["oasys_rosh"],
        "risk_levels": ["high", "very_high"],
    },
    {
        "key": "broad-convicted",
        "name": "Broad convicted",
        "description": "The 2024 Lords amendment test without the custodial condition.",
        "test": "convicted_serial_or_high_risk",
        "custodial_only": False,
        "risk_tools": ["oasys_rosh"],
        "risk_levels": ["high", "very_high"],
    },
    {
        "key": "npcc-serial",
        "name": "NPCC serial perpetrator",
        "description": (
            "Reported (not necessarily convicted) to have committed or threatened domestic abuse "
            "against two or more victims who are or were intimate partners or family members, "
            "within a rolling three-year window."
        ),
        "test": "npcc_serial",
        "window_years": 3,
        "min_victims": 2,
    },
]


def load(apps, schema_editor):
    from register.offence_catalogue import OFFENCES

    Offence = apps.get_model("register", "Offence")
    CriteriaSet = apps.get_model("register", "CriteriaSet")
    PriorityWeights = apps.get_model("register", "PriorityWeights")
    for offence in OFFENCES:
        Offence.objects.update_or_create(code=offence["code"], defaults=offence)
    for criteria in CRITERIA_SETS:
        CriteriaSet.objects.update_or_create(key=criteria["key"], defaults=criteria)
    if not PriorityWeights.objects.exists():
        PriorityWeights.objects.create()


class Migration(migrations.Migration):
    dependencies = [("register", "0002_accesslog_append_only")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
