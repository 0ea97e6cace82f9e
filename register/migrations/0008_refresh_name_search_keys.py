"""Recompute stored name search keys after normalise_name learned ł, ø, ß, æ... and the
phonetic key learned the silent P (Thompson/Thomson).

Only the names whose keys can change are touched: those with a letter outside ASCII or an
"mps"/"mpt". The key functions are the live ones on purpose: the stored keys must be what
register.search computes for a query today.
"""

from django.db import migrations


def refresh(apps, schema_editor):  # type: ignore[no-untyped-def]
    from register.search import name_keys

    NominalName = apps.get_model("register", "NominalName")
    affected = NominalName.objects.filter(given_names__regex=r"[^\x01-\x7f]|[mM][pP][sStT]") | (
        NominalName.objects.filter(family_name__regex=r"[^\x01-\x7f]|[mM][pP][sStT]")
    )
    batch = []
    for name in affected.iterator(chunk_size=2000):
        for column, value in name_keys(name.given_names, name.family_name).items():
            setattr(name, column, value)
        batch.append(name)
        if len(batch) == 2000:
            NominalName.objects.bulk_update(batch, list(name_keys("", "")))
            batch = []
    if batch:
        NominalName.objects.bulk_update(batch, list(name_keys("", "")))


class Migration(migrations.Migration):
    dependencies = [("register", "0007_one_current_registration")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
