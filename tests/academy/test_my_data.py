"""My data (issue 20): the page shows every kind of data the academy holds about the person; the
download is a ZIP (data.json + one CSV per kind, with BOM) built by a task, e-mailed once as a
link only its owner can use until it expires; one request per hour."""

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from academy import my_data, personal_data
from academy.models import DataExport, OutgoingMail
from tests.academy.people import EMAIL, NAME, rich_person
from tests.certification.factories_programmes import signing_key_dir, signing_keys  # noqa: F401
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

KINDS = [
    "profile",
    "consents",
    "company",
    "lecturer_profile",
    "enrolments",
    "lesson_progress",
    "questions",
    "playback_positions",
    "exam_attempts",
    "exam_answers",
    "certificates",
    "course_certificates",
    "programme_applications",
    "event_registrations",
    "event_live_questions",
    "diagnoses",
    "team_invitations",
    "emails_sent",
    "data_downloads",
]


@pytest.fixture
def world(home_page, signing_keys, django_capture_on_commit_callbacks):  # noqa: F811
    from academy import privacy
    from academy.models import ConsentRecord

    with django_capture_on_commit_callbacks(execute=True):
        world = rich_person(home_page)
        privacy.set_consent(
            world.person,
            ConsentRecord.Kind.MARKETING_EMAIL,
            True,
            source=ConsentRecord.Source.MY_ACADEMY,
        )
        return world


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the outbox's tasks (after commit, in-process) of what the block does."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def _download(client, world, committed) -> tuple[DataExport, zipfile.ZipFile]:
    client.force_login(world.person)
    response = committed(lambda: client.post(reverse("my_data_export")))
    assert response.status_code == 302
    export = DataExport.objects.get(user=world.person)
    assert export.status == DataExport.Status.READY  # the task ran (in-process without a broker)
    response = client.get(reverse("my_data_download", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return export, zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_registry_lists_every_kind_of_data_once():
    keys = [s.key for s in personal_data.sections()]
    assert sorted(keys) == sorted(KINDS)
    assert len(keys) == len(set(keys))


def test_export_holds_every_kind_of_the_persons_data_and_nothing_of_anyone_elses(
    client, world, committed
):
    world.person.refresh_from_db()
    export, archive = _download(client, world, committed)

    assert sorted(archive.namelist()) == sorted(["data.json"] + [f"{k}.csv" for k in KINDS])
    document = json.loads(archive.read("data.json"))
    sections = document["sections"]
    # Every kind is there with this person's rows (downloads: the one being built is not ready).
    for key in KINDS:
        if key != "data_downloads":
            assert sections[key]["rows"], f"{key} is empty"
    profile = sections["profile"]["rows"][0]
    assert profile["e-mail"] == EMAIL and profile["display name"] == NAME
    assert profile["language"] == "zh-hant"
    assert sections["certificates"]["rows"][0]["serial"] == world.certificate.serial
    assert {r["event"] for r in sections["event_registrations"]["rows"]} == {
        "隐私合规工作坊",
        "讲师面授课",
    }
    assert sections["exam_answers"]["rows"][0]["written answer"] == f"答案由{NAME}写"
    assert {r["kind"] for r in sections["emails_sent"]["rows"]} >= {"welcome", "join_decision"}
    assert sections["company"]["rows"][0]["company"] == "远航数科"

    everything = "".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())
    for what, mark in world.marks.items():
        assert mark not in everything, f"the other person's {what} leaked into the export"


def test_every_csv_starts_with_a_bom_and_reads_back(client, world, committed):
    _, archive = _download(client, world, committed)
    for name in archive.namelist():
        if not name.endswith(".csv"):
            continue
        raw = archive.read(name)
        assert raw.startswith("\ufeff".encode()), name
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert rows and rows[0], name  # a header row
    profile = list(csv.DictReader(io.StringIO(archive.read("profile.csv").decode("utf-8-sig"))))
    assert profile[0]["e-mail"] == EMAIL


def test_link_is_emailed_once_and_only_the_owner_downloads_it_until_it_expires(
    client, world, committed
):
    export, _ = _download(client, world, committed)
    sent = [m for m in mail.outbox if m.to == [EMAIL] and f"/downloads/{export.pk}/" in m.body]
    assert len(sent) == 1
    assert my_data.send_export_email(export.pk) is False  # a second run sends nothing
    assert OutgoingMail.objects.filter(key=f"my-data:export:{export.pk}").count() == 1

    url = reverse("my_data_download", args=[export.pk])
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(world.other)
    assert client.get(url).status_code == 404

    client.force_login(world.person)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert client.get(url).status_code == 404
        assert my_data.expire_exports() == 1
    export.refresh_from_db()
    assert export.status == DataExport.Status.EXPIRED and not export.file
    assert client.get(reverse("my_data")).status_code == 200


def test_one_download_an_hour_then_429_with_a_clear_message(client, world):
    client.force_login(world.person)
    assert client.post(reverse("my_data_export")).status_code == 302
    refused = client.post(reverse("my_data_export"))
    assert refused.status_code == 429
    assert "分钟后可以再次申请" in refused.content.decode()  # "You can ask again in N minutes"
    assert DataExport.objects.filter(user=world.person).count() == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        assert client.post(reverse("my_data_export")).status_code == 302
    assert DataExport.objects.filter(user=world.person).count() == 2


def test_my_data_page_shows_each_kind_and_says_when_there_is_none(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.person)
    # 35, plus the questions section's four (questions, answers, votes, reports) and events' live
    # Q&A questions and votes, and course certificates.
    with django_assert_max_num_queries(42):
        page = client.get("/en/my-academy/my-data/").content.decode()
    for section in personal_data.sections():
        assert f'id="data-{section.key}"' in page
    assert world.certificate.serial in page and "隐私合规工作坊" in page

    newcomer = UserFactory()
    client.force_login(newcomer)
    page = client.get("/en/my-academy/my-data/").content.decode()
    assert "The academy holds nothing of this kind about you." in page


def test_profile_is_corrected_by_its_owner(client, world):
    from academy.services import profile_language

    client.force_login(world.person)
    response = client.post(
        "/en/my-academy/profile/", {"display_name": "  欧阳  明远 ", "language": "en"}
    )
    assert response.status_code == 302
    world.person.refresh_from_db()
    assert world.person.display_name == "欧阳 明远"
    assert profile_language(world.person) == "en"
    assert client.post("/en/my-academy/profile/", {"language": "xx"}).status_code == 400
