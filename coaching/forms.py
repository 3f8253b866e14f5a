from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Team

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
