"""Demo courses, learning paths, case studies and lesson media for `seed_demo`.

The content is data in demo/courses/ (courses.yaml, cases.yaml, media.yaml; questions.yaml is
demo_questions.py's). This module keeps what the data cannot say: pages, paths and industries are
looked up by their slugs and only what is missing is created, so a second run changes nothing and
content staff edited is left alone; StreamField bodies are turned into Wagtail's raw form; a
knowledge-check question is "multiple" when more than one option is right; the case pictures,
the lesson spreadsheet and the lesson media files are made here.
"""

from __future__ import annotations

import copy
from io import BytesIO
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.images import ImageFile
from wagtail.images import get_image_model

from academy.demo_data import load
from academy.models import Industry, LecturerProfile, Provider, User

from . import services
from .media_models import LessonMedia
from .models import (
    CaseStudyGalleryImage,
    CaseStudyIndexPage,
    CaseStudyPage,
    CourseIndexPage,
    CourseLecturer,
    CoursePage,
    CoursePrerequisite,
    Enrollment,
    LearningPath,
    LearningPathCourse,
    LessonPage,
    Product,
)
from .moderation import ensure_review_workflow

# The files media.yaml names, made once by demo_media/make_demo_media.py (see its README).
MEDIA_FOLDER = Path(__file__).resolve().parent / "demo_media"


class _Quiet:
    def write(self, *args, **kwargs):
        pass


# Reading the data --------------------------------------------------------------------------------


def stream(blocks: list[dict]) -> list[dict]:
    """Wagtail's raw StreamField form ({"type", "value"}) of blocks the YAML writes {type: value}."""
    raw = []
    for block in blocks:
        # A copy: Wagtail writes block ids into what it is given, and the parsed YAML is shared.
        [(kind, value)] = copy.deepcopy(block).items()
        if kind == "knowledge_check":
            value = {**value, "questions": [_question(q) for q in value["questions"]]}
        raw.append({"type": kind, "value": value})
    return raw


def _question(spec: dict) -> dict:
    return {
        "prompt": spec["prompt"],
        # More than one right option: the page shows checkboxes instead of radio buttons.
        "multiple": sum(bool(option["correct"]) for option in spec["options"]) > 1,
        "options": [{"text": o["text"], "correct": bool(o["correct"])} for o in spec["options"]],
        "explanation": spec.get("explanation", ""),
    }


def courses() -> list[dict]:
    """The demo courses of courses.yaml, in order, each lesson's body in raw StreamField form.

    The right answers of the knowledge checks are the options marked correct (tests read them).
    """
    return [
        {
            **spec,
            "prerequisites": spec.get("prerequisites", []),
            "lessons": [_lesson(lesson) for lesson in spec["lessons"]],
        }
        for spec in load("courses/courses.yaml")["courses"]
    ]


def course(slug: str) -> dict:
    """One demo course of courses(), by slug."""
    return next(spec for spec in courses() if spec["slug"] == slug)


def _lesson(spec: dict) -> dict:
    return {**spec, "optional": spec.get("optional", False), "body": stream(spec["body"])}


def demo_member() -> dict:
    """Who the demo member is and what they have learnt (courses.yaml's demo_member)."""
    return load("courses/courses.yaml")["demo_member"]


def lesson_materials() -> list[dict]:
    return load("courses/courses.yaml")["lesson_materials"]


def cases() -> list[dict]:
    """The demo case studies of cases.yaml, their sections and metrics in raw StreamField form."""
    return [_case_fields(spec) for spec in load("courses/cases.yaml")["cases"]]


def _case_fields(spec: dict) -> dict:
    return {
        **spec,
        "provider": spec.get("provider"),
        "metrics": [
            {
                "type": "metric",
                "value": {key: str(metric[key]) for key in ("label", "value", "unit")},
            }
            for metric in spec["metrics"]
        ],
        **{name: _section(spec[name]) for name in ("challenge", "solution", "results")},
    }


def _section(value: str | list[dict]) -> list[dict]:
    # A section of one paragraph block may be written as its text alone.
    return stream([{"text": value}] if isinstance(value, str) else value)


# Seeding -----------------------------------------------------------------------------------------


def seed(home_page, stdout=None) -> None:
    """Create the demo catalogue, courses, paths, cases and the demo member's progress."""
    out = stdout or _Quiet()
    data = load("courses/courses.yaml")
    products = {p.slug: p for p in Product.objects.all()}
    catalogue = _index(home_page, CourseIndexPage, data["catalogue"], out)
    pages = {spec["slug"]: _course(catalogue, spec, products, out) for spec in courses()}
    _learning_paths(data["learning_paths"], pages, out)
    _media_lessons(out)
    _demo_progress(pages, out)
    _demo_completion(pages, out)
    for material in lesson_materials():
        _lesson_material(material, out)
    cases_data = load("courses/cases.yaml")
    listing = _index(home_page, CaseStudyIndexPage, cases_data["listing"], out)
    industries = _sub_industries(cases_data["sub_industries"])
    for spec in cases():
        _case(listing, spec, industries, products, out)
    for page in (catalogue, listing):
        ensure_review_workflow(page)


def _index(home_page, model, spec: dict, out):
    page = model.objects.filter(slug=spec["slug"]).first()
    if page is None:
        page = model(title=spec["title"], slug=spec["slug"], intro=spec["intro"])
        home_page.add_child(instance=page)
        page.save_revision().publish()
        out.write(f"Created {model._meta.verbose_name} {page.title}.\n")
    return page


def _course(catalogue: CourseIndexPage, spec: dict, products: dict, out) -> CoursePage:
    course = CoursePage.objects.filter(slug=spec["slug"]).first()
    if course is not None:
        return course
    course = CoursePage(
        title=spec["title"],
        slug=spec["slug"],
        summary=spec["summary"],
        body=spec["body"],
        outcomes=spec["outcomes"],
        product=products[spec["product"]],
        growth_stage=spec["stage"],
        level=spec["level"],
        language=spec["language"],
        duration_minutes=spec["duration"],
    )
    lecturer = LecturerProfile.objects.filter(user__email=spec.get("lecturer")).first()
    if lecturer is not None:
        course.lecturer_links = [CourseLecturer(lecturer=lecturer)]
    # Prerequisites are courses listed before this one (created already, or found by slug).
    course.prerequisite_links = [
        CoursePrerequisite(required_course=required, sort_order=i)
        for i, required in enumerate(CoursePage.objects.filter(slug__in=spec["prerequisites"]))
    ]
    catalogue.add_child(instance=course)
    course.save_revision().publish()
    for lesson_spec in spec["lessons"]:
        _add_lesson(course, lesson_spec, lesson_spec["body"])
    out.write(f"Created course {course.title} with {len(spec['lessons'])} lessons.\n")
    return course


def _add_lesson(course: CoursePage, spec: dict, body: list[dict]) -> LessonPage:
    lesson = LessonPage(
        title=spec["title"],
        slug=spec["slug"],
        intro=spec["intro"],
        duration_minutes=spec["duration"],
        optional=spec["optional"],
        body=body,
    )
    course.add_child(instance=lesson)
    lesson.save_revision().publish()
    return lesson


def _learning_paths(specs: list[dict], courses: dict[str, CoursePage], out) -> None:
    for spec in specs:
        if LearningPath.objects.filter(slug=spec["slug"]).exists():
            continue
        path = LearningPath.objects.create(
            slug=spec["slug"],
            title=spec["title"],
            intro=spec["intro"],
            growth_stage=spec["stage"],
            sort_order=spec["order"],
        )
        for order, slug in enumerate(spec["courses"]):
            LearningPathCourse.objects.create(path=path, course=courses[slug], sort_order=order)
        out.write(f"Created learning path {path.title}.\n")


def _media_lessons(out) -> None:
    """The video and audio lessons of media.yaml, added to their courses when missing.

    Media are found by title, lessons by slug; the media task reads duration, poster and
    captions after the commit, as for an editor's upload.
    """
    data = load("courses/media.yaml")
    media = {spec["file"]: _media(spec, out) for spec in data["media"]}
    for spec in data["lessons"]:
        course = CoursePage.objects.filter(slug=spec["course"]).first()
        if course is None or LessonPage.objects.filter(slug=spec["slug"]).exists():
            continue
        body = stream(spec["body"])
        kinds = []
        for block in body:
            if block["type"] == "media":  # the YAML names the file; the block holds its id
                item = media[block["value"]["file"]]
                block["value"] = {"media": item.pk, "caption": block["value"]["caption"]}
                kinds.append(item.type)
        lesson = _add_lesson(course, _lesson(spec), body)
        out.write(f"Created lesson {lesson.title} with its {' and '.join(kinds)}.\n")


def _media(spec: dict, out) -> LessonMedia:
    existing = LessonMedia.objects.filter(title=spec["title"]).first()
    if existing is not None:
        return existing
    item = LessonMedia(title=spec["title"], type=spec["type"])
    with open(MEDIA_FOLDER / spec["file"], "rb") as handle:
        item.file.save(spec["file"], File(handle), save=False)
    for language, name in spec["captions"].items():
        with open(MEDIA_FOLDER / name, "rb") as handle:
            item.caption_file(language).save(name, File(handle), save=False)
    item.save()
    out.write(f"Created demo {spec['type']} {item.title}.\n")
    return item


def _demo_progress(courses: dict[str, CoursePage], out) -> None:
    member = demo_member()
    progress = member["in_progress"]
    user = User.objects.filter(email=member["email"]).first()
    course = courses[progress["course"]]
    if user is None or Enrollment.objects.filter(user=user).exists():
        return
    enrollment, _ = services.enrol(user, course)
    lessons = {lesson.slug: lesson for lesson in LessonPage.objects.child_of(course)}
    for slug in progress["completed"]:
        services.mark_lesson_complete(user, lessons[slug])
    enrollment.refresh_from_db()
    services.record_visit(enrollment, lessons[progress["last_lesson"]])
    out.write(f"Enrolled {user.email} in {course.title} with some progress.\n")


def _right_answers(check) -> dict[int, frozenset[int]]:
    return {
        index: frozenset(n for n, option in enumerate(question["options"]) if option["correct"])
        for index, question in enumerate(check.value["questions"])
    }


def _demo_completion(courses: dict[str, CoursePage], out) -> None:
    """The demo member finishes one course the way a learner does (each lesson, its check)."""
    member = demo_member()
    user = User.objects.filter(email=member["email"]).first()
    course = courses[member["completed_course"]]
    if user is None or Enrollment.objects.filter(user=user, course=course).exists():
        return
    services.enrol(user, course)
    for lesson in LessonPage.objects.child_of(course).live().order_by("path"):
        check = lesson.knowledge_check
        if check is None:
            services.mark_lesson_complete(user, lesson)
        else:
            services.submit_knowledge_check(user, lesson, _right_answers(check))
    out.write(f"{user.email} completed {course.title}.\n")


def _lesson_material(spec: dict, out) -> None:
    """A spreadsheet only the lesson's learners may download, once per lesson."""
    from django.core.files.base import ContentFile
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from wagtail.documents import get_document_model

    from .models import LessonAttachment

    lesson = LessonPage.objects.filter(slug=spec["lesson"]).first()
    if lesson is None or lesson.attachments.exists():
        return
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = spec["sheet"]
    for row in spec["rows"]:
        sheet.append(row)
    for column, width in enumerate(spec["column_widths"], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    buffer = BytesIO()
    workbook.save(buffer)
    document = get_document_model()(
        title=spec["title"], file=ContentFile(buffer.getvalue(), name=spec["filename"])
    )
    document._set_document_file_metadata()
    document.save()
    LessonAttachment.objects.create(page=lesson, document=document, description=spec["description"])
    out.write(f"Attached {document.title} to the lesson {lesson.title}.\n")


def _sub_industries(specs: list[dict]) -> dict[str, Industry]:
    industries = {industry.slug: industry for industry in Industry.objects.all()}
    for spec in specs:
        if spec["slug"] not in industries and spec["parent"] in industries:
            industries[spec["slug"]] = Industry.objects.create(
                name=spec["name"], slug=spec["slug"], parent=industries[spec["parent"]]
            )
    return industries


def add_case(
    listing: CaseStudyIndexPage, spec: dict, industries: dict, products: dict, out
) -> None:
    """A demo case study from `spec` (written like a case of demo/courses/cases.yaml), unless its
    slug exists."""
    _case(listing, _case_fields(spec), industries, products, out)


def _case(listing: CaseStudyIndexPage, spec: dict, industries: dict, products: dict, out) -> None:
    if CaseStudyPage.objects.filter(slug=spec["slug"]).exists():
        return
    industry = industries.get(spec["industry"])
    if industry is None:
        return
    case = CaseStudyPage(
        title=spec["title"],
        slug=spec["slug"],
        merchant_name=spec["merchant"],
        summary=spec["summary"],
        provider=Provider.objects.filter(name=spec["provider"]).first()
        if spec["provider"]
        else None,
        industry=industry,
        city=spec["city"],
        metrics=spec["metrics"],
        challenge=spec["challenge"],
        solution=spec["solution"],
        results=spec["results"],
    )
    case.products = [products[slug] for slug in spec["products"] if slug in products]
    pictures = load("courses/cases.yaml")["pictures"]
    colours = pictures["colours"]
    top = (industry.parent or industry).slug
    palette = colours.get(top, colours[pictures["default_colours"]])
    images = [_illustration(spec, n, palette) for n in (1, 2)]
    case.cover_image = images[0]
    case.gallery_images = [
        CaseStudyGalleryImage(image=image, caption=caption)
        for image, caption in zip(images, pictures["gallery_captions"], strict=True)
    ]
    listing.add_child(instance=case)
    case.save_revision().publish()
    out.write(f"Created case study {case.title}.\n")


def _illustration(spec: dict, variant: int, palette: dict[str, Any]):
    """A simple generated picture (a phone or a dashboard) for a case's cover and gallery."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    Image = get_image_model()
    title = f"{spec['merchant']} · {variant}"
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return existing
    light, dark = tuple(palette["light"]), tuple(palette["dark"])
    width, height = 1200, 900
    picture = PILImage.new("RGB", (width, height), dark)
    draw = ImageDraw.Draw(picture)
    for y in range(height):  # a diagonal-ish gradient from the light to the dark tone
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(light[i] * (1 - t) + dark[i] * t) for i in range(3)),
        )
    if variant == 1:
        draw.rounded_rectangle([420, 90, 780, 840], radius=48, fill=(255, 255, 255))
        draw.rounded_rectangle([450, 150, 750, 330], radius=20, fill=light)
        for row in range(4):
            top = 360 + row * 110
            draw.rounded_rectangle([450, top, 540, top + 90], radius=14, fill=(235, 242, 238))
            draw.rounded_rectangle([560, top + 14, 750, top + 34], radius=8, fill=(210, 220, 215))
            draw.rounded_rectangle([560, top + 52, 690, top + 70], radius=8, fill=(225, 232, 228))
    else:
        draw.rounded_rectangle([160, 220, 1040, 760], radius=36, fill=(255, 255, 255))
        for column in range(3):
            left = 220 + column * 280
            draw.rounded_rectangle([left, 300, left + 220, 520], radius=24, fill=(235, 242, 238))
            draw.rounded_rectangle([left, 560, left + 180, 590], radius=10, fill=(210, 220, 215))
            draw.rounded_rectangle([left, 610, left + 120, 635], radius=10, fill=light)
    buffer = BytesIO()
    picture.save(buffer, format="PNG")
    return Image.objects.create(
        title=title, file=ImageFile(buffer, name=f"case-{spec['slug']}-{variant}.png")
    )
