from pathlib import Path

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.exceptions import DomainError
from core.jobs import progress_get
from core.permissions import Capability, capability_required

from .. import services
from ..forms import ImportEncodingForm, ImportMappingForm, ImportUploadForm
from ..imports.fields import FIELDS_BY_NAME
from ..imports.files import TEXT_SUFFIXES
from ..models import ImportJob, ImportStatus
from ..services.imports import EDITABLE


@require_http_methods(["GET", "POST"])
@capability_required(Capability.INTERACTION_IMPORT)
def import_list(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            saved = form.cleaned_data["mapping_name"]
            try:
                job = services.import_job_create(
                    actor=request.user,
                    upload=form.cleaned_data["file"],
                    mapping_name=saved.name if saved else "",
                )
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                return redirect("reviews:import_detail", pk=job.pk)
        status = 400
    jobs = ImportJob.objects.select_related("created_by")[:20]
    return render(request, "reviews/import_list.html", {"form": form, "jobs": jobs}, status=status)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.INTERACTION_IMPORT)
def import_detail(request, pk: int):
    job = get_object_or_404(ImportJob, pk=pk)
    post = request.POST if request.method == "POST" else None
    form = ImportMappingForm(
        post if post and "check" in post else None,
        headers=job.headers,
        unknown_agents=list(job.unknown_agents or {}),
        initial=ImportMappingForm.initial_for(job),
    )
    encoding_form = ImportEncodingForm(
        post if post and "reread" in post else None,
        initial={"encoding": (job.options or {}).get("encoding", "")},
    )
    status = 200
    problems: list[str] = []
    if post is not None:
        try:
            if "import" in post:
                services.import_job_confirm(
                    actor=request.user, job=job, confirm_updates=bool(post.get("confirm_updates"))
                )
                return redirect("reviews:import_detail", pk=job.pk)
            if "cancel" in post:
                services.import_job_cancel(actor=request.user, job=job)
                return redirect("reviews:import_list")
            if "restart" in post:
                services.import_job_restart(actor=request.user, job=job)
                return redirect("reviews:import_detail", pk=job.pk)
            if "reread" in post:
                if encoding_form.is_valid():
                    services.import_job_reread(
                        actor=request.user, job=job, encoding=encoding_form.cleaned_data["encoding"]
                    )
                    return redirect("reviews:import_detail", pk=job.pk)
            elif form.is_valid():
                services.import_job_check_start(
                    actor=request.user,
                    job=job,
                    mapping=form.mapping(),
                    options=form.options(),
                    save_as=form.cleaned_data["save_as"],
                )
                return redirect("reviews:import_detail", pk=job.pk)
        except DomainError as exc:
            problems = [str(p) for p in exc.errors or [exc.message]]
        status = 400
    return render(
        request,
        "reviews/import_detail.html",
        {
            "job": job,
            "form": form,
            "encoding_form": encoding_form,
            "is_text": Path(job.original_name).suffix.lower() in TEXT_SUFFIXES,
            "progress": _progress(job),
            "problems": problems,
            "stuck": services.import_job_is_stuck(job),
            "required": [FIELDS_BY_NAME[n].label for n in ("agent", "started_at", "channel")],
            "editable": job.status in EDITABLE and bool(job.headers),
            "cancellable": job.status in (*EDITABLE, ImportStatus.READING),
        },
        status=status,
    )


def _progress(job: ImportJob) -> dict:
    live = progress_get("import", job.pk) if job.is_running else None
    done = live["done"] if live else job.processed_rows
    total = live["total"] if live else job.total_rows
    phase = (live or {}).get("phase") or {
        ImportStatus.READING: "reading",
        ImportStatus.CHECKING: "checking",
    }.get(job.status, "writing")
    percent = min(100, round(100 * done / total)) if total else 0
    return {"done": done, "total": total, "percent": percent, "phase": phase}


@require_GET
@capability_required(Capability.INTERACTION_IMPORT)
def import_progress(request, pk: int):
    """The progress bar fragment; once the job has finished, the page reloads itself."""
    job = get_object_or_404(ImportJob, pk=pk)
    if not job.is_running:
        response = HttpResponse(_("Finished."))
        response["HX-Refresh"] = "true"
        return response
    return render(
        request,
        "reviews/partials/import_progress.html",
        {"job": job, "progress": _progress(job), "stuck": services.import_job_is_stuck(job)},
    )
