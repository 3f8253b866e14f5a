from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import ConflictError, DomainError
from core.filters import page_filters
from core.models import Channel
from core.permissions import Capability, capability_required, require, user_can
from core.selectors import audit_event_list

from . import services
from .forms import RubricCreateForm, RubricFilterForm, editor_rows, parse_rubric_post
from .models import AnswerType, DataField, RubricStatus, WhenEmpty
from .selectors import channel_rubric_table, rubric_data, rubric_get_for, rubric_list, rubric_versions
from .structure import CriterionData, RubricData, SectionData, publish_problems


@require_GET
@capability_required(Capability.RUBRIC_VIEW)
def rubric_list_view(request):
    status = page_filters(request, RubricFilterForm(request.GET)).get("status") or None
    rubrics = rubric_list(user=request.user, status=status)
    can_manage = user_can(request.user, Capability.RUBRIC_MANAGE)
    return render(
        request,
        "scoring/rubric_list.html",
        {
            "rubrics": rubrics,
            "status": status,
            "statuses": RubricStatus.choices,
            "can_manage": can_manage,
            "channel_rows": channel_rubric_table(),
        },
    )


@require_POST
@capability_required(Capability.RUBRIC_MANAGE)
def channel_rubric_view(request):
    """Save the rubric chosen for each channel (the table on the rubric list)."""
    published = {str(r.pk): r for r in rubric_list(user=request.user, status=RubricStatus.PUBLISHED)}
    choices = {
        channel: published.get(value) if value else None
        for channel in Channel.values
        if (value := request.POST.get(f"channel-{channel}")) is not None
    }
    try:
        services.channel_rubrics_set(actor=request.user, choices=choices)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("scoring:rubric_list")
    messages.success(request, _("Saved: new reviews use these rubrics."))
    return redirect("scoring:rubric_list")


@require_http_methods(["GET", "POST"])
@capability_required(Capability.RUBRIC_MANAGE)
def rubric_create_view(request):
    form = RubricCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["start_from"]:
                rubric = services.rubric_create_from_template(
                    actor=request.user, template_key=form.cleaned_data["start_from"]
                )
            else:
                rubric = services.rubric_create(
                    actor=request.user,
                    data=RubricData(
                        name=form.cleaned_data["name"],
                        description=form.cleaned_data["description"],
                        channels=form.cleaned_data["channels"],
                    ),
                )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Draft created. Add sections and criteria, then publish."))
            return redirect("scoring:rubric_edit", pk=rubric.pk)
    return render(request, "scoring/rubric_create.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
@login_required
def rubric_detail_view(request, pk: int):
    rubric = rubric_get_for(user=request.user, pk=pk)
    data = rubric_data(rubric)
    can_manage = user_can(request.user, Capability.RUBRIC_MANAGE)
    return render(
        request,
        "scoring/rubric_detail.html",
        {
            "rubric": rubric,
            "data": data,
            "versions": rubric_versions(user=request.user, rubric=rubric),
            "history": audit_event_list(group_key=rubric.audit_group) if can_manage else None,
            "can_manage": can_manage,
            "problems": publish_problems(data) if can_manage and rubric.is_draft else [],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def rubric_edit_view(request, pk: int):
    rubric = rubric_get_for(user=request.user, pk=pk)
    require(request.user, Capability.RUBRIC_MANAGE)
    if not rubric.is_draft:
        messages.error(request, services.MSG_NOT_DRAFT)
        return redirect("scoring:rubric_detail", pk=rubric.pk)

    problems = []
    conflict = None
    revision = rubric.revision
    if request.method == "POST":
        data, problems, revision = parse_rubric_post(request.POST)
        if not problems:
            try:
                rubric = services.rubric_save_draft(
                    actor=request.user, rubric=rubric, data=data, expected_revision=revision
                )
            except services.RubricInvalid as exc:
                problems = exc.problems
            except ConflictError as exc:
                # Keep the person's edits on screen with the revision they started from, so a
                # second click on Save is refused again instead of overwriting blindly.
                conflict = exc.message
            except DomainError as exc:
                messages.error(request, exc.message)
                return redirect("scoring:rubric_detail", pk=rubric.pk)
            else:
                if "publish" not in request.POST:
                    messages.success(request, _("Draft saved."))
                    return redirect("scoring:rubric_edit", pk=rubric.pk)
                try:
                    rubric = services.rubric_publish(
                        actor=request.user, rubric=rubric, expected_revision=rubric.revision
                    )
                except services.RubricInvalid as exc:
                    messages.warning(request, _("Draft saved, but it cannot be published yet."))
                    problems = exc.problems
                    rubric = rubric_get_for(user=request.user, pk=pk)
                    data, revision = rubric_data(rubric), rubric.revision
                else:
                    messages.success(
                        request, _("Version %(version)s is published.") % {"version": rubric.version}
                    )
                    return redirect("scoring:rubric_detail", pk=rubric.pk)
    else:
        data = rubric_data(rubric)
    status = 409 if conflict else 400 if problems else 200

    return render(
        request,
        "scoring/rubric_edit.html",
        {
            "rubric": rubric,
            "data": data,
            "rows": editor_rows(data, problems),
            "top_fields": {p.field for p in problems if p.section is None and p.field},
            "channel_choices": Channel.choices,
            "problems": problems,
            "publish_problems": [] if problems else publish_problems(data),
            "conflict": conflict,
            "revision": revision,
            "answer_types": AnswerType.choices,
            "data_fields": DataField.choices,
            "when_empty": WhenEmpty.choices,
            "blank_section": SectionData(name="", weight=None, target=None),
            "blank_criterion": CriterionData(behaviour="", answer_type=AnswerType.YES_NO),
        },
        status=status,
    )


def _rubric_action(request, pk: int, action):
    rubric = rubric_get_for(user=request.user, pk=pk)
    require(request.user, Capability.RUBRIC_MANAGE)
    try:
        result = action(rubric)
    except services.RubricInvalid as exc:
        messages.error(request, exc.message)
        for problem in exc.problems:
            messages.error(request, problem.message)
        return redirect("scoring:rubric_detail", pk=rubric.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("scoring:rubric_detail", pk=rubric.pk)
    return result


@require_POST
@login_required
def rubric_publish_view(request, pk: int):
    def publish(rubric):
        # The revision the manager was looking at: publishing what they have not seen is refused.
        try:
            revision = int(request.POST.get("revision", ""))
        except ValueError:
            revision = None
        rubric = services.rubric_publish(actor=request.user, rubric=rubric, expected_revision=revision)
        messages.success(request, _("Version %(version)s is published.") % {"version": rubric.version})
        return redirect("scoring:rubric_detail", pk=rubric.pk)

    return _rubric_action(request, pk, publish)


@require_POST
@login_required
def rubric_retire_view(request, pk: int):
    def retire(rubric):
        services.rubric_retire(actor=request.user, rubric=rubric)
        messages.success(request, _("Version %(version)s is retired.") % {"version": rubric.version})
        return redirect("scoring:rubric_detail", pk=rubric.pk)

    return _rubric_action(request, pk, retire)


@require_POST
@login_required
def rubric_new_version_view(request, pk: int):
    def new_version(rubric):
        draft = services.rubric_new_version(actor=request.user, rubric=rubric)
        messages.success(request, _("Version %(version)s created as a draft.") % {"version": draft.version})
        return redirect("scoring:rubric_edit", pk=draft.pk)

    return _rubric_action(request, pk, new_version)


@require_POST
@login_required
def rubric_discard_view(request, pk: int):
    def discard(rubric):
        services.rubric_discard_draft(actor=request.user, rubric=rubric)
        messages.success(request, _("The draft was discarded."))
        return redirect("scoring:rubric_list")

    return _rubric_action(request, pk, discard)
