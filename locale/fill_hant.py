"""Fill the Traditional Chinese catalogue from the Simplified one.

    .venv/bin/python locale/fill_hant.py           # only messages zh_Hant has not translated
    .venv/bin/python locale/fill_hant.py --force   # redo every message

Characters are converted with OpenCC (s2t), then UI words that differ between the regions
(登录 → 登入, 搜索 → 搜尋 …) are replaced from GLOSSARY. Translations a person edited in
zh_Hant are kept unless --force is given. `make messages` runs this after makemessages.
"""

import sys
from pathlib import Path

import opencc
from babel.messages.pofile import read_po, write_po

LOCALE = Path(__file__).resolve().parent
SOURCE = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
TARGET = LOCALE / "zh_Hant" / "LC_MESSAGES" / "django.po"

# Traditional-Chinese UI usage, applied after character conversion. Product words such as
# 小程序 stay as the platform writes them.
GLOSSARY = {
    "登錄": "登入",
    "搜索": "搜尋",
    "賬戶": "帳戶",
    "賬號": "帳號",
    "郵箱": "電子郵件",
    "視頻": "影片",
    "信息": "資訊",
    "軟件": "軟體",
    "設置": "設定",
    "默認": "預設",
    "鏈接": "連結",
    "用戶組": "使用者群組",
    "用戶": "使用者",
    "文件": "檔案",
    "打印": "列印",
    "網絡": "網路",
    "質量": "品質",
    "在線": "線上",
    "線下": "實體",
    "退出登入": "登出",
    "創建": "建立",
    "運營": "營運",
    "營銷": "行銷",
    "二維碼": "QR Code",
    "聯繫": "聯絡",
    "站點": "網站",
    "菜單": "選單",
    "導航": "導覽",
    "頁腳": "頁尾",
    "關鍵詞": "關鍵字",
    "文檔": "文件",
    "平臺": "平台",
    "後臺": "後台",
    "保存": "儲存",
    "校驗": "驗證",
    "刷新": "重新整理",
    "瞭解": "了解",
    # s2t keeps older standard forms (爲, 纔 …); readers in Taiwan and Hong Kong expect these.
    "爲": "為",
    "纔": "才",
    "裏": "裡",
    "着": "著",
    "麪": "麵",
    "覈": "核",
    "“": "「",
    "”": "」",
}


def to_hant(text: str, converter) -> str:
    text = converter.convert(text)
    for simplified_usage, traditional_usage in GLOSSARY.items():
        text = text.replace(simplified_usage, traditional_usage)
    return text


def main(force: bool) -> int:
    converter = opencc.OpenCC("s2t")
    with SOURCE.open("rb") as f:
        source = read_po(f, locale="zh_Hans")
    with TARGET.open("rb") as f:
        target = read_po(f, locale="zh_Hant")
    filled = 0
    for message in target:
        if not message.id:
            continue
        original = source.get(message.id, message.context)
        if original is None or not original.string:
            continue
        if (
            any(message.string if isinstance(message.string, tuple) else [message.string])
            and not message.fuzzy
            and not force
        ):
            continue
        if isinstance(original.string, tuple):
            message.string = tuple(to_hant(s, converter) for s in original.string)
        else:
            message.string = to_hant(original.string, converter)
        message.flags.discard("fuzzy")
        filled += 1
    with TARGET.open("wb") as f:
        write_po(f, target, width=100)
    print(f"zh_Hant: filled {filled} messages from zh_Hans")
    return 0


if __name__ == "__main__":
    sys.exit(main("--force" in sys.argv))
