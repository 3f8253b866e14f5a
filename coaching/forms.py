from django import forms
from django.utils.translation import gettext_lazy as _

from core.fields import MonthField
from core.models import Team, User

from .models import Cadence, CoachingSettings, ItemOwner, ItemStatus, Level, RecordLevel, SkillLevel
from .selectors.records import SORTS
from .services.records import Flag

FLAG_LABELS = {
    Flag.CRITICAL: _("Critical failure"),
    Flag.FALLING: _("Falling"),
    Flag.BELOW_TARGET: _("Below target"),
    # xgettext:no-python-format
    Flag.NEAR_TARGET: _("At ≥ 90% of target"),
    Flag.SHORT_SAMPLE: _("Short sample"),
    Flag.NINETY_MISSED: _("90/90 missed"),
}


class MonthForm(forms.Form):
    month = MonthField(required=False)


class TeamDashboardForm(MonthForm):
    sort = forms.ChoiceField(label=_("Sort by"), choices=[(s, s) for s in SORTS], required=False)
    desc = forms.BooleanField(label=_("Descending"), required=False)
    flag = forms.ChoiceField(
        label=_("Only agents flagged"),
        choices=[("", _("All agents")), *[(k, v) for k, v in FLAG_LABELS.items() if k != Flag.NINETY_MISSED]],
        required=False,
    )


class ReportForm(forms.Form):
    month = MonthField(day=True)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)


class KpiSchemeForm(forms.ModelForm):
    class Meta:
        from .models import KpiScheme

        model = KpiScheme
        fields = ["name", "channel", "team", "min_n", "qa_min_n", "min_weight"]
        help_texts = {
            "min_n": _("Fewer interactions or survey answers than this: the KPI is shown, not counted."),
            "min_weight": _("Below this share of the weight with data, the composite is “—”."),
            "channel": _("Agents whose main channel this is use the scheme (unless their team has one)."),
            "team": _("Every agent of this team uses the scheme, whatever their channel."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("min_n", "qa_min_n", "min_weight"):  # left empty: the default
            self.fields[name].required = False

    def clean(self):
        data = super().clean()
        model = self._meta.model
        for name in ("min_n", "qa_min_n", "min_weight"):
            if data.get(name) in (None, ""):
                data[name] = model._meta.get_field(name).default
        return data


class KpiWeightForm(forms.ModelForm):
    class Meta:
        from .models import KpiWeight

        model = KpiWeight
        fields = ["kpi", "section_name", "weight", "target", "direction", "cap"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # a row of a table: each input named by its column
            field.widget.attrs.setdefault("aria-label", str(field.label))


def kpi_weight_formset(*args, **kwargs):
    from .models import KpiScheme, KpiWeight

    factory = forms.inlineformset_factory(
        KpiScheme, KpiWeight, form=KpiWeightForm, extra=2, can_delete=True, max_num=20, validate_max=True
    )
    return factory(*args, **kwargs)


class ServiceLevelForm(forms.Form):
    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        from core.models import Channel

        for value, label in Channel.choices:
            self.fields[value] = forms.IntegerField(
                label=_("%(channel)s: answered within (seconds)") % {"channel": label},
                min_value=1,
                max_value=7 * 86400,
                initial=current.get(value),
            )


class RecordFilterForm(forms.Form):
    month = MonthField(required=False)
    level = forms.ChoiceField(label=_("Level"), choices=[("", ""), *RecordLevel.choices], required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)
    agent = forms.ModelChoiceField(label=_("Agent"), queryset=User.objects.all(), required=False)


def _targets(plan: dict) -> list[tuple[str, str]]:
    """The targets a note or item may name: the plan's problem criteria (identity|label)."""
    problems = next((p for p in plan.get("parts", []) if p.get("key") == "problems"), {})
    return [("", _("Nothing in particular"))] + [
        (f"{i['target_kind']}|{i['target_identity']}|{i['target_label']}", i["target_label"])
        for i in problems.get("items", [])
        if i.get("target_identity")
    ]


class TargetedForm(forms.Form):
    target = forms.ChoiceField(label=_("About"), required=False)
    shared = forms.BooleanField(label=_("Shared with the agent"), required=False, initial=True)

    def __init__(self, *args, plan: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = _targets(plan)

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        kind, _sep, rest = (data.pop("target") or "").partition("|")
        identity, _sep, label = rest.partition("|")
        return data | {"target_kind": kind, "target_identity": identity, "target_label": label}


class GrowNoteForm(TargetedForm):
    prefix = "note"  # the planner shows this form and the item's: their fields' ids differ
    goal = forms.CharField(label=_("Goal"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    reality = forms.CharField(label=_("Reality"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    options = forms.CharField(label=_("Options"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    way_forward = forms.CharField(
        label=_("Way forward"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ActionItemForm(TargetedForm):
    prefix = "item"
    text = forms.CharField(label=_("What"), max_length=300)
    owner = forms.ChoiceField(label=_("Whose"), choices=ItemOwner.choices)
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))


class AgendaForm(forms.Form):
    """The lead's own points for each part of the agenda, and each part's minutes."""

    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, plan: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        for part in plan.get("parts", []):
            key = part["key"]
            own = "\n".join(i["text"] for i in part["items"] if i.get("kind") == "own")
            self.fields[f"{key}_minutes"] = forms.IntegerField(
                label=_("Minutes"), min_value=0, max_value=120, initial=part["minutes"]
            )
            self.fields[f"{key}_points"] = forms.CharField(
                label=_("Your own points, one a line"), required=False, initial=own,
                widget=forms.Textarea(attrs={"rows": 2}),
            )  # fmt: skip

    def new_plan(self, stored: dict) -> dict:
        """The stored agenda with this form's minutes and own points: the evidence, including
        copies of items this person may not see, is kept as stored."""
        parts = []
        for part in stored["parts"]:
            key = part["key"]
            evidence = [i for i in part["items"] if i.get("kind") != "own"]
            own = [
                {"kind": "own", "text": line.strip()[:300]}
                for line in self.cleaned_data[f"{key}_points"].splitlines()
                if line.strip()
            ]
            parts.append(part | {"minutes": self.cleaned_data[f"{key}_minutes"], "items": evidence + own})
        return stored | {"parts": parts}


class SkillLevelForm(forms.ModelForm):
    kpis_text = forms.CharField(
        label=_("KPI thresholds"),
        required=False,
        help_text=_("For example: fcr >= 70, csat >= 90, aht <= 420"),
    )

    class Meta:
        model = SkillLevel
        fields = ["qa_mean_min", "months", "no_critical_months", "tenure_months"]


class LevelConfirmForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CadenceForm(forms.ModelForm):
    class Meta:
        model = Cadence
        fields = ["every_days", "minutes"]


class CoachingSettingsForm(forms.ModelForm):
    class Meta:
        model = CoachingSettings
        fields = ["low_score", "loop_window"]


class SessionFilterForm(forms.Form):
    """?agent of the API's session list."""

    agent = forms.IntegerField(label=_("Agent"), min_value=1, max_value=2**31 - 1, required=False)


class ItemFilterForm(forms.Form):
    """?status of the API's action item list (empty: every status)."""

    status = forms.ChoiceField(label=_("Status"), choices=[("", ""), *ItemStatus.choices], required=False)
