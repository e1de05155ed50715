"""What a signed-in member's uncached page costs: queries and CPU milliseconds, in-process.

    .venv/bin/python bench/page_profile.py                 # 30 requests per page
    .venv/bin/python bench/page_profile.py -n 100 --only /courses/
    .venv/bin/python bench/page_profile.py --profile /cases/   # pyinstrument's tree of one page
    .venv/bin/python bench/page_profile.py --cprofile case     # cProfile, by cumulative time

(pyinstrument is not a dependency: `.venv/bin/pip install pyinstrument` for --profile.)

It seeds the demo once into its own SQLite database (var/bench/profile.sqlite3, or DATABASE_URL
when set; --rebuild starts over), signs the demo member in with the test client
(force_login, so no password is involved) and requests each page with the page cache off
(PAGE_CACHE_SECONDS=0), one thread, no network: the figures are the server's own work per page,
the part bench/pages_http.py measures through gunicorn. The shared fragments
(academy/fragments.py) stay on, in local memory: each page is requested once to warm them, then
counted and timed. DEBUG is off; queries are counted with an execute wrapper, not the debug log.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "/",
    "/courses/",
    "course",
    "/cases/",
    "case",
    "/events/",
    "event",
    "/lecturers/",
    "/providers/",
]


def setup_django(database_url: str | None) -> None:
    sys.path.insert(0, str(ROOT))
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = database_url or os.environ.get(
        "DATABASE_URL", f"sqlite:///{folder / 'profile.sqlite3'}"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.dev")
    os.environ["DEBUG"] = "false"
    os.environ["PAGE_CACHE_SECONDS"] = "0"
    os.environ.setdefault("MEDIA_ROOT", str(folder / "profile-media"))
    os.environ.setdefault("EMAIL_URL", "dummymail://")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    for name in ("CELERY_BROKER_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    import django

    django.setup()


def seed(rebuild: bool) -> None:
    from django.core.management import call_command

    from academy.models import User

    call_command("migrate", verbosity=0)
    if rebuild or not User.objects.filter(email="member@example.com").exists():
        started = time.perf_counter()
        call_command("seed_demo", verbosity=0)
        print(f"Seeded the demo in {time.perf_counter() - started:.0f} s")


def resolve(name: str) -> str:
    from courses.models import CaseStudyPage, CoursePage
    from events.models import EventPage

    model = {"course": CoursePage, "case": CaseStudyPage, "event": EventPage}.get(name)
    if model is None:
        return name
    return model.objects.live().order_by("path").first().url


def counting():
    from django.db import connection

    queries: list[str] = []

    def record(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    return connection.execute_wrapper(record), queries


def measure(client, url: str, requests: int) -> tuple[int, float]:
    response = client.get(url)  # warm: templates, renditions, the first-request work
    assert response.status_code == 200, (url, response.status_code)
    wrapper, queries = counting()
    with wrapper:
        client.get(url)
    times = []
    # CPU time of this process (the database's work too, on SQLite): on a shared machine it
    # moves far less with the load than wall time does.
    for _ in range(requests):
        started = time.process_time()
        client.get(url)
        times.append((time.process_time() - started) * 1000)
    return len(queries), statistics.mean(times), statistics.median(times), queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--requests", type=int, default=30)
    parser.add_argument("--only", nargs="*", help="page names or paths (default: all)")
    parser.add_argument("--profile", help="a page to profile with pyinstrument")
    parser.add_argument(
        "--flat", action="store_true", help="with --profile: self time per function"
    )
    parser.add_argument(
        "--show-all", action="store_true", help="with --profile: library frames too"
    )
    parser.add_argument("--cprofile", help="a page to profile with cProfile")
    parser.add_argument("--sort", default="cumulative", help="with --cprofile: cumulative, tottime")
    parser.add_argument("--show-queries", action="store_true")
    parser.add_argument("--anonymous", action="store_true")
    parser.add_argument("--database-url")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    setup_django(args.database_url)
    seed(args.rebuild)

    from django.test import Client

    from academy.models import User

    client = Client()
    if not args.anonymous:
        client.force_login(User.objects.get(email="member@example.com"))

    if args.cprofile:
        import cProfile
        import pstats

        url = resolve(args.cprofile)
        client.get(url)
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.requests):
            client.get(url)
        profile.disable()
        stats = pstats.Stats(profile).sort_stats(args.sort)
        stats.print_stats(60)
        return

    if args.profile:
        from pyinstrument import Profiler

        url = resolve(args.profile)
        client.get(url)
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(args.requests):
            client.get(url)
        profiler.stop()
        if args.flat:
            print(profiler.output_text(unicode=True, color=False, flat=True)[:6000])
        else:
            print(profiler.output_text(unicode=True, color=False, show_all=args.show_all))
        return

    print(f"{'page':<42} {'queries':>7} {'CPU ms':>8} {'p50 ms':>7}")
    for name in args.only or PAGES:
        url = resolve(name)
        count, mean, median, queries = measure(client, url, args.requests)
        print(
            f"{name if name == url else f'{name} {url}':<42} {count:>7} {mean:>8.1f} {median:>7.1f}"
        )
        if args.show_queries:
            for sql in queries:
                print("    ", sql[:200])


if __name__ == "__main__":
    main()
