"""Restore a `manage.py backup` archive into an empty database and media folder.

Checksums are verified before anything is written; afterwards the row counts are compared with
the manifest. Exit status 0 when they all match, 1 otherwise or on refusal.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from academy.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup archive into the configured (empty) database, MEDIA_ROOT and signing "
        "certificate paths, after verifying its checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The .tar written by `manage.py backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore over a database with tables, a non-empty media folder, different "
            "certificate files or a newer schema (replaces what the archive contains).",
        )

    def handle(self, *args, archive, force=False, **options):
        try:
            result = restore_backup(archive, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        self.stdout.write(
            f"Restored {archive} (made {manifest['created_at']}, "
            f"git {manifest['versions'].get('git_commit') or '?'}) in {result.seconds:.1f} s."
        )
        self.stdout.write(f"{'table':<48} {'archive':>9} {'restored':>9}")
        for table, expected, actual in result.counts:
            mark = "" if expected == actual else "  MISMATCH"
            self.stdout.write(f"{table:<48} {_n(expected):>9} {_n(actual):>9}{mark}")
        for note in result.notes:
            style = self.style.WARNING if note.startswith("WARNING") else str
            self.stdout.write(style(note))
        if result.mismatches:
            raise CommandError(
                f"Row counts differ from the manifest in {len(result.mismatches)} tables."
            )
        total = sum(actual or 0 for _, _, actual in result.counts)
        self.stdout.write(
            self.style.SUCCESS(
                f"Row counts match the manifest: {len(result.counts)} tables, {total} rows."
            )
        )


def _n(value) -> str:
    return "-" if value is None else str(value)
