"""The academy's pages side by side with a stock Wagtail site, over HTTP, in one run.

    .venv/bin/python bench/pages_http.py                      # 20 connections, 10 s per page
    .venv/bin/python bench/pages_http.py --duration 5 --connections 50
    .venv/bin/python bench/pages_http.py --no-page-cache      # the academy without its page cache

It starts two gunicorns (2 sync workers each, production settings, loopback only):
- the academy on PostgreSQL (postgres://postgres@127.0.0.1:5432/academy_bench_pages, created,
  migrated and given the demo content when missing) with its cache in Redis (db 13);
- a stock site made by `wagtail start` from the installed Wagtail in a temporary folder, on its
  own SQLite database, serving Wagtail's welcome page.
Then wrk (Debian's package `wrk`) drives the same load at each page for a fixed time, and the
script prints per page req/s, p50 and p99 latency, and the ratio to the stock welcome page — for
an anonymous visitor and for a signed-in member (a session made server-side, sent as a cookie).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from signups import (  # noqa: E402  (bench/ is a folder of scripts, not a package)
    PYTHON,
    prepare_database,
    server_environment,
    setup_django,
    start_gunicorn,
    stop,
)

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/academy_bench_pages"
DEFAULT_CACHE = "redis://127.0.0.1:6379/13"
STOCK_SETTINGS = "stock.settings.bench"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per site")
    parser.add_argument("--port", type=int, default=8131, help="the academy's; the stock site +1")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--cache-url", default=DEFAULT_CACHE)
    parser.add_argument("--no-page-cache", action="store_true", help="PAGE_CACHE_SECONDS=0")
    parser.add_argument("--no-member", action="store_true", help="anonymous pages only")
    parser.add_argument("--settings", default="academy.settings.production")
    return parser.parse_args()


# --- The two sites ----------------------------------------------------------------------------------


def make_stock_site(folder: Path) -> Path:
    """`wagtail start stock`, migrated and collected: Wagtail's welcome page, nothing else."""
    subprocess.run(
        [str(Path(PYTHON).with_name("wagtail")), "start", "stock", str(folder)], check=True
    )
    # The template's production settings leave SECRET_KEY and ALLOWED_HOSTS to the deployer:
    # without them every request is a fast 400, not a page.
    (folder / "stock" / "settings" / "bench.py").write_text(
        "from .production import *  # noqa: F403\n"
        f"SECRET_KEY = {secrets.token_urlsafe(32)!r}\n"
        'ALLOWED_HOSTS = ["127.0.0.1", "localhost"]\n'
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": STOCK_SETTINGS}
    env.pop("DATABASE_URL", None)
    manage = [PYTHON, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=folder, env=env, check=True)
    subprocess.run(
        [*manage, "collectstatic", "--noinput", "-v", "0"], cwd=folder, env=env, check=True
    )
    return folder


def start_stock(folder: Path, port: int, workers: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": STOCK_SETTINGS,
        "PYTHONPATH": str(folder),
    }
    env.pop("DATABASE_URL", None)
    command = [
        str(Path(PYTHON).with_name("gunicorn")),
        "stock.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=env, cwd=folder, start_new_session=True)
    _wait_for(port, "/", server)
    return server


def _wait_for(port: int, path: str, server: subprocess.Popen) -> None:
    import http.client

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("a gunicorn stopped while starting; see its output above.")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.3)
    stop(server)
    sys.exit(f"127.0.0.1:{port}{path} did not answer within 60 s.")


# --- What to request --------------------------------------------------------------------------------


def academy_pages() -> tuple[list[tuple[str, str]], str]:
    """(label, path) of every kind of public page, and a member's session key."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from academy.models import HomePage, Membership
    from certification.models import Certificate
    from courses.models import CaseStudyPage, CoursePage
    from events.models import EventPage

    if not HomePage.objects.exists():
        call_command("seed_demo")

    def path_of(page) -> str:
        return "/" + page.url_path.split("/", 2)[2]

    pages = [
        ("home", "/"),
        ("/courses/", "/courses/"),
        ("a course", path_of(CoursePage.objects.live().order_by("pk").first())),
        ("/cases/", "/cases/"),
        ("a case", path_of(CaseStudyPage.objects.live().order_by("pk").first())),
        ("/events/", "/events/"),
        ("an event", path_of(EventPage.objects.live().order_by("-start").first())),
        ("/search/?query=餐饮", "/search/?query=%E9%A4%90%E9%A5%AE"),
        ("/lecturers/", "/lecturers/"),
        ("/providers/", "/providers/"),
    ]
    certificate = Certificate.objects.filter(status="valid").order_by("pk").first()
    if certificate is not None:
        pages.append(("/verify/<serial>/", f"/verify/{certificate.serial}/"))
    try:
        from showcase.models import ShowcaseProfile

        profile = ShowcaseProfile.objects.filter(published_data__isnull=False).first()
        if profile is not None:
            pages.append(("a provider", f"/providers/{profile.slug}/"))
    except (ImportError, AttributeError):
        pass

    member = Membership.objects.select_related("user").order_by("pk").first().user
    session = SessionStore()
    session[SESSION_KEY] = str(member.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = member.get_session_auth_hash()
    session.create()
    return pages, session.session_key


# --- The load ---------------------------------------------------------------------------------------


@dataclass
class Figures:
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def load(url: str, args, cookie: str | None = None) -> Figures:
    command = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return Figures(rps, p50, p99, int(bad.group(1)) if bad else 0)


def warm(url: str, cookie: str | None = None) -> None:
    command = ["wrk", "-t1", "-c2", "-d1s", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    subprocess.run(command, capture_output=True, check=True)


def main() -> int:
    args = parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    args.secret_key = "bench-" + secrets.token_urlsafe(32)
    args.broker_url = None
    args.clients = args.connections
    args.timeout = 30
    env = server_environment(args)
    env["REDIS_URL"] = args.cache_url
    env["PAGE_CACHE_SECONDS"] = "0" if args.no_page_cache else env.get("PAGE_CACHE_SECONDS", "60")
    # One client address asks for the same serial thousands of times: not what the limit is for.
    env["VERIFY_LOOKUP_RATE_LIMIT"] = "1000000/m/ip"
    academy = stock = None
    with tempfile.TemporaryDirectory(prefix="stock-wagtail-") as folder:
        try:
            print(f"Preparing {args.database_url} …")
            prepare_database(args, env)
            setup_django(env)
            pages, session_key = academy_pages()
            print("Making the stock Wagtail site …")
            make_stock_site(Path(folder))
            academy = start_gunicorn(args, env)
            stock = start_stock(Path(folder), args.port + 1, args.workers)
            subprocess.run(
                ["redis-cli", "-u", args.cache_url, "flushdb"], capture_output=True, check=False
            )
            base = f"http://127.0.0.1:{args.port}"
            stock_url = f"http://127.0.0.1:{args.port + 1}/"
            warm(stock_url)
            anchor = load(stock_url, args)
            if anchor.non_2xx:
                sys.exit(f"the stock site answered {anchor.non_2xx} requests with an error")
            cache_state = "off" if args.no_page_cache else "on"
            print(
                f"\n{args.connections} connections, {args.duration} s per page, {args.workers} sync"
                f" workers per site; academy page cache {cache_state}.\n"
                f"stock `wagtail start` welcome page: {anchor.rps:.0f} req/s, "
                f"p50 {anchor.p50_ms:.1f} ms, p99 {anchor.p99_ms:.1f} ms\n"
            )
            header = f"{'page':24} {'who':9} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'ratio':>6} {'non-2xx':>7}"
            print(header)
            print("-" * len(header))
            cookie = f"sessionid={session_key}"
            for label, path in pages:
                for who, sent in (("anonymous", None), ("member", cookie)):
                    if who == "member" and args.no_member:
                        continue
                    warm(base + path, sent)
                    figures = load(base + path, args, sent)
                    print(
                        f"{label:24} {who:9} {figures.rps:7.0f} {figures.p50_ms:7.1f}"
                        f" {figures.p99_ms:7.1f} {figures.rps / anchor.rps:5.2f}x {figures.non_2xx:7}"
                    )
        finally:
            stop(academy)
            stop(stock)
    return 0


if __name__ == "__main__":
    sys.exit(main())
