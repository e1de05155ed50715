"""Exam traffic over HTTP: N candidates start, answer and submit 50-question attempts at once.

    .venv/bin/python bench/exams.py                       # 100 candidates, own gunicorn on PG
    .venv/bin/python bench/exams.py --clients 200 --questions 50 --workers 5

It starts gunicorn itself (production settings, loopback only) on PostgreSQL
(postgres://postgres@127.0.0.1:5432/academy_exams by default, created and migrated when missing),
creates a fresh exam drawing --questions from a bank four times that size, and --clients
candidates whose sessions are made server-side (no login form: allauth's rate limit and PBKDF2
would dominate, stack notes §9). Every candidate then, all at the same moment:

1. POSTs /exams/<exam>/start/ and GETs the attempt page (all questions on one page);
2. POSTs each answer separately, as the page's autosave does (X-Requested-With: fetch);
3. POSTs submit twice at once on two connections (a double click on a slow network).

It prints answers saved per second, start and submit latency p50/p95/max, and then checks in the
database that every attempt was graded exactly once: graded, every answer stored, both submits
answered with the same result page, and the grading time no later than the first submit's reply
(a second grading would have moved it). Exits 1 on any failed request or failed check.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import statistics
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from signups import (  # noqa: E402  (the sign-up bench's server helpers are shared)
    percentile,
    prepare_database,
    server_environment,
    setup_django,
    start_gunicorn,
    stop,
)

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/academy_exams"
MAX_CLIENTS = 1000
CHOICE = re.compile(r'name="q(\d+)" value="([0-9a-f]+)"')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=100, help="candidates (100)")
    parser.add_argument("--questions", type=int, default=50, help="questions per attempt (50)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--port", type=int, default=8101, help="port of the gunicorn started here")
    parser.add_argument(
        "--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers"
    )
    parser.add_argument("--settings", default="academy.settings.production")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per request")
    args = parser.parse_args()
    if not 1 <= args.clients <= MAX_CLIENTS:
        parser.error(f"--clients must be between 1 and {MAX_CLIENTS}")
    if not 1 <= args.questions <= 500:
        parser.error("--questions must be between 1 and 500")
    args.database_url = args.database_url or DEFAULT_DATABASE
    args.secret_key = "bench-" + secrets.token_urlsafe(32)
    args.broker_url = None
    return args


def create_exam_and_candidates(clients: int, questions: int):
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from academy.models import User
    from certification.models import Choice, Exam, ExamPool, Question, QuestionBank

    run = time.strftime("%Y%m%d%H%M%S") + secrets.token_hex(2)
    bank = QuestionBank.objects.create(title=f"压测题库 {run}", slug=f"bench-{run}")
    made = Question.objects.bulk_create(
        Question(bank=bank, text=f"压测题目 {n}：以下哪项正确？") for n in range(questions * 4)
    )
    Choice.objects.bulk_create(
        Choice(question=q, text=text, is_correct=i == 0, sort_order=i)
        for q in made
        for i, text in enumerate(["甲", "乙", "丙", "丁"])
    )
    exam = Exam.objects.create(
        title=f"压测考试 {run}",
        slug=f"bench-{run}",
        published=True,
        time_limit_minutes=60,
        layout=Exam.Layout.ALL,
        pass_mark=25,
    )
    ExamPool.objects.create(exam=exam, bank=bank, count=questions)
    users = User.objects.bulk_create(
        User(
            username=f"exam-bench-{run}-{n}",
            email=f"exam-bench-{run}-{n}@example.com",
            display_name=f"考生{n}",
            password="!",
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
    return exam, sessions


class Candidate:
    def __init__(self, host, port, session, csrf, timeout):
        self.host, self.port, self.timeout = host, port, timeout
        self.cookie = f"sessionid={session}; csrftoken={csrf}"
        self.csrf = csrf
        self.conn = http.client.HTTPConnection(host, port, timeout=timeout)
        self.errors: list[str] = []
        self.start_seconds = 0.0
        self.answer_seconds: list[float] = []
        self.submit_seconds: list[float] = []
        self.submit_replied_at: list[float] = []
        self.submit_locations: list[str] = []
        self.attempt_path = ""

    def request(self, method, path, fields=None, headers=None, conn=None):
        conn = conn or self.conn
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf, **(fields or {})}, True)
        all_headers = {
            "Cookie": self.cookie,
            "Host": f"{self.host}:{self.port}",
            **(headers or {}),
        }
        if method == "POST":
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body if method == "POST" else None, headers=all_headers)
        response = conn.getresponse()
        return response.status, response.getheader("Location", ""), response.read()

    def take(self, exam_slug: str, ready: threading.Barrier) -> None:
        ready.wait()
        try:
            started = time.perf_counter()
            status, location, _ = self.request("POST", f"/exams/{exam_slug}/start/")
            self.start_seconds = time.perf_counter() - started
            if status != 302 or "/attempts/" not in location:
                self.errors.append(f"start: {status}")
                return
            self.attempt_path = urllib.parse.urlsplit(location).path
            status, _, page = self.request("GET", self.attempt_path)
            keys: dict[str, str] = {}
            for position, key in CHOICE.findall(page.decode()):
                keys.setdefault(position, key)  # the first choice shown, right or wrong
            if status != 200 or not keys:
                self.errors.append(f"attempt page: {status}")
                return
            for position, key in keys.items():
                t = time.perf_counter()
                status, _, body = self.request(
                    "POST",
                    self.attempt_path + "answer/",
                    {"positions": position, f"q{position}": key},
                    {"X-Requested-With": "fetch"},
                )
                self.answer_seconds.append(time.perf_counter() - t)
                if status != 200 or b'"saved": true' not in body:
                    self.errors.append(f"answer: {status}")
            self.double_submit()
        except (OSError, http.client.HTTPException) as error:
            self.errors.append(f"{type(error).__name__}: {error}")
        finally:
            self.conn.close()

    def double_submit(self) -> None:
        second = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        go = threading.Barrier(2)

        def submit(conn):
            go.wait()
            t = time.perf_counter()
            status, location, _ = self.request("POST", self.attempt_path + "submit/", conn=conn)
            self.submit_seconds.append(time.perf_counter() - t)
            self.submit_replied_at.append(time.time())
            self.submit_locations.append(location if status == 302 else f"HTTP {status}")

        other = threading.Thread(target=submit, args=(second,))
        other.start()
        submit(self.conn)
        other.join()
        second.close()


def check_graded_once(exam, candidates) -> list[str]:
    from django.db.models import F

    from certification.models import Attempt, Response

    problems = []
    attempts = {
        f"/exams/attempts/{a.pk}/": a for a in Attempt.objects.filter(exam=exam).order_by("pk")
    }
    if len(attempts) != len(candidates):
        problems.append(f"{len(attempts)} attempts for {len(candidates)} candidates")
    for c in candidates:
        attempt = attempts.get(c.attempt_path)
        if attempt is None:
            problems.append(f"no attempt at {c.attempt_path!r}")
            continue
        result = c.attempt_path + "result/"
        if len(set(c.submit_locations)) != 1 or not c.submit_locations[0].endswith(result):
            problems.append(f"attempt {attempt.pk}: submits answered {c.submit_locations}")
        if attempt.state != Attempt.State.GRADED or attempt.score is None:
            problems.append(f"attempt {attempt.pk}: {attempt.state}")
            continue
        if attempt.graded_at.timestamp() > min(c.submit_replied_at):
            problems.append(f"attempt {attempt.pk}: graded again after the first reply")
    unanswered = Response.objects.filter(attempt__exam=exam, selected=[]).count()
    if unanswered:
        problems.append(f"{unanswered} answers were not stored")
    # Every response is graded in the same pass as its attempt; a second grading would differ.
    stray = (
        Response.objects.filter(attempt__exam=exam)
        .exclude(graded_at=F("attempt__graded_at"))
        .count()
    )
    if stray:
        problems.append(f"{stray} responses graded apart from their attempt")
    return problems


def main() -> int:
    args = parse_args()
    env = server_environment(args)
    server = None
    try:
        print(f"Preparing {args.database_url} …")
        prepare_database(args, env)
        setup_django(env)
        exam, sessions = create_exam_and_candidates(args.clients, args.questions)
        server = start_gunicorn(args, env)
        print(
            f"gunicorn: {args.workers} sync workers on 127.0.0.1:{args.port}, production settings"
        )
        for _ in range(args.workers * 3):  # warm every worker
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
            conn.request("GET", f"/exams/{exam.slug}/", headers={"Host": f"127.0.0.1:{args.port}"})
            conn.getresponse().read()
            conn.close()
        csrf = secrets.token_hex(16)
        candidates = [Candidate("127.0.0.1", args.port, s, csrf, args.timeout) for s in sessions]
        ready = threading.Barrier(len(candidates) + 1)
        threads = [
            threading.Thread(target=c.take, args=(exam.slug, ready), daemon=True)
            for c in candidates
        ]
        for thread in threads:
            thread.start()
        print(
            f"Run: {args.clients} candidates × {args.questions} questions "
            f"(start, {args.questions} autosaves, double submit each)"
        )
        ready.wait()
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
    finally:
        stop(server)

    errors = [e for c in candidates for e in c.errors]
    answers = [s for c in candidates for s in c.answer_seconds]
    submits = [s for c in candidates for s in c.submit_seconds]
    starts = [c.start_seconds for c in candidates if c.start_seconds]
    print(f"\nWall time: {wall:.1f} s for {len(answers)} answers")
    print(f"Answers saved per second: {len(answers) / wall:.0f}")
    for label, values in (("start", starts), ("answer", answers), ("submit", submits)):
        if values:
            print(
                f"{label:>7} latency: p50 {statistics.median(values) * 1000:.0f} ms, "
                f"p95 {percentile(values, 0.95) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms"
            )
    problems = check_graded_once(exam, candidates)
    if errors:
        print(f"FAILED requests: {len(errors)} (first: {errors[0]})")
    if problems:
        print("FAILED checks:\n  " + "\n  ".join(problems[:20]))
    if errors or problems:
        return 1
    print(f"Every one of the {len(candidates)} attempts was graded exactly once.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
