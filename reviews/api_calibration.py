"""REST API for calibration sessions: list and create, score one's own blind copy, reveal, record
the benchmark, close, and the results (answers side by side and deviations, once the caller may
see them). The same services and visibility as the pages: agents never see calibration, and a
participant sees the others' answers only after they submitted and the manager revealed."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import DomainError
from core.fields import MonthInputField
from core.models import User
from core.permissions import Capability, HasCapability
from scoring.models import Rubric

from .api import ReviewContentInputSerializer
from .models import BenchmarkKind, CalibrationSession, Interaction
from .selectors.calibration import calibration_reveal_table, session_standings, split_criteria
from .selectors.trust import calibration_get_for, calibration_queryset_for
from .services import calibration as cal
from .services import review_save, review_submit
from .services.seconds import trust_settings_get

MSG_NO_PERSON = gettext_lazy("There is no person with id %(ids)s to take part.")
MSG_NO_INTERACTION = gettext_lazy("There is no interaction with id %(ids)s.")
MSG_NOTHING = gettext_lazy("Name the interactions or say how many to draw.")


class CalibrationSessionSerializer(serializers.ModelSerializer):
    rubric_name = serializers.CharField(source="rubric.name")
    rubric_version = serializers.IntegerField(source="rubric.version")
    expert = serializers.CharField(source="expert.username", allow_null=True, default=None)
    participants = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()

    class Meta:
        model = CalibrationSession
        fields = [
            "id", "title", "rubric", "rubric_name", "rubric_version", "month", "deadline", "benchmark", "expert",
            "status", "revision", "revealed_at", "closed_at", "participants", "items",
        ]  # fmt: skip

    def get_participants(self, session) -> list[str]:
        return sorted(p.username for p in session.participants.all())

    def get_items(self, session) -> list[dict]:
        return [
            {"id": item.pk, "interaction": item.interaction_id, "benchmark": item.benchmark_id}
            for item in session.items.order_by("position", "id")
        ]


class CalibrationCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    rubric = serializers.IntegerField(min_value=1)
    month = MonthInputField()
    deadline = serializers.DateField()
    benchmark = serializers.ChoiceField(choices=BenchmarkKind.choices)
    expert = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    participants = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=100)
    interactions = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=cal.MAX_ITEMS
    )
    draw = serializers.IntegerField(
        min_value=1, max_value=cal.MAX_ITEMS, required=False, allow_null=True, default=None,
        help_text="Instead of interactions: draw this many from the month's sample.",
    )  # fmt: skip

    def validate(self, attrs):
        if not attrs["interactions"] and not attrs["draw"]:
            raise serializers.ValidationError({"interactions": MSG_NOTHING})
        return attrs


class CalibrationScoreSerializer(ReviewContentInputSerializer):
    submit = serializers.BooleanField(
        default=False, help_text="Submit the blind score (else: save the draft)."
    )


class CalibrationRevisionSerializer(serializers.Serializer):
    revision = serializers.IntegerField()


class BenchmarkSerializer(serializers.Serializer):
    answers = serializers.DictField(child=serializers.CharField(max_length=12), allow_empty=False)


class DeviationSerializer(serializers.Serializer):
    points = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    flagged = serializers.BooleanField()


class ParticipantResultSerializer(serializers.Serializer):
    reviewer = serializers.CharField(source="review.reviewer.username")
    review = serializers.IntegerField(source="review.pk")
    submitted = serializers.BooleanField()
    is_benchmark = serializers.BooleanField()
    total_score = serializers.DecimalField(
        source="review.total", max_digits=5, decimal_places=2, allow_null=True
    )
    total = DeviationSerializer()
    sections = DeviationSerializer(many=True)


class CriterionRowSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(source="criterion_id")
    section = serializers.CharField()
    behaviour = serializers.CharField()
    answers = serializers.ListField(child=serializers.CharField(allow_blank=True))
    benchmark = serializers.CharField(allow_blank=True)
    split = serializers.BooleanField()


class ItemResultSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="item.pk")
    interaction = serializers.IntegerField(source="item.interaction_id")
    sections = serializers.ListField(child=serializers.CharField())
    participants = ParticipantResultSerializer(many=True)
    criteria = CriterionRowSerializer(many=True)


class StandingSerializer(serializers.Serializer):
    reviewer = serializers.CharField(source="reviewer.username")
    n = serializers.IntegerField()
    mean = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    flagged = serializers.IntegerField()
    reading = serializers.CharField(allow_blank=True)


class SplitSerializer(serializers.Serializer):
    criterion_id = serializers.IntegerField()
    behaviour = serializers.CharField()
    section = serializers.CharField()
    guidance = serializers.CharField(allow_blank=True)
    items = serializers.IntegerField()


class CalibrationResultsSerializer(serializers.Serializer):
    session = CalibrationSessionSerializer()
    visible = serializers.BooleanField(help_text="False while the caller may see only their own scores.")
    limit = serializers.DecimalField(max_digits=4, decimal_places=1)
    own = serializers.ListField(
        child=serializers.DictField(), help_text="The caller's own copies: review id, item, status."
    )
    items = ItemResultSerializer(many=True)
    standings = StandingSerializer(many=True)
    splits = SplitSerializer(many=True)


def _session_out(request, session) -> dict:
    return CalibrationSessionSerializer(calibration_get_for(user=request.user, pk=session.pk)).data


class CalibrationListApi(APIView):
    """Sessions the caller runs (QA managers: all) or takes part in; a QA manager creates one."""

    permission_classes = [HasCapability(Capability.CALIBRATION)]

    @extend_schema(responses=CalibrationSessionSerializer(many=True))
    def get(self, request):
        sessions = calibration_queryset_for(request.user).prefetch_related("participants", "items")[:200]
        return Response(CalibrationSessionSerializer(sessions, many=True).data)

    @extend_schema(request=CalibrationCreateSerializer, responses={201: CalibrationSessionSerializer})
    def post(self, request):
        if not HasCapability(Capability.REVIEW_MANAGE)().has_permission(request, self):
            raise PermissionDenied
        serializer = CalibrationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        rubric = Rubric.objects.filter(pk=data["rubric"]).first()
        people = {u.pk: u for u in User.objects.filter(pk__in=[*data["participants"], data["expert"] or 0])}
        missing = [pk for pk in data["participants"] if pk not in people]
        if missing:
            raise DomainError(MSG_NO_PERSON % {"ids": ", ".join(map(str, missing))})
        if data["interactions"]:
            found = {i.pk: i for i in Interaction.objects.filter(pk__in=data["interactions"])}
            unknown = [pk for pk in data["interactions"] if pk not in found]
            if unknown:
                raise DomainError(MSG_NO_INTERACTION % {"ids": ", ".join(map(str, unknown))})
            interactions = [found[pk] for pk in data["interactions"]]
        else:
            interactions = cal.calibration_draw(month=data["month"], rubric=rubric, count=data["draw"])
        session = cal.calibration_create(
            actor=request.user, title=data["title"], rubric=rubric, month=data["month"], deadline=data["deadline"],
            benchmark=data["benchmark"], expert=people.get(data["expert"]) if data["expert"] else None,
            participants=[people[pk] for pk in data["participants"]], interactions=interactions,
        )  # fmt: skip
        return Response(_session_out(request, session), status=status.HTTP_201_CREATED)


class CalibrationDetailApi(APIView):
    """The session; and, once the caller may see everyone's answers, the results: each interaction's
    answers side by side with the benchmark's, each participant's deviation (total and sections,
    flagged beyond the limit), the standings and the criteria the group split on."""

    permission_classes = [HasCapability(Capability.CALIBRATION)]

    @extend_schema(responses=CalibrationResultsSerializer)
    def get(self, request, pk: int):
        session = calibration_get_for(user=request.user, pk=pk)
        visible = cal.answers_visible(request.user, session)
        limit = trust_settings_get().deviation_limit
        tables = calibration_reveal_table(session, limit=limit) if visible else []
        own = [
            {"review": r.pk, "item": r.calibration_item_id, "status": r.status, "revision": r.revision}
            for r in cal.calibration_scores(session)
            .filter(reviewer=request.user)
            .order_by("calibration_item__position")
        ]
        return Response(
            CalibrationResultsSerializer({
                "session": session, "visible": visible, "limit": limit, "own": own, "items": tables,
                "standings": session_standings(tables, limit), "splits": split_criteria(tables),
            }).data
        )  # fmt: skip


class CalibrationScoreApi(APIView):
    """Save or submit the caller's own blind copy of one interaction of the session."""

    may_conflict = True
    permission_classes = [HasCapability(Capability.CALIBRATION)]

    @extend_schema(request=CalibrationScoreSerializer, responses=CalibrationRevisionSerializer)
    def post(self, request, pk: int, item_pk: int):
        session = calibration_get_for(user=request.user, pk=pk)
        copy = get_object_or_404(
            cal.calibration_scores(session), calibration_item_id=item_pk, reviewer=request.user
        )
        serializer = CalibrationScoreSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        service = review_submit if serializer.validated_data["submit"] else review_save
        copy = service(
            actor=request.user, review=copy, data=serializer.review_input(),
            expected_revision=serializer.validated_data["revision"],
        )  # fmt: skip
        return Response({"revision": copy.revision})


class _SessionStepApi(APIView):
    """Move a session on (reveal, close), at the revision the caller read."""

    may_conflict = True
    permission_classes = [HasCapability(Capability.REVIEW_MANAGE)]
    step = None

    @extend_schema(request=CalibrationRevisionSerializer, responses=CalibrationSessionSerializer)
    def post(self, request, pk: int):
        session = calibration_get_for(user=request.user, pk=pk)
        serializer = CalibrationRevisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = type(self).step(
            actor=request.user, session=session, expected_revision=serializer.validated_data["revision"]
        )
        return Response(_session_out(request, session))


class CalibrationRevealApi(_SessionStepApi):
    """Reveal everyone's answers to the participants who submitted."""

    step = staticmethod(cal.calibration_reveal)


class CalibrationCloseApi(_SessionStepApi):
    """Close the session once every interaction has its benchmark."""

    step = staticmethod(cal.calibration_close)


class CalibrationBenchmarkApi(APIView):
    """Record (or change) the benchmark of one interaction: the consensus agreed in the meeting."""

    permission_classes = [HasCapability(Capability.REVIEW_MANAGE)]

    @extend_schema(request=BenchmarkSerializer, responses=CalibrationSessionSerializer)
    def post(self, request, pk: int, item_pk: int):
        session = calibration_get_for(user=request.user, pk=pk)
        item = get_object_or_404(session.items.select_related("interaction"), pk=item_pk)
        serializer = BenchmarkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cal.calibration_benchmark(actor=request.user, item=item, answers=serializer.validated_data["answers"])
        return Response(_session_out(request, session))
