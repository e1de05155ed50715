import csv
import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from academy.models import JoinRequest, Membership
from courses.models import CoursePage, LearningPath, LearningPathCourse
from events.models import Registration
from growth.models import Invitation
from growth.services import GrowthError
from growth.services.assignments import assign
from growth.services.team import accept_invitation, change_role, invite, remove_member
from tests.courses.content import make_catalogue, make_course, make_lesson
from tests.events.factories import make_event, make_index
from tests.factories import JoinRequestFactory, MembershipFactory, UserFactory
from tests.growth.factories import AttemptFactory, CertificateFactory, admin_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Service errors are matched by their English wording (the default language is zh-hans)."""
    with translation.override("en"):
        yield


# --- Invitations ----------------------------------------------------------------------------------


def test_invite_sends_link_and_signed_in_invitee_joins(client, django_capture_on_commit_callbacks):
    admin = admin_of()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(admin, "New.Person@Example.com")
    assert invitation.email == "new.person@example.com"
    assert len(mail.outbox) == 1
    assert invitation.token in mail.outbox[0].body
    invitee = UserFactory(email="new.person@example.com")
    client.force_login(invitee)
    response = client.get(reverse("growth:join", args=[invitation.token]))
    assert response.status_code == 302
    assert Membership.objects.get(user=invitee).provider == admin.provider
    invitation.refresh_from_db()
    assert invitation.accepted_by == invitee


def test_anonymous_invitee_joins_on_signup(client):
    admin = admin_of()
    invitation = invite(admin, "fresh@example.com", Membership.Role.ADMIN)
    response = client.get(reverse("growth:join", args=[invitation.token]))
    assert response.status_code == 302 and "/accounts/signup/" in response.url
    response = client.post(
        "/accounts/signup/",
        {
            "email": "fresh@example.com",
            "password1": "a-Long-pass-2026",
            "password2": "a-Long-pass-2026",
            "display_name": "新同事",
            "company_choice": "join",
            "company_name": admin.provider.name,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get(user__email="fresh@example.com")
    assert membership.provider == admin.provider
    assert membership.role == Membership.Role.ADMIN
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    # The invitation let them in at once: the request the sign-up form made has nothing to decide.
    assert not JoinRequest.objects.filter(user=membership.user, status="pending").exists()


def test_anonymous_invitee_joins_on_login(client, password):
    admin = admin_of()
    invitee = UserFactory(email="existing@example.com")
    invitation = invite(admin, invitee.email, Membership.Role.ADMIN)
    client.get(reverse("growth:join", args=[invitation.token]))
    response = client.post("/accounts/login/", {"login": invitee.email, "password": password})
    assert response.status_code == 302
    membership = Membership.objects.get(user=invitee)
    assert membership.provider == admin.provider and membership.role == Membership.Role.ADMIN


def test_expired_invitation_is_refused(client):
    admin = admin_of()
    invitation = invite(admin, "late@example.com")
    invitee = UserFactory(email="late@example.com")
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        with pytest.raises(GrowthError) as error:
            accept_invitation(invitation.token, invitee)
        assert error.value.status == 410
        client.force_login(invitee)
        assert client.get(reverse("growth:join", args=[invitation.token])).status_code == 410
    assert not Membership.objects.filter(user=invitee).exists()


def test_revoked_invitation_is_refused(client):
    admin = admin_of()
    invitation = invite(admin, "gone@example.com")
    client.force_login(admin.user)
    response = client.post(reverse("growth:team_revoke", args=[invitation.pk]))
    assert response.status_code == 302
    invitee = UserFactory(email="gone@example.com")
    with pytest.raises(GrowthError, match="withdrawn"):
        accept_invitation(invitation.token, invitee)


def test_wrong_account_cannot_accept(client):
    admin = admin_of()
    invitation = invite(admin, "right@example.com")
    someone = UserFactory(email="wrong@example.com")
    client.force_login(someone)
    response = client.get(reverse("growth:join", args=[invitation.token]))
    assert response.status_code == 403
    assert "right@example.com" in response.content.decode()
    assert not Membership.objects.filter(user=someone).exists()


def test_user_in_another_company_gets_clear_error():
    admin = admin_of()
    elsewhere = MembershipFactory()
    with pytest.raises(GrowthError, match="another company"):
        invite(admin, elsewhere.user.email)
    # Joined another company after being invited: refused at acceptance too.
    invitation = invite(admin, "twice@example.com")
    later = MembershipFactory(user=UserFactory(email="twice@example.com"))
    with pytest.raises(GrowthError, match="already belong"):
        accept_invitation(invitation.token, later.user)


def test_other_companys_invitation_cannot_be_revoked(client):
    invitation = invite(admin_of(), "x@example.com")
    client.force_login(admin_of().user)
    assert client.post(reverse("growth:team_revoke", args=[invitation.pk])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_reinviting_an_open_address_resends_the_same_invitation():
    admin = admin_of()
    first = invite(admin, "again@example.com")
    second = invite(admin, "again@example.com")
    assert first.pk == second.pk
    assert Invitation.objects.count() == 1


# --- Roles and removals ---------------------------------------------------------------------------


def test_last_admin_cannot_be_demoted_or_removed():
    admin = admin_of()
    with pytest.raises(GrowthError, match="at least one administrator"):
        change_role(admin, admin.pk, Membership.Role.MEMBER)
    with pytest.raises(GrowthError):
        remove_member(admin, admin.pk)
    other = MembershipFactory(provider=admin.provider)
    change_role(admin, other.pk, Membership.Role.ADMIN)
    change_role(admin, admin.pk, Membership.Role.MEMBER)
    admin.refresh_from_db()
    assert admin.role == Membership.Role.MEMBER


def test_remove_member_and_other_company_member_is_404(client):
    admin = admin_of()
    member = MembershipFactory(provider=admin.provider)
    stranger = MembershipFactory()
    client.force_login(admin.user)
    assert client.post(reverse("growth:team_remove", args=[stranger.pk])).status_code == 404
    assert (
        client.post(reverse("growth:team_role", args=[stranger.pk]), {"role": "admin"}).status_code
        == 404
    )
    assert client.post(reverse("growth:team_remove", args=[member.pk])).status_code == 302
    assert not Membership.objects.filter(pk=member.pk).exists()
    assert Membership.objects.filter(pk=stranger.pk).exists()


# --- Dashboard ------------------------------------------------------------------------------------


def test_member_sees_no_team_view(client):
    member = MembershipFactory()
    client.force_login(member.user)
    assert client.get("/my-academy/team/").status_code == 403
    assert client.get("/my-academy/team/export.csv").status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get("/my-academy/team/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def _team_with_activity(home_page, size: int):
    admin = admin_of()
    catalogue = make_catalogue(home_page)
    course = make_course(catalogue, "小程序支付入门")
    lesson = make_lesson(course)
    index = make_index(home_page)
    event = make_event(index, start=timezone.now() - timedelta(days=3))
    members = [admin] + [MembershipFactory(provider=admin.provider) for _ in range(size - 1)]
    from courses.models import Enrollment, LessonProgress

    for n, m in enumerate(members):
        Enrollment.objects.create(
            user=m.user, course=course, completed_at=timezone.now() if n % 2 else None
        )
        LessonProgress.objects.create(user=m.user, lesson=lesson, completed_at=timezone.now())
        AttemptFactory(user=m.user, score=50 + n % 50, passed=(50 + n % 50) >= 70)
        CertificateFactory(holder=m.user)
        Registration.objects.create(
            event=event, user=m.user, status="confirmed", code=f"C{n:07d}", attendance="attended"
        )
    return admin, members


def test_dashboard_shows_members_progress_exams_and_certificates(client, home_page):
    admin, members = _team_with_activity(home_page, 3)
    AttemptFactory(user=members[1].user, score=42, passed=False)
    other = admin_of()
    AttemptFactory(user=other.user, score=99)
    client.force_login(admin.user)
    response = client.get("/my-academy/team/")
    body = response.content.decode()
    assert response.status_code == 200
    for m in members:
        assert m.user.email in body
    assert other.user.email not in body
    totals = response.context["totals"]
    assert totals["members"] == 3
    assert totals["enrolled"] == 3 and totals["completed"] == 1
    assert totals["attended"] == 3 and totals["certificates"] == 3
    row = next(r for r in response.context["rows"] if r.membership.pk == members[1].pk)
    assert {a.score for a in row.exams} == {51, 42}


@pytest.mark.parametrize("size", [5, 50])
def test_dashboard_query_count_does_not_grow_with_members(
    client, home_page, size, django_assert_max_num_queries
):
    admin, members = _team_with_activity(home_page, size)
    JoinRequestFactory.create_batch(size // 5, provider=admin.provider)
    course = CoursePage.objects.get()
    make_lesson(course, title="第二课")
    path = LearningPath.objects.create(title="支付路径", slug="pay-path", growth_stage="create")
    LearningPathCourse.objects.create(path=path, course=course)
    due = timezone.localdate() + timedelta(days=5)
    assign(admin, f"course:{course.pk}", None, due)
    assign(admin, f"path:{path.pk}", members[1].pk, due)
    client.force_login(admin.user)
    # The same ceiling for 5 and 50 members: nothing is queried per member, course, assignment
    # or join request. +2 with Wagtail's localisation: the footer text in the reader's
    # language, the site's root pages in every language (for page URLs). The assignments,
    # lesson progress, join link, undo list and the assignment form's choices add 11; +1 for the action plan (none here);
    # +1 for the members' course certificates.
    with django_assert_max_num_queries(31):
        response = client.get("/my-academy/team/")
    assert len(response.context["rows"]) == size
    assert len(response.context["join_requests"]) == size // 5
    # Partial progress: one of the course's two lessons done by everyone.
    progress = [r.courses[0].progress for r in response.context["rows"]]
    assert {(p.done, p.total) for p in progress} == {(1, 2)}
    assert {p.percent for p in progress if not p.is_complete} == {50}
    assert sum(len(r.assignments) for r in response.context["rows"]) == size + 1


def test_csv_export(client, home_page):
    admin, members = _team_with_activity(home_page, 2)
    client.force_login(admin.user)
    response = client.get("/my-academy/team/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3
    emails = {r[1] for r in rows[1:]}
    assert emails == {m.user.email for m in members}
    assert rows[1][3] == "1"  # one course enrolled
    # Scores read as the team page prints them: "60%", never "60.00%".
    page = client.get("/my-academy/team/").content.decode()
    scores = [s for row in rows[1:] for s in re.findall(r"\d+(?:\.\d+)?%", row[6])]
    assert sorted(scores) == ["50%", "51%"]
    assert all(score in page for score in scores)


def test_invite_form_error_is_a_4xx_not_500(client):
    admin = admin_of()
    client.force_login(admin.user)
    response = client.post(
        "/my-academy/team/invite/", {"email": "not-an-address", "role": "member"}
    )
    assert response.status_code == 400
