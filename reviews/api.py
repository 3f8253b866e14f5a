"""REST API for interactions (import; read by visibility) and reviews (read by visibility;
start, save, submit, change, acknowledge through the same services as the HTML pages)."""

import re

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.fields import MONTH_PATTERN_OR_EMPTY
from core.filters import Pagination, api_filters, page_parameters
from core.models import Channel
from core.parsers import UnstorableJSON
from core.permissions import Capability, HasCapability
from core.schema import page_of

from . import services
from .forms import InteractionApiFilterForm, ReviewFilterForm
from .models import Interaction, Review, ReviewStatus
from .selectors import (
    assignment_get_for,
    interaction_get_for,
    interaction_list_for,
    review_get_for,
    review_list_for,
)
from .services.reviewing import can_edit


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

    @extend_schema(
        responses=page_of(InteractionOutputSerializer),
        parameters=[
            OpenApiParameter("agent", str, description="The agent's username."),
            OpenApiParameter("channel", str, enum=["", *Channel.values], description="Empty: every channel."),
            OpenApiParameter(
                "month",
                {"type": "string", "pattern": MONTH_PATTERN_OR_EMPTY},
                description="YYYY-MM, in the contact centre's time zone.",
            ),
            OpenApiParameter("source", str, description="Source system name."),
            *page_parameters(),
        ],
    )
    def get(self, request):
        filters = api_filters(InteractionApiFilterForm(request.query_params))
        paginator = Pagination()
        page = paginator.paginate_queryset(
            interaction_list_for(user=request.user, filters=filters), request, view=self
        )
        return paginator.get_paginated_response(InteractionOutputSerializer(page, many=True).data)


class InteractionDetailApi(APIView):
    permission_classes = [HasCapability(Capability.INTERACTION_VIEW)]

    @extend_schema(responses=InteractionOutputSerializer)
    def get(self, request, pk: int):
        return Response(InteractionOutputSerializer(interaction_get_for(user=request.user, pk=pk)).data)


ITEM_PATH = re.compile(r"^interactions\[(\d+)\]\.?(.*)$")


class InteractionImportApi(APIView):
    """POST a list of interactions: every item checked, all written or none (400 with every
    problem by item and field). Items whose source id exists are updated."""

    permission_classes = [HasCapability(Capability.INTERACTION_IMPORT)]

    @extend_schema(request=InteractionImportSchemaSerializer, responses={200: ImportSummarySerializer})
    def post(self, request):
        try:
            body = request.data
        except UnstorableJSON as exc:  # in the import's own error shape: item, field, message
            errors = []
            for path, why in exc.problems.items():
                found = ITEM_PATH.match(path)
                item, field = (int(found[1]), found[2].rsplit(".", 1)[-1]) if found else (None, path)
                errors.append({"item": item, "field": field, "value": "", "message": " ".join(why)})
            return Response(
                {"message": _("The data is not valid."), "errors": errors}, status=status.HTTP_400_BAD_REQUEST
            )
        serializer = InteractionImportInputSerializer(data=body)
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


# -- reviews -------------------------------------------------------------------------------------


class ReviewOutputSerializer(serializers.ModelSerializer):
    interaction = serializers.IntegerField(source="interaction_id")
    agent = serializers.CharField(source="agent.username")
    reviewer = serializers.CharField(source="reviewer.username")
    rubric = serializers.SerializerMethodField()
    unread = serializers.BooleanField()

    class Meta:
        model = Review
        fields = [
            "id", "status", "interaction", "agent", "reviewer", "rubric", "answers", "data_answers", "overrides",
            "comments", "causes",
            "strengths", "improvement", "encouragement", "total", "raw_total", "critical_failed",
            "sections", "revision", "submitted_at", "released_at", "acknowledged_at", "unread",
        ]  # fmt: skip

    def get_rubric(self, review) -> dict:
        return {"id": review.rubric_id, "name": review.rubric.name, "version": review.rubric.version}


class ReviewStartInputSerializer(serializers.Serializer):
    assignment = serializers.IntegerField()


class ReviewContentInputSerializer(serializers.Serializer):
    """What the scoring page posts: answers and comments keyed by criterion id, the three parts
    of the feedback, and the revision the caller started from (a stale one gets 409)."""

    answers = serializers.DictField(child=serializers.JSONField(), required=False, default=dict)
    comments = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict
    )
    causes = serializers.DictField(
        child=serializers.IntegerField(allow_null=True), required=False, default=dict,
        help_text="Criterion id -> root cause id (GET /api/root-causes/), for a missed criterion.",
    )  # fmt: skip
    overrides = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict,
        help_text="Criterion id -> why the answer differs from the data's (`data_answers`); needed to submit.",
    )  # fmt: skip
    strengths = serializers.CharField(required=False, allow_blank=True, default="")
    improvement = serializers.CharField(required=False, allow_blank=True, default="")
    encouragement = serializers.CharField(required=False, allow_blank=True, default="")
    revision = serializers.IntegerField()

    def review_input(self) -> services.ReviewInput:
        data = self.validated_data
        return services.ReviewInput(
            answers=data["answers"],
            comments=data["comments"],
            causes=data["causes"],
            overrides=data["overrides"],
            strengths=data["strengths"],
            improvement=data["improvement"],
            encouragement=data["encouragement"],
        )


def _editable_review(request, pk: int):
    review = review_get_for(user=request.user, pk=pk)
    if not can_edit(request.user, review):
        raise PermissionDenied
    return review


class ReviewListApi(APIView):
    permission_classes = [HasCapability(Capability.REVIEW_VIEW)]

    @extend_schema(
        responses=page_of(ReviewOutputSerializer),
        parameters=[
            OpenApiParameter(
                "status", str, enum=["", *ReviewStatus.values], description="Empty: every status."
            ),
            *page_parameters(),
        ],
    )
    def get(self, request):
        filters = api_filters(ReviewFilterForm(request.query_params, user=request.user))
        paginator = Pagination()
        page = paginator.paginate_queryset(
            review_list_for(user=request.user, filters=filters), request, view=self
        )
        return paginator.get_paginated_response(ReviewOutputSerializer(page, many=True).data)


class ReviewStartApi(APIView):
    """Start (or resume) the review of an assignment; the rubric version is pinned now."""

    permission_classes = [HasCapability(Capability.REVIEW_SCORE)]

    @extend_schema(request=ReviewStartInputSerializer, responses={201: ReviewOutputSerializer})
    def post(self, request):
        serializer = ReviewStartInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignment = assignment_get_for(user=request.user, pk=serializer.validated_data["assignment"])
        review = services.review_start(actor=request.user, assignment=assignment)
        return Response(ReviewOutputSerializer(_reload(request, review)).data, status=status.HTTP_201_CREATED)


def _reload(request, review):
    return review_list_for(user=request.user).get(pk=review.pk)


class ReviewDetailApi(APIView):
    permission_classes = [HasCapability(Capability.REVIEW_VIEW)]

    @extend_schema(responses=ReviewOutputSerializer)
    def get(self, request, pk: int):
        return Response(
            ReviewOutputSerializer(_reload(request, review_get_for(user=request.user, pk=pk))).data
        )


class _ReviewContentApi(APIView):
    may_conflict = True  # a stale revision: 409 (core.schema)
    permission_classes = [HasCapability(Capability.REVIEW_VIEW)]
    service = None  # the service function

    @extend_schema(request=ReviewContentInputSerializer, responses=ReviewOutputSerializer)
    def post(self, request, pk: int):
        review = _editable_review(request, pk)
        serializer = ReviewContentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = type(self).service(
            actor=request.user,
            review=review,
            data=serializer.review_input(),
            expected_revision=serializer.validated_data["revision"],
        )
        return Response(ReviewOutputSerializer(_reload(request, review)).data)


class ReviewSaveApi(_ReviewContentApi):
    """Save a draft as it stands (unanswered criteria allowed)."""

    service = services.review_save


class ReviewSubmitApi(_ReviewContentApi):
    """Release a complete draft to the agent (400 lists every missing answer and part)."""

    service = services.review_submit


class ReviewChangeApi(_ReviewContentApi):
    """Change a released review; the old and new answers and scores are kept."""

    service = services.review_change


class ReviewAcknowledgeApi(APIView):
    permission_classes = [HasCapability(Capability.REVIEW_VIEW)]

    @extend_schema(request=None, responses=ReviewOutputSerializer)
    def post(self, request, pk: int):
        review = review_get_for(user=request.user, pk=pk)
        review = services.review_acknowledge(actor=request.user, review=review)
        return Response(ReviewOutputSerializer(_reload(request, review)).data)
