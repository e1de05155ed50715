"""Pages whose query count does not grow with the number of courses, lessons or cases.

Each test renders a page with 10 items and again with 100+ under the same fixed ceiling, and
checks the count did not change: the queries are decided once in courses/selectors.py.
"""

from io import BytesIO

import pytest
from django.core.files.images import ImageFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage
from wagtail.images import get_image_model

from academy.models import Industry
from courses import services
from courses.models import CoursePage, Enrollment, LessonProgress

from .content import bulk_cases, bulk_courses, bulk_lessons, en, make_case, make_course, make_lesson

# Measured on SQLite and PostgreSQL, plus a little room for the site shell (navigation,
# settings); what matters is that the same ceiling holds at 10 items and at hundreds. Pages on
# /en/ also read the reader's locale, the footer text in their language and the English versions
# of the page and of each list on it (academy/localisation.py): one query each, whatever the size.
CATALOGUE_CEILING = 24
COURSE_PAGE_CEILING = 26
LESSON_PAGE_CEILING = 27  # 26, plus the lesson's attachments list
CASE_LISTING_CEILING = 24
# 28, plus one for the learners' questions under the case (courses/questions_selectors.py).
CASE_PAGE_CEILING = 29
# 28, plus one each for the sections merged in session 5: assignments, action plan, consents
# and the business-expansion card (their counts stay flat with the number of courses), and one
# for the course certificates.
MY_ACADEMY_CEILING = 33


@pytest.fixture(autouse=True)
def rendered_not_stored(settings):
    # These count what rendering costs; an anonymous visitor's repeat visit is answered by the
    # page cache with no query at all (tests/academy/test_page_cache.py), and the bulk inserts
    # here bypass the signals that would make the stored pages stale. The same for the shared
    # fragments (academy/fragments.py): these ceilings are for a page rendered in full; a warm
    # one is pinned in tests/academy/test_query_ceilings.py.
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 0


@pytest.fixture
def visitor():
    return Client()


@pytest.fixture
def covers(db):
    """Three cover images: enough to show that renditions are prefetched, not fetched per card."""
    images = []
    for n, colour in enumerate(("#07a35a", "#de7f12", "#2560c4")):
        buffer = BytesIO()
        PILImage.new("RGB", (64, 36), colour).save(buffer, format="PNG")
        images.append(
            get_image_model().objects.create(
                title=f"封面{n}", file=ImageFile(buffer, name=f"c{n}.png")
            )
        )
    return images


def queries_for(client, url: str) -> int:
    client.get(url)  # renditions are generated on first sight; count the steady state
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def assert_flat(small: int, large: int, ceiling: int) -> None:
    assert small <= ceiling and large <= ceiling, (small, large, ceiling)
    assert small == large, f"queries grew from {small} to {large}"


def test_catalogue(
    visitor, member_client, member, catalogue, covers, django_assert_max_num_queries
):
    courses = [
        make_course(
            catalogue, product_slug=("mini-program", "payments")[n % 2], cover_image=covers[n % 3]
        )
        for n in range(10)
    ]
    for course in courses[::4]:
        services.enrol(member, course)
    urls = ["/en/courses/", "/en/courses/?product=payments"]
    small = [queries_for(visitor, url) for url in urls] + [
        queries_for(member_client, url) for url in urls
    ]

    more = bulk_courses(catalogue, 190) + bulk_courses(catalogue, 10, cover_image=covers[1])
    Enrollment.objects.bulk_create([Enrollment(user=member, course=c) for c in more[::3]])
    large = [queries_for(visitor, url) for url in urls] + [
        queries_for(member_client, url) for url in urls
    ]
    assert CoursePage.objects.live().count() == 210
    for before, after in zip(small, large, strict=True):
        assert_flat(before, after, CATALOGUE_CEILING)
    with django_assert_max_num_queries(CATALOGUE_CEILING):
        member_client.get("/en/courses/?page=7")


def test_course_and_lesson_pages(
    visitor, member_client, member, catalogue, covers, django_assert_max_num_queries
):
    course = make_course(catalogue, cover_image=covers[0])
    prerequisite = make_course(catalogue)
    course.prerequisite_links.create(required_course=prerequisite)
    Enrollment.objects.create(user=member, course=prerequisite, completed_at="2026-01-01T00:00Z")
    lessons = [make_lesson(course) for _ in range(10)]
    services.enrol(member, course)
    for lesson in lessons[:5]:
        services.mark_lesson_complete(member, lesson)
    middle = lessons[5]

    def measure():
        return [
            queries_for(visitor, en(course)),
            queries_for(member_client, en(course)),
            queries_for(visitor, en(middle)),
            queries_for(member_client, en(middle)),
        ]

    small = measure()
    more = bulk_lessons(course, 95)
    LessonProgress.objects.bulk_create(
        [
            LessonProgress(user=member, lesson=lesson, completed_at="2026-01-02T00:00Z")
            for lesson in more[:60]
        ]
    )
    large = measure()
    assert course.get_children().live().count() == 105
    ceilings = [COURSE_PAGE_CEILING, COURSE_PAGE_CEILING, LESSON_PAGE_CEILING, LESSON_PAGE_CEILING]
    for before, after, ceiling in zip(small, large, ceilings, strict=True):
        assert_flat(before, after, ceiling)
    with django_assert_max_num_queries(LESSON_PAGE_CEILING):
        member_client.get(en(more[-1]))


def test_case_listing_and_case_page(visitor, case_index, covers, django_assert_max_num_queries):
    catering = Industry.objects.get(slug="catering")
    tea = Industry.objects.create(name="茶饮", slug="tea-drinks", parent=catering)
    industries = [tea, catering, Industry.objects.get(slug="tools")]
    cities = ["杭州", "上海", "香港"]
    cases = [
        make_case(
            case_index,
            industry=industries[n % 3],
            city=cities[n % 3],
            products=(("mini-program", "payments"), ("workplace",))[n % 2],
            cover_image=covers[n % 3],
        )
        for n in range(10)
    ]
    urls = ["/en/cases/", "/en/cases/?industry=catering", "/en/cases/?product=payments&city=杭州"]
    small = [queries_for(visitor, url) for url in urls] + [queries_for(visitor, en(cases[0]))]
    bulk_cases(case_index, 490, industries, cities, covers)
    large = [queries_for(visitor, url) for url in urls] + [queries_for(visitor, en(cases[0]))]
    assert case_index.get_children().live().count() == 500
    for before, after in zip(small[:3], large[:3], strict=True):
        assert_flat(before, after, CASE_LISTING_CEILING)
    assert_flat(small[3], large[3], CASE_PAGE_CEILING)
    with django_assert_max_num_queries(CASE_LISTING_CEILING):
        visitor.get("/en/cases/?page=20")


def test_my_academy(member_client, member, catalogue, django_assert_max_num_queries):
    from courses.models import LearningPath, LearningPathCourse

    path = LearningPath.objects.create(title="路径", slug="path", growth_stage="capability")

    def grow(count):
        while Enrollment.objects.filter(user=member).count() < count:
            course = make_course(catalogue, stage="capability")
            lessons = [make_lesson(course) for _ in range(3)]
            LearningPathCourse.objects.create(path=path, course=course)
            services.enrol(member, course)
            services.mark_lesson_complete(member, lessons[0])

    grow(2)
    small = queries_for(member_client, "/en/my-academy/")
    grow(10)
    large = queries_for(member_client, "/en/my-academy/")
    assert_flat(small, large, MY_ACADEMY_CEILING)
