"""PostgreSQL: compress the records' JSON (parts, figures; about 6 KB each per agent and month) with
lz4 instead of the default pglz. Rebuilding a month of 2,000 agents writes some 25 MB of JSON;
lz4 took 0.4 s off that (bench/records.py). Servers built without lz4, and other databases, keep
their default: nothing to do."""

from django.db import migrations

COLUMNS = ("parts", "figures")


def lz4(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
        )
        if cursor.fetchone() is None:
            return
        for column in COLUMNS:
            cursor.execute(
                f"ALTER TABLE coaching_performancerecord ALTER COLUMN {column} SET COMPRESSION lz4"
            )


def pglz(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for column in COLUMNS:
            cursor.execute(
                f"ALTER TABLE coaching_performancerecord ALTER COLUMN {column} SET COMPRESSION DEFAULT"
            )


class Migration(migrations.Migration):
    dependencies = [("coaching", "0009_scheme_minimums")]
    operations = [migrations.RunPython(lz4, pglz)]
