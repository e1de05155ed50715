"""The demo content: real courses, paths and cases, seeded idempotently."""

from io import StringIO

from academy.models import Industry, LecturerProfile
from courses import demo
from courses.models import (
    CaseStudyPage,
    CoursePage,
    Enrollment,
    LearningPath,
    LessonAttachment,
    LessonPage,
    LessonProgress,
)
from tests.factories import MembershipFactory, UserFactory


def test_seed_creates_the_demo_academy_once(home_page, client):
    COURSES = demo.courses()
    DEMO_PROGRESS = demo.demo_member()["in_progress"]
    member = MembershipFactory(user=UserFactory(email="member@example.com")).user
    LecturerProfile.objects.create(user=UserFactory(email="lecturer@example.com"))
    out = StringIO()

    demo.seed(home_page, out)
    demo.seed(home_page, out)

    assert CoursePage.objects.live().count() == len(COURSES) >= 3
    for course in CoursePage.objects.all():
        lessons = LessonPage.objects.child_of(course).specific()
        assert lessons.count() >= 4
        assert any(lesson.knowledge_check for lesson in lessons), course.title
        assert course.lecturer_links.count() == 1
    assert {c.title for c in CoursePage.objects.all()} >= {
        "小程序电商入门",
        "微信支付商家接入",
        "企业微信客户运营",
    }
    assert LearningPath.objects.count() == 2
    cases = CaseStudyPage.objects.live()
    assert cases.count() >= 8
    top = {
        industry.parent.slug if industry.parent else industry.slug
        for industry in Industry.objects.filter(case_studies__isnull=False)
    }
    assert top == {"self-operated", "local-services", "catering", "business-services", "tools"}
    assert cases.filter(title__contains="餐廳").exists()  # a Traditional Chinese case
    assert all(case.metrics for case in cases)
    enrollment = Enrollment.objects.get(user=member, course__slug=DEMO_PROGRESS["course"])
    assert enrollment.completed_at is None and enrollment.last_lesson is not None
    done = LessonProgress.objects.filter(user=member, completed_at__isnull=False)
    assert done.filter(lesson__in=LessonPage.objects.child_of(enrollment.course)).count() == 2
    # The member also finished one course, each lesson and its check the learner's way.
    finished = Enrollment.objects.get(
        user=member, course__slug=demo.demo_member()["completed_course"]
    )
    assert finished.completed_at is not None
    # One lesson material, attached once.
    [attachment] = LessonAttachment.objects.all()
    assert attachment.page.slug == demo.lesson_materials()[0]["lesson"]
    assert attachment.document.file_size and attachment.document.file_extension == "xlsx"
    assert out.getvalue().count("Created course") == len(COURSES)

    for url in ["/courses/", "/cases/", "/en/courses/wechat-pay-merchant-onboarding/"]:
        assert client.get(url).status_code == 200
