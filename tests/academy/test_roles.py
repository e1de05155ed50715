import pytest
from django.contrib.auth.models import Group

from academy import roles
from tests.factories import UserFactory


def staff(group_name):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.mark.parametrize("name", roles.STAFF_GROUPS)
def test_staff_groups_exist_and_reach_the_admin(client, home_page, name):
    client.force_login(staff(name))
    assert client.get("/admin/").status_code == 200


def test_members_cannot_reach_the_admin(member_client, home_page):
    response = member_client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_editors_publish_pages_and_event_staff_cannot_change_lecturers(home_page):
    editor = staff(roles.ACADEMY_EDITORS)
    perms = home_page.permissions_for_user(editor)
    assert perms.can_add_subpage() and perms.can_publish()
    assert editor.has_perm("academy.change_industry")

    event_staff = staff(roles.EVENT_STAFF)
    assert not event_staff.has_perm("academy.change_lecturerprofile")
    assert staff(roles.CERTIFICATION_OFFICERS).has_perm("academy.change_lecturerprofile")


def test_editor_can_open_the_page_editor(client, home_page):
    client.force_login(staff(roles.ACADEMY_EDITORS))
    response = client.get(f"/admin/pages/add/academy/standardpage/{home_page.pk}/")
    assert response.status_code == 200
