"""manage.py import_interactions FILE [--mapping NAME] [--dry-run] …: the same checks as the
web import, all-or-nothing, for scripts and scheduled exports."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.models import Channel, Team
from reviews.imports.files import ImportFileError
from reviews.imports.pipeline import ImportOptions
from reviews.models import ColumnMapping
from reviews.services import import_file_now


class Command(BaseCommand):
    help = "Import interactions from an .xlsx or .csv file (all rows or none; re-importing updates)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--mapping", default="", help="A column mapping saved in the web import.")
        parser.add_argument("--source", default="", help="Source system name (default: 'default').")
        parser.add_argument("--default-channel", default="", choices=["", *Channel.values])
        parser.add_argument("--date-order", default="", choices=["", "DMY", "MDY"])
        parser.add_argument("--create-agents-in-team", default="", help="Team name for unknown agents.")
        parser.add_argument("--dry-run", action="store_true", help="Check every row, write nothing.")

    def handle(self, *args, file: Path, mapping: str, dry_run: bool, **opts):
        if not file.exists():
            raise CommandError(f"{file}: no such file")
        saved = {}
        if mapping:
            found = ColumnMapping.objects.filter(name=mapping).first()
            if found is None:
                names = ", ".join(ColumnMapping.objects.values_list("name", flat=True)) or "none saved yet"
                raise CommandError(f"No column mapping named {mapping!r} (saved: {names}).")
            saved = {"mapping": dict(found.mapping), **found.options}
        team_id = None
        if opts["create_agents_in_team"]:
            team = Team.objects.filter(name=opts["create_agents_in_team"]).first()
            if team is None:
                raise CommandError(f"No team named {opts['create_agents_in_team']!r}.")
            team_id = team.pk
        options = ImportOptions(
            mapping=saved.get("mapping", {}),
            source=opts["source"] or saved.get("source") or "default",
            default_channel=opts["default_channel"] or saved.get("default_channel") or "",
            date_order=opts["date_order"] or saved.get("date_order") or "DMY",
            create_agents_team_id=team_id,
        )

        def progress(done, total):
            if self.verbosity > 1:
                self.stderr.write(f"  {done} / {total or '?'} rows", ending="\r")

        try:
            checked, summary = import_file_now(
                actor=None, path=file, options=options, dry_run=dry_run, progress=progress
            )
        except ImportFileError as exc:
            raise CommandError(exc.message) from None
        if not checked.ok:
            for e in checked.errors:
                self.stderr.write(f"row {e.row}, column {e.column}: {e.message}")
            if checked.error_count > len(checked.errors):
                self.stderr.write(f"… and {checked.error_count - len(checked.errors)} more")
            raise CommandError(f"{checked.error_count} problems in {file.name}: nothing was imported.")
        if summary is None:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{file.name}: {checked.rows_read} rows checked, no problems (dry run: nothing written)."
                )
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{file.name}: {summary.created} created, {summary.updated} updated, "
                f"{summary.unchanged} unchanged, {summary.agents_created} agents created."
            )
        )
