from decimal import Decimal as D

from django.db import migrations

# The examples of docs/domain.md ("KPIs"): weights per scenario. Targets: response time from
# "Team targets" (phone within 3 rings, about 20 s; chat 30 s; excellent first response 45 s),
# FCR 70% (the average), CSAT 90% (4.5 / 5), utilisation 85%, e-mail volume 400 a month,
# resolution 85%, accuracy and compliance at the default rubric's Knowledge and Process targets.
SCHEMES = [
    ("Phone", "phone", [
        ("asa", "", 25, 20, "lower"), ("fcr", "", 30, 70, "higher"), ("csat", "", 25, 90, "higher"),
        ("utilisation", "", 20, 85, "balanced"),
    ]),
    ("Online chat", "chat", [
        ("asa", "", 30, 30, "lower"), ("fcr", "", 25, 70, "higher"), ("csat", "", 20, 90, "higher"),
        ("utilisation", "", 25, 85, "balanced"),
    ]),
    ("Technical support", "", [
        ("asa", "", 15, 45, "lower"), ("fcr", "", 50, 70, "higher"), ("csat", "", 20, 90, "higher"),
        ("utilisation", "", 15, 85, "balanced"),
    ]),
    ("Ticketing (e-mail)", "email", [
        ("volume", "", 25, 400, "higher"), ("resolution", "", 20, 85, "higher"), ("csat", "", 30, 90, "higher"),
        ("section", "Knowledge", 15, 95, "higher"), ("section", "Process", 10, 100, "higher"),
    ]),
]  # fmt: skip


def create(apps, schema_editor):
    KpiScheme = apps.get_model("coaching", "KpiScheme")
    KpiWeight = apps.get_model("coaching", "KpiWeight")
    for name, channel, weights in SCHEMES:
        scheme, created = KpiScheme.objects.get_or_create(name=name, defaults={"channel": channel})
        if not created:
            continue
        for position, (kpi, section, weight, target, direction) in enumerate(weights):
            KpiWeight.objects.create(
                scheme=scheme, position=position, kpi=kpi, section_name=section,
                weight=D(weight), target=D(target), direction=direction,
            )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("coaching", "0001_records")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
