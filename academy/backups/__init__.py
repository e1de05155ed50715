"""Backups that restore: `manage.py backup` and `manage.py restore` (README, "Backups").

One archive holds the database (pg_dump custom format, or an SQLite copy), the media folder, the
public half of the certificate-signing chain and a manifest (checksums, versions, migrations, row
counts, creation time).

Order, and why it is consistent: the database snapshot is taken first, the media copied after it.
A file is written to storage before the row that names it is committed (Django saves a
FileField's file, then the row), and the academy never rewrites a stored file in place (a new
certificate PDF gets a new name), so every file a row in the dump refers to already exists when
the media are copied. What is written during the backup only adds files no row of the dump names:
harmless leftovers after a restore. The reverse order would lose files for rows committed between
the copy and the dump.

The private signing key stays out unless `--include-private-key` asks for it: it belongs offline,
apart from the routine backups (README).
"""

import platform
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from . import database
from .archive import FORMAT, FORMAT_VERSION, ArchiveWriter, extract_verified
from .database import BackupError

__all__ = ["BackupError", "create_backup", "restore_backup"]

# Archive name -> the setting that says where the app reads the file.
SIGNING_PUBLIC = {
    "signing/signer.cert.pem": "CERT_SIGNING_CERT",
    "signing/chain.pem": "CERT_SIGNING_CHAIN",
}
SIGNING_KEY = ("signing/signer.key.pem", "CERT_SIGNING_KEY")


@dataclass
class BackupResult:
    path: Path
    size: int
    seconds: float
    manifest: dict
    warnings: list[str] = field(default_factory=list)


@dataclass
class RestoreResult:
    manifest: dict
    counts: list[tuple[str, int | None, int | None]]
    seconds: float
    notes: list[str] = field(default_factory=list)

    @property
    def mismatches(self):
        return [row for row in self.counts if row[1] != row[2]]


# --- Backup ------------------------------------------------------------------------------------


def _media_root() -> Path | None:
    """The media folder, when media live on this machine's disk (an object store is backed up by
    its own versioning and replication, not here)."""
    if isinstance(default_storage, FileSystemStorage):
        return Path(default_storage.location)
    return None


def _output_path(output: Path | None) -> Path:
    """`output` names the archive when it ends in .tar/.tar.gz/.tgz, else the folder for it."""
    output = Path(output or settings.BACKUP_DIR)
    if not output.name.endswith((".tar", ".tar.gz", ".tgz")):
        output.mkdir(parents=True, exist_ok=True)
        output = output / f"academy-backup-{timezone.now():%Y%m%dT%H%M%SZ}.tar"
    if output.exists():
        raise BackupError(f"{output} exists; backups never overwrite one another.")
    output.parent.mkdir(parents=True, exist_ok=True)
    return output


def _versions() -> dict:
    versions = {"python": platform.python_version()}
    for name in ("django", "wagtail", "django-allauth", "provider-academy"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    try:
        versions["git_commit"] = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        versions["git_commit"] = None
    return versions


def create_backup(output: Path | None = None, *, include_private_key: bool = False) -> BackupResult:
    started = time.monotonic()
    path = _output_path(output)
    partial = path.with_name(path.name + ".partial")
    warnings = []
    writer = ArchiveWriter(partial)
    try:
        # 1. The database snapshot, first (see the module docstring for why).
        with tempfile.TemporaryDirectory(dir=path.parent, prefix=".academy-backup-") as tmp:
            dump_path = Path(tmp) / database.dump_filename()
            described = database.dump(dump_path)
            writer.add_file(dump_path, dump_path.name)
        described["file"] = dump_path.name
        # 2. The media folder.
        media_root = _media_root()
        media = {"included": media_root is not None, "root": str(media_root or "")}
        if media_root is None:
            warnings.append(
                "Media are not on the local disk (DEFAULT_FILE_STORAGE): back the bucket up "
                "with its own versioning; this archive holds the database and certificates only."
            )
        elif media_root.is_dir():
            for file in sorted(media_root.rglob("*")):
                if file.is_file() and not file.is_symlink():
                    writer.add_file(file, "media/" + file.relative_to(media_root).as_posix())
        # 3. The signing certificates (public), the key only when asked.
        signing = {}
        wanted = dict(SIGNING_PUBLIC)
        if include_private_key:
            wanted[SIGNING_KEY[0]] = SIGNING_KEY[1]
        for name, setting in wanted.items():
            source = Path(getattr(settings, setting))
            signing[setting] = source.is_file()
            if source.is_file():
                writer.add_file(source, name)
            else:
                warnings.append(f"{setting} ({source}) does not exist: not in the archive.")
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "order": "database snapshot, then media, then signing certificates",
            "versions": _versions(),
            "database": {
                k: v for k, v in described.items() if k not in ("row_counts", "migrations")
            },
            "migrations": described["migrations"],
            "row_counts": described["row_counts"],
            "media": media
            | {
                "files": sum(1 for name in writer.files if name.startswith("media/")),
                "bytes": sum(f["size"] for n, f in writer.files.items() if n.startswith("media/")),
            },
            "signing": signing | {"private_key_included": include_private_key},
            "files": writer.files,
        }
        writer.add_manifest(manifest)
        writer.close()
    except BaseException:
        writer.abort()
        partial.unlink(missing_ok=True)
        raise
    # A half-written archive never carries the final name.
    partial.rename(path)
    return BackupResult(
        path=path,
        size=path.stat().st_size,
        seconds=time.monotonic() - started,
        manifest=manifest,
        warnings=warnings,
    )


# --- Restore -----------------------------------------------------------------------------------


def _refusals_before_extracting(force: bool) -> list[str]:
    if force:
        return []
    refusals = []
    tables = database.tables_present()
    if tables:
        refusals.append(
            f"The database {database.target_name()} is not empty ({len(tables)} tables). "
            "Restore into a new, empty database (createdb), or pass --force to replace what the "
            "archive contains."
        )
    media_root = _media_root()
    if media_root is not None and media_root.is_dir() and any(media_root.iterdir()):
        refusals.append(
            f"The media folder {media_root} is not empty. Point MEDIA_ROOT at an empty folder, "
            "or pass --force to overwrite files of the same name."
        )
    return refusals


def _refusals_after_extracting(manifest: dict, staging: Path, force: bool) -> list[str]:
    refusals = []
    if not force:
        for name, setting in [*SIGNING_PUBLIC.items(), SIGNING_KEY]:
            target = Path(getattr(settings, setting))
            staged = staging / name
            if staged.is_file() and target.is_file() and target.read_bytes() != staged.read_bytes():
                refusals.append(
                    f"{setting} ({target}) differs from the archive's copy; move it away or pass "
                    "--force to replace it."
                )
        on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
        newer = sorted(_applied(manifest) - on_disk)
        if newer:
            shown = ", ".join(f"{app}.{name}" for app, name in newer[:5])
            refusals.append(
                f"The archive was made by newer code (migrations unknown here: {shown}). Deploy "
                f"that version first (git {manifest['versions'].get('git_commit')}), or --force."
            )
    return refusals


def _applied(manifest: dict) -> set[tuple[str, str]]:
    return {(app, name) for app, names in manifest["migrations"].items() for name in names}


def _restore_media(staging: Path, notes: list[str]) -> None:
    media_root = _media_root()
    source = staging / "media"
    if media_root is None:
        if source.is_dir():
            notes.append("Media storage is not the local disk: the archive's media were skipped.")
        return
    media_root.mkdir(parents=True, exist_ok=True)
    if not source.is_dir():
        return
    for file in source.rglob("*"):
        if file.is_file():
            target = media_root / file.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(file, target)


def _restore_signing(staging: Path, notes: list[str]) -> None:
    for name, setting in SIGNING_PUBLIC.items():
        staged = staging / name
        if staged.is_file():
            target = Path(getattr(settings, setting))
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(staged, target)
    key_name, key_setting = SIGNING_KEY
    key_target = Path(getattr(settings, key_setting))
    if (staging / key_name).is_file():
        key_target.parent.mkdir(parents=True, exist_ok=True)
        key_target.write_bytes((staging / key_name).read_bytes())
        key_target.chmod(0o600)
        notes.append(f"The private signing key was in the archive: written to {key_target}.")
    notes.append(_key_state(key_target, Path(settings.CERT_SIGNING_CERT)))


def _key_state(key_path: Path, cert_path: Path) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    if not key_path.is_file():
        return (
            f"No private signing key at {key_path}: certificates verify, but none can be issued "
            "(and the .jwt credentials need it) until the offline copy is put there (mode 600)."
        )
    if not cert_path.is_file():
        return f"No signing certificate at {cert_path}."
    try:
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    except (ValueError, TypeError) as error:
        return f"Cannot read the signing key or certificate: {error}"
    raw = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(*raw) != cert.public_key().public_bytes(*raw):
        return (
            f"WARNING: the private key at {key_path} does not belong to the restored certificate "
            f"{cert_path}: new certificates would not verify. Put the matching key there."
        )
    return f"The private key at {key_path} matches the restored signing certificate."


def restore_backup(archive: Path, *, force: bool = False) -> RestoreResult:
    started = time.monotonic()
    if not archive.is_file():
        raise BackupError(f"No archive at {archive}.")
    refusals = _refusals_before_extracting(force)
    if refusals:
        raise BackupError(" ".join(refusals))
    media_parent = Path(settings.MEDIA_ROOT).parent
    media_parent.mkdir(parents=True, exist_ok=True)
    # Staged beside the media folder, so moving the files in is a rename, not a second copy.
    staging = Path(tempfile.mkdtemp(prefix=".academy-restore-", dir=media_parent))
    notes: list[str] = []
    try:
        manifest = extract_verified(archive, staging)
        refusals = _refusals_after_extracting(manifest, staging, force)
        if refusals:
            raise BackupError(" ".join(refusals))
        replace = bool(database.tables_present())
        described = manifest["database"]
        database.restore(
            staging / described["file"], vendor_in_archive=described["vendor"], replace=replace
        )
        _restore_media(staging, notes)
        _restore_signing(staging, notes)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    expected = manifest["row_counts"]
    actual = database.row_counts()
    counts = [
        (table, expected.get(table), actual.get(table)) for table in sorted({*expected, *actual})
    ]
    unapplied = set(MigrationLoader(None, ignore_no_migrations=True).graph.nodes) - _applied(
        manifest
    )
    if unapplied:
        notes.append(
            f"This code has {len(unapplied)} migrations the archive had not applied: "
            "run `manage.py migrate` next."
        )
    return RestoreResult(
        manifest=manifest, counts=counts, seconds=time.monotonic() - started, notes=notes
    )
