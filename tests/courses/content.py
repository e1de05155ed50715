"""Building course and case content for tests: published pages in a few queries each.

Pages are created live with add_child (no revision), which is what a published page looks like to
the front end; tests that exercise publishing itself go through revisions and workflows.
"""

from __future__ import annotations

import itertools

from django.conf import settings
from django.utils import timezone, translation

from academy.bulk_pages import add_live_children
from academy.models import GrowthStage, Industry
from courses.models import (
    CaseStudyIndexPage,
    CaseStudyPage,
    CourseIndexPage,
    CoursePage,
    CoursePrerequisite,
    LessonPage,
    Product,
)

_counter = itertools.count(1)

# A check with one single-choice and one multiple-choice question; answers: q0 → 1, q1 → {0, 2}.
CHECK_QUESTIONS = [
    {
        "prompt": "小程序提交审核前必须确认什么？",
        "multiple": False,
        "options": [
            {"text": "页面配色", "correct": False},
            {"text": "类目与资质匹配", "correct": True},
            {"text": "服务器品牌", "correct": False},
        ],
        "explanation": "EXPLANATION-ONE 类目与资质不匹配是最常见的驳回原因。",
    },
    {
        "prompt": "哪些属于支付接入的必备材料？",
        "multiple": True,
        "options": [
            {"text": "营业执照", "correct": True},
            {"text": "门店照片墙", "correct": False},
            {"text": "结算银行账户", "correct": True},
        ],
        "explanation": "EXPLANATION-TWO",
    },
]
RIGHT_ANSWERS = {"q0": "1", "q1": ["0", "2"]}


def url_of(page) -> str:
    """The page's unprefixed (Simplified Chinese) path, whatever language a request left active."""
    with translation.override(settings.LANGUAGE_CODE):
        return page.get_url()


def en(page_or_path) -> str:
    """The English address of a page: assertions read the academy's own English msgids."""
    path = page_or_path if isinstance(page_or_path, str) else url_of(page_or_path)
    return "/en" + path


def check_block(questions=None, pass_percentage=100, title="检查一下") -> dict:
    return {
        "type": "knowledge_check",
        "value": {
            "title": title,
            "intro": "",
            "questions": questions or CHECK_QUESTIONS,
            "pass_percentage": pass_percentage,
        },
    }


def text_block(text: str) -> dict:
    return {"type": "text", "value": f"<p>{text}</p>"}


def product(slug: str = "mini-program") -> Product:
    return Product.objects.get(slug=slug)


def make_catalogue(home) -> CourseIndexPage:
    existing = CourseIndexPage.objects.first()
    if existing:
        return existing
    page = CourseIndexPage(title="课程", slug="courses", intro="按成长阶段学习。")
    home.add_child(instance=page)
    return page


def make_course(
    catalogue: CourseIndexPage,
    title: str | None = None,
    *,
    product_slug: str = "mini-program",
    stage: str = GrowthStage.CREATE,
    level: str = "beginner",
    language: str = "zh-hans",
    prerequisites=(),
    live: bool = True,
    **fields,
) -> CoursePage:
    n = next(_counter)
    course = CoursePage(
        title=title or f"课程{n}",
        slug=f"course-{n}",
        summary=fields.pop("summary", "一门课程。"),
        product=product(product_slug),
        growth_stage=stage,
        level=level,
        language=language,
        live=live,
        first_published_at=timezone.now() if live else None,
        **fields,
    )
    catalogue.add_child(instance=course)
    for order, required in enumerate(prerequisites):
        CoursePrerequisite.objects.create(page=course, required_course=required, sort_order=order)
    return course


def make_lesson(
    course: CoursePage, title: str | None = None, *, body=None, optional=False, live=True
) -> LessonPage:
    n = next(_counter)
    lesson = LessonPage(
        title=title or f"第{n}课",
        slug=f"lesson-{n}",
        intro="本课简介。",
        optional=optional,
        body=body if body is not None else [text_block(f"LESSON-BODY-{n} 正文内容。")],
        live=live,
        first_published_at=timezone.now() if live else None,
    )
    course.add_child(instance=lesson)
    return lesson


def make_case_index(home) -> CaseStudyIndexPage:
    existing = CaseStudyIndexPage.objects.first()
    if existing:
        return existing
    page = CaseStudyIndexPage(title="案例", slug="cases", intro="同行的真实项目。")
    home.add_child(instance=page)
    return page


def make_case(
    index: CaseStudyIndexPage,
    title: str | None = None,
    *,
    industry: Industry | str = "catering",
    products=("mini-program",),
    city: str = "杭州",
    **fields,
) -> CaseStudyPage:
    n = next(_counter)
    if isinstance(industry, str):
        industry = Industry.objects.get(slug=industry)
    case = CaseStudyPage(
        title=title or f"案例{n}",
        slug=f"case-{n}",
        merchant_name=fields.pop("merchant_name", f"商户{n}"),
        summary=fields.pop("summary", "一个案例。"),
        industry=industry,
        city=city,
        metrics=fields.pop(
            "metrics",
            [{"type": "metric", "value": {"label": "单日支付笔数", "value": "+300", "unit": "%"}}],
        ),
        first_published_at=timezone.now(),
        **fields,
    )
    index.add_child(instance=case)
    if products:
        case.products.set(Product.objects.filter(slug__in=products))
        case.save()
    return case


def bulk_courses(catalogue, count: int, **fields) -> list[CoursePage]:
    start = next(_counter)
    products = {p.slug: p for p in Product.objects.all()}
    slugs = ["mini-program", "payments", "workplace", "operations"]
    stages = [s for s, _ in GrowthStage.choices]
    pages = [
        CoursePage(
            title=f"批量课程{start + i}",
            slug=f"bulk-course-{start + i}",
            summary="批量生成的课程，用于测试与基准。",
            product=products[slugs[i % 4]],
            growth_stage=stages[i % 4],
            level=("beginner", "intermediate", "advanced")[i % 3],
            **fields,
        )
        for i in range(count)
    ]
    return add_live_children(catalogue, pages)


def bulk_lessons(course, count: int) -> list[LessonPage]:
    start = next(_counter)
    pages = [
        LessonPage(
            title=f"批量课时{start + i}",
            slug=f"bulk-lesson-{start + i}",
            intro="批量生成的课时。",
            body=[text_block("课时正文。" * 20)],
        )
        for i in range(count)
    ]
    return add_live_children(course, pages)


def bulk_cases(
    index, count: int, industries: list, cities: list[str], covers=()
) -> list[CaseStudyPage]:
    start = next(_counter)
    products = list(Product.objects.all())
    pages = [
        CaseStudyPage(
            title=f"批量案例{start + i}",
            slug=f"bulk-case-{start + i}",
            merchant_name=f"商户{start + i}",
            summary="批量生成的案例，用于测试与基准。",
            industry=industries[i % len(industries)],
            city=cities[i % len(cities)],
            cover_image=covers[i % len(covers)] if covers else None,
            metrics=[{"type": "metric", "value": {"label": "复购率", "value": "+20", "unit": "%"}}],
            challenge=[text_block("挑战。" * 30)],
            solution=[text_block("方案。" * 30)],
            results=[text_block("结果。" * 30)],
        )
        for i in range(count)
    ]
    add_live_children(index, pages)
    through = CaseStudyPage.products.through
    through.objects.bulk_create(
        [
            through(casestudypage_id=page.pk, product_id=products[(i + k) % len(products)].pk)
            for i, page in enumerate(pages)
            for k in range(1 + i % 2)
        ],
        batch_size=500,
    )
    return pages
