"""REST API for interactions: import (integrations, managers) and read (by visibility)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from core.models import Channel
from core.permissions import Capability, HasCapability

from . import services
from .models import Interaction
from .selectors import interaction_get_for, interaction_list_for


class InteractionOutputSerializer(serializers.ModelSerializer):
    agent = serializers.CharField(source="agent.username")
    handle_seconds = serializers.IntegerField()

    class Meta:
        model = Interaction
        fields = [
            "id", "source", "source_id", "agent", "channel", "queue", "started_at", "answered",
            "wait_seconds", "talk_seconds", "hold_seconds", "acw_seconds", "handle_seconds",
            "resolved", "first_contact_resolved", "escalated", "repeat_contact", "csat", "nps",
            "effort", "customer_ref", "transcript", "recording_url", "tags", "extra",
        ]  # fmt: skip


class InteractionImportItemSerializer(serializers.Serializer):
    """One item, for the schema (InteractionImportSchemaSerializer); items are checked by the
    same pipeline as files (reviews.imports), which also keeps unknown keys as extra data."""

    source_id = serializers.CharField()
    agent = serializers.CharField(help_text="Username, e-mail or full name of the agent.")
    channel = serializers.ChoiceField(choices=Channel.choices)
    started_at = serializers.DateTimeField()
    queue = serializers.CharField(required=False)
    answered = serializers.BooleanField(required=False)
    wait_seconds = serializers.IntegerField(required=False)
    talk_seconds = serializers.IntegerField(required=False)
    hold_seconds = serializers.IntegerField(required=False)
    acw_seconds = serializers.IntegerField(required=False)
    csat = serializers.IntegerField(required=False, min_value=1, max_value=5)
    nps = serializers.IntegerField(required=False, min_value=0, max_value=10)
    effort = serializers.IntegerField(required=False, min_value=1, max_value=7)
    extra = serializers.DictField(required=False)


class InteractionImportInputSerializer(serializers.Serializer):
    source = serializers.CharField(max_length=50, default="default")
    default_channel = serializers.ChoiceField(choices=Channel.choices, allow_blank=True, default="")
    interactions = serializers.ListField(child=serializers.DictField(), allow_empty=False, max_length=10_000)


class InteractionImportSchemaSerializer(InteractionImportInputSerializer):
    """The request as the schema shows it; items are then checked by the import pipeline."""

    interactions = serializers.ListField(
        child=InteractionImportItemSerializer(), allow_empty=False, max_length=10_000
    )


class ImportSummarySerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    agents_created = serializers.IntegerField()


class InteractionListApi(APIView):
    permission_classes = [HasCapability(Capability.INTERACTION_VIEW)]

    @extend_schema(responses=InteractionOutputSerializer(many=True))
    def get(self, request):
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(interaction_list_for(user=request.user), request, view=self)
        return paginator.get_paginated_response(InteractionOutputSerializer(page, many=True).data)


class InteractionDetailApi(APIView):
    permission_classes = [HasCapability(Capability.INTERACTION_VIEW)]

    @extend_schema(responses=InteractionOutputSerializer)
    def get(self, request, pk: int):
        return Response(InteractionOutputSerializer(interaction_get_for(user=request.user, pk=pk)).data)


class InteractionImportApi(APIView):
    """POST a list of interactions: every item checked, all written or none (400 with every
    problem by item and field). Items whose source id exists are updated."""

    permission_classes = [HasCapability(Capability.INTERACTION_IMPORT)]

    @extend_schema(request=InteractionImportSchemaSerializer, responses={200: ImportSummarySerializer})
    def post(self, request):
        serializer = InteractionImportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            summary = services.interactions_import_items(
                actor=request.user,
                items=data["interactions"],
                source=data["source"],
                default_channel=data["default_channel"],
            )
        except services.ImportInvalid as exc:
            errors = [
                {"item": e.row, "field": e.field, "value": e.value, "message": e.message}
                for e in exc.checked.errors
            ]
            return Response(
                {"message": str(exc.message), "errors": errors}, status=status.HTTP_400_BAD_REQUEST
            )
        return Response(ImportSummarySerializer(summary).data, status=status.HTTP_200_OK)
