"""Write one consistent backup archive: database, media, signing certificates, manifest.

Exit status 0 with the archive's path on the last line; 1 (nothing left behind) on failure.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from academy.backups import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump -Fc or an SQLite copy), MEDIA_ROOT, the signing "
        "certificate chain and a manifest with checksums into one .tar (README, Backups)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="Archive file (.tar, or .tar.gz to compress) or folder; default BACKUP_DIR.",
        )
        parser.add_argument(
            "--include-private-key",
            action="store_true",
            help="Also store the private signing key. Keep such an archive offline and encrypted.",
        )

    def handle(self, *args, output=None, include_private_key=False, **options):
        if include_private_key:
            self.stderr.write(
                self.style.WARNING(
                    "WARNING: this archive will contain the private signing key. Whoever holds "
                    "it can issue certificates in the academy's name: encrypt it and keep it "
                    "apart from the routine backups."
                )
            )
        try:
            result = create_backup(output, include_private_key=include_private_key)
        except BackupError as error:
            raise CommandError(str(error)) from error
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        manifest = result.manifest
        rows = sum(manifest["row_counts"].values())
        self.stdout.write(
            f"{manifest['database']['vendor']}: {len(manifest['row_counts'])} tables, {rows} rows; "
            f"media: {manifest['media']['files']} files, {manifest['media']['bytes']} bytes; "
            f"{result.size} bytes in {result.seconds:.1f} s."
        )
        self.stdout.write(self.style.SUCCESS(str(result.path)))
