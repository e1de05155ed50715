"""Lesson attachments: a document on a lesson's attachment list is downloaded by the course's
learners (and its editors) only, through the lesson page and Wagtail's own /documents/ URL alike;
everyone else gets a 404. A document on no lesson's list stays public."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from wagtail.documents import get_document_model

from courses import services
from courses.models import LessonAttachment
from tests.factories import UserFactory

from .content import en
from .test_query_counts import LESSON_PAGE_CEILING

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% lesson handout\n" + b"0" * 2000


@pytest.fixture(autouse=True)
def media_on_disk(settings, tmp_path):
    """Wagtail's serve view sends documents from a file path: the test storage is on disk."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def document(title="门店扫码点餐检查清单", name="checklist.pdf", data=PDF):
    """A document as the admin's upload leaves it: with its size and hash recorded."""
    doc = get_document_model()(title=title, file=ContentFile(data, name=name))
    doc._set_document_file_metadata()
    doc.save()
    return doc


@pytest.fixture
def handout(lessons):
    doc = document()
    LessonAttachment.objects.create(page=lessons[0], document=doc, description="打印后逐项核对")
    return doc


def test_anonymous_visitor_gets_404_for_an_attachment(client, handout):
    assert handout.url == f"/documents/{handout.pk}/{handout.filename}"
    assert client.get(handout.url).status_code == 404


def test_a_member_not_enrolled_gets_404(member_client, handout):
    assert member_client.get(handout.url).status_code == 404


def test_an_enrolled_learner_downloads_it(member_client, member, course, handout):
    services.enrol(member, course)
    response = member_client.get(handout.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")


def test_a_learner_of_another_course_gets_404(member_client, member, catalogue, handout):
    from .content import make_course, make_lesson

    other = make_course(catalogue, "另一门课")
    make_lesson(other)
    services.enrol(member, other)
    assert member_client.get(handout.url).status_code == 404


def test_an_editor_of_the_lesson_and_a_superuser_download_it(handout):
    from django.contrib.auth.models import Group

    from academy import roles

    editor = UserFactory(is_staff=True)
    editor.groups.add(Group.objects.get(name=roles.ACADEMY_EDITORS))
    for user in (editor, UserFactory(is_superuser=True, is_staff=True)):
        client = Client()
        client.force_login(user)
        assert client.get(handout.url).status_code == 200


def test_the_public_api_does_not_list_course_materials(client, handout, lessons):
    brochure = document("服务商学院简介", "brochure.pdf")
    listed = client.get("/api/v2/documents/").json()
    titles = [item["title"] for item in listed["items"]]
    assert titles == ["服务商学院简介"]
    assert client.get(f"/api/v2/documents/{handout.pk}/").status_code == 404
    assert client.get(f"/api/v2/documents/{brochure.pk}/").status_code == 200


def test_a_document_on_no_lessons_list_stays_public(client, lessons):
    brochure = document("服务商学院简介", "brochure.pdf")
    assert client.get(brochure.url).status_code == 200


def test_the_lesson_lists_its_materials_with_type_and_size_to_learners_only(
    member_client, member, course, lessons, handout
):
    services.enrol(member, course)
    page = member_client.get(en(lessons[0])).content.decode()
    assert "Lesson materials" in page and "门店扫码点餐检查清单" in page
    assert handout.url in page and "打印后逐项核对" in page
    assert "PDF · 2.0\xa0KB" in page  # 2,026 bytes
    anonymous = Client().get(en(lessons[0])).content.decode()
    assert handout.url not in anonymous and "Lesson materials" not in anonymous


def test_the_lesson_page_with_materials_keeps_its_query_ceiling(
    member_client, member, course, lessons, handout, django_assert_max_num_queries
):
    services.enrol(member, course)
    for n in range(4):
        LessonAttachment.objects.create(page=lessons[0], document=document(name=f"d{n}.xlsx"))
    member_client.get(en(lessons[0]))
    with django_assert_max_num_queries(LESSON_PAGE_CEILING):
        assert member_client.get(en(lessons[0])).status_code == 200
