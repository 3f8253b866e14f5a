"""REST API for disputes (open, decide, list, read), agreement figures and root causes: the same
services and visibility as the pages."""

from django import forms
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.fields import MONTH_PATTERN, MonthField
from core.filters import Pagination, api_filters, page_parameters
from core.permissions import Capability, HasCapability
from core.schema import page_of

from .models import Decision, Dispute, DisputeStatus, RootCause
from .selectors import review_get_for
from .selectors.agreement import agreement_figures
from .selectors.trust import dispute_get_for, dispute_queryset_for
from .services import disputes


class DisputedCriterionSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(source="criterion_id")
    behaviour = serializers.CharField(source="criterion.behaviour")
    answer_before = serializers.CharField()
    answer_wanted = serializers.CharField()
    reason = serializers.CharField()
    decision = serializers.ChoiceField(choices=Decision.choices)
    answer_decided = serializers.CharField()
    decision_reason = serializers.CharField()
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True, default=None)
    decided_at = serializers.DateTimeField(allow_null=True)


class DisputeOutputSerializer(serializers.ModelSerializer):
    opened_by = serializers.CharField(source="opened_by.username")
    agent = serializers.CharField(source="review.agent.username")
    criteria = DisputedCriterionSerializer(many=True)

    class Meta:
        model = Dispute
        fields = [
            "id", "review", "agent", "status", "opened_by", "opened_at", "decide_by", "escalated_at", "decided_at",
            "total_before", "total_after", "revision", "criteria",
        ]  # fmt: skip


class ContestSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(min_value=1)
    answer = serializers.CharField(max_length=12)
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class DisputeOpenSerializer(serializers.Serializer):
    criteria = ContestSerializer(many=True, allow_empty=False, max_length=100)


class RulingSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(min_value=1)
    decision = serializers.ChoiceField(choices=[c for c, _l in Decision.choices if c])
    answer = serializers.CharField(max_length=12, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class DisputeDecideSerializer(serializers.Serializer):
    criteria = RulingSerializer(many=True, allow_empty=False, max_length=100)
    revision = serializers.IntegerField()


def _reload(request, dispute) -> Dispute:
    return (
        dispute_queryset_for(request.user)
        .prefetch_related("criteria__criterion", "criteria__decided_by")
        .get(pk=dispute.pk)
    )


class DisputeFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", ""), *DisputeStatus.choices], required=False)


class DisputeListApi(APIView):
    """Disputes the caller may see (agents their own; leads their teams'; reviewers and managers all)."""

    permission_classes = [HasCapability(Capability.REVIEW_VIEW)]

    @extend_schema(
        responses=page_of(DisputeOutputSerializer),
        parameters=[
            OpenApiParameter(
                "status", str, enum=["", *DisputeStatus.values], description="Empty: every status."
            ),
            *page_parameters(),
        ],
    )
    def get(self, request):
        filters = api_filters(DisputeFilterForm(request.query_params))
        qs = dispute_queryset_for(request.user).prefetch_related(
            "criteria__criterion", "criteria__decided_by"
        )
        if filters.get("status"):
            qs = qs.filter(status=filters["status"])
        paginator = Pagination()
        page = paginator.paginate_queryset(qs.order_by("-opened_at", "-id"), request, view=self)
        return paginator.get_paginated_response(DisputeOutputSerializer(page, many=True).data)


class DisputeDetailApi(APIView):
    permission_classes = [HasCapability(Capability.REVIEW_VIEW)]

    @extend_schema(responses=DisputeOutputSerializer)
    def get(self, request, pk: int):
        return Response(
            DisputeOutputSerializer(_reload(request, dispute_get_for(user=request.user, pk=pk))).data
        )


class DisputeOpenApi(APIView):
    """Dispute a released review, criterion by criterion (the agent, or their lead)."""

    permission_classes = [HasCapability(Capability.REVIEW_VIEW)]

    @extend_schema(request=DisputeOpenSerializer, responses={201: DisputeOutputSerializer})
    def post(self, request, pk: int):
        review = review_get_for(user=request.user, pk=pk)
        serializer = DisputeOpenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contests = [
            disputes.Contest(str(c["criterion"]), c["answer"], c["reason"])
            for c in serializer.validated_data["criteria"]
        ]
        dispute = disputes.dispute_open(actor=request.user, review=review, contests=contests)
        return Response(
            DisputeOutputSerializer(_reload(request, dispute)).data, status=status.HTTP_201_CREATED
        )


class DisputeDecideApi(APIView):
    """Decide some or all of a dispute's criteria (another reviewer or a QA manager)."""

    may_conflict = True
    permission_classes = [HasCapability(Capability.REVIEW_VIEW)]

    @extend_schema(request=DisputeDecideSerializer, responses=DisputeOutputSerializer)
    def post(self, request, pk: int):
        dispute = dispute_get_for(user=request.user, pk=pk)
        disputes.dispute_check_decider(request.user, dispute)  # who may not decide learns it first
        serializer = DisputeDecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rulings = [
            disputes.Ruling(str(r["criterion"]), r["decision"], r["answer"], r["reason"])
            for r in serializer.validated_data["criteria"]
        ]
        dispute = disputes.dispute_decide(
            actor=request.user,
            dispute=dispute,
            rulings=rulings,
            expected_revision=serializer.validated_data["revision"],
        )
        return Response(DisputeOutputSerializer(_reload(request, dispute)).data)


class AgreementFigureSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["total", "section", "criterion"])
    identity = serializers.CharField(allow_blank=True)
    label = serializers.CharField()
    section = serializers.CharField(required=False)
    level = serializers.ChoiceField(choices=["nominal", "ordinal", "interval", "ratio"])
    alpha = serializers.FloatField(allow_null=True)
    units = serializers.IntegerField()
    values = serializers.IntegerField()
    low = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)
    reading = serializers.ChoiceField(choices=["", "reliable", "tentative", "unreliable"])


class AgreementRubricSerializer(serializers.Serializer):
    lineage = serializers.CharField()
    rubric = serializers.CharField()
    units = serializers.IntegerField()
    rows = AgreementFigureSerializer(many=True)
    criteria = AgreementFigureSerializer(many=True)


class AgreementFilterForm(forms.Form):
    month = MonthField()


class AgreementApi(APIView):
    """Krippendorff's alpha of a month per rubric: the total, each section and each criterion
    (least agreement first), with units, pairable values, the 95 % interval and the reading."""

    permission_classes = [HasCapability(Capability.PROGRAMME_VIEW)]

    @extend_schema(
        responses=AgreementRubricSerializer(many=True),
        parameters=[
            OpenApiParameter(
                "month", {"type": "string", "pattern": MONTH_PATTERN}, required=True, description="YYYY-MM"
            )
        ],
    )
    def get(self, request):
        filters = api_filters(AgreementFilterForm(request.query_params))
        return Response(AgreementRubricSerializer(agreement_figures(filters["month"]), many=True).data)


class RootCauseSerializer(serializers.ModelSerializer):
    label = serializers.CharField()

    class Meta:
        model = RootCause
        fields = ["id", "label", "agent_controllable", "active"]


class RootCauseListApi(APIView):
    """The root causes a reviewer may give for a missed criterion."""

    permission_classes = [HasCapability(Capability.REVIEW_VIEW)]

    @extend_schema(responses=RootCauseSerializer(many=True))
    def get(self, request):
        return Response(RootCauseSerializer(RootCause.objects.all(), many=True).data)
