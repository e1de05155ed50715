"""The demo's video and audio lessons (seed_demo, through courses/demo.py).

The files in courses/demo_media/ were made once with ffmpeg and espeak-ng by
courses/demo_media/make_demo_media.py (the project's own work, under the repository's licence).
Idempotent: media are found by title, lessons by slug; the media task reads duration, poster and
captions after the commit, as for an editor's upload.
"""

from __future__ import annotations

from pathlib import Path

from django.core.files import File

from .demo_courses import text
from .media_models import LessonMedia
from .models import CoursePage, LessonPage

FOLDER = Path(__file__).resolve().parent / "demo_media"

MEDIA = [
    {
        "key": "video",
        "title": "扫码点餐：一笔订单的旅程（演示视频）",
        "type": "video",
        "file": "scan-to-order.mp4",
        # Simplified captions only: Traditional readers get them converted (courses/media.py).
        "captions": {"zh-hans": "scan-to-order.zh-hans.vtt", "en": "scan-to-order.en.vtt"},
    },
    {
        "key": "audio",
        "title": "店長早會：午市高峰前的準備（演示音頻）",
        "type": "audio",
        "file": "morning-briefing.m4a",
        # Written in Traditional: Simplified readers get them converted.
        "captions": {"zh-hant": "morning-briefing.zh-hant.vtt", "en": "morning-briefing.en.vtt"},
    },
]

LESSONS = [
    {
        "course": "mini-program-ecommerce-basics",
        "slug": "scan-to-order-video",
        "title": "视频：扫码点餐的一笔订单",
        "intro": "40 秒看完顾客从扫码、下单、加菜到支付的完整路径。",
        "duration": 2,
        "media": "video",
        "caption": "演示视频：顾客在门店用小程序扫码点餐。",
        "text": text(
            "<p>看视频时留意三个交接点：桌码带出桌号、订单进入后厨、支付后发放会员积分。"
            "每一个交接点都是上线前要和商家一起演练的环节。</p>"
        ),
    },
    {
        "course": "restaurant-qr-ordering",
        "slug": "morning-briefing-audio",
        "title": "音頻：店長早會的四件事",
        "intro": "半分鐘的早會錄音：午市高峰前，門店要檢查的點餐碼、出單機與會員儲值。",
        "duration": 1,
        "media": "audio",
        "caption": "演示音頻：店長在午市前的早會。",
        "text": text(
            "<p>把這段早會當作上線演練的一部分：請門店店長照著錄音的順序，"
            "逐項確認點餐碼、出單機和儲值引導話術。</p>"
        ),
    },
]


def seed(out) -> None:
    media = {spec["key"]: _media(spec, out) for spec in MEDIA}
    for spec in LESSONS:
        course = CoursePage.objects.filter(slug=spec["course"]).first()
        if course is None or LessonPage.objects.filter(slug=spec["slug"]).exists():
            continue
        lesson = LessonPage(
            title=spec["title"],
            slug=spec["slug"],
            intro=spec["intro"],
            duration_minutes=spec["duration"],
            # Added to courses learners may already be taking: it does not change who completed.
            optional=True,
            body=[
                {
                    "type": "media",
                    "value": {"media": media[spec["media"]].pk, "caption": spec["caption"]},
                },
                spec["text"],
            ],
        )
        course.add_child(instance=lesson)
        lesson.save_revision().publish()
        out.write(f"Created lesson {lesson.title} with its {spec['media']}.\n")


def _media(spec: dict, out) -> LessonMedia:
    existing = LessonMedia.objects.filter(title=spec["title"]).first()
    if existing is not None:
        return existing
    item = LessonMedia(title=spec["title"], type=spec["type"])
    with open(FOLDER / spec["file"], "rb") as handle:
        item.file.save(spec["file"], File(handle), save=False)
    for language, name in spec["captions"].items():
        with open(FOLDER / name, "rb") as handle:
            item.caption_file(language).save(name, File(handle), save=False)
    item.save()
    out.write(f"Created demo {spec['type']} {item.title}.\n")
    return item
