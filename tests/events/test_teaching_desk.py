"""The lecturer's teaching desk on My academy: the sessions they teach with sign-ups, attendance
and ratings; their authorisations; their profile, edited by them and shown on the public pages."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage

from academy.models import LecturerProfile
from events.models import EventKind, Registration, SessionRating
from tests.events.factories import certified_lecturer, lecturer_profile, make_event
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lecturer(db):
    return certified_lecturer(
        "小程序电商", user=UserFactory(display_name="林讲师"), bio="十年小程序电商经验。"
    )


@pytest.fixture
def sessions(index, lecturer):
    """Two upcoming sessions and one past one, all taught by `lecturer`."""
    upcoming = [
        make_event(
            index,
            title=f"小程序电商实战 {n}",
            kind=EventKind.LECTURER_SESSION,
            topic="小程序电商",
            lecturers=[lecturer],
            start=timezone.now() + timedelta(days=5 + n),
            capacity=20,
        )
        for n in (1, 2)
    ]
    past = make_event(
        index,
        title="小程序电商复盘课",
        kind=EventKind.LECTURER_SESSION,
        topic="小程序电商",
        lecturers=[lecturer],
        start=timezone.now() - timedelta(days=3),
    )
    came = Registration.objects.create(
        event=past,
        user=UserFactory(display_name="张到场"),
        status="confirmed",
        code="P1",
        attendance="attended",
    )
    Registration.objects.create(
        event=past, user=UserFactory(display_name="李缺席"), status="confirmed", code="P2"
    )
    SessionRating.objects.create(registration=came, score=5, comment="案例非常实用")
    Registration.objects.create(
        event=upcoming[0], user=UserFactory(), status="confirmed", code="U1"
    )
    return upcoming, past


def test_my_academy_shows_the_sessions_a_lecturer_teaches(client, lecturer, sessions):
    upcoming, past = sessions
    client.force_login(lecturer.user)
    response = client.get("/my-academy/")
    html = response.content.decode()
    desk = response.context["teaching_upcoming"]
    assert [e.pk for e in desk] == [e.pk for e in upcoming]
    assert (desk[0].confirmed, desk[1].confirmed) == (1, 0)
    [taught] = response.context["teaching_past"]
    assert (taught.confirmed, taught.attended, taught.rating_count) == (2, 1, 1)
    assert taught.rating_average == 5
    assert "小程序电商实战 1" in html and "小程序电商复盘课" in html
    assert f"/my-academy/teaching/{past.pk}/" in html
    # Their authorisations and certificates, the certificate linked to its public verification.
    assert response.context["teaching_topics"] == ["小程序电商"]
    assert f"/verify/{lecturer.user.certificates.get().serial}/" in html
    # Signed up for nothing, yet teaching: My academy no longer says "no event".
    assert "您还没有报名任何活动。" not in html
    assert response.context["teaching_count"] == 2


def test_a_member_without_a_lecturer_profile_has_no_teaching_desk(client):
    member = MembershipFactory().user
    client.force_login(member)
    response = client.get("/my-academy/")
    assert "teaching_upcoming" not in response.context
    assert "您还没有报名任何活动。" in response.content.decode()


def test_session_page_lists_attendance_and_ratings(client, lecturer, sessions):
    _upcoming, past = sessions
    client.force_login(lecturer.user)
    response = client.get(f"/my-academy/teaching/{past.pk}/")
    assert response.status_code == 200
    attendees = {r.user.display_name: r.came for r in response.context["attendees"]}
    assert attendees == {"张到场": True, "李缺席": False}
    html = response.content.decode()
    assert "案例非常实用" in html and "5/5" in html
    assert response.context["checked_in"] == 1


def test_another_persons_session_is_a_404(client, lecturer, sessions):
    _upcoming, past = sessions
    url = f"/my-academy/teaching/{past.pk}/"
    client.force_login(lecturer_profile().user)  # another lecturer
    assert client.get(url).status_code == 404
    client.force_login(MembershipFactory().user)  # a member
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    client.force_login(lecturer.user)
    assert client.get("/my-academy/teaching/999999/").status_code == 404


def png(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (300, 200), "teal").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_lecturer_edits_their_profile_with_a_photo(client, lecturer, index):
    client.force_login(lecturer.user)
    assert client.get("/my-academy/lecturer-profile/").status_code == 200
    response = client.post(
        "/my-academy/lecturer-profile/",
        {
            "bio": "  专注门店数字化。 ",
            "city": "成都",
            "specialties": "门店数字化，会员运营",
            "listed": "on",
            "photo_upload": png(),
        },
    )
    assert response.status_code == 302
    profile = LecturerProfile.objects.select_related("photo").get(pk=lecturer.pk)
    assert (profile.bio, profile.city, profile.listed) == ("专注门店数字化。", "成都", True)
    assert profile.specialty_list == ["门店数字化", "会员运营"]
    assert profile.photo is not None and "林讲师" in profile.photo.title

    # The public pages show a rendition of the photo (not the upload itself).
    event = make_event(index, topic="小程序电商", lecturers=[profile])
    for url in (f"/lecturers/{profile.pk}/", event.url, "/my-academy/", "/lecturers/"):
        html = client.get(url).content.decode()
        assert "/images/" in html or "fill-" in html, url
    # Event pages link the lecturer to their profile.
    assert f'href="/lecturers/{profile.pk}/"' in client.get(event.url).content.decode()

    response = client.post(
        "/my-academy/lecturer-profile/",
        {"bio": "", "city": "", "specialties": "", "remove_photo": "on"},
    )
    profile.refresh_from_db()
    assert response.status_code == 302 and profile.photo is None and profile.listed is False


def test_a_bad_photo_is_a_400_with_a_message(client, lecturer):
    client.force_login(lecturer.user)
    response = client.post(
        "/my-academy/lecturer-profile/",
        {
            "bio": "",
            "city": "",
            "specialties": "",
            "photo_upload": SimpleUploadedFile("x.png", b"not an image", "image/png"),
        },
    )
    assert response.status_code == 400
    assert "photo_upload" in response.context["form"].errors


def test_only_lecturers_have_a_profile_to_edit(client):
    client.force_login(MembershipFactory().user)
    assert client.get("/my-academy/lecturer-profile/").status_code == 404


def test_public_profile_shows_certificates_topics_and_upcoming_sessions(client, lecturer, sessions):
    upcoming, _past = sessions
    html = client.get(f"/lecturers/{lecturer.pk}/").content.decode()
    certificate = lecturer.user.certificates.get()
    assert f"/verify/{certificate.serial}/" in html
    assert "小程序电商" in html
    assert all(event.title in html for event in upcoming)


def test_an_unlisted_or_uncertified_lecturer_is_not_linked(client, index):
    plain = lecturer_profile(user=UserFactory(display_name="未认证讲师"))
    event = make_event(index, lecturers=[plain])
    html = client.get(event.url).content.decode()
    assert "未认证讲师" in html and f"/lecturers/{plain.pk}/" not in html
    assert client.get(f"/lecturers/{plain.pk}/").status_code == 404


def test_the_teaching_desk_costs_the_same_queries_for_more_sessions(client, lecturer, index):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(lecturer.user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/my-academy/").status_code == 200
        return len(queries)

    def add_sessions(n):
        for _ in range(n):
            make_event(index, topic="小程序电商", lecturers=[lecturer])

    add_sessions(2)
    client.get("/my-academy/")  # warm caches (site root, settings)
    few = count()
    add_sessions(4)
    assert count() == few
