from django.db import migrations


def load(apps, schema_editor):
    from notifications import reference_data

    reference_data.load(apps)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_requirements_due_items_tasks")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
