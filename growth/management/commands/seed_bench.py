"""Generate a realistic volume of academy activity for the reports benchmark (bench/reports.py).

    manage.py seed_bench --users 10000

makes, for 10,000 users: about 2,000 providers (one large company of ~100 people, the rest
small), 10,000 users with memberships, 40 courses of 10 lessons, 30,000 enrolments and 100,000
lesson-progress rows, 1,000 events with 20,000 registrations and their attendance and ratings,
10 exams (banks of 20 questions, 10 drawn an attempt) with 5,000 graded attempts and their
50,000 responses, certificates, and one or two diagnoses per provider. Other
volumes scale with --users. Everything goes in with bulk_create (pages with precomputed tree
paths), so it takes a minute or two on SQLite or PostgreSQL. It runs seed_demo first when the
database has no home page, and refuses to run twice (its users are named bench-…).
"""

from __future__ import annotations

import math
import random
import time
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from academy.bulk_pages import add_live_children
from academy.models import GrowthStage, HomePage, Industry, Membership, Provider, User
from certification.models import (
    Attempt,
    Certificate,
    Choice,
    Exam,
    ExamPool,
    Programme,
    Question,
    QuestionBank,
    Response,
)
from courses.models import (
    CourseIndexPage,
    CoursePage,
    Enrollment,
    LessonPage,
    LessonProgress,
    Product,
)
from events.models import EventIndexPage, EventKind, EventPage, Registration, SessionRating
from growth.models import Diagnosis

CITIES = [
    "杭州",
    "上海",
    "北京",
    "深圳",
    "广州",
    "成都",
    "武汉",
    "南京",
    "西安",
    "苏州",
    "厦门",
    "重庆",
]
BATCH = 2000


@contextmanager
def own_timestamps(*fields):
    """Let bulk_create keep the dates given (auto_now_add would stamp every row with now)."""
    saved = [(f, f.auto_now_add) for f in fields]
    for f, _ in saved:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, value in saved:
            f.auto_now_add = value


class Command(BaseCommand):
    help = (
        "Generate benchmark volume (providers, users, learning, events, exams) with bulk inserts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, users: int, seed: int, **options):
        if User.objects.filter(username__startswith="bench-").exists():
            self.stdout.write("Benchmark data already present; nothing to do.")
            return
        if not HomePage.objects.exists():
            call_command("seed_demo", stdout=self.stdout)
        self.random = random.Random(seed)
        self.now = timezone.now()
        started = time.monotonic()
        with transaction.atomic():
            providers = self.step("providers", self.providers, max(1, users // 5))
            people = self.step("users and memberships", self.users, users, providers)
            self.step("courses, enrolments, lesson progress", self.learning, people)
            self.step("events, registrations, ratings", self.events, people)
            self.step("exams, attempts, certificates", self.exams, people)
            self.step("diagnoses", self.diagnoses, providers)
        if connection.vendor == "postgresql":
            # Fresh planner statistics, as autovacuum would soon gather after such bulk loads:
            # with none, the planner guesses a few rows per table and picks poor plans.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - started:.1f} s."))

    def step(self, label, fn, *args):
        t0 = time.monotonic()
        result = fn(*args)
        self.stdout.write(f"  {label}: {time.monotonic() - t0:.1f} s")
        return result

    def ago(self, max_days: int, min_days: int = 0) -> timezone.datetime:
        return self.now - timedelta(
            days=self.random.uniform(min_days, max_days), seconds=self.random.randint(0, 86399)
        )

    # --- People ---------------------------------------------------------------------------------

    def providers(self, count: int) -> list[Provider]:
        stages = GrowthStage.values
        rows = [
            Provider(
                name=f"bench-服务商{n:05d}",
                city=CITIES[n % len(CITIES)],
                growth_stage=stages[min(3, int(self.random.triangular(0, 4, 1)))],
                created_at=self.ago(720),
            )
            for n in range(count)
        ]
        with own_timestamps(Provider._meta.get_field("created_at")):
            Provider.objects.bulk_create(rows, batch_size=BATCH)
        rows = list(Provider.objects.filter(name__startswith="bench-").order_by("pk"))
        # The platform's five largest industries and their sub-industries.
        industries = list(Industry.objects.all())
        roots = [i for i in industries if i.parent_id is None][:5] or industries
        through = Provider.industries.through
        links = []
        for n, provider in enumerate(rows):
            chosen = {roots[n % len(roots)].pk}
            if n % 4 == 0:
                chosen.add(self.random.choice(industries).pk)
            links += [through(provider_id=provider.pk, industry_id=i) for i in chosen]
        through.objects.bulk_create(links, batch_size=BATCH)
        return rows

    def users(self, count: int, providers: list[Provider]) -> list[User]:
        rows = [
            User(
                username=f"bench-{n:06d}",
                email=f"bench-{n:06d}@bench.example.com",
                display_name=f"学员{n:06d}",
                password="!",  # unusable: the benchmark logs in with force_login
            )
            for n in range(count)
        ]
        User.objects.bulk_create(rows, batch_size=BATCH)
        rows = list(User.objects.filter(username__startswith="bench-").order_by("pk"))
        memberships = []
        admins = set()
        for n, user in enumerate(rows):
            # The first hundred people work at one large company; the rest spread out.
            provider = providers[0] if n < 100 else providers[n % len(providers)]
            role = Membership.Role.ADMIN if provider.pk not in admins else Membership.Role.MEMBER
            admins.add(provider.pk)
            memberships.append(Membership(user=user, provider=provider, role=role))
        Membership.objects.bulk_create(memberships, batch_size=BATCH)
        return rows

    # --- Learning -------------------------------------------------------------------------------

    def learning(self, people: list[User]) -> None:
        catalogue = CourseIndexPage.objects.first()
        if catalogue is None:
            home = HomePage.objects.first()
            catalogue = add_live_children(
                home, [CourseIndexPage(title="课程", slug="courses", intro="")]
            )[0]
        products = list(Product.objects.all())
        stages = GrowthStage.values
        courses = add_live_children(
            catalogue,
            [
                CoursePage(
                    title=f"基准课程{n:02d}",
                    slug=f"bench-course-{n:02d}",
                    summary="基准数据。",
                    product=products[n % len(products)],
                    growth_stage=stages[n % 4],
                )
                for n in range(40)
            ],
        )
        lessons = {
            course.pk: add_live_children(
                course,
                [
                    LessonPage(
                        title=f"{course.title} · 第{k + 1}课", slug=f"lesson-{k + 1}", intro=""
                    )
                    for k in range(10)
                ],
            )
            for course in courses
        }
        enrolments, progress = [], []
        target = len(people) * 10  # lesson-progress rows
        for user in people:
            for course in self.random.sample(courses, 3):
                enrolled = self.ago(365, 5)
                remaining = target - len(progress)
                done = min(remaining, self.random.choice([0, 1, 2, 3, 3, 4, 5, 10]))
                course_lessons = lessons[course.pk]
                completed = enrolled + timedelta(days=self.random.uniform(1, 40))
                enrolments.append(
                    Enrollment(
                        user=user,
                        course=course,
                        enrolled_at=enrolled,
                        completed_at=completed if done == 10 else None,
                        last_lesson=course_lessons[max(0, done - 1)] if done else None,
                    )
                )
                progress += [
                    LessonProgress(user=user, lesson=lesson, completed_at=enrolled)
                    for lesson in course_lessons[:done]
                ]
        # Top up to exactly the target where the random draw fell short.
        n = 0
        have = {(p.user_id, p.lesson_id) for p in progress}
        flat = [lesson for course_lessons in lessons.values() for lesson in course_lessons]
        while len(progress) < target and n < len(people) * 20:
            user, lesson = people[n % len(people)], flat[(n * 7) % len(flat)]
            if (user.pk, lesson.pk) not in have:
                have.add((user.pk, lesson.pk))
                progress.append(LessonProgress(user=user, lesson=lesson, completed_at=self.now))
            n += 1
        with own_timestamps(Enrollment._meta.get_field("enrolled_at")):
            Enrollment.objects.bulk_create(enrolments, batch_size=BATCH)
        LessonProgress.objects.bulk_create(progress, batch_size=BATCH)
        self.stdout.write(f"    {len(enrolments)} enrolments, {len(progress)} lesson-progress rows")

    # --- Events ---------------------------------------------------------------------------------

    def events(self, people: list[User]) -> None:
        index = EventIndexPage.objects.first()
        if index is None:
            home = HomePage.objects.first()
            index = add_live_children(
                home, [EventIndexPage(title="线下活动", slug="events", intro="")]
            )[0]
        count = max(1, len(people) // 10)
        kinds = EventKind.values
        pages = []
        for n in range(count):
            start = self.now + timedelta(days=self.random.uniform(-330, 60))
            pages.append(
                EventPage(
                    title=f"基准活动{n:04d}",
                    slug=f"bench-event-{n:04d}",
                    summary="基准数据。",
                    kind=kinds[n % len(kinds)],
                    city=CITIES[n % len(CITIES)],
                    venue="基准会场",
                    start=start,
                    end=start + timedelta(hours=3),
                    capacity=self.random.choice([16, 20, 24, 30]),
                )
            )
        events = add_live_children(index, pages)
        registrations, code = [], 0
        for event in events:
            past = event.start < self.now
            for k, user in enumerate(self.random.sample(people, 20)):
                code += 1
                waitlisted = k >= event.capacity
                status = (
                    Registration.Status.WAITLISTED if waitlisted else Registration.Status.CONFIRMED
                )
                attendance = ""
                if past and status == Registration.Status.CONFIRMED:
                    attendance = self.random.choice(
                        [Registration.Attendance.ATTENDED] * 4 + [Registration.Attendance.NO_SHOW]
                    )
                registrations.append(
                    Registration(
                        event=event,
                        user=user,
                        status=status,
                        code=f"B{code:09d}",
                        created_at=event.start - timedelta(days=10),
                        confirmed_at=event.start - timedelta(days=10),
                        attendance=attendance,
                    )
                )
        Registration.objects.bulk_create(registrations, batch_size=BATCH)
        rated = Registration.objects.filter(
            attendance=Registration.Attendance.ATTENDED,
            event__kind=EventKind.LECTURER_SESSION,
            event__slug__startswith="bench-event-",
        ).values_list("pk", flat=True)
        SessionRating.objects.bulk_create(
            [
                SessionRating(registration_id=pk, score=self.random.choice([3, 4, 4, 5, 5]))
                for pk in rated
                if self.random.random() < 0.6
            ],
            batch_size=BATCH,
        )
        self.stdout.write(f"    {len(events)} events, {len(registrations)} registrations")

    # --- Exams and certificates -----------------------------------------------------------------

    QUESTIONS_PER_BANK = 20
    QUESTIONS_PER_ATTEMPT = 10
    TOPICS = ["支付", "退款", "结算", "发票", "营销"]

    def exams(self, people: list[User]) -> None:
        Exam.objects.bulk_create(
            [
                Exam(title=f"基准认证考试{n}", slug=f"bench-exam-{n}", pass_mark=70)
                for n in range(10)
            ]
        )
        exams = list(Exam.objects.filter(slug__startswith="bench-exam-").order_by("slug"))
        banks = QuestionBank.objects.bulk_create(
            [QuestionBank(title=f"基准题库{n}", slug=f"bench-bank-{n}") for n in range(len(exams))]
        )
        ExamPool.objects.bulk_create(
            [
                ExamPool(exam=exam, bank=bank, count=self.QUESTIONS_PER_ATTEMPT, sort_order=0)
                for exam, bank in zip(exams, banks, strict=True)
            ]
        )
        questions = Question.objects.bulk_create(
            [
                Question(
                    bank=bank,
                    text=f"{bank.title} 第 {i + 1} 题：以下哪项是正确的结算做法？",
                    topic=self.TOPICS[i % len(self.TOPICS)],
                    points=Decimal(1),
                )
                for bank in banks
                for i in range(self.QUESTIONS_PER_BANK)
            ]
        )
        Choice.objects.bulk_create(
            [
                Choice(question=q, text=letter, is_correct=i == 0, sort_order=i)
                for q in questions
                for i, letter in enumerate("ABCD")
            ],
            batch_size=BATCH,
        )
        # Each question's hidden difficulty and each attempt's ability give a logistic chance of
        # a right answer, so the item statistics have easy, hard and non-discriminating items.
        difficulty = {q.pk: self.random.uniform(-2.5, 1.5) for q in questions}
        for q in questions[:: self.QUESTIONS_PER_BANK]:
            difficulty[q.pk] = 5.0  # one question per bank that even strong candidates miss
        per_bank = {
            bank.pk: questions[n * self.QUESTIONS_PER_BANK : (n + 1) * self.QUESTIONS_PER_BANK]
            for n, bank in enumerate(banks)
        }
        choices = [{"key": k, "text": t} for k, t in zip("abcd", "ABCD", strict=True)]
        attempts, answered = [], []
        for n in range(len(people) // 2):
            exam_index = n % len(exams)
            drawn = self.random.sample(per_bank[banks[exam_index].pk], self.QUESTIONS_PER_ATTEMPT)
            ability = self.random.gauss(0.6, 1.2)
            right = [
                self.random.random() < 1 / (1 + math.exp(difficulty[q.pk] - ability)) for q in drawn
            ]
            scored = Decimal(sum(right))
            score = (scored * 100 / self.QUESTIONS_PER_ATTEMPT).quantize(Decimal("0.01"))
            graded = self.ago(360)
            attempts.append(
                Attempt(
                    exam=exams[exam_index],
                    user=people[(n * 13) % len(people)],
                    state=Attempt.State.GRADED,
                    submitted_at=graded,
                    graded_at=graded,
                    score=score,
                    passed=score >= 70,
                    points_possible=Decimal(self.QUESTIONS_PER_ATTEMPT),
                    points_scored=scored,
                )
            )
            answered.append(list(zip(drawn, right, strict=True)))
        for attempt in attempts:
            attempt.started_at = attempt.graded_at - timedelta(minutes=45)
        with own_timestamps(Attempt._meta.get_field("started_at")):
            Attempt.objects.bulk_create(attempts, batch_size=BATCH)
        responses = [
            Response(
                attempt=attempt,
                position=position,
                question=q,
                kind=q.kind,
                scoring=q.scoring,
                text=q.text,
                choices=choices,
                correct_keys=["a"],
                points=q.points,
                selected=["a" if ok else "b"],
                answered_at=attempt.graded_at,
                points_awarded=q.points if ok else Decimal(0),
                graded_at=attempt.graded_at,
            )
            for attempt, items in zip(attempts, answered, strict=True)
            for position, (q, ok) in enumerate(items)
        ]
        Response.objects.bulk_create(responses, batch_size=BATCH)
        programmes = [
            Programme.objects.create(title=f"基准认证项目{n}", slug=f"bench-programme-{n}")
            for n in range(3)
        ]
        certificates = []
        passed = [a for a in attempts if a.passed]
        seen = set()
        for n, attempt in enumerate(passed):
            key = (attempt.user_id, n % 3)
            if key in seen:
                continue
            seen.add(key)
            issued = attempt.graded_at + timedelta(days=3)
            status = Certificate.Status.VALID
            revoked = None
            if n % 25 == 0:
                status, revoked = Certificate.Status.REVOKED, issued + timedelta(days=30)
            certificates.append(
                Certificate(
                    holder_id=attempt.user_id,
                    programme=programmes[n % 3],
                    serial=f"BENCH-{n:08d}",
                    status=status,
                    issued_at=issued,
                    expires_at=issued + timedelta(days=730),
                    revoked_at=revoked,
                )
            )
        Certificate.objects.bulk_create(certificates, batch_size=BATCH)
        self.stdout.write(
            f"    {len(attempts)} attempts, {len(responses)} responses, "
            f"{len(certificates)} certificates"
        )

    # --- Diagnoses ------------------------------------------------------------------------------

    def diagnoses(self, providers: list[Provider]) -> None:
        stages = GrowthStage.values
        rows = []
        for n, provider in enumerate(providers):
            index = stages.index(provider.growth_stage)
            if n % 3 == 0:
                earlier = stages[max(0, index - self.random.choice([0, 1, 1]))]
                rows.append(self.diagnosis(provider, earlier, self.ago(300, 120)))
            rows.append(self.diagnosis(provider, provider.growth_stage, self.ago(90)))
        Diagnosis.objects.bulk_create(rows, batch_size=BATCH)
        self.stdout.write(f"    {len(rows)} diagnoses")

    def diagnosis(self, provider: Provider, stage: str, when) -> Diagnosis:
        total = {"create": 20, "capability": 45, "operations": 68, "expansion": 88}[stage]
        return Diagnosis(
            provider=provider,
            questionnaire_version=1,
            state=Diagnosis.State.COMPLETED,
            started_at=when - timedelta(minutes=15),
            completed_at=when,
            stage=stage,
            total_percent=total + self.random.randint(-5, 5),
        )
