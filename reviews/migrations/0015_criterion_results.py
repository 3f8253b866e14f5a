"""Each review's per-criterion and per-section results as rows, backfilled from the stored
answers by the scoring engine (pure code: it takes the structure read from this migration's
models), and the root causes a new installation starts with."""


import django.db.models.deletion
from django.db import migrations, models

CAUSES = [  # code, name, the agent's own
    ("agent", "The agent", True),
    ("process", "A process", False),
    ("product", "The product", False),
    ("policy", "A policy", False),
    ("system", "A system", False),
]


def seed_causes(apps, schema_editor):
    RootCause = apps.get_model("reviews", "RootCause")
    for position, (code, name, own) in enumerate(CAUSES):
        RootCause.objects.get_or_create(code=code, defaults={"name": name, "agent_controllable": own, "position": position})


def backfill(apps, schema_editor):
    from scoring import engine

    Review = apps.get_model("reviews", "Review")
    Section = apps.get_model("scoring", "Section")
    CriterionResult = apps.get_model("reviews", "CriterionResult")
    SectionResult = apps.get_model("reviews", "SectionResult")
    layouts = {}

    def layout(rubric_id):
        if rubric_id not in layouts:
            sections = list(Section.objects.filter(rubric_id=rubric_id).prefetch_related("criteria").order_by("position", "id"))
            spec = engine.RubricSpec(sections=tuple(
                engine.SectionSpec(
                    key=str(s.id), weight=s.weight, target=s.target,
                    criteria=tuple(
                        engine.CriterionSpec(
                            key=str(c.id), weight=c.weight, answer_type=engine.AnswerType(c.answer_type),
                            scale_min=c.scale_min, scale_max=c.scale_max, na_allowed=c.na_allowed, critical=c.critical,
                        )
                        for c in sorted(s.criteria.all(), key=lambda c: (c.position, c.id))
                    ),
                )
                for s in sections
            ))
            layouts[rubric_id] = (sections, spec)
        return layouts[rubric_id]

    criteria_rows, section_rows = [], []
    for review in Review.objects.order_by("pk").iterator(chunk_size=500):
        sections, spec = layout(review.rubric_id)
        try:
            result = engine.score(spec, review.answers, partial=True)
        except engine.ScoringError:
            result = None
        for s in sections:
            for c in sorted(s.criteria.all(), key=lambda c: (c.position, c.id)):
                key = str(c.id)
                scored = result.criteria.get(key) if result else None
                answer = review.answers.get(key)
                criteria_rows.append(CriterionResult(
                    review_id=review.pk, criterion_id=c.id, identity=c.identity, section_identity=s.identity,
                    answer="" if answer is None else str(answer), score=scored.score if scored else None,
                    points=scored.points if scored else None, maximum=scored.maximum if scored else None,
                    comment=(review.comments or {}).get(key, ""),
                ))
            if result is not None and result.complete:
                r = result.section(str(s.id))
                section_rows.append(SectionResult(
                    review_id=review.pk, section_id=s.id, identity=s.identity, weight=r.weight, target=r.target,
                    score=r.score, attainment=r.attainment, met=r.met, dropped=r.dropped,
                ))
        if len(criteria_rows) > 5000:
            CriterionResult.objects.bulk_create(criteria_rows)
            SectionResult.objects.bulk_create(section_rows)
            criteria_rows, section_rows = [], []
    CriterionResult.objects.bulk_create(criteria_rows)
    SectionResult.objects.bulk_create(section_rows)


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0014_time_band_validation'),
        ('scoring', '0003_section_criterion_identity'),
    ]

    operations = [
        migrations.CreateModel(
            name='RootCause',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True, verbose_name='name')),
                ('agent_controllable', models.BooleanField(default=False, help_text='Misses of this cause count against the agent.', verbose_name="the agent's own")),
                ('position', models.PositiveIntegerField(default=0, verbose_name='position')),
                ('active', models.BooleanField(default=True, verbose_name='offered to reviewers')),
                ('code', models.SlugField(blank=True, editable=False, max_length=30)),
            ],
            options={
                'verbose_name': 'root cause',
                'verbose_name_plural': 'root causes',
                'ordering': ['position', 'name'],
            },
        ),
        migrations.AddField(
            model_name='review',
            name='causes',
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.CreateModel(
            name='CriterionResult',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('identity', models.UUIDField(db_index=True)),
                ('section_identity', models.UUIDField()),
                ('answer', models.CharField(blank=True, max_length=12)),
                ('score', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True)),
                ('points', models.DecimalField(blank=True, decimal_places=4, max_digits=11, null=True)),
                ('maximum', models.DecimalField(blank=True, decimal_places=2, max_digits=9, null=True)),
                ('comment', models.TextField(blank=True)),
                ('criterion', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='scoring.criterion')),
                ('review', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='results', to='reviews.review')),
                ('root_cause', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='results', to='reviews.rootcause')),
            ],
            options={
                'verbose_name': 'criterion result',
                'verbose_name_plural': 'criterion results',
                'ordering': ['review', 'id'],
                'constraints': [models.UniqueConstraint(fields=('review', 'criterion'), name='criterion_result_once'), models.CheckConstraint(condition=models.Q(('score__isnull', True), models.Q(('score__gte', 0), ('score__lte', 100)), _connector='OR'), name='criterion_result_score_range'), models.CheckConstraint(condition=models.Q(('root_cause__isnull', True), ('score__lt', 100), _connector='OR'), name='criterion_result_cause_on_miss')],
            },
        ),
        migrations.CreateModel(
            name='SectionResult',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('identity', models.UUIDField(db_index=True)),
                ('weight', models.DecimalField(decimal_places=2, max_digits=5)),
                ('target', models.DecimalField(decimal_places=2, max_digits=5)),
                ('score', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True)),
                ('attainment', models.DecimalField(blank=True, decimal_places=2, max_digits=7, null=True)),
                ('met', models.BooleanField(null=True)),
                ('dropped', models.BooleanField(default=False)),
                ('review', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='section_results', to='reviews.review')),
                ('section', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='scoring.section')),
            ],
            options={
                'verbose_name': 'section result',
                'verbose_name_plural': 'section results',
                'ordering': ['review', 'id'],
                'constraints': [models.UniqueConstraint(fields=('review', 'section'), name='section_result_once')],
            },
        ),
        migrations.RunPython(seed_causes, migrations.RunPython.noop),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='review',
            name='criteria',
        ),
    ]
