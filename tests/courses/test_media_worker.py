"""The media task on a real Celery worker (Redis broker, PostgreSQL, media on disk).

Runs in `make test-services`; skipped otherwise. An upload saved here is read by the worker
process: duration, picture size, poster frame and captions appear on the row."""

import shutil
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from courses.media_models import LessonMedia
from courses.tasks import process_media
from tests.conftest import needs_celery_worker

DISK = "django.core.files.storage.FileSystemStorage"
DEMO = Path(__file__).resolve().parents[2] / "courses" / "demo_media"

pytestmark = [
    *needs_celery_worker,
    pytest.mark.skipif(not shutil.which("ffprobe"), reason="needs Debian's ffmpeg"),
]


def test_the_worker_reads_duration_poster_and_captions_of_an_upload(
    celery_workers, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": DISK}}
    celery_workers(env={"TEST_FILE_STORAGE": DISK, "MEDIA_ROOT": str(tmp_path)})

    item = LessonMedia(title="worker video", type="video")
    item.file.save("clip.mp4", ContentFile((DEMO / "scan-to-order.mp4").read_bytes()), save=False)
    vtt = (DEMO / "scan-to-order.zh-hans.vtt").read_bytes()
    item.captions_zh_hans.save("clip.vtt", ContentFile(vtt), save=False)
    item.save()  # autocommit: the receiver's outbox row is sent to the broker at once

    deadline = time.monotonic() + 90
    while not LessonMedia.objects.get(pk=item.pk).is_processed:
        assert time.monotonic() < deadline, "the worker did not read the upload"
        time.sleep(0.2)
    item.refresh_from_db()
    assert item.duration == pytest.approx(40.0, abs=0.5)
    assert (item.width, item.height) == (640, 360)
    assert (tmp_path / item.thumbnail.name).read_bytes()[:3] == b"\xff\xd8\xff"
    assert item.cues["zh-hant"][1][2] == "顧客坐下後，用手機掃描桌上的二維碼。"
    # Sent again (the relay's at-least-once delivery), the task reads nothing twice.
    assert process_media.delay(item.pk).get(timeout=60) is False
