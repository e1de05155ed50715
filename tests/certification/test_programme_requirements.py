"""Each requirement type, AND/OR groups, and the programme page showing progress."""

from decimal import Decimal

import pytest
from django.urls import reverse

from certification.models import Exam
from certification.services.programmes import apply_for_approval, programme_progress
from tests.certification.factories_programmes import (
    Kind,
    approve,
    attend,
    complete_course,
    lecturer,
    make_course_page,
    make_exam,
    make_programme,
    pass_exam,
    teach,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _only(progress):
    [group] = progress.groups
    [item] = group.items
    return item


def test_course_completed_requirement(home_page):
    course = make_course_page(home_page)
    programme = make_programme(requirements=[(1, Kind.COURSE_COMPLETED, {"course": course})])
    user = UserFactory()
    assert not programme_progress(user, programme).complete
    complete_course(user, course)
    progress = programme_progress(user, programme)
    assert progress.complete and progress.percent == 100
    assert _only(progress).evidence


def test_exam_requirement_needs_the_minimum_score():
    exam = make_exam()
    programme = make_programme(
        requirements=[(1, Kind.EXAM_PASSED, {"exam": exam, "min_score": Decimal(80)})]
    )
    user = UserFactory()
    item = _only(programme_progress(user, programme))
    assert not item.met and item.missing
    pass_exam(user, exam, score="75")
    item = _only(programme_progress(user, programme))
    assert not item.met and "75" in item.missing
    pass_exam(user, exam, score="91")
    assert _only(programme_progress(user, programme)).met


def test_exam_requirement_defaults_to_the_exam_pass_mark():
    exam = make_exam(pass_mark=70)
    programme = make_programme(requirements=[(1, Kind.EXAM_PASSED, {"exam": exam})])
    user = UserFactory()
    pass_exam(user, exam, score="70")
    assert programme_progress(user, programme).complete


def test_events_attended_counts_and_filters_by_kind(home_page):
    programme = make_programme(
        requirements=[(1, Kind.EVENTS_ATTENDED, {"count": 2, "event_kind": "workshop"})]
    )
    user = UserFactory()
    attend(user, home_page, kind="workshop")
    attend(user, home_page, kind="open_day")
    item = _only(programme_progress(user, programme))
    assert (item.met, item.current, item.percent) == (False, 1, 50)
    attend(user, home_page, kind="workshop")
    assert programme_progress(user, programme).complete


def test_sessions_taught_requirement(home_page):
    profile = lecturer()
    programme = make_programme(requirements=[(1, Kind.SESSIONS_TAUGHT, {"count": 2})])
    teach(profile, home_page)
    assert not programme_progress(profile.user, programme).complete
    teach(profile, home_page)
    assert programme_progress(profile.user, programme).complete
    # Someone without a lecturer record simply has taught nothing.
    assert not programme_progress(UserFactory(), programme).complete


def test_rating_requirement_needs_enough_ratings_and_the_average(home_page):
    profile = lecturer()
    programme = make_programme(
        requirements=[(1, Kind.RATING, {"min_rating": Decimal("4.2"), "count": 3})]
    )
    teach(profile, home_page, ratings=[5, 5])
    item = _only(programme_progress(profile.user, programme))
    assert not item.met and item.missing  # only 2 ratings
    teach(profile, home_page, ratings=[2])
    item = _only(programme_progress(profile.user, programme))
    assert not item.met  # average 4.0 < 4.2
    teach(profile, home_page, ratings=[5, 5])
    assert _only(programme_progress(profile.user, programme)).met  # 4.4


def test_officer_approval_requirement():
    programme = make_programme(requirements=[(1, Kind.OFFICER_APPROVAL, {})])
    user = UserFactory()
    apply_for_approval(user, programme, "我主讲过三场")
    item = _only(programme_progress(user, programme))
    assert not item.met and item.percent == 50
    approve(user, programme)
    assert programme_progress(user, programme).complete


def test_and_across_groups_or_within_a_group(home_page):
    course = make_course_page(home_page)
    exam_a, exam_b = make_exam(), make_exam()
    programme = make_programme(
        requirements=[
            (1, Kind.COURSE_COMPLETED, {"course": course}),
            (2, Kind.EXAM_PASSED, {"exam": exam_a}),
            (2, Kind.EXAM_PASSED, {"exam": exam_b}),
        ]
    )
    user = UserFactory()
    pass_exam(user, exam_b)
    progress = programme_progress(user, programme)
    assert [g.met for g in progress.groups] == [False, True]
    assert not progress.complete and progress.percent == 50
    complete_course(user, course)
    assert programme_progress(user, programme).complete


def test_programme_without_requirements_is_never_complete():
    assert not programme_progress(UserFactory(), make_programme()).complete


def test_programme_page_shows_each_requirement_with_progress(client, home_page):
    exam = make_exam(title="认证笔试 小程序")
    course = make_course_page(home_page)
    programme = make_programme(
        requirements=[
            (1, Kind.COURSE_COMPLETED, {"course": course}),
            (2, Kind.EXAM_PASSED, {"exam": exam}),
            (3, Kind.OFFICER_APPROVAL, {}),
        ]
    )
    user = UserFactory()
    pass_exam(user, exam, score="88")
    client.force_login(user)
    response = client.get(reverse("programme_detail", args=[programme.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "认证笔试 小程序" in html and "88" in html
    assert html.count("<progress") >= 4
    assert 'name="statement"' in html  # the approval application form


def test_apply_for_approval_through_the_page(client):
    programme = make_programme(requirements=[(1, Kind.OFFICER_APPROVAL, {})])
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("programme_apply", args=[programme.slug]), {"statement": "试讲视频已上传"}
    )
    assert response.status_code == 302
    assert programme.applications.get().statement == "试讲视频已上传"


def test_apply_where_no_approval_is_needed_is_refused_with_a_message(client):
    programme = make_programme(requirements=[(1, Kind.EXAM_PASSED, {"exam": make_exam()})])
    client.force_login(UserFactory())
    response = client.post(
        reverse("programme_apply", args=[programme.slug]), {"statement": ""}, follow=True
    )
    assert response.status_code == 200
    assert not programme.applications.exists()


def test_an_unmet_exam_requirement_links_to_the_exam(client):
    exam = make_exam(title="认证笔试 小程序")
    Exam.objects.filter(pk=exam.pk).update(published=True)
    programme = make_programme(requirements=[(1, Kind.EXAM_PASSED, {"exam": exam})])
    exam_url = reverse("exams:detail", args=[exam.slug])
    user = UserFactory()
    client.force_login(user)
    page = reverse("programme_detail", args=[programme.slug])
    assert f'href="{exam_url}"' in client.get(page).content.decode()
    pass_exam(user, exam, score="90")
    assert f'href="{exam_url}"' not in client.get(page).content.decode()
