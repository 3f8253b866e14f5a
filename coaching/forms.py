from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Team, User

from .models import RecordLevel
from .selectors.records import SORTS
from .services.records import Flag

FLAG_LABELS = {
    Flag.CRITICAL: _("Critical failure"),
    Flag.FALLING: _("Falling"),
    Flag.BELOW_TARGET: _("Below target"),
    Flag.NEAR_TARGET: _("At ≥ 90% of target"),
    Flag.SHORT_SAMPLE: _("Short sample"),
    Flag.NINETY_MISSED: _("90/90 missed"),
}


class MonthForm(forms.Form):
    month = forms.DateField(label=_("Month"), input_formats=["%Y-%m"], required=False)


class TeamDashboardForm(MonthForm):
    sort = forms.ChoiceField(label=_("Sort by"), choices=[(s, s) for s in SORTS], required=False)
    desc = forms.BooleanField(label=_("Descending"), required=False)
    flag = forms.ChoiceField(
        label=_("Only agents flagged"),
        choices=[("", _("All agents")), *[(k, v) for k, v in FLAG_LABELS.items() if k != Flag.NINETY_MISSED]],
        required=False,
    )


class ReportForm(forms.Form):
    month = forms.DateField(label=_("Month"), input_formats=["%Y-%m", "%Y-%m-%d"])
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)


class KpiSchemeForm(forms.ModelForm):
    class Meta:
        from .models import KpiScheme

        model = KpiScheme
        fields = ["name", "channel", "team"]
        help_texts = {
            "channel": _("Agents whose main channel this is use the scheme (unless their team has one)."),
            "team": _("Every agent of this team uses the scheme, whatever their channel."),
        }


class KpiWeightForm(forms.ModelForm):
    class Meta:
        from .models import KpiWeight

        model = KpiWeight
        fields = ["kpi", "section_name", "weight", "target", "direction", "cap"]


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
    month = forms.DateField(label=_("Month"), input_formats=["%Y-%m"], required=False)
    level = forms.ChoiceField(label=_("Level"), choices=[("", ""), *RecordLevel.choices], required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)
    agent = forms.ModelChoiceField(label=_("Agent"), queryset=User.objects.all(), required=False)
