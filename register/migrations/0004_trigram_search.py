from django.db import migrations

# pg_trgm is a contrib extension: present on most servers, absent from the
# embedded PostgreSQL. Search works without it (phonetic keys) and uses it
# for near-miss spellings when it is there.


def enable_trigram(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS register_nominalname_family_trgm "
            "ON register_nominalname USING gin (search_family gin_trgm_ops)"
        )


def disable_trigram(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS register_nominalname_family_trgm")


class Migration(migrations.Migration):
    dependencies = [("register", "0003_reference_data")]

    operations = [migrations.RunPython(enable_trigram, disable_trigram)]
