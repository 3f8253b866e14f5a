"""REST API for automatic checks (docs/autoqa.md): transcript rules and their agreement with the
reviewers, for QA managers, through the same services and selectors as the pages."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.fields import MONTH_PATTERN
from core.filters import api_filters
from core.permissions import Capability, HasCapability

from . import autoqa
from .api_trust import AgreementFilterForm  # ?month=YYYY-MM, required
from .models import TranscriptRule
from .selectors.autoqa import rules_overview
from .services.autoqa import transcript_rule_save


class RuleSerializer(serializers.ModelSerializer):
    description = serializers.CharField(source="describe", read_only=True)

    class Meta:
        model = TranscriptRule
        fields = [
            "id", "name", "lineage", "criterion", "kind", "phrases", "speaker", "where", "turns", "until",
            "trigger", "seconds", "active", "version", "description", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["version", "updated_at"]


class RuleInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    lineage = serializers.UUIDField(help_text="The rubric (Rubric.lineage), every version.")
    criterion = serializers.UUIDField(help_text="The criterion (Criterion.identity), across versions.")
    kind = serializers.ChoiceField(choices=[k.value for k in autoqa.Kind])
    phrases = serializers.ListField(
        child=serializers.CharField(max_length=200), max_length=50, required=False
    )
    speaker = serializers.ChoiceField(choices=[s.value for s in autoqa.Speaker], default="agent")
    where = serializers.ChoiceField(choices=[w.value for w in autoqa.Where], default="anywhere")
    turns = serializers.IntegerField(min_value=0, max_value=50, default=0)
    until = serializers.ListField(child=serializers.CharField(max_length=200), max_length=50, required=False)
    trigger = serializers.ListField(
        child=serializers.CharField(max_length=200), max_length=50, required=False
    )
    seconds = serializers.IntegerField(min_value=0, max_value=3600, default=0)
    active = serializers.BooleanField(default=True)


class RuleListApi(APIView):
    permission_classes = [HasCapability(Capability.RUBRIC_MANAGE)]

    @extend_schema(responses=RuleSerializer(many=True))
    def get(self, request):
        return Response(RuleSerializer(TranscriptRule.objects.all(), many=True).data)

    @extend_schema(request=RuleInputSerializer, responses={201: RuleSerializer})
    def post(self, request):
        data = RuleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rule = transcript_rule_save(actor=request.user, rule=None, data=data.validated_data)
        return Response(RuleSerializer(rule).data, status=status.HTTP_201_CREATED)


class RuleDetailApi(APIView):
    permission_classes = [HasCapability(Capability.RUBRIC_MANAGE)]

    @extend_schema(responses=RuleSerializer)
    def get(self, request, pk: int):
        return Response(RuleSerializer(get_object_or_404(TranscriptRule, pk=pk)).data)

    @extend_schema(request=RuleInputSerializer, responses=RuleSerializer)
    def put(self, request, pk: int):
        rule = get_object_or_404(TranscriptRule, pk=pk)
        data = RuleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            RuleSerializer(transcript_rule_save(actor=request.user, rule=rule, data=data.validated_data)).data
        )


class ShareSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True, help_text="0–1; null when n = 0")
    low = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)
    n = serializers.IntegerField()

    def to_representation(self, share):
        low, high = share.interval or (None, None)
        return {"value": share.value, "low": low, "high": high, "n": share.n}


class RuleAgreementSerializer(serializers.Serializer):
    rule = serializers.IntegerField(source="rule.pk")
    name = serializers.CharField(source="rule.name")
    criterion = serializers.CharField()
    checked = serializers.IntegerField()
    missed = serializers.IntegerField(source="counts.fail", default=0)
    not_applicable = serializers.IntegerField(source="counts.na", default=0)
    pairs = serializers.IntegerField(source="agreement.n")
    both_missed = serializers.IntegerField(source="agreement.both")
    only_rule = serializers.IntegerField(source="agreement.rule_only")
    only_reviewer = serializers.IntegerField(source="agreement.reviewer_only")
    neither = serializers.IntegerField(source="agreement.neither")
    agreement = ShareSerializer(source="agreement.agreement")
    kappa = serializers.FloatField(source="agreement.kappa", allow_null=True)
    kappa_low = serializers.SerializerMethodField()
    kappa_high = serializers.SerializerMethodField()
    precision = ShareSerializer(source="agreement.precision")
    recall = ShareSerializer(source="agreement.recall")
    reliable = serializers.BooleanField()

    def get_kappa_low(self, row) -> float | None:
        interval = row["agreement"].kappa_interval
        return interval[0] if interval else None

    def get_kappa_high(self, row) -> float | None:
        interval = row["agreement"].kappa_interval
        return interval[1] if interval else None


class RuleAgreementApi(APIView):
    """Each rule's verdicts of a month and their agreement with the reviewers (n, agreement,
    Cohen's kappa, precision and recall of "missed", with 95 % intervals; null when n = 0)."""

    permission_classes = [HasCapability(Capability.RUBRIC_MANAGE)]

    @extend_schema(
        responses=RuleAgreementSerializer(many=True),
        parameters=[
            OpenApiParameter(
                "month", {"type": "string", "pattern": MONTH_PATTERN}, required=True, description="YYYY-MM"
            )
        ],
    )
    def get(self, request):
        filters = api_filters(AgreementFilterForm(request.query_params))
        return Response(RuleAgreementSerializer(rules_overview(filters["month"]), many=True).data)


class VerdictSerializer(serializers.Serializer):
    rule = serializers.IntegerField(source="rule.pk")
    rule_name = serializers.CharField(source="rule.name")
    criterion = serializers.UUIDField(source="rule.criterion", help_text="Criterion.identity")
    outcome = serializers.ChoiceField(choices=["pass", "fail", "na"], help_text="met, missed, does not apply")
    line = serializers.IntegerField(allow_null=True, help_text="the transcript line that decided it")
    detail = serializers.CharField(help_text="what was found")
    checked_at = serializers.DateTimeField()


class InteractionVerdictsApi(APIView):
    """The current verdicts of the active transcript rules on one interaction (reviewers and QA
    managers; an agent or a lead gets 403: a verdict is a reviewer's aid, docs/autoqa.md)."""

    permission_classes = [HasCapability(Capability.REVIEW_SCORE)]

    @extend_schema(responses=VerdictSerializer(many=True))
    def get(self, request, pk: int):
        from .models import AutoVerdict
        from .selectors import interaction_get_for

        interaction = interaction_get_for(user=request.user, pk=pk)
        verdicts = [
            v
            for v in AutoVerdict.objects.filter(interaction=interaction, rule__active=True)
            .select_related("rule")
            .order_by("rule__name")
            if v.rule_version == v.rule.version
        ]
        return Response(VerdictSerializer(verdicts, many=True).data)


class PaceRowSerializer(serializers.Serializer):
    reviewer = serializers.CharField(source="reviewer.username", allow_null=True, default=None)
    assigned = serializers.IntegerField()
    done = serializers.IntegerField()
    per_day = serializers.FloatField(allow_null=True)
    forecast = serializers.IntegerField(
        allow_null=True, help_text="done by the month's last day at this pace"
    )
    active_minutes = serializers.FloatField(allow_null=True, help_text="median active minutes per review")
    active_n = serializers.IntegerField()


class ReviewTimeSerializer(serializers.Serializer):
    channel = serializers.CharField()
    rubric = serializers.CharField()
    n = serializers.IntegerField()
    median_minutes = serializers.FloatField()
    mean_minutes = serializers.FloatField()


class ProductivitySerializer(serializers.Serializer):
    last_day = serializers.DateField()
    total = PaceRowSerializer()
    reviewers = PaceRowSerializer(source="rows", many=True)
    time_per_review = ReviewTimeSerializer(many=True)


class ProductivityApi(APIView):
    """Reviewers' pace and forecast for a month, and active time per review by channel and rubric
    (docs/reviewing.md); null where there is nothing to compute."""

    permission_classes = [HasCapability(Capability.PROGRAMME_VIEW)]

    @extend_schema(
        responses=ProductivitySerializer,
        parameters=[
            OpenApiParameter(
                "month", {"type": "string", "pattern": MONTH_PATTERN}, required=True, description="YYYY-MM"
            )
        ],
    )
    def get(self, request):
        from .selectors.productivity import reviewer_pace, time_per_review

        month = api_filters(AgreementFilterForm(request.query_params))["month"]
        figures = reviewer_pace(month) | {"time_per_review": time_per_review(month)}
        return Response(ProductivitySerializer(figures).data)
