"""Time every staff report and the team dashboard of the largest company.

    DATABASE_URL=postgres://… .venv/bin/python manage.py seed_bench --users 10000
    DATABASE_URL=postgres://… .venv/bin/python bench/reports.py [--runs 5]

Requests go through Django's test client in this process (no network, one thread), logged in
as a bench superuser for the reports and as the largest company's admin for the dashboard. For
each page it prints the number of queries (one extra run with the query log on) and the median
and worst milliseconds of --runs runs (query log off). Targets: ≤ 20 queries and ≤ 1,000 ms.
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
    ("learning report", "/admin/academy-reports/learning/"),
    ("learning report, filtered", "/admin/academy-reports/learning/?city=杭州&stage=capability"),
    ("learning CSV", "/admin/academy-reports/learning/?export=csv"),
    ("exams report", "/admin/academy-reports/exams/"),
    ("exams report, filtered", "/admin/academy-reports/exams/?city=杭州&date_from=2026-03-01"),
    ("hardest questions CSV", "/admin/academy-reports/exams/hardest-questions.csv"),
    ("events report", "/admin/academy-reports/events/"),
    ("certification report", "/admin/academy-reports/certification/"),
    ("providers report", "/admin/academy-reports/providers/"),
    ("providers XLSX", "/admin/academy-reports/providers/?export=xlsx"),
]


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to the database seed_bench filled.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.test")
    import django

    django.setup()


def fetch(client, url: str) -> int:
    response = client.get(url, HTTP_HOST="testserver")
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return response.status_code


def measure(client, label: str, url: str, runs: int) -> None:
    from django.db import connection

    # Counted with an execute wrapper: the query log is cleared at each request's start.
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        status = fetch(client, url)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        fetch(client, url)
        timings.append((time.perf_counter() - started) * 1000)
    print(
        f"{label:<34} {status:>4} {len(queries):>8} {statistics.median(timings):>10.0f}"
        f" {max(timings):>9.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    setup_django()

    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from academy.models import Membership, Provider, User

    staff = User.objects.filter(username="bench-staff").first()
    if staff is None:
        staff = User.objects.create(
            username="bench-staff",
            email="bench-staff@bench.example.com",
            is_staff=True,
            is_superuser=True,
        )
    largest = Provider.objects.annotate(n=Count("memberships")).order_by("-n").first()
    admin = Membership.objects.filter(provider=largest, role=Membership.Role.ADMIN).first()
    print(
        f"Database: {connection.vendor}; users {User.objects.count():,}; "
        f"largest company {largest.n} members; {args.runs} runs per page\n"
    )
    print(f"{'page':<34} {'HTTP':>4} {'queries':>8} {'median ms':>10} {'worst ms':>9}")
    reports = Client()
    reports.force_login(staff)
    for label, url in PAGES:
        measure(reports, label, url, args.runs)
    team = Client()
    team.force_login(admin.user)
    measure(team, f"team dashboard ({largest.n} members)", "/my-academy/team/", args.runs)
    measure(team, "team CSV", "/my-academy/team/export.csv", args.runs)
    from growth.models import Diagnosis

    latest = Diagnosis.objects.filter(provider=largest, state="completed").first()
    if latest is not None:
        # Peer standing reads every provider's latest result: it must stay flat with volume.
        measure(team, "diagnosis result (peers)", f"/diagnosis/{latest.pk}/result/", args.runs)
        measure(team, "action plan", f"/diagnosis/{latest.pk}/plan/", args.runs)


if __name__ == "__main__":
    main()
