"""Demo questions for `seed_demo` (demo/courses/questions.yaml): learners ask under a lesson and a
case study, the demo lecturer answers, the askers accept.

Runs after certification's demo, which gives the lecturer the certificate that authorises the
topic. Idempotent: courses keep a topic staff chose, and a question is looked up by its page,
asker and title before it is asked.
"""

from __future__ import annotations

from academy.demo_data import load
from academy.localisation import originals
from academy.models import User

from . import questions_services, services
from .models import CaseStudyPage, CoursePage, LessonPage, Question


def seed(stdout=None) -> None:
    data = load("courses/questions.yaml")
    for slug, topic in data["course_topics"].items():
        course = originals(CoursePage.objects.filter(slug=slug)).first()
        if course is not None and not course.teaching_topic:
            course.teaching_topic = topic
            course.save_revision().publish()
    for spec in data["questions"]:
        # The originals: English versions (academy/demo_english.py) share their slugs.
        page = (
            originals(LessonPage.objects.filter(slug=spec["page"])).first()
            or originals(CaseStudyPage.objects.filter(slug=spec["page"])).first()
        )
        asker = User.objects.filter(email=spec["asker"]).first()
        if page is None or asker is None:
            continue
        if Question.objects.filter(page=page, asker=asker, title=spec["title"]).exists():
            continue
        if isinstance(page, LessonPage):
            course = questions_services.course_of(page)
            if course is not None:
                services.enrol(asker, course)
        question = questions_services.ask(
            asker, page, title=spec["title"], body=spec["body"], language="zh-hans"
        )
        answer = spec.get("answer")
        lecturer = User.objects.filter(email=answer["by"]).first() if answer else None
        if lecturer is not None:
            reply = questions_services.answer(lecturer, question, answer["text"])
            if answer["accepted"]:
                questions_services.accept(asker, reply)
        if stdout is not None:
            stdout.write(f"Asked “{question.title}”.\n")
