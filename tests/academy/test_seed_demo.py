from io import StringIO

from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import Page, Revision

from academy import roles, search
from academy.models import JoinRequest, LecturerProfile, Membership, Provider, User


def snapshot():
    return {
        "users": User.objects.count(),
        "providers": Provider.objects.count(),
        "memberships": Membership.objects.count(),
        "join_requests": JoinRequest.objects.count(),
        "lecturers": LecturerProfile.objects.count(),
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "search": search.SearchDocument.objects.count(),
        "group_members": sum(g.user_set.count() for g in Group.objects.all()),
    }


def test_seed_demo_is_idempotent_and_prints_logins(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = snapshot()
    assert first["users"] >= 6 and first["providers"] >= 5
    assert "member@example.com" in out.getvalue() and "Academy#2026" in out.getvalue()

    call_command("seed_demo", stdout=StringIO())
    assert snapshot() == first


def test_seed_demo_content_is_searchable_in_both_scripts(db):
    call_command("seed_demo", stdout=StringIO())
    assert any("餐飲" in doc.title for doc in search.search("餐飲"))
    assert any("餐飲" in doc.title for doc in search.search("餐饮"))


def test_seed_demo_gives_every_staff_group_a_member(db):
    call_command("seed_demo", stdout=StringIO())
    for name in roles.STAFF_GROUPS:
        assert Group.objects.get(name=name).user_set.exists()
    assert Membership.objects.filter(role=Membership.Role.ADMIN).exists()


def test_seed_demo_leaves_a_join_request_for_the_demo_owner(client, db):
    call_command("seed_demo", stdout=StringIO())
    request = JoinRequest.objects.get(user__email="applicant@example.com")
    assert request.status == JoinRequest.Status.PENDING
    assert request.provider.name == "杭州云栈科技有限公司"
    assert not Membership.objects.filter(user=request.user).exists()
    client.force_login(User.objects.get(email="owner@example.com"))
    response = client.get("/en/my-academy/team/")
    assert "applicant@example.com" in response.content.decode()
    assert [r.pk for r in response.context["join_requests"]] == [request.pk]
