"""State changes for interactions and their imports. HTML, API, commands and tasks call these.

An uploaded file goes: uploaded → reading (a background job reads its header) → columns chosen →
checking (every row, nothing written) → checked or invalid → importing (checked again and
written in one transaction) → done. Any unexpected failure marks the job failed with a message;
a job whose worker died is taken up again once it has shown no sign of life for a few minutes.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import DomainError
from core.jobs import (
    MSG_SEND_FAILED,
    broker_check,
    enqueue,
    heartbeat,
    job_claim,
    job_fail,
    job_is_stuck,
    progress_clear,
    progress_set,
)
from core.models import AuditAction, Channel, Role, Team, User
from core.services import audit_record

from ..imports import fields as import_fields
from ..imports import preview as import_preview
from ..imports.files import ENCODINGS, ImportFileError, open_sheet, sniff
from ..imports.pipeline import (
    AgentDirectory,
    Checked,
    ImportOptions,
    Summary,
    check_only,
    import_rows,
    item_rows,
    sheet_rows,
)
from ..models import ColumnMapping, ImportJob, ImportStatus

logger = logging.getLogger(__name__)

MSG_MISSING_FIELDS = gettext_lazy("Choose a column for: %(fields)s.")
MSG_UNKNOWN_HEADER = gettext_lazy("The file has no column “%(header)s” (chosen for %(field)s).")
MSG_NOT_CHECKED = gettext_lazy("Only a checked import without errors can be imported.")
MSG_ALREADY_RUNNING = gettext_lazy("This import is already running.")
MSG_IMPORT_INVALID = gettext_lazy("Nothing was imported: %(count)s problems were found.")
MSG_CONFIRM_UPDATES = gettext_lazy(
    "Interactions already imported will change (%(count)s). Look at the changes and confirm them."
)
MSG_NOT_STALE = gettext_lazy(
    "This import is still working: it can be restarted only if it stops showing progress."
)
MSG_FINISHED = gettext_lazy("This import has finished: upload the file again to import it once more.")
MSG_FAILED = gettext_lazy(
    "The import stopped on an unexpected error and nothing was written (%(error)s). Try again; if it "
    "happens again, send the file to your administrator."
)
EDITABLE = (ImportStatus.UPLOADED, ImportStatus.CHECKED, ImportStatus.INVALID, ImportStatus.FAILED)
API_MAX_ITEMS = 10_000


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
        agents=o.get("agents") or {},
        encoding=o.get("encoding") or "",
    )


def _min_handle() -> int:
    from .sampling import sampling_policy_get

    return sampling_policy_get().min_handle_seconds


# -- upload and reading the header ------------------------------------------------------------------


def import_job_create(*, actor, upload: UploadedFile, mapping_name: str = "") -> ImportJob:
    """Store an uploaded file after the checks that cost nothing (empty, too big, not a
    spreadsheet); reading it happens in the background (`import_job_read`)."""
    broker_check()  # nothing is stored when no worker could read it
    name = Path(upload.name or "upload").name[:255]
    saved = ColumnMapping.objects.filter(name=mapping_name).first() if mapping_name else None
    job = ImportJob(created_by=actor, original_name=name, status=ImportStatus.READING)
    job.options = dict(saved.options) if saved else {"date_order": "DMY"}
    if saved:
        job.options["saved_mapping"] = saved.name
    job.file.save(name, upload, save=False)
    try:
        sniff(Path(job.file.path), name)
    except ImportFileError as exc:
        job.file.delete(save=False)
        raise DomainError(exc.message) from None
    with transaction.atomic():
        job.save()
        audit_record(
            actor=actor,
            action=AuditAction.IMPORT_UPLOADED,
            target=job,
            summary=_("Uploaded “%(name)s”.") % {"name": job.original_name},
        )
        from ..tasks import import_read

        enqueue(import_read, job.pk, on_send_failed=_send_failed(job.pk))
    return job


def _send_failed(job_id: int):
    """The job could not be queued after all: it says so instead of waiting for good."""

    def mark(exc: Exception) -> None:
        job = ImportJob.objects.get(pk=job_id)
        job_fail(
            ImportJob,
            "import",
            job,
            None,
            status=ImportStatus.FAILED,
            message=MSG_SEND_FAILED,
            claimed_at=None,
        )

    return mark


def import_job_read(job_id: int) -> ImportJob | None:
    """Read the file's header row and match its columns (the task after an upload)."""
    job = _claim(job_id, ImportStatus.READING)
    if job is None:
        return None
    try:
        heartbeat("import", job.pk, "reading")
        with open_sheet(Path(job.file.path), job.original_name, encoding=_options(job).encoding) as sheet:
            has_data = any(
                any(v is not None and (not isinstance(v, str) or v.strip()) for v in values)
                for _number, values in sheet.rows
            )
            if not has_data:
                raise ImportFileError(
                    _("“%(name)s” has a header row but no data rows: there is nothing to import.")
                    % {"name": job.original_name}
                )
            headers, estimated = sheet.headers, sheet.estimated_rows
    except ImportFileError as exc:
        return _finish(job, ImportStatus.FAILED, message=exc.message)
    except Exception as exc:
        return _fail(job, exc)
    job.headers = headers
    job.total_rows = estimated
    job.processed_rows = 0
    saved = ColumnMapping.objects.filter(name=(job.options or {}).get("saved_mapping", "")).first()
    if saved:
        job.mapping = {f: h for f, h in saved.mapping.items() if h in headers}
    elif not job.mapping or any(h not in headers for h in job.mapping.values()):
        job.mapping = import_fields.match_headers(headers)
    return _finish(job, ImportStatus.UPLOADED)


@transaction.atomic
def import_job_reread(*, actor, job: ImportJob, encoding: str) -> ImportJob:
    """Read a text file again in the encoding the person chose."""
    if encoding not in {code for code, _label in ENCODINGS}:
        raise DomainError(_("“%(value)s” is not an encoding this import knows.") % {"value": encoding})
    broker_check()
    options = {**(job.options or {}), "encoding": encoding}
    if not ImportJob.objects.filter(pk=job.pk, status__in=EDITABLE).update(
        status=ImportStatus.READING, options=options, claimed_at=None, message="", updated_at=timezone.now()
    ):
        raise DomainError(MSG_ALREADY_RUNNING)
    from ..tasks import import_read

    enqueue(import_read, job.pk, on_send_failed=_send_failed(job.pk))
    job.refresh_from_db()
    return job


# -- columns, options, the dry run -------------------------------------------------------------------


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
    problems += _validate_options(options)
    if problems:
        raise DomainError(problems[0], errors=problems)


def _validate_options(options: dict) -> list[str]:
    problems = []
    if options.get("default_channel") and options["default_channel"] not in Channel.values:
        problems.append(_("“%(value)s” is not a channel.") % {"value": options["default_channel"]})
    team_id = options.get("create_agents_team_id")
    if team_id and not Team.objects.filter(pk=team_id).exists():
        problems.append(_("The team chosen for new agents does not exist."))
    agents = options.get("agents") or {}
    users = {c["user"] for c in agents.values() if c.get("user")}
    teams = {c["team"] for c in agents.values() if c.get("team")}
    found_users = set(User.objects.filter(pk__in=users, role=Role.AGENT).values_list("pk", flat=True))
    found_teams = set(Team.objects.filter(pk__in=teams).values_list("pk", flat=True))
    for name, choice in agents.items():
        if choice.get("user") and choice["user"] not in found_users:
            problems.append(_("The agent chosen for “%(name)s” does not exist.") % {"name": name})
        if choice.get("team") and choice["team"] not in found_teams:
            problems.append(_("The team chosen for “%(name)s” does not exist.") % {"name": name})
    return problems


@transaction.atomic
def import_job_check_start(
    *, actor, job: ImportJob, mapping: dict[str, str], options: dict, save_as: str = ""
) -> ImportJob:
    """Fix the column mapping and options, and start the dry run (every row checked, nothing
    written). The choices for unknown agents are kept with the job (and a saved mapping)."""
    mapping = {f: h for f, h in mapping.items() if h and f in import_fields.FIELDS_BY_NAME}
    options = {
        **{k: v for k, v in (job.options or {}).items() if k in ("encoding", "saved_mapping")},
        **options,
    }
    _validate_mapping(job, mapping, options)
    broker_check()
    claimed = ImportJob.objects.filter(pk=job.pk, status__in=EDITABLE).update(
        status=ImportStatus.CHECKING,
        mapping=mapping,
        options=options,
        processed_rows=0,
        claimed_at=None,
        message="",
        updated_at=timezone.now(),
    )
    if not claimed:
        raise DomainError(MSG_ALREADY_RUNNING)
    if save_as:
        ColumnMapping.objects.update_or_create(
            name=save_as.strip()[:100],
            defaults={
                "mapping": mapping,
                "options": {
                    k: v for k, v in options.items() if k not in ("create_agents_team_id", "saved_mapping")
                },
                "created_by": actor,
            },
        )
    from ..tasks import import_check

    enqueue(import_check, job.pk, on_send_failed=_send_failed(job.pk))
    job.refresh_from_db()
    return job


def _claim(job_id: int, status: str) -> ImportJob | None:
    """Take the job for this worker (core.jobs.job_claim: a silent claim is taken over)."""
    return job_claim(ImportJob, "import", job_id, status=status, updated_at=timezone.now())


def _sheet_progress(job: ImportJob, phase: str):
    def progress(done: int, total: int) -> None:
        progress_set("import", job.pk, done=done, total=max(total, done), phase=phase)

    return progress


def import_job_check(job_id: int) -> ImportJob | None:
    """The dry run: check every row, profile every mapped field, compare with what is stored."""
    job = _claim(job_id, ImportStatus.CHECKING)
    if job is None:
        return None
    options = _options(job)
    min_handle = _min_handle()
    try:
        heartbeat("import", job.pk, "checking")
        with open_sheet(Path(job.file.path), job.original_name, encoding=options.encoding) as sheet:
            rows, columns = sheet_rows(sheet, options.mapping)
            checked = check_only(
                rows,
                options=options,
                columns=columns,
                total=sheet.estimated_rows,
                progress=_sheet_progress(job, "checking"),
                min_handle_seconds=min_handle,
            )
    except ImportFileError as exc:
        return _finish(job, ImportStatus.FAILED, message=exc.message)
    except Exception as exc:
        return _fail(job, exc)
    job.total_rows = job.processed_rows = checked.rows_read
    job.error_count = checked.error_count
    job.errors = [e.as_dict() for e in checked.errors]
    job.unknown_agents = _unknown_agents(checked)
    job.preview = import_preview.build(
        checked, mapping=options.mapping, headers=job.headers, min_handle_seconds=min_handle
    )
    return _finish(job, ImportStatus.CHECKED if checked.ok else ImportStatus.INVALID)


def _unknown_agents(checked: Checked) -> dict[str, list]:
    """Every name no agent has, whether or not a choice covers it, so the page can show (and
    change) each choice: name -> rows."""
    names = {**checked.chosen_agents, **checked.unknown_agents}
    return dict(list(names.items())[:200])


def _finish(job: ImportJob, status: str, *, message: str = "") -> ImportJob:
    job.status = status
    job.message = message
    job.claimed_at = None
    if status in (ImportStatus.DONE, ImportStatus.CANCELLED) and job.file:
        job.file.delete(save=False)
    job.save()
    progress_clear("import", job.pk)
    return job


def _fail(job: ImportJob, exc: Exception) -> ImportJob:
    """An error nobody foresaw: logged with its traceback, and the job says so instead of hanging
    on "checking"."""
    message = MSG_FAILED % {"error": exc.__class__.__name__}
    job_fail(ImportJob, "import", job, exc, status=ImportStatus.FAILED, message=message, claimed_at=None)
    job.refresh_from_db()
    return job


# -- the import itself --------------------------------------------------------------------------------


@transaction.atomic
def import_job_confirm(*, actor, job: ImportJob, confirm_updates: bool = False) -> ImportJob:
    """Start the import of a checked file (all rows or none). Changes to interactions already
    imported must be confirmed: a wrong mapping once overwrote thousands of talk times."""
    updates = (job.preview or {}).get("update", 0)
    if job.status == ImportStatus.CHECKED and updates and not confirm_updates:
        raise DomainError(MSG_CONFIRM_UPDATES % {"count": updates})
    broker_check()
    if not ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKED).update(
        status=ImportStatus.IMPORTING, processed_rows=0, claimed_at=None, updated_at=timezone.now()
    ):
        raise DomainError(MSG_NOT_CHECKED)
    audit_record(
        actor=actor,
        action=AuditAction.IMPORT_CONFIRMED,
        target=job,
        summary=_("Started importing “%(name)s”.") % {"name": job.original_name},
        data={"updates_confirmed": updates},
    )
    from ..tasks import import_run

    enqueue(import_run, job.pk, on_send_failed=_send_failed(job.pk))
    job.refresh_from_db()
    return job


def import_job_run(job_id: int) -> ImportJob | None:
    """Check the file again (the data may have changed since the dry run) and write it."""
    job = _claim(job_id, ImportStatus.IMPORTING)
    if job is None:
        return None
    options = _options(job)

    def audit(summary: Summary) -> None:
        audit_record(
            actor=job.created_by,
            action=AuditAction.IMPORT_DONE,
            target=job,
            summary=_(
                "Imported “%(name)s”: %(created)s created, %(updated)s updated, %(unchanged)s unchanged."
            )
            % {"name": job.original_name, **summary.as_dict()},
        )

    try:
        heartbeat("import", job.pk, "writing")
        with open_sheet(Path(job.file.path), job.original_name, encoding=options.encoding) as sheet:
            rows, columns = sheet_rows(sheet, options.mapping)
            checked, summary = import_rows(
                rows,
                options=options,
                columns=columns,
                actor=job.created_by,
                total=sheet.estimated_rows,
                progress=_sheet_progress(job, "writing"),
                within=audit,
            )
    except ImportFileError as exc:
        return _finish(job, ImportStatus.FAILED, message=exc.message)
    except Exception as exc:  # the transaction rolled back: say so instead of hanging on "importing"
        return _fail(job, exc)
    job.total_rows = job.processed_rows = checked.rows_read
    if summary is None:
        job.error_count = checked.error_count
        job.errors = [e.as_dict() for e in checked.errors]
        job.unknown_agents = _unknown_agents(checked)
        return _finish(job, ImportStatus.INVALID)
    job.summary = summary.as_dict()
    return _finish(job, ImportStatus.DONE)


# -- cancelling, restarting, tidying ----------------------------------------------------------------


@transaction.atomic
def import_job_cancel(*, actor, job: ImportJob) -> ImportJob:
    """Give up an import that is not running: its file is deleted."""
    if not ImportJob.objects.filter(pk=job.pk, status__in=(*EDITABLE, ImportStatus.READING)).update(
        status=ImportStatus.CANCELLED, updated_at=timezone.now()
    ):
        raise DomainError(
            MSG_FINISHED if job.status in (ImportStatus.DONE, ImportStatus.CANCELLED) else MSG_ALREADY_RUNNING
        )
    job.refresh_from_db()
    if job.file:
        job.file.delete(save=False)
        job.save(update_fields=["file"])
    audit_record(
        actor=actor,
        action=AuditAction.IMPORT_CANCELLED,
        target=job,
        summary=_("Cancelled “%(name)s”.") % {"name": job.original_name},
    )
    return job


def import_job_is_stuck(job: ImportJob) -> bool:
    """Running, claimed (or never picked up), and silent for JOB_STALE_SECONDS."""
    return job.is_running and job_is_stuck(
        job, "import", running=(job.status,), since=job.claimed_at or job.updated_at
    )


@transaction.atomic
def import_job_restart(*, actor, job: ImportJob) -> ImportJob:
    """Queue the job's current step again after its worker died (the claim is taken over)."""
    job.refresh_from_db()
    if not import_job_is_stuck(job):
        raise DomainError(MSG_NOT_STALE)
    broker_check()
    from ..tasks import import_check, import_read, import_run

    task = {
        ImportStatus.READING: import_read,
        ImportStatus.CHECKING: import_check,
        ImportStatus.IMPORTING: import_run,
    }[job.status]
    audit_record(
        actor=actor,
        action=AuditAction.IMPORT_RESTARTED,
        target=job,
        summary=_("Restarted “%(name)s” (%(status)s) after its worker stopped.")
        % {"name": job.original_name, "status": job.get_status_display()},
    )
    enqueue(task, job.pk, on_send_failed=_send_failed(job.pk))
    return job


def import_files_purge(*, days: int | None = None) -> int:
    """Delete the uploaded files of imports left alone for `days` (IMPORT_FILE_RETENTION_DAYS);
    such imports are marked cancelled. Returns how many files were removed."""
    days = settings.IMPORT_FILE_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - dt.timedelta(days=days)
    removed = 0
    stale = (
        ImportJob.objects.filter(updated_at__lt=cutoff)
        .exclude(file="")
        .exclude(Q(status__in=(ImportStatus.CHECKING, ImportStatus.IMPORTING, ImportStatus.READING)))
    )
    for job in stale.iterator():
        job.file.delete(save=False)
        if job.status not in (ImportStatus.DONE, ImportStatus.CANCELLED):
            job.status = ImportStatus.CANCELLED
            job.message = _("The file was removed after %(days)s days without activity.") % {"days": days}
        job.save(update_fields=["file", "status", "message"])
        removed += 1
    return removed


# -- the API and the command line --------------------------------------------------------------------


def interactions_import_items(
    *, actor, items: list, source: str = "default", default_channel: str = ""
) -> Summary:
    """Import a list of interactions given as field dictionaries (the API): all or nothing."""
    if len(items) > API_MAX_ITEMS:
        raise DomainError(
            _("At most %(limit)s interactions per request (%(n)s sent): send them in parts.")
            % {"limit": API_MAX_ITEMS, "n": len(items)}
        )
    options = ImportOptions(
        mapping={f.name: f.name for f in import_fields.FIELDS}, source=source, default_channel=default_channel
    )

    def audit(summary: Summary) -> None:
        audit_record(
            actor=actor,
            action=AuditAction.IMPORT_API,
            target=actor,
            summary=_(
                "Imported %(n)s interactions through the API: %(created)s created, %(updated)s updated, %(unchanged)s unchanged."
            )
            % {"n": len(items), **summary.as_dict()},
        )

    checked, summary = import_rows(item_rows(items), options=options, columns={}, actor=actor, within=audit)
    if summary is None:
        raise ImportInvalid(checked)
    return summary


def file_options(headers: list[str], options: ImportOptions, overrides: dict[str, str]) -> ImportOptions:
    """The command line's mapping: matched headers (or a saved mapping), then each --column."""
    mapping = dict(options.mapping) if options.mapping else import_fields.match_headers(headers)
    mapping = {f: h for f, h in mapping.items() if h in headers}
    folded = {h.casefold(): h for h in headers}
    for field_name, header in overrides.items():
        if field_name not in import_fields.FIELDS_BY_NAME:
            raise ImportFileError(
                _("--column: “%(field)s” is not a field; the fields are %(fields)s.")
                % {"field": field_name, "fields": ", ".join(f.name for f in import_fields.FIELDS)}
            )
        if not header:
            mapping.pop(field_name, None)
            continue
        if header.casefold() not in folded:
            raise ImportFileError(
                _("--column %(field)s=%(header)s: the file has no such column. Its columns: %(headers)s.")
                % {"field": field_name, "header": header, "headers": ", ".join(headers)}
            )
        mapping[field_name] = folded[header.casefold()]
    options.mapping = mapping
    missing = options.missing_required()
    if missing:
        hints = [
            _("Choose a column for %(field)s: --column %(name)s=HEADER%(more)s.")
            % {
                "field": import_fields.FIELDS_BY_NAME[m].label,
                "name": m,
                "more": _(", or --default-channel phone") if m == "channel" else "",
            }
            for m in missing
        ]
        raise ImportFileError(
            " ".join(hints) + " " + _("The file's columns: %(headers)s.") % {"headers": ", ".join(headers)}
        )
    return options


def agent_choices(names: dict[str, str]) -> dict[str, dict]:
    """--agent "NAME=username" choices as the options' per-name choices (unknown username: error)."""
    choices = {}
    for name, username in names.items():
        user = User.objects.filter(username__iexact=username, role=Role.AGENT).first()
        if user is None:
            raise ImportFileError(
                _("--agent “%(name)s=%(username)s”: no agent has the username “%(username)s”.")
                % {"name": name, "username": username}
            )
        choices[AgentDirectory.key(name)] = {"user": user.pk}
    return choices


def import_file_now(
    *,
    actor,
    path: Path,
    options: ImportOptions,
    columns: dict[str, str] | None = None,
    dry_run: bool = False,
    progress=None,
    confirm=None,
) -> tuple[Checked, Summary | None, dict]:
    """Check and (unless `dry_run`) import a file in this process: the management command.

    Returns the check, the summary (None when nothing was written) and the preview. When
    `confirm` is given, the file is first checked without writing, and `confirm(preview)`
    decides whether to go on (it is asked when existing interactions would change)."""
    min_handle = _min_handle()

    def read(write: bool) -> tuple[Checked, Summary | None, dict]:
        with open_sheet(path, path.name, encoding=options.encoding) as sheet:
            chosen = file_options(sheet.headers, options, columns or {})
            rows, cols = sheet_rows(sheet, chosen.mapping)
            common = {
                "options": chosen,
                "columns": cols,
                "total": sheet.estimated_rows,
                "progress": progress,
                "min_handle_seconds": min_handle,
            }
            if write:
                checked, summary = import_rows(rows, actor=actor, **common)
            else:
                checked, summary = check_only(rows, **common), None
            preview = import_preview.build(
                checked, mapping=chosen.mapping, headers=sheet.headers, min_handle_seconds=min_handle
            )
        return checked, summary, preview

    if dry_run or confirm is not None:
        checked, _summary, preview = read(write=False)
        if dry_run or not checked.ok or (preview["update"] and not confirm(preview)):
            return checked, None, preview
    return read(write=True)
