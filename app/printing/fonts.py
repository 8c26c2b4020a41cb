"""The fonts every PDF embeds, their character maps, and the missing-character rule.

Two TrueType fonts ship in ``app/printing/fonts/`` (see its README.md and
``scripts/build_fonts.py``): a GBK subset of WenQuanYi Micro Hei, and a small fallback with
the rare name characters of the 通用规范汉字表 outside GBK plus 𠮷. Both are embedded (only
the glyphs a document uses); the built-in STSong-Light never is, so it is never used.

The rule: a character in neither font is *unprintable*. ``unprintable(texts)`` lists them
before printing so the organizer can be told (「𠮷田」中的「𠮷」无法打印 …); when drawn anyway,
such a character comes out as 〓 (the typesetter's mark for a missing character), never as
a blank box or a silent gap. Variation selectors and zero-width joiners have no glyph of
their own and are dropped before drawing.
"""
import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
MAIN = "DJ-WQYMicroHei"
FALLBACK = "DJ-NameFallback"
_FILES = {MAIN: FONT_DIR / "wqy-microhei-gbk.ttf", FALLBACK: FONT_DIR / "name-fallback-mincho.ttf"}

MISSING_MARK = "〓"
# Default-ignorable characters: no glyph of their own (variation selectors, ZWSP/ZWNJ/ZWJ,
# word joiner, BOM); dropped before drawing.
_IGNORABLE = frozenset([*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0), 0x200B, 0x200C, 0x200D,
                        0x2060, 0xFEFF])
_WHITESPACE = frozenset(" \t\n\r\u3000\u00a0")



class _Font(TTFont):
    """reportlab's TTFont, with a ToUnicode map that is right beyond the BMP.

    reportlab writes 𠮷 (U+20BB7) as <20BB7> in the ToUnicode CMap, which is not UTF-16:
    viewers then extract garbage and searching for the name fails. Each subset's map is
    rewritten with UTF-16BE (surrogate pairs), identical to reportlab's for the BMP."""

    def addObjects(self, doc):
        state = self.state.get(doc)
        subsets = [list(subset) for subset in state.subsets] if state else []
        super().addObjects(doc)
        for number, subset in enumerate(subsets):
            if max(subset, default=0) <= 0xFFFF:
                continue
            base = b"".join((SUBSETN(number), b"+", self.face.name, self.face.subfontNameX)).decode("pdfdoc")
            doc.idToObject["toUnicodeCMap:" + base].content = _to_unicode_cmap(base, subset)


def _to_unicode_cmap(name: str, subset: list[int]) -> str:
    entries = [f"<{code:02X}> <{chr(point).encode('utf-16-be').hex().upper()}>"
               for code, point in enumerate(subset)]
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
        f"<< /Registry ({name})", f"/Ordering ({name})", "/Supplement 0", ">> def",
        f"/CMapName /{name} def", "/CMapType 2 def", "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>", "endcodespacerange", f"{len(subset)} beginbfchar",
        *entries, "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"])


_lock = threading.Lock()
_cmaps: dict[str, frozenset[int]] = {}


def register_fonts() -> None:
    """Register both fonts with reportlab, once per process (thread-safe)."""
    if _cmaps:
        return
    with _lock:
        if _cmaps:
            return
        loaded = {}
        for name, path in _FILES.items():
            font = _Font(name, str(path))
            pdfmetrics.registerFont(font)
            loaded[name] = frozenset(font.face.charToGlyph)
        # Binary streams: ASCII85 (reportlab's default) makes them a quarter larger and slower
        # to write; every reader of our PDFs takes binary.
        rl_config.useA85 = 0
        _cmaps.update(loaded)  # last: other threads see either nothing or everything


def cmap(font: str) -> frozenset[int]:
    """The code points the font has a glyph for (read once from the TTF)."""
    register_fonts()
    return _cmaps[font]


def font_for(char: str) -> str | None:
    """MAIN or FALLBACK, whichever has the character (MAIN first), else None."""
    register_fonts()
    code = ord(char)
    if code in _cmaps[MAIN]:
        return MAIN
    if code in _cmaps[FALLBACK]:
        return FALLBACK
    return None


@dataclass(frozen=True)
class Unprintable:
    """A text with characters that no shipped font has."""
    text: str
    chars: tuple[str, ...]

    @property
    def message(self) -> str:
        chars = "」「".join(self.chars)
        return f"「{self.text}」中的「{chars}」无法打印，打印件上以「{MISSING_MARK}」标出，请手工补写。"


def missing_chars(text: str) -> tuple[str, ...]:
    """The distinct characters of ``text`` that no shipped font has, in order of appearance."""
    register_fonts()
    main, fallback = _cmaps[MAIN], _cmaps[FALLBACK]
    seen = []
    for char in text:
        code = ord(char)
        if (code in main or code in fallback or code in _IGNORABLE or char in _WHITESPACE
                or char in seen):
            continue
        seen.append(char)
    return tuple(seen)


def unprintable(texts) -> list[Unprintable]:
    """Check texts (names, titles …; None is skipped) before printing: one entry per distinct
    text that has a character no shipped font has, in the order given."""
    found, checked = [], set()
    for text in texts:
        if text is None or text == "":
            continue
        text = str(text)
        if text in checked:
            continue
        checked.add(text)
        chars = missing_chars(text)
        if chars:
            found.append(Unprintable(text, chars))
    return found


def runs(text: str) -> list[tuple[str, str]]:
    """Split ``text`` into (font name, text) runs for drawing: characters of the main font,
    of the fallback font, and MISSING_MARK (in the main font) for a character neither has.
    Ignorable characters are dropped."""
    register_fonts()
    main, fallback = _cmaps[MAIN], _cmaps[FALLBACK]
    result: list[tuple[str, str]] = []
    font, chunk = MAIN, []
    for char in text:
        code = ord(char)
        if code in main:
            want = MAIN
        elif char in _WHITESPACE:  # a tab or line break has no glyph: a space
            want, char = MAIN, " "
        elif code in fallback:
            want = FALLBACK
        elif code in _IGNORABLE:
            continue
        else:
            want, char = MAIN, MISSING_MARK
        if want != font and chunk:
            result.append((font, "".join(chunk)))
            chunk = []
        font = want
        chunk.append(char)
    if chunk:
        result.append((font, "".join(chunk)))
    return result


_widths: dict[str, float] = {}


def char_width(char: str) -> float:
    """Advance width of a character at 1 pt, in the font that will draw it."""
    width = _widths.get(char)
    if width is None:
        font = font_for(char)
        if ord(char) in _IGNORABLE:
            width = 0.0
        elif font:
            width = pdfmetrics.stringWidth(char, font, 1)
        else:  # drawn as a space or as the mark, like runs() does
            width = pdfmetrics.stringWidth(" " if char in _WHITESPACE else MISSING_MARK, MAIN, 1)
        _widths[char] = width  # a benign race: every thread computes the same value
    return width


def text_width(text: str, size: float) -> float:
    """Width of ``text`` at ``size`` pt, fallback and missing characters included."""
    get = _widths.get
    total = 0.0
    for char in text:
        width = get(char)
        total += char_width(char) if width is None else width
    return total * size


def fit_size(text: str, max_width: float, size: float, min_size: float) -> float:
    """The largest font size <= size (in 0.5 pt steps, not below min_size) at which
    ``text`` fits in ``max_width``: a long name shrinks instead of overflowing."""
    width = text_width(text, 1)
    if width <= 0 or width * size <= max_width:
        return size
    fitted = int(max_width / width * 2) / 2
    return max(min_size, min(size, fitted))
