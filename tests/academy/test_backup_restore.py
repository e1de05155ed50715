"""The backup/restore drill (issue #20): `manage.py backup`, then `manage.py restore` in another
process into a fresh database, media folder and certificate folder; that process then serves the
certificate as valid, its PDF verifies with `verify_certificate` and poppler's `pdfsig`, and every
table holds the rows it held before.

On PostgreSQL (make test-services) the drill runs on the whole demo, restored with pg_restore into
a database of its own (dropped afterwards). On SQLite it runs on one certificate issued by the
real pipeline, which keeps `make test` fast; the SQLite path is the one the demo itself uses.
"""

import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from io import BytesIO, StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from academy.backups import BackupError, restore_backup
from academy.backups.database import row_counts
from certification.models import Certificate
from tests.certification.factories_programmes import (  # noqa: F401
    award,
    signing_key_dir,
    signing_keys,
    simple_programme,
)
from tests.conftest import ROOT
from tests.factories import UserFactory

needs_pdfsig = pytest.mark.skipif(
    not shutil.which("pdfsig") or not shutil.which("certutil"),
    reason="needs poppler-utils (pdfsig) and libnss3-tools (certutil); .ci/run installs them",
)
DISK = "django.core.files.storage.FileSystemStorage"
pytestmark = pytest.mark.usefixtures("signing_keys")

# Committed, so that pg_dump (another process) and SQLite's backup (which waits while this
# process's transaction holds the write lock) see the data.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def media_on_disk(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": DISK}}
    return Path(settings.MEDIA_ROOT)


def _backup(tmp_path, *options, report=False) -> Path:
    out = StringIO()
    call_command("backup", "--output", str(tmp_path / "backups"), *options, stdout=out)
    if report:
        print(out.getvalue())  # size and time, for `pytest -rP`
    return Path(out.getvalue().strip().splitlines()[-1])


def _members(archive: Path) -> set[str]:
    with tarfile.open(archive) as tar:
        return set(tar.getnames())


# --- The drill ---------------------------------------------------------------------------------


@pytest.fixture
def restore_target(tmp_path):
    """Where the restoring process points: a new database (PostgreSQL: created here, dropped
    afterwards; SQLite: a new file), an empty media folder and an empty certificate folder."""
    folder = tmp_path / "restored"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "academy.settings.test",
        "TEST_FILE_STORAGE": DISK,
        "MEDIA_ROOT": str(folder / "media"),
        "CERT_SIGNING_KEY": str(folder / "signing" / "signer.key.pem"),
        "CERT_SIGNING_CERT": str(folder / "signing" / "signer.cert.pem"),
        "CERT_SIGNING_CHAIN": str(folder / "signing" / "ca.cert.pem"),
    }
    if connection.vendor != "postgresql":
        env["DATABASE_URL"] = f"sqlite:///{folder / 'academy.sqlite3'}"
        yield folder, env
        return
    name = f"test_restore_{uuid.uuid4().hex[:12]}"
    db = connection.settings_dict
    login = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    env["DATABASE_URL"] = f"postgres://{login}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield folder, env
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


# Run by `manage.py shell` in the restored site (one Django start-up instead of three).
CHECK = """
import io, json
from django.core.management import call_command
from django.test import Client
from academy.backups.database import row_counts
from certification.models import Certificate
serial = {serial!r}
counts = row_counts()  # before the first page view creates anything (site settings)
page = Client().get(f"/verify/{{serial}}/")
pdf = Certificate.objects.get(serial=serial).pdf.path
verdict, out = 0, io.StringIO()
try:
    call_command("verify_certificate", pdf, stdout=out)
except SystemExit as stop:
    verdict = stop.code
print(json.dumps({{
    "page": page.status_code,
    "says_valid": "cert-status--valid" in page.content.decode(),
    "credential": Client().get(f"/verify/{{serial}}.jwt").status_code,
    "pdf": pdf,
    "verify_command": [verdict, out.getvalue()],
    "counts": counts,
}}))
"""


def _pdfsig(pdf: str, chain: Path, tmp_path) -> str:
    nss = tmp_path / "nss"
    nss.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True)
    trust = ["certutil", "-A", "-d", f"sql:{nss}", "-n", "Academy Root", "-t", "CT,C,C"]
    subprocess.run([*trust, "-i", str(chain)], check=True)
    return subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{nss}", pdf], capture_output=True, text=True
    ).stdout


@pytest.fixture
def certificate(media_on_disk):
    if connection.vendor == "postgresql":
        call_command("seed_demo", stdout=StringIO())
        return Certificate.objects.get(holder__email="lecturer@example.com")
    return award(UserFactory(display_name="陈思远"), simple_programme())


@needs_pdfsig
@committed
def test_backup_restores_into_a_fresh_database_that_serves_verifiable_certificates(
    tmp_path, settings, certificate, restore_target
):
    assert certificate.status == Certificate.Status.VALID and certificate.pdf
    archive = _backup(tmp_path, report=True)
    assert archive.name.startswith("academy-backup-") and archive.suffix == ".tar"
    members = _members(archive)
    assert {"manifest.json", "signing/signer.cert.pem", "signing/chain.pem"} <= members
    assert f"media/{certificate.pdf.name}" in members
    assert not any("key" in name for name in members)  # the private key stays out
    before = row_counts()

    folder, env = restore_target
    restored = _manage(env, "restore", str(archive))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "Row counts match the manifest" in restored.stdout
    print(restored.stdout.splitlines()[0])
    assert "No private signing key" in restored.stdout
    # The key comes back from its offline copy, as the README's routine says.
    shutil.copyfile(settings.CERT_SIGNING_KEY, folder / "signing" / "signer.key.pem")

    checked = _manage(env, "shell", "-c", CHECK.format(serial=certificate.serial))
    assert checked.returncode == 0, checked.stderr
    seen = json.loads(checked.stdout.strip().splitlines()[-1])
    assert (seen["page"], seen["says_valid"], seen["credential"]) == (200, True, 200)
    assert seen["counts"] == before
    assert Path(seen["pdf"]).is_relative_to(folder / "media")

    verdict, printed = seen["verify_command"]
    assert verdict == 0 and printed.startswith("VALID"), printed
    report = _pdfsig(seen["pdf"], folder / "signing" / "ca.cert.pem", tmp_path)
    assert "Signature is Valid." in report and "Certificate is Trusted." in report
    assert "Total document signed" in report


# --- Refusals and the private key --------------------------------------------------------------


@pytest.fixture
def small_site(media_on_disk):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    UserFactory(email="kept@example.com")
    default_storage.save("uploads/note.txt", ContentFile(b"kept"))
    return media_on_disk


def _tampered(archive: Path, member: str) -> Path:
    """A copy of `archive` with one byte of `member` changed and its manifest left as it was."""
    copy = archive.with_name("tampered.tar")
    with tarfile.open(archive) as source, tarfile.open(copy, "w") as target:
        for info in source.getmembers():
            data = source.extractfile(info).read()
            if info.name == member:
                data = bytes([data[0] ^ 1]) + data[1:]
            target.addfile(info, BytesIO(data))
    return copy


@committed
def test_tampered_archive_is_refused_before_anything_is_written(tmp_path, small_site):
    archive = _backup(tmp_path)
    tampered = _tampered(archive, "media/uploads/note.txt")
    with pytest.raises(BackupError, match="checksum mismatch: media/uploads/note.txt"):
        restore_backup(tampered, force=True)
    assert (small_site / "uploads" / "note.txt").read_bytes() == b"kept"
    from academy.models import User

    assert User.objects.filter(email="kept@example.com").exists()


@committed
def test_restore_refuses_a_database_with_tables_and_a_media_folder_with_files(tmp_path, small_site):
    archive = _backup(tmp_path)
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), stdout=StringIO())
    assert "is not empty" in str(refused.value) and "--force" in str(refused.value)
    assert str(small_site) in str(refused.value)


@committed
def test_private_key_only_when_asked_and_with_a_warning(tmp_path, settings, small_site):
    assert "signing/signer.key.pem" not in _members(_backup(tmp_path))
    err = StringIO()
    out = StringIO()
    call_command(
        "backup",
        "--output",
        str(tmp_path / "with-key.tar"),
        "--include-private-key",
        stdout=out,
        stderr=err,
    )
    assert "WARNING" in err.getvalue() and "private signing key" in err.getvalue()
    archive = tmp_path / "with-key.tar"
    assert "signing/signer.key.pem" in _members(archive)
    assert archive.stat().st_mode & 0o077 == 0  # readable by its owner only
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        key = tar.extractfile("signing/signer.key.pem").read()
    assert key == Path(settings.CERT_SIGNING_KEY).read_bytes()
    assert manifest["signing"]["private_key_included"] is True
    assert {"django", "wagtail", "provider-academy"} <= set(manifest["versions"])
    assert manifest["row_counts"] and manifest["migrations"]["academy"]
