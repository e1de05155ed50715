"""Make the demo lessons' video and audio (run once by hand; the results are committed).

    .venv/bin/python courses/demo_media/make_demo_media.py

Needs Debian's ffmpeg, espeak-ng and fonts-wqy-microhei. Each line is spoken by espeak-ng's
Mandarin voice; its length sets the cue times, so the WebVTT files written next to the media
match the speech. The video shows one card per line (Pillow), encoded H.264 + AAC; the audio is
AAC in MP4 (.m4a). Captions: the video's Chinese is written in Simplified, the audio's in
Traditional, so the academy converts each into the other script (courses/media.py).
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
GAP = 0.4  # seconds of silence after each line

VIDEO_LINES = [
    ("欢迎来到小程序扫码点餐演示。", "Welcome to the mini-program scan-to-order demo."),
    (
        "顾客坐下后，用手机扫描桌上的二维码。",
        "Once seated, the customer scans the QR code on the table.",
    ),
    (
        "扫码点餐页面自动带出桌号，顾客选好菜品后直接下单。",
        "The ordering page fills in the table number; the customer picks dishes and orders.",
    ),
    (
        "订单实时打印到后厨，顾客随时可以加菜。",
        "The order prints in the kitchen at once, and the customer can add dishes at any time.",
    ),
    (
        "用餐结束，顾客在小程序里支付，并领取会员积分。",
        "After the meal, the customer pays in the mini-program and collects member points.",
    ),
]
AUDIO_LINES = [
    (
        "各位同事早安，今天午市預計客流很大。",
        "Good morning, everyone: we expect a busy lunch today.",
    ),
    (
        "請先檢查每張桌子的點餐碼是否清晰。",
        "First check that every table's ordering code is clear.",
    ),
    (
        "出單機換上新紙卷，避免高峰期斷單。",
        "Put new paper in the order printers so no order is lost at peak time.",
    ),
    (
        "顧客問到會員儲值，請引導他們在小程序裡操作。",
        "When customers ask about stored value, guide them through the mini-program.",
    ),
]
COLOURS = [(7, 163, 90), (60, 123, 224), (242, 169, 59), (138, 99, 216), (20, 160, 170)]


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def duration_of(path: Path) -> float:
    out = run(
        "ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json", str(path)
    )
    return float(json.loads(out)["format"]["duration"])


def speak(lines, folder: Path) -> tuple[Path, list[tuple[float, float]]]:
    """One WAV of every line with a pause after each; returns it and each line's (start, end)."""
    parts, times, start = [], [], 0.0
    for index, (chinese, _) in enumerate(lines):
        wav = folder / f"line{index}.wav"
        run("espeak-ng", "-v", "cmn", "-s", "165", "-w", str(wav), chinese)
        padded = folder / f"padded{index}.wav"
        run(
            "ffmpeg", "-y", "-v", "error", "-i", str(wav), "-af", f"apad=pad_dur={GAP}", str(padded)
        )
        length = duration_of(padded)
        times.append((start, start + length - GAP))
        start += length
        parts.append(padded)
    listing = folder / "parts.txt"
    listing.write_text("".join(f"file '{p}'\n" for p in parts))
    speech = folder / "speech.wav"
    run(
        "ffmpeg", "-y", "-v", "error", "-f", "concat", "-safe", "0", "-i", str(listing), str(speech)
    )
    return speech, times


def stamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    return f"{millis // 3_600_000:02d}:{millis // 60_000 % 60:02d}:{millis // 1000 % 60:02d}.{millis % 1000:03d}"


def write_vtt(path: Path, times, texts) -> None:
    cues = [
        f"{stamp(a)} --> {stamp(b)}\n{text}\n" for (a, b), text in zip(times, texts, strict=True)
    ]
    path.write_text("WEBVTT\n\n" + "\n".join(cues), encoding="utf-8")


def card(path: Path, index: int, chinese: str, english: str) -> None:
    width, height = 640, 360
    image = Image.new("RGB", (width, height), COLOURS[index % len(COLOURS)])
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([40, 40, width - 40, height - 40], radius=28, fill=(255, 255, 255))
    big, small = ImageFont.truetype(FONT, 30), ImageFont.truetype(FONT, 18)
    draw.text((70, 70), f"扫码点餐 · {index + 1}", font=small, fill=(90, 90, 90))
    line, lines = "", []
    for character in chinese:  # wrap the Chinese line by width
        if draw.textlength(line + character, font=big) > width - 140:
            lines.append(line)
            line = ""
        line += character
    lines.append(line)
    for number, text in enumerate(lines):
        draw.text((70, 130 + number * 44), text, font=big, fill=(20, 20, 20))
    draw.text((70, 270), english[:60], font=small, fill=(90, 90, 90))
    image.save(path)


def make_video(folder: Path) -> None:
    speech, times = speak(VIDEO_LINES, folder)
    total = duration_of(speech)
    listing = folder / "cards.txt"
    entries = []
    for index, ((chinese, english), (start, _)) in enumerate(zip(VIDEO_LINES, times, strict=True)):
        picture = folder / f"card{index}.png"
        card(picture, index, chinese, english)
        end = times[index + 1][0] if index + 1 < len(times) else total
        entries.append(f"file '{picture}'\nduration {end - start:.3f}\n")
    entries.append(f"file '{folder / f'card{len(times) - 1}.png'}'\n")
    listing.write_text("".join(entries))
    run(
        "ffmpeg", "-y", "-v", "error", "-f", "concat", "-safe", "0", "-i", str(listing),
        "-i", str(speech), "-vf", "fps=10,format=yuv420p", "-c:v", "libx264", "-profile:v", "main",
        "-crf", "32", "-preset", "veryslow", "-c:a", "aac", "-b:a", "40k", "-ac", "1",
        "-movflags", "+faststart", "-shortest", str(HERE / "scan-to-order.mp4"),
    )  # fmt: skip
    write_vtt(HERE / "scan-to-order.zh-hans.vtt", times, [c for c, _ in VIDEO_LINES])
    write_vtt(HERE / "scan-to-order.en.vtt", times, [e for _, e in VIDEO_LINES])


def make_audio(folder: Path) -> None:
    speech, times = speak(AUDIO_LINES, folder)
    run(
        "ffmpeg", "-y", "-v", "error", "-i", str(speech), "-c:a", "aac", "-b:a", "40k", "-ac", "1",
        "-movflags", "+faststart", str(HERE / "morning-briefing.m4a"),
    )  # fmt: skip
    write_vtt(HERE / "morning-briefing.zh-hant.vtt", times, [c for c, _ in AUDIO_LINES])
    write_vtt(HERE / "morning-briefing.en.vtt", times, [e for _, e in AUDIO_LINES])


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as video_dir, tempfile.TemporaryDirectory() as audio_dir:
        make_video(Path(video_dir))
        make_audio(Path(audio_dir))
