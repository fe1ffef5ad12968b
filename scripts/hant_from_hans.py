"""Fill the zh_Hant catalogs from zh_Hans: OpenCC (Taiwan phrases), then Studio's glossary.

Only entries still untranslated in zh_Hant are filled, and each is marked fuzzy: a person
reads it, corrects it for Taiwan and Hong Kong usage, and removes the flag (the catalog test
fails while any fuzzy entry is left). See docs/i18n.md.

    .venv/bin/pip install opencc-python-reimplemented   # a tool, not a dependency of Studio
    .venv/bin/python scripts/hant_from_hans.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib
from opencc import OpenCC

LOCALE = Path(__file__).resolve().parent.parent / "locale"
# After OpenCC's s2twp: Studio's words as Traditional Chinese readers in Taiwan and Hong
# Kong expect them (the glossary in docs/i18n.md), where a character-level conversion
# keeps mainland wording.
CORRECTIONS = [
    # OpenCC's own slips, seen in these catalogs.
    ("遊標", "游標"),
    ("專案", "項目"),
    ("影象", "影像"),
    ("許可權", "權限"),
    ("賬", "帳"),
    # Studio's words (docs/i18n.md), where OpenCC keeps mainland wording.
    ("稽核", "審核"),
    ("相簿", "圖庫"),
    ("輪次", "回合"),
    ("蒙版", "遮罩"),
    ("提供商", "供應商"),
    ("查看者", "檢視者"),
    ("查看", "檢視"),
    ("所有者", "擁有者"),
    ("舉報", "檢舉"),
    ("停用作者帳號", "將作者停權"),
    ("停用帳號", "停權"),
    ("停用", "停權"),
    ("退出登入", "登出"),
    ("退出登錄", "登出"),
    ("登錄", "登入"),
    ("管理後臺", "管理後台"),
    ("重命名", "重新命名"),
    ("新建", "新增"),
    ("創建", "建立"),
    ("審計記錄", "稽核紀錄"),
    ("遮蔽詞", "禁用詞"),
    ("屏蔽詞", "禁用詞"),
    ("正文", "內文"),
    ("JSON 對象", "JSON 物件"),
    ("圖像", "影像"),
    ("柱狀圖", "長條圖"),
    ("字符", "字元"),
    ("點擊", "點選"),
    ("重置", "重設"),
    ("案例", "案件"),
    ("默認", "預設"),
    ("信息", "訊息"),
    ("應用", "套用"),
    ("生成", "產生"),
    ("標題欄", "標題列"),
    ("整詞匹配", "全字比對"),
    ("匹配", "相符"),
    ("短語", "片語"),
    ("列表", "清單"),
    # Taiwan and Hong Kong quote with corner brackets.
    ("“", "「"),
    ("”", "」"),
]


def convert(text: str, converter: OpenCC) -> str:
    text = converter.convert(text)
    for mainland, local in CORRECTIONS:
        text = text.replace(mainland, local)
    return text


def fill(domain: str, converter: OpenCC) -> int:
    hans = polib.pofile(str(LOCALE / "zh_Hans" / "LC_MESSAGES" / f"{domain}.po"))
    hant_path = LOCALE / "zh_Hant" / "LC_MESSAGES" / f"{domain}.po"
    hant = polib.pofile(str(hant_path))
    filled = 0
    for entry in hant:
        if entry.translated() or entry.obsolete:
            continue
        source = hans.find(entry.msgid, msgctxt=entry.msgctxt)
        if source is None or not source.translated():
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {
                i: convert(text, converter) for i, text in source.msgstr_plural.items()
            }
        else:
            entry.msgstr = convert(source.msgstr, converter)
        if "fuzzy" not in entry.flags:
            entry.flags.append("fuzzy")
        filled += 1
    hant.save(str(hant_path))
    return filled


def main() -> int:
    converter = OpenCC("s2twp")
    for domain in ("django", "djangojs"):
        print(f"{domain}: {fill(domain, converter)} entries filled, marked fuzzy for review")
    return 0


if __name__ == "__main__":
    sys.exit(main())
