"""Names in 拼音 order, as a printed list is read: 安 … 张, then by tone, then by the
character itself (two names read alike stay in a fixed order).

The readings come from xpinyin's table (one line per character, loaded once per process,
about 30 ms). A character with several readings is sorted by its first one, except the
surnames below, which are read as surnames (曾 Zēng, not céng; 单 Shàn, not dān).
Characters without a reading (Latin letters, 𠮷, digits) sort after every Chinese one.
"""
import threading

_SURNAMES = {  # the first character of a name, read as a surname
    "曾": "ZENG1", "单": "SHAN4", "仇": "QIU2", "区": "OU1", "朴": "PIAO2", "查": "ZHA1",
    "解": "XIE4", "盖": "GE3", "繁": "PO2", "覃": "QIN2", "缪": "MIAO4", "尉": "YU4",
    "乐": "YUE4", "员": "YUN4", "翟": "ZHAI2", "种": "CHONG2", "重": "CHONG2", "长": "CHANG2",
}
_LAST = (chr(0x10FFFF),)  # after every reading

_lock = threading.Lock()
_readings: dict[str, str] = {}


def _table():
    if not _readings:
        with _lock:
            if not _readings:
                from xpinyin import Pinyin

                _readings.update(Pinyin().pinyins)
    return _readings


def _syllable(char, first):
    reading = (_SURNAMES.get(char) if first else None) or _table().get(f"{ord(char):X}", "")
    reading = reading.split(" ", 1)[0]
    if not reading:
        return (*_LAST, char)
    tone = reading[-1] if reading[-1].isdigit() else "5"
    return (reading.rstrip("012345").lower(), tone, char)


def pinyin_key(name):
    """The sort key of a name: its characters' (syllable, tone, character), in order."""
    name = (name or "").strip()
    return tuple(_syllable(char, index == 0) for index, char in enumerate(name))
