"""The courses app's demo content as data (demo/courses/*.yaml): it parses, its natural keys are
unique, every reference resolves, and seed_demo builds exactly what it says, once."""

from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import Page, Revision

from academy.demo_data import demo_dir, load
from academy.localisation import originals
from academy.models import Industry
from courses import demo
from courses.media_models import LessonMedia
from courses.models import (
    Answer,
    CaseStudyPage,
    CoursePage,
    Enrollment,
    LearningPath,
    LessonPage,
    LessonProgress,
    Product,
    Question,
)

FILES = ["courses.yaml", "cases.yaml", "questions.yaml", "media.yaml"]


def media_lessons() -> list[dict]:
    return load("courses/media.yaml")["lessons"]


def lesson_slugs(course: dict) -> list[str]:
    return [lesson["slug"] for lesson in course["lessons"]]


@pytest.mark.parametrize("name", FILES)
def test_each_file_parses_to_a_mapping(name):
    assert (demo_dir() / "courses" / name).is_file()
    assert isinstance(load(f"courses/{name}"), dict)


def test_page_slugs_are_unique_across_courses_lessons_and_cases():
    # Seeding and the questions find pages by slug alone, so one slug must name one page.
    slugs = [course["slug"] for course in demo.courses()]
    slugs += [slug for course in demo.courses() for slug in lesson_slugs(course)]
    slugs += [lesson["slug"] for lesson in media_lessons()]
    slugs += [case["slug"] for case in demo.cases()]
    assert len(slugs) == len(set(slugs)) > 30
    paths = [path["slug"] for path in load("courses/courses.yaml")["learning_paths"]]
    assert len(paths) == len(set(paths))


def test_references_between_courses_resolve():
    courses = {course["slug"]: course for course in demo.courses()}
    seen = set()
    for course in demo.courses():
        # A prerequisite is created before the course that requires it.
        assert set(course["prerequisites"]) <= seen, course["slug"]
        seen.add(course["slug"])
    for path in load("courses/courses.yaml")["learning_paths"]:
        assert set(path["courses"]) <= set(courses), path["slug"]
    member = demo.demo_member()
    progress = member["in_progress"]
    started = lesson_slugs(courses[progress["course"]])
    assert {*progress["completed"], progress["last_lesson"]} <= set(started)
    assert member["completed_course"] in courses
    every_lesson = {slug for course in courses.values() for slug in lesson_slugs(course)}
    for material in demo.lesson_materials():
        assert material["lesson"] in every_lesson
        assert {len(row) for row in material["rows"]} == {len(material["column_widths"])}


def test_every_knowledge_check_has_a_right_answer_per_question():
    checks = [
        block["value"]
        for course in demo.courses()
        for lesson in course["lessons"]
        for block in lesson["body"]
        if block["type"] == "knowledge_check"
    ]
    assert len(checks) >= len(demo.courses())
    for check in checks:
        for question in check["questions"]:
            right = sum(option["correct"] for option in question["options"])
            assert right >= 1, question["prompt"]
            assert question["multiple"] == (right > 1)


def test_media_lessons_name_their_course_and_files():
    data = load("courses/media.yaml")
    files = {medium["file"] for medium in data["media"]}
    for medium in data["media"]:
        for name in [medium["file"], *medium["captions"].values()]:
            assert (demo.MEDIA_FOLDER / name).is_file(), name
    courses = {course["slug"] for course in demo.courses()}
    for lesson in data["lessons"]:
        assert lesson["course"] in courses
        named = [block["media"]["file"] for block in lesson["body"] if "media" in block]
        assert named and set(named) <= files


def test_questions_name_a_demo_page():
    pages = {slug for course in demo.courses() for slug in lesson_slugs(course)}
    pages |= {case["slug"] for case in demo.cases()}
    data = load("courses/questions.yaml")
    assert set(data["course_topics"]) <= {course["slug"] for course in demo.courses()}
    for question in data["questions"]:
        assert question["page"] in pages, question["title"]


def test_cases_name_industries_and_products_the_academy_has(db):
    cases_data = load("courses/cases.yaml")
    sub_industries = {industry["slug"]: industry for industry in cases_data["sub_industries"]}
    top = set(Industry.objects.filter(parent=None).values_list("slug", flat=True))
    assert {industry["parent"] for industry in sub_industries.values()} <= top
    assert set(cases_data["pictures"]["colours"]) <= top
    products = set(Product.objects.values_list("slug", flat=True))
    for case in demo.cases():
        assert case["industry"] in top | set(sub_industries), case["slug"]
        assert set(case["products"]) <= products, case["slug"]
        assert case["metrics"], case["slug"]


def snapshot() -> dict[str, int]:
    models = [Page, Revision, LearningPath, Enrollment, LessonProgress, Question, Answer]
    return {model.__name__: model.objects.count() for model in [*models, LessonMedia, Industry]}


def test_seed_demo_builds_what_the_data_says_and_a_second_run_changes_nothing(db):
    call_command("seed_demo", stdout=StringIO())
    first = snapshot()

    for spec in demo.courses():
        course = originals(CoursePage.objects.filter(slug=spec["slug"])).get()
        lessons = LessonPage.objects.child_of(course).order_by("path")
        expected = lesson_slugs(spec) + [
            lesson["slug"] for lesson in media_lessons() if lesson["course"] == spec["slug"]
        ]
        assert [lesson.slug for lesson in lessons] == expected
        assert [link.lecturer.user.email for link in course.lecturer_links.all()] == [
            spec["lecturer"]
        ]
    # A case's provider is a company seed_demo made (the name resolves, it is not dropped).
    for spec in demo.cases():
        case = originals(CaseStudyPage.objects.filter(slug=spec["slug"])).get()
        if spec["provider"]:
            assert case.provider is not None and case.provider.name == spec["provider"]
    for spec in load("courses/questions.yaml")["questions"]:
        question = Question.objects.get(
            page__slug=spec["page"], asker__email=spec["asker"], title=spec["title"]
        )
        answer = spec.get("answer")
        assert [a.author.email for a in question.answers.all()] == (
            [answer["by"]] if answer else []
        )
        accepted = question.answers.filter(accepted_at__isnull=False).exists()
        assert accepted == bool(answer and answer["accepted"])

    call_command("seed_demo", stdout=StringIO())
    assert snapshot() == first
