"""REST API for performance records: the same figures as the dashboards, with n and intervals,
under the same visibility (a lead their teams and agents, an agent their own, a QA manager all)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from core.filters import Pagination, api_filters
from core.models import Team, User
from core.permissions import Capability, HasCapability

from .models import PerformanceRecord, RecordLevel
from .selectors.records import record_queryset_for


class RecordFilterForm(forms.Form):
    month = forms.DateField(label=_("Month"), input_formats=["%Y-%m"], required=False)
    level = forms.ChoiceField(label=_("Level"), choices=[("", ""), *RecordLevel.choices], required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)
    agent = forms.ModelChoiceField(label=_("Agent"), queryset=User.objects.all(), required=False)


class RecordOutputSerializer(serializers.ModelSerializer):
    """A record's figures: each with its n; null where there is no data (never 0)."""

    month = serializers.DateField(format="%Y-%m")
    agent = serializers.CharField(source="agent.username", allow_null=True, default=None)
    team = serializers.CharField(source="team.name", allow_null=True, default=None)
    qa = serializers.JSONField(source="figures.qa")
    kpis = serializers.JSONField(source="figures.kpis")
    composite_detail = serializers.JSONField(source="figures.composite", allow_null=True)
    ninety_ninety = serializers.JSONField(source="figures.ninety_ninety", default=None)

    class Meta:
        model = PerformanceRecord
        fields = [
            "id", "level", "month", "agent", "team", "reviews_n", "interactions_n", "agents_n",
            "qa_mean", "qa_low", "qa_high", "qa_target", "critical_n", "composite", "flags",
            "qa", "kpis", "composite_detail", "ninety_ninety", "built_at",
        ]  # fmt: skip


class RecordListApi(APIView):
    """Performance records, newest month first, filtered by month (YYYY-MM), level, team and
    agent (ids)."""

    permission_classes = [HasCapability(Capability.RECORD_VIEW)]

    @extend_schema(
        responses=RecordOutputSerializer(many=True),
        parameters=[
            OpenApiParameter("month", str, description="YYYY-MM"),
            OpenApiParameter("level", str, enum=RecordLevel.values),
            OpenApiParameter("team", int),
            OpenApiParameter("agent", int),
        ],
    )
    def get(self, request):
        filters = api_filters(RecordFilterForm(request.query_params))
        qs = record_queryset_for(request.user)
        if filters.get("month"):
            qs = qs.filter(month=filters["month"].replace(day=1))
        if filters.get("level"):
            qs = qs.filter(level=filters["level"])
        if filters.get("team"):
            qs = qs.filter(team=filters["team"])
        if filters.get("agent"):
            qs = qs.filter(agent=filters["agent"])
        qs = qs.order_by("-month", "level", "team__name", "agent__username", "pk")
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(RecordOutputSerializer(page, many=True).data)
