"""The database half of a backup: a consistent dump plus the row counts and migration state of
the very same snapshot, and the way back.

PostgreSQL: one REPEATABLE READ transaction exports its snapshot; the counts are read in it and
`pg_dump --snapshot` dumps exactly it, so the manifest describes the dump and not a moment later.
SQLite: the online backup API copies the file page by page under a read lock; the counts are read
from the copy.
"""

import os
import shutil
import sqlite3
import subprocess
import time
from contextlib import closing, contextmanager
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


ALIAS = "default"


def vendor() -> str:
    return connections[ALIAS].vendor


def dump_filename() -> str:
    return {"postgresql": "database.dump", "sqlite": "database.sqlite3"}[_supported(vendor())]


def _supported(name: str) -> str:
    if name not in ("postgresql", "sqlite"):
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {name}.")
    return name


def _count(cursor, tables, quote) -> dict[str, int]:
    counts = {}
    # SQLite's own tables (sqlite_sequence, sqlite_stat1) come and go with the engine's moods.
    for table in sorted(t for t in tables if not t.startswith("sqlite_")):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _migrations(cursor, tables) -> dict[str, list[str]]:
    if "django_migrations" not in tables:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


# --- Dump --------------------------------------------------------------------------------------


def dump(path: Path) -> dict:
    """Write the database to `path`; return its description for the manifest (vendor, counts,
    migrations) taken from the same snapshot as the file."""
    if _supported(vendor()) == "postgresql":
        return _dump_postgresql(path)
    return _dump_sqlite(path)


def _pg_env(settings_dict: dict) -> tuple[list[str], dict]:
    """pg_dump/pg_restore connection options for Django's settings (password in the environment,
    never on the command line where `ps` shows it)."""
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if options.get(option):
            env[variable] = str(options[option])
    return args + ["--no-password"], env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return found


@contextmanager
def _own_connection():
    """A connection of its own, so the snapshot's transaction touches nobody else's."""
    wrapper = connections.create_connection(ALIAS)
    try:
        wrapper.ensure_connection()
        yield wrapper
    finally:
        wrapper.close()


def _dump_postgresql(path: Path) -> dict:
    with _own_connection() as wrapper, wrapper.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
            tables = wrapper.introspection.table_names(cursor)
            counts = _count(cursor, tables, wrapper.ops.quote_name)
            migrations = _migrations(cursor, tables)
            args, env = _pg_env(wrapper.settings_dict)
            command = [_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}"]
            command += [*args, "--file", str(path), wrapper.settings_dict["NAME"]]
            result = subprocess.run(command, env=env, capture_output=True, text=True)
            if result.returncode:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        finally:
            cursor.execute("ROLLBACK")
    return {
        "vendor": "postgresql",
        "format": "pg_dump custom (-Fc)",
        "server_version": server_version,
        "row_counts": counts,
        "migrations": migrations,
    }


def _sqlite_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return [name for (name,) in cursor.fetchall()]


def _quote_sqlite(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# sqlite3's backup() retries a locked database forever: give up after this long instead.
SQLITE_LOCK_PATIENCE = 60
SQLITE_BUSY, SQLITE_LOCKED = 5, 6


def _patient(seconds: float):
    deadline = time.monotonic() + seconds

    def progress(status, remaining, total):
        if status in (SQLITE_BUSY, SQLITE_LOCKED) and time.monotonic() > deadline:
            raise BackupError(
                f"The SQLite database stayed locked for {seconds} s (a long write, or a "
                "transaction left open in this process); try again."
            )

    return progress


def _dump_sqlite(path: Path) -> dict:
    source = connections[ALIAS]
    source.ensure_connection()
    with closing(sqlite3.connect(path)) as copy:
        source.connection.backup(copy, progress=_patient(SQLITE_LOCK_PATIENCE))
        cursor = copy.cursor()
        tables = _sqlite_tables(cursor)
        return {
            "vendor": "sqlite",
            "format": "SQLite database (online backup API)",
            "server_version": sqlite3.sqlite_version,
            "row_counts": _count(cursor, tables, _quote_sqlite),
            "migrations": _migrations(cursor, tables),
        }


# --- Restore -----------------------------------------------------------------------------------


def tables_present() -> list[str]:
    connection = connections[ALIAS]
    if connection.vendor == "sqlite" and not str(connection.settings_dict["NAME"]).startswith(
        ("file:", ":memory:")
    ):
        # A restore into a new SQLite file: its folder may not exist yet.
        Path(connection.settings_dict["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def target_name() -> str:
    return str(connections[ALIAS].settings_dict["NAME"])


def restore(path: Path, *, vendor_in_archive: str, replace: bool) -> None:
    """Load the dump at `path` into the configured database. `replace`: it holds tables already
    (the caller checked `--force`)."""
    here = _supported(vendor())
    if vendor_in_archive != here:
        raise BackupError(
            f"The archive holds a {vendor_in_archive} database; DATABASE_URL points at {here}."
        )
    if here == "postgresql":
        _restore_postgresql(path, replace=replace)
    else:
        _restore_sqlite(path)


def _restore_postgresql(path: Path, *, replace: bool) -> None:
    settings_dict = connections[ALIAS].settings_dict
    args, env = _pg_env(settings_dict)
    # Owners and grants belong to the deployment, not to the data: the restoring role owns all.
    # One transaction: a failure leaves the database as it was, not half restored.
    command = [_tool("pg_restore"), "--no-owner", "--no-acl", "--exit-on-error"]
    command += ["--single-transaction", *args, "--dbname", settings_dict["NAME"]]
    if replace:
        command += ["--clean", "--if-exists"]
    connections[ALIAS].close()
    result = subprocess.run([*command, str(path)], env=env, capture_output=True, text=True)
    if result.returncode:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def _restore_sqlite(path: Path) -> None:
    connection = connections[ALIAS]
    connection.close()
    target = Path(connection.settings_dict["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    # The backup API replaces the whole target, WAL included, under SQLite's own locks.
    with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)


def row_counts() -> dict[str, int]:
    """The configured database's row counts, to compare with the manifest after a restore."""
    with _own_connection() as wrapper, wrapper.cursor() as cursor:
        tables = wrapper.introspection.table_names(cursor)
        return _count(cursor, tables, wrapper.ops.quote_name)
