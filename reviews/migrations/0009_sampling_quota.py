from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """AgentMonth becomes SamplingQuota: it is the sampling quota, not the agent's monthly record."""

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("reviews", "0008_agent_month_reasons_no_exclude_reviewed"),
    ]

    operations = [
        migrations.RenameModel("AgentMonth", "SamplingQuota"),
        migrations.RemoveConstraint(model_name="samplingquota", name="agent_month_unique"),
        migrations.AddConstraint(
            model_name="samplingquota",
            constraint=models.UniqueConstraint(
                fields=["month", "agent"], name="sampling_quota_unique"
            ),
        ),
    ]
