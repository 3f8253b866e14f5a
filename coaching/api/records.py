"""REST API for performance records: the same figures as the dashboards, with n and intervals,
under the same visibility (a lead their teams and agents, an agent their own, a QA manager all)."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.fields import MONTH_PATTERN_OR_EMPTY, MonthInputField, MonthOutputField
from core.filters import Pagination, api_filters, page_parameters
from core.models import Team
from core.permissions import Capability, HasCapability
from core.schema import page_of

from ..forms import RecordFilterForm
from ..models import PerformanceRecord, RecordLevel, ReportJob, ReportStatus
from ..selectors.records import record_list_for
from ..services import reports


class RecordOutputSerializer(serializers.ModelSerializer):
    """A record's figures: each with its n; null where there is no data (never 0)."""

    month = MonthOutputField()
    agent = serializers.CharField(source="agent.username", allow_null=True, default=None)
    team = serializers.CharField(source="team.name", allow_null=True, default=None)
    qa = serializers.JSONField(source="figures.qa")
    kpis = serializers.JSONField(source="figures.kpis")
    composite_detail = serializers.JSONField(source="figures.composite", allow_null=True)
    ninety_ninety = serializers.JSONField(source="figures.ninety_ninety", default=None)
    queues = serializers.JSONField(
        source="figures.queues", default=None,
        help_text="Teams and the programme: per queue, offered and volume, asa, abandonment, service_level, aht "
        "(each value with its n).",
    )  # fmt: skip

    class Meta:
        model = PerformanceRecord
        fields = [
            "id", "level", "month", "agent", "team", "reviews_n", "interactions_n", "agents_n",
            "qa_mean", "qa_low", "qa_high", "qa_target", "critical_n", "composite", "flags",
            "qa", "kpis", "composite_detail", "ninety_ninety", "queues", "built_at",
        ]  # fmt: skip


class RecordListApi(APIView):
    """Performance records, newest month first, filtered by month (YYYY-MM), level, team and
    agent (ids)."""

    permission_classes = [HasCapability(Capability.RECORD_VIEW)]

    @extend_schema(
        responses=page_of(RecordOutputSerializer),
        parameters=[
            OpenApiParameter(
                "month", {"type": "string", "pattern": MONTH_PATTERN_OR_EMPTY}, description="YYYY-MM"
            ),
            OpenApiParameter("level", str, enum=["", *RecordLevel.values], description="Empty: every level."),
            OpenApiParameter("team", int),
            OpenApiParameter("agent", int),
            *page_parameters(),
        ],
    )
    def get(self, request):
        qs = record_list_for(user=request.user, filters=api_filters(RecordFilterForm(request.query_params)))
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(RecordOutputSerializer(page, many=True).data)


class ReportInputSerializer(serializers.Serializer):
    month = MonthInputField()
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False, allow_null=True)


class ReportOutputSerializer(serializers.ModelSerializer):
    month = MonthOutputField()
    team = serializers.CharField(source="team.name", allow_null=True, default=None)
    progress = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField()
    download_csv = serializers.SerializerMethodField()

    class Meta:
        model = ReportJob
        fields = [
            "id",
            "month",
            "team",
            "status",
            "progress",
            "summary",
            "message",
            "download",
            "download_csv",
        ]

    def get_progress(self, job) -> int:
        return reports.report_progress(job)

    def get_download(self, job) -> str | None:
        if job.status != ReportStatus.DONE:
            return None
        return self.context["request"].build_absolute_uri(reverse("api_report_download", args=[job.pk]))

    def get_download_csv(self, job) -> str | None:
        url = self.get_download(job)
        return f"{url}?file=csv" if url else None


class ReportRequestApi(APIView):
    """Queue the month's Excel report of what the caller may see (202); poll its URL for the file."""

    permission_classes = [HasCapability(Capability.TEAM_VIEW)]

    @extend_schema(request=ReportInputSerializer, responses={202: ReportOutputSerializer})
    def post(self, request):
        serializer = ReportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            job = reports.report_job_create(
                actor=request.user,
                month=serializer.validated_data["month"],
                team=serializer.validated_data.get("team"),
            )
        except Team.DoesNotExist:
            raise Http404 from None
        job.refresh_from_db()
        data = ReportOutputSerializer(job, context={"request": request}).data
        return Response(data, status=status.HTTP_202_ACCEPTED)


class ReportRestartApi(APIView):
    """Queue a report again whose worker died (400 while it still shows progress)."""

    permission_classes = [HasCapability(Capability.TEAM_VIEW)]

    @extend_schema(request=None, responses={202: ReportOutputSerializer})
    def post(self, request, pk: int):
        job = reports.report_job_restart(
            actor=request.user, job=reports.report_job_get_for(user=request.user, pk=pk)
        )
        data = ReportOutputSerializer(job, context={"request": request}).data
        return Response(data, status=status.HTTP_202_ACCEPTED)


class ReportDetailApi(APIView):
    permission_classes = [HasCapability(Capability.TEAM_VIEW)]

    @extend_schema(responses=ReportOutputSerializer)
    def get(self, request, pk: int):
        job = reports.report_job_get_for(user=request.user, pk=pk)
        return Response(ReportOutputSerializer(job, context={"request": request}).data)


class ReportDownloadApi(APIView):
    """The finished workbook (?file=csv: the Reviews sheet as CSV); 404 until it is ready. (Not
    ?format=, which DRF reads as the answer's format: it answered 404.)"""

    permission_classes = [HasCapability(Capability.TEAM_VIEW)]

    @extend_schema(
        parameters=[
            OpenApiParameter("file", str, enum=["", "xlsx", "csv"], description="csv: the Reviews sheet.")
        ],
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY,
            (200, "text/csv"): OpenApiTypes.BINARY,
        },
    )
    def get(self, request, pk: int):
        job = reports.report_job_get_for(user=request.user, pk=pk)
        kind = request.query_params.get("file", "")
        if kind not in ("", "xlsx", "csv"):
            raise ValidationError(
                {"file": [_("Ask for file=xlsx (the workbook) or file=csv (the reviews).")]}
            )
        return reports.report_file_response(job, as_csv=kind == "csv")
