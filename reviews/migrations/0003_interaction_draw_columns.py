"""Columns the monthly draw reads from one index: local month and week, handle time; sample
keys from a proper hash (blake2b) instead of CRC-32, whose values follow the source id's digits."""

import hashlib

from django.db import migrations, models
from django.utils import timezone


def fill(apps, schema_editor):
    Interaction = apps.get_model("reviews", "Interaction")
    batch = []
    fields = ["local_month", "local_week", "handle_seconds", "sample_key"]
    for row in Interaction.objects.only(
        "pk", "started_at", "source", "source_id", "talk_seconds", "hold_seconds", "acw_seconds"
    ).iterator(chunk_size=2000):
        day = timezone.localtime(row.started_at).date()
        row.local_month = day.replace(day=1)
        row.local_week = min(5, (day.day - 1) // 7 + 1)
        row.handle_seconds = row.talk_seconds + row.hold_seconds + row.acw_seconds
        digest = hashlib.blake2b(f"{row.source}\x00{row.source_id}".encode(), digest_size=4).digest()
        row.sample_key = int.from_bytes(digest, "big") & 0x7FFFFFFF
        batch.append(row)
        if len(batch) == 2000:
            Interaction.objects.bulk_update(batch, fields)
            batch.clear()
    if batch:
        Interaction.objects.bulk_update(batch, fields)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0002_sampledraw_sampleitem_assignment_samplingpolicy_and_more")]

    operations = [
        migrations.AddField(
            model_name="interaction", name="local_month", field=models.DateField(editable=False, null=True)
        ),
        migrations.AddField(
            model_name="interaction",
            name="local_week",
            field=models.PositiveSmallIntegerField(editable=False, default=1),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="interaction",
            name="handle_seconds",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="handle time (s)"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="interaction", name="local_month", field=models.DateField(editable=False)
        ),
        migrations.AddIndex(
            model_name="interaction",
            index=models.Index(
                fields=[
                    "local_month",
                    "answered",
                    "agent",
                    "channel",
                    "local_week",
                    "local_hour",
                    "handle_seconds",
                    "sample_key",
                    "csat",
                    "nps",
                    "escalated",
                    "repeat_contact",
                ],
                name="interaction_draw",
            ),
        ),
        migrations.AddConstraint(
            model_name="interaction",
            constraint=models.CheckConstraint(
                condition=models.Q(local_week__gte=1, local_week__lte=5), name="interaction_local_week_range"
            ),
        ),
        migrations.AddConstraint(
            model_name="interaction",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    handle_seconds=models.F("talk_seconds")
                    + models.F("hold_seconds")
                    + models.F("acw_seconds")
                ),
                name="interaction_handle_is_sum",
            ),
        ),
    ]
