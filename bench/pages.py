"""Benchmark the learning pages on a large academy: requests per second and p50/p95 latency.

    .venv/bin/python bench/pages.py            # 500 courses × 20 lessons, 2,000 cases, 5,000 learners
    .venv/bin/python bench/pages.py --small    # a tenth of that, for a quick look

It builds its data set once in its own database (var/bench/pages.sqlite3, or DATABASE_URL when
set; --rebuild starts over), with bulk inserts instead of one add_child per page, so building
takes a minute or two rather than hours. It then requests the catalogue, a course page, a lesson
page and the case listing through Django's test client in this process (no network, one thread),
anonymously and as an enrolled learner, and prints one line per page.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FULL = {"courses": 500, "lessons": 20, "cases": 2000, "learners": 5000}
SMALL = {"courses": 50, "lessons": 20, "cases": 200, "learners": 500}


def setup_django(database_url: str | None) -> None:
    sys.path.insert(0, str(ROOT))
    default = ROOT / "var" / "bench" / "pages.sqlite3"
    default.parent.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = database_url or os.environ.get(
        "DATABASE_URL", f"sqlite:///{default}"
    )
    # Test settings: production code paths, but a fast password hasher for 5,000 learners and
    # in-memory media. DEBUG is off, so no query log slows the measurement.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.test")
    import django

    django.setup()


def build(sizes: dict[str, int], rebuild: bool) -> None:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from academy.models import GrowthStage, Industry, Membership, Provider, User
    from courses.models import (
        CaseStudyIndexPage,
        CoursePage,
        Enrollment,
        LearningPath,
        LearningPathCourse,
        LessonPage,
        LessonProgress,
    )
    from tests.courses.content import (
        bulk_cases,
        bulk_courses,
        bulk_lessons,
        make_case_index,
        make_catalogue,
    )
    from tests.factories import make_home_page

    call_command("migrate", verbosity=0)
    if CoursePage.objects.count() == sizes["courses"] and not rebuild:
        print(f"Reusing the data set in {os.environ['DATABASE_URL']}")
        return
    started = time.perf_counter()
    rng = random.Random(2026)
    with transaction.atomic():
        Enrollment.objects.all().delete()
        LessonProgress.objects.all().delete()
        LearningPath.objects.all().delete()
        User.objects.filter(username__startswith="bench-").delete()
        Provider.objects.filter(name__startswith="基准服务商").delete()
        home = make_home_page()  # replaces the whole page tree
        catalogue = make_catalogue(home)
        courses = bulk_courses(catalogue, sizes["courses"])
        for course in courses:
            bulk_lessons(course, sizes["lessons"])
        index = make_case_index(home)
        industries = list(Industry.objects.filter(parent__isnull=True))
        for parent in list(industries):
            for n in range(3):
                industries.append(
                    Industry.objects.get_or_create(
                        slug=f"{parent.slug}-sub-{n}",
                        defaults={"name": f"{parent.name}细分{n}", "parent": parent},
                    )[0]
                )
        cities = ["杭州", "上海", "深圳", "北京", "成都", "广州", "香港", "苏州"]
        bulk_cases(index, sizes["cases"], industries, cities)
        assert CaseStudyIndexPage.objects.count() == 1

        for stage_index, (stage, _label) in enumerate(GrowthStage.choices):
            path = LearningPath.objects.create(
                title=f"基准路径{stage_index}", slug=f"bench-path-{stage}", growth_stage=stage
            )
            for order, course in enumerate(courses[stage_index * 5 : stage_index * 5 + 5]):
                LearningPathCourse.objects.create(path=path, course=course, sort_order=order)

        providers = Provider.objects.bulk_create(
            [
                Provider(
                    name=f"基准服务商{n}",
                    city=cities[n % 8],
                    growth_stage=GrowthStage.values[n % 4],
                )
                for n in range(50)
            ]
        )
        password = make_password("bench-password")
        learners = User.objects.bulk_create(
            [
                User(
                    username=f"bench-{n}",
                    email=f"bench-{n}@example.com",
                    display_name=f"学员{n}",
                    password=password,
                )
                for n in range(sizes["learners"])
            ],
            batch_size=1000,
        )
        Membership.objects.bulk_create(
            [Membership(user=u, provider=providers[n % 50]) for n, u in enumerate(learners)],
            batch_size=1000,
        )
        lessons_by_course: dict[int, list[int]] = {}
        for pk, path in LessonPage.objects.values_list("pk", "path").order_by("path"):
            lessons_by_course.setdefault(path[:-4], []).append(pk)
        course_lessons = {c.pk: lessons_by_course.get(c.path, []) for c in courses}
        now = timezone.now()
        enrollments, progress = [], []
        for learner in learners:
            for course in rng.sample(courses, 3):
                lessons = course_lessons[course.pk]
                done = rng.randint(0, len(lessons))
                enrollments.append(
                    Enrollment(
                        user=learner,
                        course=course,
                        completed_at=now if done == len(lessons) else None,
                        last_lesson_id=lessons[min(done, len(lessons) - 1)],
                    )
                )
                progress += [
                    LessonProgress(user=learner, lesson_id=pk, completed_at=now)
                    for pk in lessons[:done]
                ]
        Enrollment.objects.bulk_create(enrollments, batch_size=2000)
        LessonProgress.objects.bulk_create(progress, batch_size=5000)
    print(
        f"Built {len(courses)} courses × {sizes['lessons']} lessons, {sizes['cases']} cases, "
        f"{len(learners)} learners ({len(enrollments)} enrolments, {len(progress)} completed "
        f"lessons) in {time.perf_counter() - started:.0f} s"
    )


def _recorder(queries: list[str]):
    def record(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    return record


def measure(requests: int) -> None:
    from django.db import connection
    from django.test import Client

    from courses.models import CoursePage, Enrollment, LessonPage

    enrollment = (
        Enrollment.objects.filter(user__username__startswith="bench-", completed_at__isnull=True)
        .select_related("course", "user")
        .order_by("pk")
        .first()
    )
    course = CoursePage.objects.get(pk=enrollment.course_id)
    lesson = LessonPage.objects.child_of(course).order_by("path")[10]
    pages = [
        ("catalogue", "/courses/"),
        ("course page", course.url),
        ("lesson page", lesson.url),
        ("case listing", "/cases/"),
    ]
    anonymous = Client()
    learner = Client()
    learner.force_login(enrollment.user)
    print(
        f"{'page':<14} {'visitor':<10} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}  url"
    )
    for name, url in pages:
        for who, client in (("anonymous", anonymous), ("learner", learner)):
            for _ in range(5):  # warm caches and the connection
                assert client.get(url).status_code == 200, url
            queries: list[str] = []
            with connection.execute_wrapper(_recorder(queries)):
                client.get(url)
            timings = []
            started = time.perf_counter()
            for _ in range(requests):
                t0 = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200
            elapsed = time.perf_counter() - started
            timings.sort()
            p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
            print(
                f"{name:<14} {who:<10} {requests / elapsed:7.1f} {statistics.median(timings):8.1f} "
                f"{p95:8.1f} {len(queries):8d}  {url}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="a tenth of the data set")
    parser.add_argument("--rebuild", action="store_true", help="build the data set again")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per line")
    parser.add_argument("--database-url", help="default: DATABASE_URL or var/bench/pages.sqlite3")
    args = parser.parse_args()
    default_db = ROOT / "var" / "bench" / "pages.sqlite3"
    if args.rebuild and not (args.database_url or os.environ.get("DATABASE_URL")):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{default_db}{suffix}").unlink(missing_ok=True)
    setup_django(args.database_url)
    build(SMALL if args.small else FULL, args.rebuild)
    measure(args.requests)


if __name__ == "__main__":
    main()
