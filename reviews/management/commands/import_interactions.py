"""manage.py import_interactions FILE [--dry-run] [--column FIELD=HEADER …] [--agent NAME=USERNAME …]:
the same checks, preview and all-or-nothing import as the web page, for scripts and scheduled
exports."""

import sys
from pathlib import Path

from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.commands import QACommand
from core.exceptions import DomainError
from core.models import Channel, Team
from core.services import team_create
from reviews.imports import preview as import_preview
from reviews.imports.fields import FIELDS
from reviews.imports.files import ENCODINGS, ImportFileError
from reviews.imports.pipeline import AgentDirectory, ImportOptions
from reviews.models import ColumnMapping
from reviews.services import import_file_now
from reviews.services.imports import agent_choices


def pairs(values: list[str], flag: str) -> dict[str, str]:
    result = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key.strip():
            raise CommandError(f"{flag} {value!r}: write it as {flag} NAME=VALUE.")
        result[key.strip()] = rest.strip()
    return result


class Command(QACommand):
    help = (
        "Import interactions from an .xlsx, .xls, .ods or .csv file: every row is checked, then all "
        "are written or none. Re-importing updates changed rows (and asks first)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row and show the preview; write nothing."
        )
        parser.add_argument(
            "--column",
            action="append",
            default=[],
            metavar="FIELD=HEADER",
            help="Read FIELD from the column headed HEADER (repeatable; FIELD= leaves it out). Fields: "
            + ", ".join(f.name for f in FIELDS),
        )
        parser.add_argument("--mapping", default="", help="A column mapping saved on the web import page.")
        parser.add_argument(
            "--source", default="", help="Source system name: ids are unique per source (default: 'default')."
        )
        parser.add_argument(
            "--default-channel",
            default="",
            choices=["", *Channel.values],
            help="The channel of every row when the file has no channel column.",
        )
        parser.add_argument(
            "--date-order",
            default="",
            choices=["", "DMY", "MDY"],
            help="How dates with slashes are written (default DMY).",
        )
        parser.add_argument(
            "--encoding",
            default="",
            choices=[code for code, _label in ENCODINGS],
            help="A CSV file's encoding when it is not UTF-8.",
        )
        parser.add_argument(
            "--agent",
            action="append",
            default=[],
            metavar="NAME=USERNAME",
            help="Rows whose agent is NAME belong to the existing agent USERNAME (repeatable).",
        )
        parser.add_argument(
            "--create-agents-in-team", default="", metavar="TEAM", help="Create unknown agents in this team."
        )
        parser.add_argument(
            "--create-team",
            default="",
            metavar="TEAM",
            help="Create this team (unless it exists) and the unknown agents in it. With --dry-run nothing "
            "is created.",
        )
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Write changes to interactions already imported without asking.",
        )

    def handle(self, *args, file: Path, dry_run: bool, **opts):
        if not file.is_file():
            raise CommandError(_("%(file)s: no such file.") % {"file": file})
        if opts["create_team"]:
            if opts["create_agents_in_team"]:
                raise CommandError(_("Give --create-team or --create-agents-in-team, not both."))
            # A dry run creates the team in a transaction it rolls back: the preview counts the new
            # agents as the real import will, and nothing stays.
            with transaction.atomic():
                team = Team.objects.filter(name__iexact=opts["create_team"].strip()).first()
                if team is None:
                    try:
                        team = team_create(actor=None, name=opts["create_team"])
                    except DomainError as exc:
                        raise CommandError(exc.message) from None
                    if not dry_run:
                        self.stdout.write(_("Team “%(name)s” created.") % {"name": team.name})
                opts["create_agents_in_team"] = team.name
                self._handle(file, dry_run, opts)
                if dry_run:
                    transaction.set_rollback(True)
            return
        self._handle(file, dry_run, opts)

    def _handle(self, file: Path, dry_run: bool, opts: dict) -> None:
        options = self.options_from(opts)
        verbosity = opts["verbosity"]

        def progress(done, total):
            if verbosity > 1:  # whole lines: a log or a pipe shows each
                self.stderr.write(f"  {done:,} / {total or '?'} rows")

        def confirm(preview: dict) -> bool:
            self.print_preview(preview)
            if opts["yes"]:
                return True
            question = _(
                "%(n)s of the interactions already imported will change. Write the changes? [y/N] "
            ) % {"n": f"{preview['update']:,}"}
            if not sys.stdin or not sys.stdin.isatty():
                raise CommandError(
                    _(
                        "%(n)s of the interactions already imported would change: run again with --yes to write them."
                    )
                    % {"n": f"{preview['update']:,}"}
                )
            return input(question).strip().lower() in ("y", "yes")

        try:
            checked, summary, preview = import_file_now(
                actor=None,
                path=file,
                options=options,
                columns=pairs(opts["column"], "--column"),
                dry_run=dry_run,
                progress=progress,
                confirm=None if opts["yes"] else confirm,
            )
        except ImportFileError as exc:
            raise CommandError(exc.message) from None
        if not checked.ok:
            if dry_run:  # the preview first: what the file holds, then what is still missing
                self.print_preview(preview)
            unknown = set(checked.unknown_agents)
            shown = 0
            for e in checked.errors:
                if e.field == "agent" and e.value in unknown:
                    continue  # one line per name below, not one per row
                shown += 1
                self.stderr.write(
                    _("row %(row)s, column %(column)s: %(value)s %(message)s")
                    % {
                        "row": e.row,
                        "column": e.column,
                        "value": f"“{e.value}”" if e.value else "",
                        "message": e.message,
                    }
                )
            agent_rows = sum(checked.unknown_agent_rows.values())
            if checked.error_count - agent_rows > shown:
                self.stderr.write(_("… and %(n)s more") % {"n": checked.error_count - agent_rows - shown})
            if checked.unknown_agents:
                self.stderr.write(
                    _(
                        "Unknown agents (map each to an agent with --agent, or create them all with "
                        "--create-agents-in-team TEAM or --create-team NEW_TEAM):"
                    )
                )
                for name, rows in sorted(
                    checked.unknown_agent_rows.items(), key=lambda item: (-item[1], item[0])
                ):
                    self.stderr.write(
                        ngettext(
                            '  “%(name)s”: %(n)s row · --agent "%(name)s=USERNAME"',
                            '  “%(name)s”: %(n)s rows · --agent "%(name)s=USERNAME"',
                            rows,
                        )
                        % {"name": name, "n": f"{rows:,}"}
                    )
            raise CommandError(
                _("%(n)s problems in %(file)s: nothing was imported.")
                % {"n": checked.error_count, "file": file.name}
            )
        if summary is None:
            if dry_run:
                self.print_preview(preview)
                self.stdout.write(
                    self.style.SUCCESS(
                        _("%(file)s: %(rows)s rows checked, no problems (dry run: nothing written).")
                        % {"file": file.name, "rows": f"{checked.rows_read:,}"}
                    )
                )
                return
            raise CommandError(_("Nothing was written."))
        if opts["yes"]:
            self.print_preview(preview, counts=False)
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(file)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, %(agents)s agents created."
                )
                % {
                    "file": file.name,
                    "created": summary.created,
                    "updated": summary.updated,
                    "unchanged": summary.unchanged,
                    "agents": summary.agents_created,
                }
            )
        )

    def options_from(self, opts) -> ImportOptions:
        saved = {}
        if opts["mapping"]:
            found = ColumnMapping.objects.filter(name=opts["mapping"]).first()
            if found is None:
                names = ", ".join(ColumnMapping.objects.values_list("name", flat=True)) or _("none saved yet")
                raise CommandError(
                    _("No column mapping named “%(name)s” (saved: %(names)s).")
                    % {"name": opts["mapping"], "names": names}
                )
            saved = {"mapping": dict(found.mapping), **found.options}
        team_id = None
        if opts["create_agents_in_team"]:
            team = Team.objects.filter(name__iexact=opts["create_agents_in_team"].strip()).first()
            if team is None:
                names = ", ".join(f"“{n}”" for n in Team.objects.values_list("name", flat=True))
                raise CommandError(
                    _("No team named “%(name)s” (teams: %(names)s). Create it with --create-team “%(name)s”.")
                    % {"name": opts["create_agents_in_team"], "names": names or _("none yet")}
                )
            team_id = team.pk
        agents = {k: v for k, v in (saved.get("agents") or {}).items() if v.get("user")}
        try:
            agents.update(agent_choices(pairs(opts["agent"], "--agent")))
        except ImportFileError as exc:
            raise CommandError(exc.message) from None
        return ImportOptions(
            mapping=saved.get("mapping", {}),
            source=opts["source"] or saved.get("source") or "default",
            default_channel=opts["default_channel"] or saved.get("default_channel") or "",
            date_order=opts["date_order"] or saved.get("date_order") or "DMY",
            create_agents_team_id=team_id,
            agents={AgentDirectory.key(k): v for k, v in agents.items()},
            encoding=opts["encoding"] or saved.get("encoding") or "",
        )

    def print_preview(self, preview: dict, *, counts: bool = True) -> None:
        lines = import_preview.as_text(preview)
        for line in lines if counts else lines[1:]:
            style = self.style.WARNING if line.startswith(_("Warning: ")) else (lambda s: s)
            self.stdout.write(style(line))
