"""State changes for interactions and their imports. HTML, API, commands and tasks call these."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import DomainError
from core.jobs import enqueue, progress_clear, progress_set
from core.models import Channel, Team, User
from core.services import audit_record

from ..imports import fields as import_fields
from ..imports.files import ImportFileError, open_sheet
from ..imports.pipeline import Checked, ImportOptions, Summary, check_items, check_sheet, classify, write
from ..models import ColumnMapping, ImportJob, ImportStatus

MSG_MISSING_FIELDS = gettext_lazy("Choose a column for: %(fields)s.")
MSG_UNKNOWN_HEADER = gettext_lazy("The file has no column “%(header)s” (chosen for %(field)s).")
MSG_NOT_CHECKED = gettext_lazy("Only a checked import without errors can be imported.")
MSG_ALREADY_RUNNING = gettext_lazy("This import is already running.")
MSG_IMPORT_INVALID = gettext_lazy("Nothing was imported: %(count)s problems were found.")


class ImportInvalid(DomainError):
    def __init__(self, checked: Checked):
        self.checked = checked
        super().__init__(
            MSG_IMPORT_INVALID % {"count": checked.error_count},
            errors=[e.as_dict() for e in checked.errors],
        )


def _options(job: ImportJob) -> ImportOptions:
    o = job.options or {}
    return ImportOptions(
        mapping=job.mapping,
        source=o.get("source") or "default",
        default_channel=o.get("default_channel") or "",
        date_order=o.get("date_order") or "DMY",
        create_agents_team_id=o.get("create_agents_team_id"),
    )


def import_job_create(*, actor, upload: UploadedFile, mapping_name: str = "") -> ImportJob:
    """Store an uploaded file and read its header; columns are matched to fields at once."""
    job = ImportJob(created_by=actor, original_name=Path(upload.name).name[:255])
    job.file.save(Path(upload.name).name, upload, save=False)
    try:
        sheet = open_sheet(Path(job.file.path), job.original_name)
        sheet.close()
    except ImportFileError as exc:
        job.file.delete(save=False)
        raise DomainError(exc.message) from None
    job.headers = sheet.headers
    job.total_rows = sheet.estimated_rows
    saved = ColumnMapping.objects.filter(name=mapping_name).first() if mapping_name else None
    if saved:
        job.mapping = {f: h for f, h in saved.mapping.items() if h in sheet.headers}
        job.options = dict(saved.options)
    else:
        job.mapping = import_fields.match_headers(sheet.headers)
        job.options = {"date_order": "DMY"}
    job.save()
    audit_record(
        actor=actor,
        action="import.uploaded",
        target=job,
        summary=_("Uploaded “%(name)s”.") % {"name": job.original_name},
    )
    return job


def _validate_mapping(job: ImportJob, mapping: dict[str, str], options: dict) -> None:
    problems = []
    for field_name, header in mapping.items():
        if header and header not in job.headers:
            problems.append(
                MSG_UNKNOWN_HEADER
                % {"header": header, "field": import_fields.FIELDS_BY_NAME[field_name].label}
            )
    missing = ImportOptions(
        mapping=mapping, default_channel=options.get("default_channel", "")
    ).missing_required()
    if missing:
        labels = ", ".join(str(import_fields.FIELDS_BY_NAME[m].label) for m in missing)
        problems.insert(0, MSG_MISSING_FIELDS % {"fields": labels})
    if options.get("default_channel") and options["default_channel"] not in Channel.values:
        problems.append(_("“%(value)s” is not a channel.") % {"value": options["default_channel"]})
    team_id = options.get("create_agents_team_id")
    if team_id and not Team.objects.filter(pk=team_id).exists():
        problems.append(_("The team chosen for new agents does not exist."))
    if problems:
        raise DomainError(problems[0], errors=problems)


@transaction.atomic
def import_job_check_start(
    *, actor, job: ImportJob, mapping: dict[str, str], options: dict, save_as: str = ""
) -> ImportJob:
    """Fix the column mapping and start the dry run (every row checked, nothing written)."""
    mapping = {f: h for f, h in mapping.items() if h and f in import_fields.FIELDS_BY_NAME}
    _validate_mapping(job, mapping, options)
    claimed = ImportJob.objects.filter(
        pk=job.pk,
        status__in=[ImportStatus.UPLOADED, ImportStatus.CHECKED, ImportStatus.INVALID, ImportStatus.FAILED],
    ).update(
        status=ImportStatus.CHECKING,
        mapping=mapping,
        options=options,
        processed_rows=0,
        claimed_at=None,
        updated_at=timezone.now(),
    )
    if not claimed:
        raise DomainError(MSG_ALREADY_RUNNING)
    if save_as:
        ColumnMapping.objects.update_or_create(
            name=save_as.strip()[:100],
            defaults={
                "mapping": mapping,
                "options": {k: v for k, v in options.items() if k != "create_agents_team_id"},
                "created_by": actor,
            },
        )
    from ..tasks import import_check

    enqueue(import_check, job.pk)
    job.refresh_from_db()
    return job


def _claim(job_id: int, status: str) -> ImportJob | None:
    """Take the job for this worker; None if another delivery of the task already has it."""
    if not ImportJob.objects.filter(pk=job_id, status=status, claimed_at__isnull=True).update(
        claimed_at=timezone.now()
    ):
        return None
    return ImportJob.objects.get(pk=job_id)


def _check_file(job: ImportJob) -> Checked:
    def progress(done: int, total: int) -> None:
        progress_set("import", job.pk, done=done, total=max(total, done), phase="checking")

    sheet = open_sheet(Path(job.file.path), job.original_name)
    try:
        return check_sheet(sheet, _options(job), total=sheet.estimated_rows, progress=progress)
    finally:
        sheet.close()


def import_job_check(job_id: int) -> ImportJob | None:
    """The dry run: check every row, count what would be created, updated or left unchanged."""
    job = _claim(job_id, ImportStatus.CHECKING)
    if job is None:
        return None
    try:
        checked = _check_file(job)
    except ImportFileError as exc:
        return _finish(job, ImportStatus.FAILED, message=exc.message)
    job.total_rows = checked.rows_read
    job.processed_rows = checked.rows_read
    job.error_count = checked.error_count
    job.errors = [e.as_dict() for e in checked.errors]
    job.unknown_agents = {name: rows[:20] for name, rows in list(checked.unknown_agents.items())[:200]}
    if checked.ok:
        outcome = classify(checked, source=_options(job).source)
        ids = {r.get("agent_id") for r in checked.records[:8]}
        agent_names = {u.pk: str(u) for u in User.objects.filter(pk__in=ids)}
        counts = {"create": 0, "update": 0, "unchanged": 0}
        for value in outcome.values():
            counts[value] += 1
        job.preview = counts | {
            "agents_to_create": sorted({r["agent_new"] for r in checked.records if "agent_new" in r})[:50],
            # A few rows as they will be stored, so the manager sees dates and times were read right.
            "samples": [
                {
                    "source_id": r["source_id"],
                    "agent": r.get("agent_new") or agent_names.get(r.get("agent_id"), ""),
                    "channel": r["channel"],
                    "started_at": timezone.localtime(r["started_at"]).strftime("%Y-%m-%d %H:%M"),
                    "handle": r["talk_seconds"] + r["hold_seconds"] + r["acw_seconds"],
                    "answered": r["answered"],
                    "outcome": outcome[r["source_id"]],
                }
                for r in checked.records[:8]
            ],
        }
        return _finish(job, ImportStatus.CHECKED)
    job.preview = {}
    return _finish(job, ImportStatus.INVALID)


def _finish(job: ImportJob, status: str, *, message: str = "") -> ImportJob:
    job.status = status
    job.message = message
    job.claimed_at = None
    job.save()
    progress_clear("import", job.pk)
    return job


@transaction.atomic
def import_job_confirm(*, actor, job: ImportJob) -> ImportJob:
    """Start the import of a checked file (all rows or none)."""
    if not ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKED).update(
        status=ImportStatus.IMPORTING, processed_rows=0, claimed_at=None, updated_at=timezone.now()
    ):
        raise DomainError(MSG_NOT_CHECKED)
    audit_record(
        actor=actor,
        action="import.confirmed",
        target=job,
        summary=_("Started importing “%(name)s”.") % {"name": job.original_name},
    )
    from ..tasks import import_run

    enqueue(import_run, job.pk)
    job.refresh_from_db()
    return job


def import_job_run(job_id: int) -> ImportJob | None:
    """Check the file again (the data may have changed since the dry run) and write it."""
    job = _claim(job_id, ImportStatus.IMPORTING)
    if job is None:
        return None
    try:
        checked = _check_file(job)
        if not checked.ok:
            job.error_count = checked.error_count
            job.errors = [e.as_dict() for e in checked.errors]
            return _finish(job, ImportStatus.INVALID)

        def progress(done: int, total: int) -> None:
            progress_set("import", job.pk, done=done, total=total, phase="writing")

        summary = write(checked, _options(job), progress=progress)
    except ImportFileError as exc:
        return _finish(job, ImportStatus.FAILED, message=exc.message)
    except Exception as exc:  # the transaction rolled back: say so instead of hanging on "importing"
        _finish(
            job,
            ImportStatus.FAILED,
            message=_("The import failed and nothing was written: %(error)s") % {"error": exc},
        )
        raise
    job.summary = summary.as_dict()
    job.total_rows = job.processed_rows = checked.rows_read
    audit_record(
        actor=job.created_by,
        action="import.done",
        target=job,
        summary=_("Imported “%(name)s”: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
        % {"name": job.original_name, **summary.as_dict()},
    )
    return _finish(job, ImportStatus.DONE)


def interactions_import_items(
    *, actor, items: list[dict], source: str = "default", default_channel: str = ""
) -> Summary:
    """Import a list of interactions given as field dictionaries (the API): all or nothing."""
    options = ImportOptions(mapping={}, source=source, default_channel=default_channel)
    checked = check_items(items, options)
    if not checked.ok:
        raise ImportInvalid(checked)
    with transaction.atomic():
        summary = write(checked, options)
        audit_record(
            actor=actor,
            action="import.api",
            target=actor,
            summary=_(
                "Imported %(n)s interactions through the API: %(created)s created, %(updated)s updated, %(unchanged)s unchanged."
            )
            % {"n": len(items), **summary.as_dict()},
        )
    return summary


def import_file_now(
    *, actor, path: Path, options: ImportOptions, dry_run: bool = False, progress=None
) -> tuple[Checked, Summary | None]:
    """Check and (unless `dry_run`) import a file in this process: the management command."""
    sheet = open_sheet(path, path.name)
    try:
        if not options.mapping:
            options.mapping = import_fields.match_headers(sheet.headers)
        missing = options.missing_required()
        if missing:
            raise ImportFileError(
                str(
                    MSG_MISSING_FIELDS
                    % {"fields": ", ".join(str(import_fields.FIELDS_BY_NAME[m].label) for m in missing)}
                )
                + " "
                + _("The file's columns: %(headers)s.") % {"headers": ", ".join(sheet.headers)}
            )
        checked = check_sheet(sheet, options, total=sheet.estimated_rows, progress=progress)
    finally:
        sheet.close()
    if not checked.ok or dry_run:
        return checked, None
    summary = write(checked, options, progress=progress)
    return checked, summary
