"""Demo courses, learning paths and case studies for `seed_demo`.

`seed(home_page, stdout)` is idempotent: pages are looked up by slug, paths by slug, industries
by slug, and only what is missing is created, so content staff edited is left alone. Texts live
in demo_courses.py and demo_cases.py.
"""

from __future__ import annotations

from io import BytesIO

from django.core.files.images import ImageFile
from wagtail.images import get_image_model

from academy.models import Industry, LecturerProfile, Provider, User

from . import demo_video, services
from .demo_cases import CASES, SUB_INDUSTRIES
from .demo_courses import COURSES, DEMO_PROGRESS, LEARNING_PATHS
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

LECTURER_EMAIL = "lecturer@example.com"
CATALOGUE = {
    "title": "学院课程",
    "slug": "courses",
    "intro": "按成长阶段编排的课程：从入驻后的第一个项目，到支付、客户运营与新市场拓展。"
    "课程免费，报名后即可开始学习并记录进度。",
}
CASE_LISTING = {
    "title": "标杆案例",
    "slug": "cases",
    "intro": "同行为商家做过的真实项目：遇到了什么问题、怎么解决、带来了哪些可量化的结果。",
}
# Colours of the generated case illustrations, by top-level industry (no stock photos here).
PALETTES = {
    "self-operated": ((7, 163, 90), (4, 92, 57)),
    "catering": ((242, 169, 59), (180, 94, 5)),
    "local-services": ((60, 123, 224), (26, 70, 143)),
    "business-services": ((138, 99, 216), (77, 47, 150)),
    "tools": ((20, 160, 170), (8, 90, 100)),
}


class _Quiet:
    def write(self, *args, **kwargs):
        pass


def seed(home_page, stdout=None) -> None:
    """Create the demo catalogue, courses, paths, cases and the demo member's progress."""
    out = stdout or _Quiet()
    products = {p.slug: p for p in Product.objects.all()}
    catalogue = _index(home_page, CourseIndexPage, CATALOGUE, out)
    courses = {spec["slug"]: _course(catalogue, spec, products, out) for spec in COURSES}
    _learning_paths(courses, out)
    demo_video.seed(out)
    _demo_progress(courses, out)
    _demo_completion(courses, out)
    _demo_attachment(out)
    listing = _index(home_page, CaseStudyIndexPage, CASE_LISTING, out)
    industries = _sub_industries()
    for spec in CASES:
        _case(listing, spec, industries, products, out)
    for page in (catalogue, listing):
        ensure_review_workflow(page)


def _index(home_page, model, spec: dict, out):
    page = model.objects.filter(slug=spec["slug"]).first()
    if page is None:
        page = model(**spec)
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
    lecturer = LecturerProfile.objects.filter(user__email=LECTURER_EMAIL).first()
    if lecturer is not None:
        course.lecturer_links = [CourseLecturer(lecturer=lecturer)]
    course.prerequisite_links = [
        CoursePrerequisite(required_course=required, sort_order=i)
        for i, required in enumerate(CoursePage.objects.filter(slug__in=spec["prerequisites"]))
    ]
    catalogue.add_child(instance=course)
    course.save_revision().publish()
    for lesson_spec in spec["lessons"]:
        lesson = LessonPage(
            title=lesson_spec["title"],
            slug=lesson_spec["slug"],
            intro=lesson_spec["intro"],
            duration_minutes=lesson_spec["duration"],
            optional=lesson_spec.get("optional", False),
            body=lesson_spec["body"],
        )
        course.add_child(instance=lesson)
        lesson.save_revision().publish()
    out.write(f"Created course {course.title} with {len(spec['lessons'])} lessons.\n")
    return course


def _learning_paths(courses: dict[str, CoursePage], out) -> None:
    for spec in LEARNING_PATHS:
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


def _demo_progress(courses: dict[str, CoursePage], out) -> None:
    user = User.objects.filter(email=DEMO_PROGRESS["email"]).first()
    course = courses[DEMO_PROGRESS["course"]]
    if user is None or Enrollment.objects.filter(user=user).exists():
        return
    enrollment, _ = services.enrol(user, course)
    lessons = {lesson.slug: lesson for lesson in LessonPage.objects.child_of(course)}
    for slug in DEMO_PROGRESS["completed"]:
        services.mark_lesson_complete(user, lessons[slug])
    enrollment.refresh_from_db()
    services.record_visit(enrollment, lessons[DEMO_PROGRESS["last_lesson"]])
    out.write(f"Enrolled {user.email} in {course.title} with some progress.\n")


# The demo member also finished one course (its certificate is issued by certification's demo);
# not the payments course, which the browser test enrols in and completes.
DEMO_COMPLETED_COURSE = "restaurant-qr-ordering"
# One lesson material: a spreadsheet only the course's learners may download.
DEMO_ATTACHMENT = {
    "lesson": "sub-merchant-application",
    "title": "特约商户进件材料清单",
    "filename": "sub-merchant-checklist.xlsx",
    "description": "进件前逐项核对：主体资料、结算账户、经营场景与费率",
    "rows": [
        ("类别", "材料", "要求", "常见驳回原因"),
        ("主体资料", "营业执照", "清晰彩色扫描件，在有效期内", "照片反光、经营范围与类目不符"),
        ("主体资料", "法人身份证", "正反面，与执照法人一致", "证件过期"),
        ("结算账户", "对公账户或法人个人账户", "开户名与主体一致", "开户支行信息不全"),
        ("经营场景", "门店门头与店内照片", "能看清招牌和经营内容", "门头与执照名称不一致"),
        ("经营场景", "小程序截图", "商品、价格与下单页面", "页面未上线或无商品"),
        ("费率", "行业费率确认", "按类目对应的标准费率", "类目选错导致费率不符"),
    ],
}


def _right_answers(check) -> dict[int, frozenset[int]]:
    return {
        index: frozenset(n for n, option in enumerate(question["options"]) if option["correct"])
        for index, question in enumerate(check.value["questions"])
    }


def _demo_completion(courses: dict[str, CoursePage], out) -> None:
    """The demo member finishes one course the way a learner does (each lesson, its check)."""
    user = User.objects.filter(email=DEMO_PROGRESS["email"]).first()
    course = courses[DEMO_COMPLETED_COURSE]
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


def _demo_attachment(out) -> None:
    from django.core.files.base import ContentFile
    from openpyxl import Workbook
    from wagtail.documents import get_document_model

    from .models import LessonAttachment

    lesson = LessonPage.objects.filter(slug=DEMO_ATTACHMENT["lesson"]).first()
    if lesson is None or lesson.attachments.exists():
        return
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "进件材料"
    for row in DEMO_ATTACHMENT["rows"]:
        sheet.append(row)
    for column, width in zip("ABCD", (12, 24, 30, 30), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = BytesIO()
    workbook.save(buffer)
    document = get_document_model()(
        title=DEMO_ATTACHMENT["title"],
        file=ContentFile(buffer.getvalue(), name=DEMO_ATTACHMENT["filename"]),
    )
    document._set_document_file_metadata()
    document.save()
    LessonAttachment.objects.create(
        page=lesson, document=document, description=DEMO_ATTACHMENT["description"]
    )
    out.write(f"Attached {document.title} to the lesson {lesson.title}.\n")


def _sub_industries() -> dict[str, Industry]:
    industries = {industry.slug: industry for industry in Industry.objects.all()}
    for name, slug, parent_slug in SUB_INDUSTRIES:
        if slug not in industries and parent_slug in industries:
            industries[slug] = Industry.objects.create(
                name=name, slug=slug, parent=industries[parent_slug]
            )
    return industries


def add_case(
    listing: CaseStudyIndexPage, spec: dict, industries: dict, products: dict, out
) -> None:
    """A demo case study from `spec` (the shape of demo_cases.CASES), unless its slug exists."""
    _case(listing, spec, industries, products, out)


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
    palette = PALETTES.get((industry.parent or industry).slug, PALETTES["self-operated"])
    pictures = [_illustration(spec, n, palette) for n in (1, 2)]
    case.cover_image = pictures[0]
    case.gallery_images = [
        CaseStudyGalleryImage(image=picture, caption=caption)
        for picture, caption in zip(pictures, ("上线后的小程序首页", "门店后台"), strict=True)
    ]
    listing.add_child(instance=case)
    case.save_revision().publish()
    out.write(f"Created case study {case.title}.\n")


def _illustration(spec: dict, variant: int, palette):
    """A simple generated picture (a phone or a dashboard) for a case's cover and gallery."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    Image = get_image_model()
    title = f"{spec['merchant']} · {variant}"
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return existing
    light, dark = palette
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
