from django.conf import settings
from django.db import migrations, models


def authors(apps, schema_editor):
    """An item's writer was its session's lead; a carried-over copy keeps its origin's writer."""
    item_model = apps.get_model("coaching", "ActionItem")
    for item in item_model.objects.filter(author__isnull=True).order_by("id"):
        origin = item
        while origin.carried_from_id is not None:
            origin = item_model.objects.get(pk=origin.carried_from_id)
        item.author_id = origin.session.lead_id
        item.save(update_fields=["author"])


class Migration(migrations.Migration):

    dependencies = [
        ("coaching", "0006_default_ladder"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="actionitem",
            name="author",
            field=models.ForeignKey(
                null=True, on_delete=models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.RunPython(authors, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="actionitem",
            name="author",
            field=models.ForeignKey(
                on_delete=models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
    ]
