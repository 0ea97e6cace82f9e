from django.db import migrations


def load(apps, schema_editor):
    from register import reference_data

    reference_data.load(apps)


class Migration(migrations.Migration):
    dependencies = [("register", "0002_accesslog_append_only")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
