"""Video and audio lessons: upload → duration and poster (the media task with ffprobe/ffmpeg),
range requests, resume points, completion at 90 %, captions in both scripts, transcript search."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from academy import personal_data, search
from courses import media as media_services
from courses import services
from courses.media_models import LessonMedia, PlaybackPosition
from courses.models import LessonProgress
from tests.factories import UserFactory

from .content import check_block, make_lesson, text_block, url_of

pytestmark = pytest.mark.skipif(
    not shutil.which("ffprobe"), reason="needs Debian's ffmpeg (ffprobe, ffmpeg)"
)

DEMO = Path(__file__).resolve().parents[2] / "courses" / "demo_media"
VIDEO = DEMO / "scan-to-order.mp4"
HANT_VTT = (DEMO / "morning-briefing.zh-hant.vtt").read_bytes()
HANS_VTT = (DEMO / "scan-to-order.zh-hans.vtt").read_bytes()
LESSON_WITH_MEDIA_CEILING = 31  # 30, plus the lesson's attachments list


def make_media(title="扫码点餐演示", *, captions=None, kind="video", path=VIDEO) -> LessonMedia:
    """Saved like an upload: the post_save receiver enqueues the media task (eager here)."""
    item = LessonMedia(title=title, type=kind)
    item.file.save(path.name, ContentFile(path.read_bytes()), save=False)
    for language, data in (captions or {}).items():
        item.caption_file(language).save(f"{language}.vtt", ContentFile(data), save=False)
    with TestCase.captureOnCommitCallbacks(execute=True):
        item.save()
    item.refresh_from_db()
    return item


def media_block(item: LessonMedia, block_id: str = "player-1") -> dict:
    return {"type": "media", "id": block_id, "value": {"media": item.pk, "caption": ""}}


@pytest.fixture
def video(db):
    return make_media(captions={"zh-hans": HANS_VTT})


@pytest.fixture
def video_lesson(course, video):
    return make_lesson(course, "视频课", body=[media_block(video), text_block("看完视频。")])


@pytest.fixture
def enrolled(member, course):
    services.enrol(member, course)
    return member


def player_url(lesson, what: str, block_id: str = "player-1") -> str:
    return f"/lesson-media/{lesson.pk}/{block_id}/{what}"


# --- Upload and the media task ------------------------------------------------------------------


def test_an_upload_gets_its_duration_size_and_poster_from_the_task(video):
    assert video.duration == pytest.approx(40.0, abs=0.5)
    assert (video.width, video.height) == (640, 360)
    assert video.thumbnail.name and video.generated_poster == video.thumbnail.name
    assert video.thumbnail.read(3) == b"\xff\xd8\xff"  # a JPEG
    assert video.is_processed and not video.processing_error
    # Running the task again reads nothing again.
    assert media_services.process_media(video.pk) is False


def test_uploading_in_the_wagtail_admin_runs_the_task(client, django_user_model):
    admin = django_user_model.objects.create_superuser("editor@example.com", "pw-editor-1")
    client.force_login(admin)
    from wagtail.models import Collection

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            "/admin/media/video/add/",
            {
                "title": "管理后台上传的视频",
                "file": SimpleUploadedFile("clip.mp4", VIDEO.read_bytes(), "video/mp4"),
                "collection": Collection.get_first_root_node().pk,
                "captions_zh_hant": SimpleUploadedFile("hant.vtt", HANT_VTT, "text/vtt"),
            },
        )
    assert response.status_code == 302, response.content[:2000]
    item = LessonMedia.objects.get(title="管理后台上传的视频")
    assert item.duration == pytest.approx(40.0, abs=0.5)
    assert item.thumbnail
    assert set(item.cues) == {"zh-hans", "zh-hant"}


def test_an_audio_upload_gets_a_duration_and_no_poster(db):
    audio = make_media("早会", kind="audio", path=DEMO / "morning-briefing.m4a")
    assert audio.duration == pytest.approx(30.4, abs=0.5)
    assert not audio.thumbnail and audio.width is None


def test_an_editors_own_poster_is_kept(db):
    item = LessonMedia(title="自带封面", type="video")
    item.file.save("clip.mp4", ContentFile(VIDEO.read_bytes()), save=False)
    item.thumbnail.save("own.png", ContentFile(b"\x89PNG own poster"), save=False)
    with TestCase.captureOnCommitCallbacks(execute=True):
        item.save()
    item.refresh_from_db()
    assert item.duration > 0
    assert item.thumbnail.name.startswith("media_thumbnails/own") and not item.generated_poster


def test_a_caption_file_that_is_not_webvtt_is_refused_with_a_reason(db):
    item = LessonMedia(title="坏字幕", type="video", file="media/x.mp4")
    item.captions_en = SimpleUploadedFile("bad.vtt", b"1\n00:00:01,000 --> 00:00:02,000\nHi\n")
    with pytest.raises(ValidationError) as error:
        item.full_clean(exclude=["file", "collection"])
    assert "WEBVTT" in str(error.value)


# --- Captions in every script -------------------------------------------------------------------


def test_traditional_captions_give_simplified_ones_and_the_reverse(db):
    from_hant = make_media("繁体字幕", captions={"zh-hant": HANT_VTT})
    assert from_hant.cues["zh-hans"][0][2] == "各位同事早安，今天午市预计客流很大。"
    assert from_hant.cues["zh-hant"][0][2] == "各位同事早安，今天午市預計客流很大。"
    from_hans = make_media("简体字幕", captions={"zh-hans": HANS_VTT})
    assert from_hans.cues["zh-hant"][1][2] == "顧客坐下後，用手機掃描桌上的二維碼。"
    assert "en" not in from_hans.cues


def test_the_caption_view_serves_the_converted_script_as_webvtt(client, enrolled, video_lesson):
    client.force_login(enrolled)
    response = client.get(player_url(video_lesson, "captions/zh-hant.vtt"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/vtt")
    body = response.content.decode()
    assert body.startswith("WEBVTT") and "00:00:06.148 --> 00:00:12.563" in body
    assert "顧客坐下後" in body
    assert client.get(player_url(video_lesson, "captions/en.vtt")).status_code == 404


# --- Range requests and who may fetch ---------------------------------------------------------


def test_range_requests_are_answered_with_206(client, enrolled, video_lesson):
    client.force_login(enrolled)
    size = VIDEO.stat().st_size
    response = client.get(player_url(video_lesson, "file"), HTTP_RANGE="bytes=0-99")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 0-99/{size}"
    assert response["Accept-Ranges"] == "bytes" and response["Content-Type"] == "video/mp4"
    assert b"".join(response.streaming_content) == VIDEO.read_bytes()[:100]

    tail = client.get(player_url(video_lesson, "file"), HTTP_RANGE=f"bytes={size - 10}-")
    assert tail.status_code == 206
    assert b"".join(tail.streaming_content) == VIDEO.read_bytes()[-10:]
    suffix = client.get(player_url(video_lesson, "file"), HTTP_RANGE="bytes=-5")
    assert b"".join(suffix.streaming_content) == VIDEO.read_bytes()[-5:]

    whole = client.get(player_url(video_lesson, "file"))
    assert whole.status_code == 200 and int(whole["Content-Length"]) == size
    beyond = client.get(player_url(video_lesson, "file"), HTTP_RANGE=f"bytes={size}-")
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{size}"


def test_media_are_404_for_visitors_the_unenrolled_and_unknown_players(
    client, member, video_lesson
):
    assert client.get(player_url(video_lesson, "file")).status_code == 404
    client.force_login(member)  # signed in, not enrolled
    assert client.get(player_url(video_lesson, "file")).status_code == 404
    assert client.get(player_url(video_lesson, "poster")).status_code == 404
    services.enrol(member, services.course_of(video_lesson))
    assert client.get(player_url(video_lesson, "poster")).status_code == 200
    assert client.get(player_url(video_lesson, "file", "not-a-block")).status_code == 404


# --- Resume and completion ----------------------------------------------------------------------


def test_the_position_is_saved_and_the_lesson_resumes_there(client, enrolled, video_lesson):
    client.force_login(enrolled)
    response = client.post(player_url(video_lesson, "position"), {"position": "12.5"})
    assert response.status_code == 200
    assert response.json() == {
        "position": 12.5,
        "lesson_completed_now": False,
        "course_completed_now": False,
    }
    client.post(player_url(video_lesson, "position"), {"position": "17.25", "duration": "40"})
    assert PlaybackPosition.objects.get().position == 17.25

    # Another device: the same learner, a new session.
    other = type(client)()
    other.force_login(enrolled)
    page = other.get(url_of(video_lesson)).content.decode()
    assert 'data-position="17.2"' in page or 'data-position="17.3"' in page
    assert 'data-position-url="/lesson-media/' in page


def test_watching_90_percent_completes_the_lesson(client, enrolled, video_lesson):
    client.force_login(enrolled)
    response = client.post(player_url(video_lesson, "position"), {"position": "30"})
    assert response.json()["lesson_completed_now"] is False
    response = client.post(player_url(video_lesson, "position"), {"position": "36.5"})
    assert response.json()["lesson_completed_now"] is True
    assert LessonProgress.objects.get(user=enrolled, lesson=video_lesson).is_complete
    # Later reports change the position, not the completion.
    again = client.post(player_url(video_lesson, "position"), {"position": "39"})
    assert again.json()["lesson_completed_now"] is False


def test_a_lesson_with_a_knowledge_check_is_not_completed_by_watching(
    client, enrolled, course, video
):
    lesson = make_lesson(course, body=[media_block(video), check_block()])
    client.force_login(enrolled)
    response = client.post(player_url(lesson, "position"), {"position": "39"})
    assert response.status_code == 200 and response.json()["lesson_completed_now"] is False
    assert not LessonProgress.objects.filter(lesson=lesson, completed_at__isnull=False).exists()


def test_bad_positions_are_a_400_and_strangers_a_404(client, enrolled, member, video_lesson):
    client.force_login(enrolled)
    assert (
        client.post(player_url(video_lesson, "position"), {"position": "soon"}).status_code == 400
    )
    assert client.post(player_url(video_lesson, "position"), {"position": "-3"}).status_code == 400
    assert client.get(player_url(video_lesson, "position")).status_code == 405
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.post(player_url(video_lesson, "position"), {"position": "3"}).status_code == 404


def test_without_javascript_the_lesson_still_completes_with_the_form(
    client, enrolled, video_lesson
):
    client.force_login(enrolled)
    page = client.get(url_of(video_lesson)).content.decode()
    # The browser's own controls and captions work without our script; the form completes.
    assert re.search(r"<video [^>]*controls", page)
    assert '<track kind="captions"' in page
    assert f'action="{url_of(video_lesson)}complete/"' in page
    response = client.post(url_of(video_lesson) + "complete/")
    assert response.status_code == 302
    assert LessonProgress.objects.get(user=enrolled, lesson=video_lesson).is_complete


def test_the_lesson_page_shows_transcript_lines_that_seek(client, enrolled, video_lesson):
    client.force_login(enrolled)
    page = client.get(url_of(video_lesson)).content.decode()
    assert '<a href="#t=12" data-cue-start="12.963">' in page
    assert "扫码点餐页面自动带出桌号" in page
    # A Traditional reader gets the Traditional transcript and captions chosen first.
    hant = client.get("/zh-hant" + url_of(video_lesson)).content.decode()
    assert "掃碼點餐頁面自動帶出桌號" in hant


def test_lesson_page_with_a_player_has_a_query_ceiling(
    client, enrolled, course, video, django_assert_max_num_queries
):
    lesson = make_lesson(
        course, body=[media_block(video, "a"), media_block(video, "b"), text_block("正文")]
    )
    client.force_login(enrolled)
    client.post(player_url(lesson, "position", "a"), {"position": "5"})
    with django_assert_max_num_queries(LESSON_WITH_MEDIA_CEILING):
        response = client.get(url_of(lesson))
    assert response.content.decode().count("data-lesson-player") == 2


# --- Search and personal data -------------------------------------------------------------------


def test_a_transcript_line_is_found_by_search_and_links_to_its_second(course, video):
    lesson = make_lesson(course, "视频课", body=[media_block(video)])
    lesson.save_revision().publish()
    docs = list(search.search("扫码点餐"))
    assert [doc.object_id for doc in docs] == [lesson.pk]
    results = search.present(docs, "二维码", "hans")
    assert results[0].url == url_of(lesson) + "#t=6"
    # Traditional queries meet Simplified captions.
    assert list(search.search("掃描桌上的二維碼"))[0].object_id == lesson.pk


def test_captions_edited_after_publishing_reach_the_search_index(course, video):
    lesson = make_lesson(course, "视频课", body=[media_block(video)])
    lesson.save_revision().publish()
    assert not list(search.search("Welcome to the mini-program"))
    with TestCase.captureOnCommitCallbacks(execute=True):
        video.captions_zh_hans.save(
            "new.vtt", ContentFile(HANS_VTT.replace("欢迎".encode(), "热烈欢迎".encode()))
        )
    assert list(search.search("热烈欢迎"))[0].object_id == lesson.pk


def test_playback_positions_are_the_learners_personal_data(client, enrolled, video_lesson):
    client.force_login(enrolled)
    client.post(player_url(video_lesson, "position"), {"position": "8"})
    section = next(s for s in personal_data.sections() if s.key == "playback_positions")
    rows = section.collect(enrolled)
    assert rows[0]["lesson"] == "视频课" and rows[0]["position (seconds)"] == 8.0
    logged = []
    section.erase(enrolled, log=lambda what, count: logged.append((what, count)))
    assert logged == [("playback positions deleted", 1)]
    assert not PlaybackPosition.objects.exists()


def test_editors_choose_media_in_the_lesson_editor(client, django_user_model, video_lesson):
    admin = django_user_model.objects.create_superuser("chooser@example.com", "pw-editor-2")
    client.force_login(admin)
    editor = client.get(f"/admin/pages/{video_lesson.pk}/edit/")
    assert editor.status_code == 200
    assert "/admin/media/chooser/" in editor.content.decode()  # wagtailmedia's chooser
    assert client.get("/admin/media/").status_code == 200
    assert client.get("/admin/media/chooser/").status_code == 200
    # The editor's preview reaches the draft's media through the same checked view.
    assert client.get(player_url(video_lesson, "file"), HTTP_RANGE="bytes=0-9").status_code == 206
