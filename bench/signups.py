"""A sign-up rush over HTTP: N people sign up for one event at the same moment.

    .venv/bin/python bench/signups.py                  # 300 clients, 100 seats, own gunicorn
    .venv/bin/python bench/signups.py --clients 1000  # the 1,000-client rush for 100 seats
    .venv/bin/python bench/signups.py --clients 500 --seats 50 --workers 3
    .venv/bin/python bench/signups.py --url http://127.0.0.1:8000 --secret-key "$SECRET_KEY"

By default it starts gunicorn itself (production settings, loopback only) on PostgreSQL
(postgres://postgres@127.0.0.1:5432/academy_bench, created and migrated when missing) with
Celery tasks queued on Redis (db 7) when Redis answers, as in production; the queued e-mails are
removed afterwards. With --url it targets a server already running on this machine instead: pass
that server's DATABASE_URL and SECRET_KEY, since the clients' sessions are made in its database.

Logging in hundreds of people through the login form would hit allauth's rate limit and cost
0.25 s of PBKDF2 each (stack notes §9), so the sessions are created server-side (SessionStore) and
each client only sends its cookie. Every client opens its connection first, then all send their
POST /events/<event>/register/ together. It prints sign-ups per second, latency p50/p95/max and
the server's CPU-ms per sign-up (gunicorn master and workers, from /proc; only for the server it
started), the confirmed and waitlisted counts, and exits 1 — loudly — if more people were confirmed than
there are seats, or if any request failed.
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/academy_bench"
DEFAULT_BROKER = "redis://127.0.0.1:6379/7"
# The cache (sessions, rate limits, the page cache's version), as in production: Redis when it
# answers, else the database cache production falls back to.
DEFAULT_CACHE = "redis://127.0.0.1:6379/8"
MAX_CLIENTS = 2000  # bounded: one thread and one socket per client


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=300, help="people signing up (300)")
    parser.add_argument("--seats", type=int, default=100, help="the event's capacity (100)")
    parser.add_argument("--url", help="target a running server (loopback only) instead")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--secret-key", default=os.environ.get("SECRET_KEY"))
    parser.add_argument("--port", type=int, default=8099, help="port of the gunicorn started here")
    parser.add_argument(
        "--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers"
    )
    parser.add_argument(
        "--settings",
        default="academy.settings.production",
        help="settings module of the server started here (academy.settings.production)",
    )
    parser.add_argument("--no-broker", action="store_true", help="send e-mails in the request")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per request")
    args = parser.parse_args()
    if not 1 <= args.clients <= MAX_CLIENTS:
        parser.error(f"--clients must be between 1 and {MAX_CLIENTS}")
    if args.seats < 1:
        parser.error("--seats must be at least 1")
    if args.url:
        host = urllib.parse.urlsplit(args.url).hostname or ""
        if not _is_loopback(host):
            parser.error("--url must point at this machine (127.0.0.1, ::1 or localhost)")
        if not (args.database_url and args.secret_key):
            parser.error("with --url, pass the server's --database-url and --secret-key")
    return args


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# --- The server -----------------------------------------------------------------------------------


def server_environment(args) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": args.settings,
        "DATABASE_URL": args.database_url,
        "SECRET_KEY": args.secret_key,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on the loopback: no redirect to HTTPS.
        "SECURE_SSL_REDIRECT": "false",
        "EMAIL_URL": "dummymail://",
        "STATIC_ROOT": str(Path(tempfile.gettempdir()) / "academy-bench-static"),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("CELERY_BROKER_URL", None)
    env.pop("REDIS_URL", None)
    if args.broker_url:
        env["CELERY_BROKER_URL"] = args.broker_url
    if getattr(args, "cache_url", None):
        env["REDIS_URL"] = args.cache_url
    return env


def prepare_database(args, env) -> None:
    """Create the bench database when missing, then migrate and collect static files."""
    import psycopg

    parts = urllib.parse.urlsplit(args.database_url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}.")
    manage = [PYTHON, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
    if not (Path(env["STATIC_ROOT"]) / "staticfiles.json").exists():
        subprocess.run(
            [*manage, "collectstatic", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True
        )


def start_gunicorn(args, env) -> subprocess.Popen:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", args.port)) == 0:
            sys.exit(f"Port {args.port} is already in use; choose another with --port.")
    command = [
        str(Path(PYTHON).with_name("gunicorn")),
        "academy.wsgi",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--backlog",
        str(max(2048, args.clients * 2)),
        "--timeout",
        str(int(args.timeout)),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn stopped while starting; see its output above.")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    stop(server)
    sys.exit("gunicorn did not answer /healthz within 60 s.")


def cpu_seconds(server: subprocess.Popen) -> float:
    """User + system CPU of gunicorn's master and its live workers, from /proc (clock ticks)."""
    ticks = os.sysconf("SC_CLK_TCK")
    pids = [server.pid]
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # a worker that exited between the two reads
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / ticks


def stop(server: subprocess.Popen | None) -> None:
    if server is None or server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)  # gunicorn and its workers, started by us
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


# --- The data ---------------------------------------------------------------------------------------


@dataclass
class Setup:
    event_id: int
    path: str
    sessions: list[str]
    run: str


def setup_django(env) -> None:
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SECRET_KEY")})
    for name in ("CELERY_BROKER_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    os.environ.update(
        {k: env[k] for k in ("DEBUG", "ALLOWED_HOSTS", "EMAIL_URL", "STATIC_ROOT", "LOG_LEVEL")}
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def create_event_and_people(clients: int, seats: int) -> Setup:
    """A fresh event with `seats` seats and `clients` signed-in people (sessions in the DB)."""
    from datetime import timedelta
    from io import StringIO

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone
    from wagtail.models import Site

    from academy.models import HomePage, User
    from events.models import EventIndexPage, EventPage

    if not HomePage.objects.exists():
        call_command("seed_demo", stdout=StringIO())
    # The default site's root (an English version of the home page is a HomePage too).
    home = Site.objects.get(is_default_site=True).root_page.specific
    index = EventIndexPage.objects.first()
    if index is None:
        index = EventIndexPage(title="线下活动", slug="events")
        home.add_child(instance=index)
        index.save_revision().publish()
    run = time.strftime("%Y%m%d%H%M%S") + secrets.token_hex(2)
    start = timezone.now() + timedelta(days=7)
    event = EventPage(
        title=f"压测工作坊 {run}",
        slug=f"bench-{run}",
        summary="Sign-up rush benchmark.",
        city="上海",
        venue="Bench",
        start=start,
        end=start + timedelta(hours=3),
        capacity=seats,
    )
    index.add_child(instance=event)
    event.save_revision().publish()

    users = User.objects.bulk_create(
        User(
            username=f"bench-{run}-{n}",
            email=f"bench-{run}-{n}@example.com",
            display_name=f"压测{n}",
            password="!",  # unusable: nobody logs in with a password here
        )
        for n in range(clients)
    )
    backend = settings.AUTHENTICATION_BACKENDS[0]
    sessions = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)
    path = "/" + event.url_path.split("/", 2)[2] + "register/"
    return Setup(event.pk, path, sessions, run)


def counts(event_id: int) -> dict[str, int]:
    from django.db.models import Count

    from events.models import Registration

    rows = (
        Registration.objects.filter(event_id=event_id)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return dict(rows)


# --- The rush ---------------------------------------------------------------------------------------


@dataclass
class Result:
    status: int = 0
    seconds: float = 0.0
    error: str = ""


def rush(host: str, port: int, path: str, sessions: list[str], timeout: float) -> tuple:
    """Every client connects, waits at the barrier, then POSTs; returns results and wall time."""
    results = [Result() for _ in sessions]
    ready = threading.Barrier(len(sessions) + 1)
    done = threading.Barrier(len(sessions) + 1)
    csrf = secrets.token_hex(16)  # 32 characters: Django accepts the unmasked secret
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf})

    def client(n: int) -> None:
        result = results[n]
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        try:
            conn.connect()
        except OSError as error:
            result.error = f"connect: {error}"
        try:
            ready.wait()
            if result.error:
                return
            started = time.perf_counter()
            conn.request(
                "POST",
                path,
                body=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"sessionid={sessions[n]}; csrftoken={csrf}",
                    "Host": f"{host}:{port}",
                },
            )
            response = conn.getresponse()
            response.read()
            result.seconds = time.perf_counter() - started
            result.status = response.status
        except (OSError, http.client.HTTPException) as error:
            result.error = f"{type(error).__name__}: {error}"
        finally:
            conn.close()
            done.wait()

    threads = [
        threading.Thread(target=client, args=(n,), daemon=True) for n in range(len(sessions))
    ]
    for thread in threads:
        thread.start()
    ready.wait()
    started = time.perf_counter()
    done.wait()
    wall = time.perf_counter() - started
    return results, wall


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def redis_answers(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


def purge_queue(url: str) -> int:
    """Drop the e-mail tasks this run queued (the bench's own Redis database)."""
    import redis

    client = redis.Redis.from_url(url)
    queued = client.llen("celery")
    client.delete("celery")
    return queued


def main() -> int:
    args = parse_args()
    args.database_url = args.database_url or DEFAULT_DATABASE
    args.secret_key = args.secret_key or "bench-" + secrets.token_urlsafe(32)
    args.broker_url = None
    if not args.url and not args.no_broker and redis_answers(DEFAULT_BROKER):
        args.broker_url = DEFAULT_BROKER
    args.cache_url = DEFAULT_CACHE if not args.url and redis_answers(DEFAULT_CACHE) else None
    env = server_environment(args)

    server = None
    try:
        if args.url:
            target = urllib.parse.urlsplit(args.url)
            host, port = target.hostname, target.port or 80
        else:
            print(f"Preparing {args.database_url} …")
            prepare_database(args, env)
            host, port = "127.0.0.1", args.port
        setup_django(env)
        setup = create_event_and_people(args.clients, args.seats)
        if not args.url:
            server = start_gunicorn(args, env)
            print(
                f"gunicorn: {args.workers} sync workers on 127.0.0.1:{port}, production settings,"
                f" e-mails {'queued on ' + args.broker_url if args.broker_url else 'sent in-request'},"
                f" cache {args.cache_url or 'in the database'}"
            )
        # Warm every worker (imports, first queries) so the rush measures sign-ups, not start-up.
        event_page = setup.path.removesuffix("register/")
        for _ in range(args.workers * 3 if server else 5):
            conn = http.client.HTTPConnection(host, port, timeout=30)
            conn.request("GET", event_page, headers={"Host": f"{host}:{port}"})
            conn.getresponse().read()
            conn.close()

        print(f"Rush: {args.clients} clients sign up for {args.seats} seats at {setup.path}")
        cpu_before = cpu_seconds(server) if server else None
        results, wall = rush(host, port, setup.path, setup.sessions, args.timeout)
        cpu_used = cpu_seconds(server) - cpu_before if server else None
    finally:
        stop(server)
        if args.broker_url:
            purge_queue(args.broker_url)

    latencies = [r.seconds for r in results if r.status]
    failures = [r for r in results if r.status != 302]
    tally = counts(setup.event_id)
    confirmed, waitlisted = tally.get("confirmed", 0), tally.get("waitlisted", 0)

    print()
    print(f"  sign-ups            {len(results)} in {wall:.2f} s  ->  {len(results) / wall:.0f} /s")
    if latencies:
        print(
            f"  latency             p50 {statistics.median(latencies) * 1000:.0f} ms · "
            f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms · max {max(latencies) * 1000:.0f} ms"
        )
    if cpu_used is not None:
        print(
            f"  server CPU          {cpu_used * 1000:.0f} ms (gunicorn master + workers, /proc)"
            f"  ->  {cpu_used * 1000 / len(results):.1f} ms per sign-up"
        )
    print(f"  confirmed           {confirmed} of {args.seats} seats")
    print(f"  waitlisted          {waitlisted}")
    print(
        f"  other statuses      {({k: v for k, v in tally.items() if k not in ('confirmed', 'waitlisted')}) or '-'}"
    )
    print(f"  non-302 responses   {len(failures)}")

    ok = True
    if confirmed > args.seats:
        print(
            f"\n!!! OVERBOOKED: {confirmed} people confirmed for {args.seats} seats !!!",
            file=sys.stderr,
        )
        ok = False
    if confirmed != min(args.seats, args.clients) or confirmed + waitlisted != args.clients:
        print("\n!!! Seats and waitlist do not add up to the sign-ups !!!", file=sys.stderr)
        ok = False
    if failures:
        sample = {(r.status, r.error) for r in failures[:5]}
        print(f"\n!!! {len(failures)} requests failed, e.g. {sample} !!!", file=sys.stderr)
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
