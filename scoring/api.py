"""REST API for rubrics. Every write calls the same service as the HTML pages."""

from dataclasses import asdict
from decimal import Decimal

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.filters import api_filters
from core.models import Channel
from core.permissions import Capability, HasCapability, require

from . import services
from .forms import RubricFilterForm
from .models import AnswerType, DataField, RubricStatus, WhenEmpty
from .selectors import rubric_data, rubric_get, rubric_get_for, rubric_list
from .structure import CriterionData, RubricData, SectionData


class CriterionSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False, allow_null=True)
    behaviour = serializers.CharField(max_length=300)
    guidance = serializers.CharField(required=False, allow_blank=True, default="")
    answer_type = serializers.ChoiceField(choices=AnswerType.choices, default=AnswerType.YES_NO)
    scale_min = serializers.IntegerField(required=False, default=0)
    scale_max = serializers.IntegerField(required=False, default=4)
    weight = serializers.DecimalField(max_digits=7, decimal_places=2, default=Decimal("1"))
    na_allowed = serializers.BooleanField(default=False)
    critical = serializers.BooleanField(default=False)
    data_field = serializers.ChoiceField(
        choices=DataField.choices, allow_blank=True, default="",
        help_text="Answered from this interaction field (empty: the reviewer answers); docs/scoring.md.",
    )  # fmt: skip
    data_limit = serializers.DecimalField(
        max_digits=10, decimal_places=2, allow_null=True, required=False, default=None,
        help_text="The limit (at least for CSAT/NPS, at most for effort, hold share %, wait s) or the target handle time (s).",
    )  # fmt: skip
    data_band = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True, required=False, default=None,
        help_text="Handle time: the band around the target, ± % of it.",
    )  # fmt: skip
    data_empty = serializers.ChoiceField(choices=WhenEmpty.choices, default=WhenEmpty.REVIEWER)


class SectionSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False, allow_null=True)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    weight = serializers.DecimalField(max_digits=5, decimal_places=2)
    target = serializers.DecimalField(max_digits=5, decimal_places=2)
    criteria = CriterionSerializer(many=True, required=False, default=list)


class RubricInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    channels = serializers.ListField(child=serializers.ChoiceField(choices=Channel.choices), default=list)
    sections = SectionSerializer(many=True, required=False, default=list)

    def to_data(self) -> RubricData:
        v = self.validated_data
        return RubricData(
            name=v["name"],
            description=v["description"],
            channels=list(v["channels"]),
            sections=[
                SectionData(
                    id=s.get("id"),
                    name=s["name"],
                    description=s["description"],
                    weight=s["weight"],
                    target=s["target"],
                    criteria=[CriterionData(**c).normalised() for c in s["criteria"]],
                )
                for s in v["sections"]
            ],
        )


class RubricUpdateInputSerializer(RubricInputSerializer):
    revision = serializers.IntegerField(
        help_text="The revision you loaded; an older one is refused with 409."
    )


class RubricSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    lineage = serializers.UUIDField()
    version = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=RubricStatus.choices)
    revision = serializers.IntegerField()
    channels = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)

    def get_channels(self, rubric) -> list[str]:
        return sorted(link.channel for link in rubric.channel_links.all())


class RubricOutputSerializer(RubricSummarySerializer):
    description = serializers.CharField()
    sections = serializers.SerializerMethodField()

    def get_sections(self, rubric) -> list[dict]:
        return [asdict(s) for s in rubric_data(rubric).sections]


def _detail(rubric, code=status.HTTP_200_OK) -> Response:
    return Response(RubricOutputSerializer(rubric_get(pk=rubric.pk)).data, status=code)


class RubricListApi(APIView):
    permission_classes = [HasCapability(Capability.RUBRIC_VIEW)]

    @extend_schema(
        responses=RubricSummarySerializer(many=True),
        parameters=[
            OpenApiParameter("status", str, enum=["", *RubricStatus.values], description="Empty: all.")
        ],
    )
    def get(self, request):
        status_wanted = api_filters(RubricFilterForm(request.query_params))["status"]
        rubrics = rubric_list(user=request.user, status=status_wanted or None)
        return Response(RubricSummarySerializer(rubrics, many=True).data)

    @extend_schema(request=RubricInputSerializer, responses={201: RubricOutputSerializer})
    def post(self, request):
        require(request.user, Capability.RUBRIC_MANAGE)
        serializer = RubricInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rubric = services.rubric_create(actor=request.user, data=serializer.to_data())
        return _detail(rubric, status.HTTP_201_CREATED)


class RubricDetailApi(APIView):
    may_conflict = True  # PUT with a stale revision: 409 (core.schema)
    permission_classes = [HasCapability(Capability.RUBRIC_VIEW)]

    @extend_schema(responses=RubricOutputSerializer)
    def get(self, request, pk: int):
        return Response(RubricOutputSerializer(rubric_get_for(user=request.user, pk=pk)).data)

    @extend_schema(request=RubricUpdateInputSerializer, responses=RubricOutputSerializer)
    def put(self, request, pk: int):
        rubric = rubric_get_for(user=request.user, pk=pk)
        require(request.user, Capability.RUBRIC_MANAGE)
        serializer = RubricUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rubric = services.rubric_save_draft(
            actor=request.user,
            rubric=rubric,
            data=serializer.to_data(),
            expected_revision=serializer.validated_data["revision"],
        )
        return _detail(rubric)


class _RubricActionApi(APIView):
    permission_classes = [HasCapability(Capability.RUBRIC_VIEW)]
    created = False

    def act(self, *, actor, rubric):
        raise NotImplementedError

    @extend_schema(request=None, responses=RubricOutputSerializer)
    def post(self, request, pk: int):
        rubric = rubric_get_for(user=request.user, pk=pk)
        require(request.user, Capability.RUBRIC_MANAGE)
        result = self.act(actor=request.user, rubric=rubric)
        return _detail(result, status.HTTP_201_CREATED if self.created else status.HTTP_200_OK)


class RubricPublishApi(_RubricActionApi):
    may_conflict = True

    def act(self, *, actor, rubric):
        # The API publishes the draft as stored (it names no revision it was looking at).
        return services.rubric_publish(actor=actor, rubric=rubric, expected_revision=rubric.revision)


class RubricRetireApi(_RubricActionApi):
    def act(self, *, actor, rubric):
        return services.rubric_retire(actor=actor, rubric=rubric)


class RubricNewVersionApi(_RubricActionApi):
    created = True

    @extend_schema(request=None, responses={201: RubricOutputSerializer})
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, *, actor, rubric):
        return services.rubric_new_version(actor=actor, rubric=rubric)
