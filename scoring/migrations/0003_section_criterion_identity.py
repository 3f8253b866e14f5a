import uuid

from django.db import migrations, models


def fill(apps, schema_editor):
    """Existing versions: a section is the same across a rubric's versions when its name is, a
    criterion when its section's name and its behaviour are."""
    Section = apps.get_model("scoring", "Section")
    Criterion = apps.get_model("scoring", "Criterion")
    for section in Section.objects.select_related("rubric"):
        section.identity = uuid.uuid5(uuid.NAMESPACE_URL, f"{section.rubric.lineage}:{section.name.strip().lower()}")
        section.save(update_fields=["identity"])
    for criterion in Criterion.objects.select_related("section__rubric"):
        s = criterion.section
        key = f"{s.rubric.lineage}:{s.name.strip().lower()}:{criterion.behaviour.strip().lower()}"
        criterion.identity = uuid.uuid5(uuid.NAMESPACE_URL, key)
        criterion.save(update_fields=["identity"])


class Migration(migrations.Migration):
    dependencies = [("scoring", "0002_channel_rubric")]

    operations = [
        migrations.AddField("section", "identity", models.UUIDField(null=True, editable=False)),
        migrations.AddField("criterion", "identity", models.UUIDField(null=True, editable=False)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            "section", "identity", models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
        ),
        migrations.AlterField(
            "criterion", "identity", models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
        ),
    ]
