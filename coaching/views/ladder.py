"""The skill ladder: QA managers set each level's requirements; a lead confirms an agent's level."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import DomainError
from core.permissions import Capability, capability_required

from ..forms import CoachingSettingsForm, LevelConfirmForm, SkillLevelForm
from ..models import CoachingSettings, SkillLevel
from ..selectors import records as record_selectors
from ..services import ladder as services


def _forms(data=None, failed=None):
    forms = []
    for level in SkillLevel.objects.order_by("position"):
        if failed is not None and failed.instance.pk == level.pk:
            forms.append(failed)
            continue
        forms.append(
            SkillLevelForm(
                instance=level, prefix=level.level, initial={"kpis_text": services.kpis_text(level.kpis)}
            )
        )
    return forms


def _page(request, *, forms=None, settings_form=None, error=None, status=200):
    settings_form = settings_form or CoachingSettingsForm(instance=CoachingSettings.current())
    context = {"forms": forms or _forms(), "settings_form": settings_form, "error": error}
    return render(request, "coaching/ladder.html", context, status=status)


@require_GET
@capability_required(Capability.PROGRAMME_MANAGE)
def ladder(request):
    return _page(request)


@require_POST
@capability_required(Capability.PROGRAMME_MANAGE)
def coaching_settings_save(request):
    form = CoachingSettingsForm(request.POST, instance=CoachingSettings.current())
    if not form.is_valid():
        return _page(request, settings_form=form, status=400)
    services.coaching_settings_save(actor=request.user, **form.cleaned_data)
    messages.success(request, services.MSG_SETTINGS_SAVED)
    return redirect("coaching:ladder")


@require_POST
@capability_required(Capability.PROGRAMME_MANAGE)
def ladder_level_save(request, pk: int):
    level = get_object_or_404(SkillLevel, pk=pk)
    form = SkillLevelForm(request.POST, instance=level, prefix=level.level)
    error = None
    if form.is_valid():
        try:
            services.skill_level_save(actor=request.user, level=level, data=form.cleaned_data)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, services.MSG_LEVEL_SAVED)
            return redirect("coaching:ladder")
    level.refresh_from_db()
    return _page(request, forms=_forms(failed=form), error=error, status=400)


@require_POST
@capability_required(Capability.COACH)
def level_confirm(request, agent_pk: int):
    agent = record_selectors.agent_get_for(user=request.user, pk=agent_pk)
    form = LevelConfirmForm(request.POST)
    if form.is_valid():
        services.agent_level_confirm(actor=request.user, agent=agent, **form.cleaned_data)
        messages.success(request, services.MSG_LEVEL_CONFIRMED)
    else:
        messages.error(request, services.MSG_LEVEL_CHOOSE)
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("coaching:workspace")
