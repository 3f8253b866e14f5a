"""REST API for 1-on-1s, GROW notes and action items: the same services as the pages, under the
same visibility (an agent sees their held sessions and only what was shared with them; another
team's lead gets 404)."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.filters import Pagination, api_filters, page_parameters
from core.permissions import Capability, HasCapability
from core.schema import page_of

from ..forms import ItemFilterForm, SessionFilterForm
from ..models import ActionItem, CoachingSession, GrowNote, ItemOwner, ItemStatus, TargetKind
from ..selectors import records as record_selectors
from ..selectors import sessions as selectors
from ..services import sessions as services

TARGET_FIELDS = ["target_kind", "target_identity", "target_label", "shared"]


class NoteOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = GrowNote
        fields = ["id", "goal", "reality", "options", "way_forward", *TARGET_FIELDS, "created_at"]


class ItemOutputSerializer(serializers.ModelSerializer):
    agent = serializers.CharField(source="agent.username")

    class Meta:
        model = ActionItem
        fields = [
            "id", "session", "agent", "text", "owner", "due_on", "status", "done_at", *TARGET_FIELDS,
            "carried_from",
        ]  # fmt: skip


class SessionOutputSerializer(serializers.ModelSerializer):
    """A session as the caller (context["user"]) may see it: the agenda's copies of private items
    filtered like the items themselves."""

    agent = serializers.CharField(source="agent.username")
    lead = serializers.CharField(source="lead.username")
    plan = serializers.SerializerMethodField()
    notes = NoteOutputSerializer(many=True, source="visible_notes")
    items = ItemOutputSerializer(many=True, source="visible_items")

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_plan(self, session) -> dict:
        return selectors.plan_visible(self.context["user"], session, shown=self.context.get("shown_items"))

    class Meta:
        model = CoachingSession
        fields = [
            "id", "agent", "lead", "scheduled_for", "minutes", "status", "revision", "plan", "closed_at",
            "acknowledged_at", "notes", "items",
        ]  # fmt: skip


def _with_visible(user, qs):
    """Sessions with the notes and items `user` may see attached (an agent: the shared ones)."""
    notes = selectors.notes_visible(user, GrowNote.objects.all())
    items = selectors.items_visible(user, ActionItem.objects.select_related("agent"))
    return qs.prefetch_related(
        Prefetch("notes", queryset=notes, to_attr="visible_notes"),
        Prefetch("items", queryset=items, to_attr="visible_items"),
    )


class SessionInputSerializer(serializers.Serializer):
    agent = serializers.IntegerField()
    day = serializers.DateField(required=False)


class SessionListApi(APIView):
    """1-on-1s the caller may see, newest first (?agent=id); POST plans one from the evidence."""

    permission_classes = [HasCapability(Capability.RECORD_VIEW)]

    @extend_schema(
        responses=page_of(SessionOutputSerializer),
        parameters=[OpenApiParameter("agent", int, description="The agent's id."), *page_parameters()],
    )
    def get(self, request):
        qs = selectors.session_queryset_for(request.user)
        agent = api_filters(SessionFilterForm(request.query_params))["agent"]
        if agent is not None:
            qs = qs.filter(agent_id=agent)
        paginator = Pagination()
        page = paginator.paginate_queryset(_with_visible(request.user, qs), request, view=self)
        context = {"user": request.user, "shown_items": selectors.items_shown_in_plans(request.user, page)}
        return paginator.get_paginated_response(
            SessionOutputSerializer(page, many=True, context=context).data
        )

    @extend_schema(request=SessionInputSerializer, responses={201: SessionOutputSerializer})
    def post(self, request):
        data = SessionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agent = record_selectors.agent_get_for(user=request.user, pk=data.validated_data["agent"])
        session = services.session_plan(actor=request.user, agent=agent, day=data.validated_data.get("day"))
        session = _with_visible(request.user, CoachingSession.objects.filter(pk=session.pk)).get()
        data = SessionOutputSerializer(session, context={"user": request.user}).data
        return Response(data, status=status.HTTP_201_CREATED)


def _session(request, pk: int) -> CoachingSession:
    session = _with_visible(request.user, selectors.session_queryset_for(request.user).filter(pk=pk)).first()
    if session is None:
        raise Http404
    return session


class SessionDetailApi(APIView):
    permission_classes = [HasCapability(Capability.RECORD_VIEW)]

    @extend_schema(responses=SessionOutputSerializer)
    def get(self, request, pk: int):
        return Response(SessionOutputSerializer(_session(request, pk), context={"user": request.user}).data)


class NoteInputSerializer(serializers.Serializer):
    goal = serializers.CharField(required=False, allow_blank=True)
    reality = serializers.CharField(required=False, allow_blank=True)
    options = serializers.CharField(required=False, allow_blank=True)
    way_forward = serializers.CharField(required=False, allow_blank=True)
    target_kind = serializers.ChoiceField(choices=TargetKind.choices, required=False, allow_blank=True)
    target_identity = serializers.CharField(required=False, allow_blank=True, max_length=64)
    target_label = serializers.CharField(required=False, allow_blank=True, max_length=200)
    shared = serializers.BooleanField(default=True)


class SessionNoteCreateApi(APIView):
    """Add a GROW note to a planned 1-on-1 (the lead or a QA manager)."""

    permission_classes = [HasCapability(Capability.COACH)]

    @extend_schema(request=NoteInputSerializer, responses={201: NoteOutputSerializer})
    def post(self, request, pk: int):
        data = NoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = services.note_save(actor=request.user, session=_session(request, pk), data=data.validated_data)
        return Response(NoteOutputSerializer(note).data, status=status.HTTP_201_CREATED)


class ItemInputSerializer(NoteInputSerializer):
    goal = reality = options = way_forward = None
    text = serializers.CharField(max_length=300)
    owner = serializers.ChoiceField(choices=ItemOwner.choices, default=ItemOwner.AGENT)
    due_on = serializers.DateField()


class SessionItemCreateApi(APIView):
    """Add an action item to a planned 1-on-1 (the lead or a QA manager)."""

    permission_classes = [HasCapability(Capability.COACH)]

    @extend_schema(request=ItemInputSerializer, responses={201: ItemOutputSerializer})
    def post(self, request, pk: int):
        data = ItemInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.item_save(actor=request.user, session=_session(request, pk), data=data.validated_data)
        return Response(ItemOutputSerializer(item).data, status=status.HTTP_201_CREATED)


class RevisionSerializer(serializers.Serializer):
    revision = serializers.IntegerField()


class SessionCloseApi(APIView):
    may_conflict = True  # the agenda changed meanwhile: 409 (core.schema)
    """Record the 1-on-1 as held; the agent is told. 409 when the agenda changed meanwhile."""

    permission_classes = [HasCapability(Capability.COACH)]

    @extend_schema(request=RevisionSerializer, responses=SessionOutputSerializer)
    def post(self, request, pk: int):
        data = RevisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.session_close(
            actor=request.user,
            session=_session(request, pk),
            expected_revision=data.validated_data["revision"],
        )
        return Response(SessionOutputSerializer(_session(request, pk), context={"user": request.user}).data)


class SessionAcknowledgeApi(APIView):
    """The agent acknowledges their held 1-on-1."""

    permission_classes = [HasCapability(Capability.COACHING_VIEW_OWN)]

    @extend_schema(request=None, responses=SessionOutputSerializer)
    def post(self, request, pk: int):
        services.session_acknowledge(actor=request.user, session=_session(request, pk))
        return Response(SessionOutputSerializer(_session(request, pk), context={"user": request.user}).data)


def _items_for(user):
    """Items of the sessions the user may see, as they may see them."""
    sessions = selectors.session_queryset_for(user)  # an agent's: the held ones only
    items = ActionItem.objects.select_related("agent__team").filter(session__in=sessions)
    return selectors.items_visible(user, items)


class ItemListApi(APIView):
    """Action items the caller may see, soonest due first (?status=open|done|not_done|carried)."""

    permission_classes = [HasCapability(Capability.RECORD_VIEW)]

    @extend_schema(
        responses=page_of(ItemOutputSerializer),
        parameters=[
            OpenApiParameter(
                "status", str, enum=["", *ItemStatus.values], description="Empty: every status."
            ),
            *page_parameters(),
        ],
    )
    def get(self, request):
        qs = _items_for(request.user).order_by("due_on", "id")
        wanted = api_filters(ItemFilterForm(request.query_params))["status"]
        if wanted:
            qs = qs.filter(status=wanted)
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(ItemOutputSerializer(page, many=True).data)


class ItemDoneApi(APIView):
    """Mark an item done: the agent (their own shared items) or their lead."""

    permission_classes = [HasCapability(Capability.RECORD_VIEW)]

    @extend_schema(request=None, responses=ItemOutputSerializer)
    def post(self, request, pk: int):
        item = services.item_mark_done(
            actor=request.user, item=get_object_or_404(_items_for(request.user), pk=pk)
        )
        return Response(ItemOutputSerializer(item).data)
