"""The archive: one tar file whose members are checksummed as they are written, with
`manifest.json` (added last) listing every member's SHA-256 and size.

Reading it back extracts to a staging folder with tarfile's "data" filter (no absolute paths, no
`..`, no links out, no device files) and refuses unless the members are exactly the manifest's,
byte for byte. The checksums catch corruption and careless edits; they are no signature (whoever
can rewrite the archive can rewrite the manifest), which is what the off-site copy's encryption
is for (README, "Backups").
"""

import hashlib
import json
import os
import tarfile
import time
from io import BytesIO
from pathlib import Path

from .database import BackupError

MANIFEST = "manifest.json"
FORMAT = "provider-academy-backup"
FORMAT_VERSION = 1
CHUNK = 1 << 20


class _HashingReader:
    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


class ArchiveWriter:
    """Adds files to a tar, recording each one's checksum for the manifest."""

    def __init__(self, path: Path):
        compression = "w:gz" if path.name.endswith((".tar.gz", ".tgz")) else "w"
        # Personal data inside: readable by the owner only, from the first byte on.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self._file = os.fdopen(descriptor, "wb")
        # Closed by close() or abort(): the writer lives across the whole backup.
        self._tar = tarfile.open(  # noqa: SIM115
            fileobj=self._file, mode=compression, format=tarfile.PAX_FORMAT
        )
        self.files: dict[str, dict] = {}

    def add_file(self, source: Path, name: str) -> None:
        with open(source, "rb") as handle:
            info = self._tar.gettarinfo(fileobj=handle, arcname=name)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            reader = _HashingReader(handle)
            try:
                self._tar.addfile(info, reader)
            except OSError as error:
                # tarfile read fewer bytes than the size it wrote in the header.
                raise BackupError(
                    f"{source} changed while it was being copied; run the backup again."
                ) from error
        self.files[name] = {"sha256": reader.digest.hexdigest(), "size": info.size}

    def add_manifest(self, manifest: dict) -> bytes:
        data = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        info.mode = 0o600
        info.mtime = int(time.time())
        self._tar.addfile(info, BytesIO(data))
        return data

    def close(self) -> None:
        self._tar.close()
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()

    def abort(self) -> None:
        try:
            self._tar.close()
        finally:
            self._file.close()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def extract_verified(archive: Path, staging: Path) -> dict:
    """Extract `archive` into `staging` and return its manifest, or refuse if any member is
    missing, extra, or differs from the manifest's checksum and size."""
    try:
        with tarfile.open(archive, "r:*") as tar:
            tar.extractall(staging, filter="data")
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{archive} is not a readable backup archive: {error}") from error
    try:
        manifest = json.loads((staging / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{archive} has no readable {MANIFEST}: {error}") from error
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{archive} is not a Provider Academy backup (format {FORMAT_VERSION}).")
    listed = manifest.get("files") or {}
    found = {path.relative_to(staging).as_posix() for path in staging.rglob("*") if path.is_file()}
    found.discard(MANIFEST)
    problems = [f"missing: {name}" for name in sorted(set(listed) - found)]
    problems += [f"not in the manifest: {name}" for name in sorted(found - set(listed))]
    for name in sorted(set(listed) & found):
        path = staging / name
        expected = listed[name]
        if path.stat().st_size != expected["size"] or sha256_of(path) != expected["sha256"]:
            problems.append(f"checksum mismatch: {name}")
    if problems:
        shown = "; ".join(problems[:10]) + ("; …" if len(problems) > 10 else "")
        raise BackupError(f"{archive} does not match its manifest, nothing was restored ({shown}).")
    return manifest
