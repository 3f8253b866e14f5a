from django import forms
from django.utils.translation import gettext_lazy as _

from core.cache import cached_choices
from core.fields import MonthField
from core.models import Channel, Role, Team, User
from core.permissions import Capability, Scope, scope_of, users_with
from core.widgets import QuickSelect
from scoring.models import Rubric, RubricStatus

from .imports.fields import FIELDS
from .imports.files import ENCODINGS
from .imports.pipeline import AgentDirectory
from .models import BenchmarkKind, ColumnMapping, TrustSettings
from .selectors import review_queryset_for


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx, .xls, .ods or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xlsm,.xls,.ods,.csv,.txt,.tsv"}),
    )
    mapping_name = forms.ModelChoiceField(
        label=_("Saved column mapping"),
        queryset=ColumnMapping.objects.all(),
        required=False,
        empty_label=_("Match the columns automatically"),
        to_field_name="name",
    )


class ImportMappingForm(forms.Form):
    """One select per importable field, listing the file's headers; plus the import options."""

    source = forms.CharField(
        label=_("Source system"),
        initial="default",
        max_length=50,
        help_text=_("Ids are unique per source: use one name per exporting system."),
    )
    default_channel = forms.ChoiceField(
        label=_("Channel when the file has no channel column"),
        choices=[("", _("— the file has a channel column —")), *Channel.choices],
        required=False,
    )
    date_order = forms.ChoiceField(
        label=_("Dates written with slashes are"),
        choices=[
            ("DMY", _("day/month/year (03/11/2026 = 3 November)")),
            ("MDY", _("month/day/year (11/03/2026 = 3 November)")),
        ],
    )
    create_agents_team = forms.ModelChoiceField(
        label=_("Create unknown agents in team"),
        queryset=Team.objects.all(),
        required=False,
        empty_label=_("— no: list unknown agents as errors —"),
    )
    save_as = forms.CharField(label=_("Save this mapping as"), max_length=100, required=False)

    def __init__(self, *args, headers: list[str], unknown_agents: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in this file —"))] + [(h, h) for h in headers if h]
        for spec in FIELDS:
            self.fields[f"map_{spec.name}"] = forms.ChoiceField(
                label=spec.label, choices=choices, required=False
            )
            self.fields[f"map_{spec.name}"].required_field = spec.required
        # One choice per agent name the file has and nobody is called: an existing agent, or a
        # new one in a team.
        self.unknown_agents = list(unknown_agents)
        if self.unknown_agents:
            teams = [
                (f"team:{t.pk}", _("New agent in %(team)s") % {"team": t.name}) for t in Team.objects.all()
            ]
            agents = [
                (f"user:{u.pk}", f"{u} ({u.username})")
                for u in User.objects.filter(role=Role.AGENT, is_active=True).order_by(
                    "first_name", "last_name"
                )
            ]
            agent_choices = [
                ("", _("— leave as an error —")),
                (_("Create"), teams),
                (_("Same person as"), agents),
            ]
            for index, name in enumerate(self.unknown_agents):
                self.fields[f"agent_{index}"] = forms.ChoiceField(
                    label=name, choices=agent_choices, required=False
                )

    def agent_fields(self):
        return [self[f"agent_{i}"] for i in range(len(self.unknown_agents))]

    def agents(self) -> dict[str, dict]:
        """{name key: {"user": id} | {"team": id}} for the names given a choice."""
        chosen = {}
        for index, name in enumerate(self.unknown_agents):
            value = self.cleaned_data.get(f"agent_{index}") or ""
            kind, _sep, pk = value.partition(":")
            if kind in ("user", "team") and pk.isdigit():
                chosen[AgentDirectory.key(name)] = {kind: int(pk)}
        return chosen

    def mapping_fields(self):
        return [self[f"map_{spec.name}"] for spec in FIELDS]

    def mapping(self) -> dict[str, str]:
        return {
            spec.name: self.cleaned_data[f"map_{spec.name}"]
            for spec in FIELDS
            if self.cleaned_data.get(f"map_{spec.name}")
        }

    def options(self) -> dict:
        team = self.cleaned_data.get("create_agents_team")
        return {
            "source": self.cleaned_data["source"].strip() or "default",
            "default_channel": self.cleaned_data.get("default_channel") or "",
            "date_order": self.cleaned_data["date_order"],
            "create_agents_team_id": team.pk if team else None,
            "agents": self.agents(),
        }

    @staticmethod
    def initial_for(job) -> dict:
        initial = {f"map_{name}": header for name, header in job.mapping.items()}
        options = job.options or {}
        chosen = options.get("agents") or {}
        for index, name in enumerate(job.unknown_agents or {}):
            choice = chosen.get(AgentDirectory.key(name)) or {}
            if choice:
                kind = "user" if choice.get("user") else "team"
                initial[f"agent_{index}"] = f"{kind}:{choice[kind]}"
        initial.update(
            source=options.get("source") or "default",
            default_channel=options.get("default_channel") or "",
            date_order=options.get("date_order") or "DMY",
            create_agents_team=options.get("create_agents_team_id"),
        )
        return initial


class SamplingPolicyForm(forms.ModelForm):
    time_band_starts = forms.CharField(
        label=_("Times of day start at (hours, comma-separated)"),
        help_text=_("0, 6, 12, 18 = night, morning, afternoon, evening."),
    )

    class Meta:
        from .models import SamplingPolicy

        model = SamplingPolicy
        fields = [
            "min_per_agent", "max_per_agent", "min_handle_seconds",
            "stratify_channel", "stratify_time_band", "stratify_week", "time_band_starts",
            "risk_share", "risk_csat_max", "risk_nps_max", "risk_long_handle_factor",
            "risk_auto_checks", "quota_follows_performance", "new_agent_days", "seed",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and not self.is_bound:
            self.initial["time_band_starts"] = ", ".join(str(h) for h in self.instance.bands())

    def clean_time_band_starts(self):
        raw = self.cleaned_data["time_band_starts"]
        try:
            hours = sorted({int(part) for part in raw.replace(";", ",").split(",") if part.strip()})
        except ValueError:
            raise forms.ValidationError(_("Give whole hours from 0 to 23, separated by commas.")) from None
        if not hours or hours[0] != 0 or hours[-1] > 23:
            raise forms.ValidationError(_("The first band must start at 0 and every start must be 0-23."))
        if len(hours) > 9:
            raise forms.ValidationError(_("At most 9 times of day."))
        return hours

    def clean(self):
        data = super().clean()
        low, high = data.get("min_per_agent"), data.get("max_per_agent")
        if low is not None and high is not None and low > high:
            self.add_error(
                "max_per_agent", _("The maximum must be at least the minimum (%(n)s).") % {"n": low}
            )
        if data.get("risk_share") is not None and data["risk_share"] > 100:
            self.add_error("risk_share", _("A share is at most 100%."))
        return data


class ImportEncodingForm(forms.Form):
    encoding = forms.ChoiceField(label=_("The file's encoding"), choices=ENCODINGS, required=False)


class DrawForm(forms.Form):
    month = MonthField(widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))


class SkipForm(forms.Form):
    reason = forms.CharField(label=_("Why skip it?"), max_length=300)


# -- list filters (query strings) -------------------------------------------------------------------


def _optional_choices(choices) -> list:
    return [("", _("All")), *choices]


class QueueFilterForm(forms.Form):
    month = MonthField(required=False)
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label=_("All"),
        widget=QuickSelect,
    )
    agent = forms.ModelChoiceField(
        label=_("Agent"),
        queryset=User.objects.filter(role=Role.AGENT),
        required=False,
        empty_label=_("All"),
        widget=QuickSelect,
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=_optional_choices(Channel.choices), required=False, widget=QuickSelect
    )
    status = forms.ChoiceField(label=_("Status"), choices=(), required=False, widget=QuickSelect)
    kind = forms.ChoiceField(label=_("Why drawn"), choices=(), required=False, widget=QuickSelect)

    def __init__(self, *args, **kwargs):
        from .models import AssignmentStatus, ReasonKind

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = _optional_choices(AssignmentStatus.choices)
        self.fields["kind"].choices = _optional_choices(ReasonKind.choices)

        self.fields["team"].widget.choices = cached_choices(
            "queue-team", key=(), choices=self.fields["team"].choices
        )

    def offer_agents(self, agents: list[dict]) -> None:
        """The agent select lists the agents of this reviewer's month, not every agent."""
        self.fields["agent"].widget.choices = [("", _("All")), *((a["id"], a["name"]) for a in agents)]


class MonthFilterForm(forms.Form):
    month = MonthField(required=False)


REVIEW_SORTS = [
    ("", _("Unread first, then newest")),
    ("date", _("Release date")),
    ("score", _("Score")),
    ("agent", _("Agent")),
    ("reviewer", _("Reviewer")),
]


class ReviewFilterForm(forms.Form):
    """The reviews list's filters and order (the page and the API take the same)."""

    status = forms.ChoiceField(label=_("Status"), choices=(), required=False, widget=QuickSelect)
    agent = forms.ModelChoiceField(
        label=_("Agent"),
        queryset=User.objects.filter(role=Role.AGENT).order_by("first_name", "last_name", "username"),
        required=False,
        empty_label=_("All"),
        widget=QuickSelect,
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label=_("All"),
        widget=QuickSelect,
    )
    reviewer = forms.ModelChoiceField(
        label=_("Reviewer"),
        queryset=users_with(Capability.REVIEW_SCORE, active=False).order_by("first_name", "username"),
        required=False,
        empty_label=_("All"),
        widget=QuickSelect,
    )
    month = MonthField(required=False)
    score_min = forms.DecimalField(
        label=_("Score from"), min_value=0, max_value=100, decimal_places=2, required=False
    )
    score_max = forms.DecimalField(
        label=_("Score to"), min_value=0, max_value=100, decimal_places=2, required=False
    )
    sort = forms.ChoiceField(label=_("Order"), choices=REVIEW_SORTS, required=False, widget=QuickSelect)
    desc = forms.BooleanField(label=_("Descending"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        from .models import ReviewStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = _optional_choices(ReviewStatus.choices)
        scope = "all"
        if user is not None and scope_of(user) == Scope.TEAMS:  # a lead picks among their own teams
            scope = user.pk
            self.fields["agent"].queryset = self.fields["agent"].queryset.filter(team__lead=user)
            self.fields["team"].queryset = self.fields["team"].queryset.filter(lead=user)
        elif user is not None and scope_of(user) == Scope.ASSIGNED:
            # A reviewer sees the reviews they wrote: they pick among those agents and their teams,
            # and the reviewer filter (themself) is not offered. A new review changes the lists, so
            # they are read each time (one indexed query each), not kept.
            agents = review_queryset_for(user).values("agent_id")
            self.fields["agent"].queryset = self.fields["agent"].queryset.filter(pk__in=agents)
            self.fields["team"].queryset = self.fields["team"].queryset.filter(
                pk__in=User.objects.filter(pk__in=agents).values("team_id")
            )
            del self.fields["reviewer"]
            for name in ("agent", "team"):
                self.fields[name].widget.choices = self.fields[name].choices
            return
        for name in ("agent", "team", "reviewer"):
            field = self.fields[name]
            field.widget.choices = cached_choices(f"reviews-{name}", key=(scope,), choices=field.choices)

    def clean(self):
        data = super().clean()
        low, high = data.get("score_min"), data.get("score_max")
        if low is not None and high is not None and low > high:
            self.add_error("score_max", _("“Score to” is below “Score from”."))
        return data


class InteractionApiFilterForm(forms.Form):
    agent = forms.CharField(label=_("Agent's username"), max_length=150, required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), choices=_optional_choices(Channel.choices), required=False
    )
    month = MonthField(required=False)
    source = forms.CharField(label=_("Source system"), max_length=50, required=False)


# -- calibration and trust settings ---------------------------------------------------------------


class CalibrationCreateForm(forms.Form):
    """A new calibration session: the interactions named one per line, or drawn from the month's
    sample; the participants chosen among reviewers, leads and QA managers."""

    title = forms.CharField(label=_("Title"), max_length=200)
    rubric = forms.ModelChoiceField(label=_("Rubric version"), queryset=None)
    month = MonthField(
        label=_("Month it counts in"), widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    )
    deadline = forms.DateField(label=_("Score by"), widget=forms.DateInput(attrs={"type": "date"}))
    benchmark = forms.ChoiceField(label=_("Benchmark"), widget=forms.RadioSelect, choices=())
    expert = forms.ModelChoiceField(
        label=_("Expert (their answers are the benchmark)"), queryset=None, required=False
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    interactions = forms.CharField(
        label=_("Interactions, one source id per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Write source:id where the same id exists in several sources."),
    )
    draw = forms.IntegerField(
        label=_("…or draw this many from the month's sample"), required=False, min_value=1, max_value=20
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        published = Rubric.objects.filter(status=RubricStatus.PUBLISHED).order_by("name")
        self.fields["rubric"].queryset = published
        only = list(published[:2])
        if len(only) == 1:  # one rubric in force: nothing to choose
            self.fields["rubric"].initial = only[0].pk
        self.fields["benchmark"].choices = BenchmarkKind.choices
        people = User.objects.filter(
            is_active=True, role__in=[Role.REVIEWER, Role.LEAD, Role.MANAGER]
        ).order_by("first_name", "username")
        self.fields["expert"].queryset = people
        self.fields["participants"].queryset = people

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("interactions") or "").strip() and not cleaned.get("draw"):
            self.add_error("interactions", _("Name the interactions or say how many to draw."))
        return cleaned


class TrustSettingsForm(forms.ModelForm):
    class Meta:
        model = TrustSettings
        fields = [
            "second_share", "deviation_limit", "dispute_window_days", "dispute_decide_days", "dispute_same_reviewer",
        ]  # fmt: skip
