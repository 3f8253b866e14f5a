from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Channel, Team

from .imports.fields import FIELDS
from .models import ColumnMapping


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"))
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

    def __init__(self, *args, headers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in this file —"))] + [(h, h) for h in headers if h]
        for spec in FIELDS:
            self.fields[f"map_{spec.name}"] = forms.ChoiceField(
                label=spec.label, choices=choices, required=False
            )
            self.fields[f"map_{spec.name}"].required_field = spec.required

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
        }

    @staticmethod
    def initial_for(job) -> dict:
        initial = {f"map_{name}": header for name, header in job.mapping.items()}
        options = job.options or {}
        initial.update(
            source=options.get("source") or "default",
            default_channel=options.get("default_channel") or "",
            date_order=options.get("date_order") or "DMY",
            create_agents_team=options.get("create_agents_team_id"),
        )
        return initial
