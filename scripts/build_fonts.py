#!/usr/bin/env python3
"""Rebuild the two fonts shipped in app/printing/fonts/ from Debian's packages, byte for byte.

    apt-get install -y fonts-wqy-microhei fonts-hanazono unicode-data   # the sources (make fonts does it as root)
    .venv/bin/python scripts/build_fonts.py           # writes the fonts and prints their SHA-256
    .venv/bin/python scripts/build_fonts.py --check   # rebuilds in memory, exits 1 if a shipped file differs

1. wqy-microhei-gbk.ttf: WenQuanYi Micro Hei 0.2.0-beta (Debian fonts-wqy-microhei, Apache-2.0),
   face 0 of the .ttc, cut to every character GBK encodes (21,791 two-byte ones; ɑ ɡ ☉ of which
   the font never had) plus ASCII, Latin-1 and the punctuation, symbol and fullwidth blocks
   (、。·—“”‘’《》【】…, ①, ℃, ＡＢＣ …). GBK and not GB2312: names use 喆 堃 赟 珺 昇 彧.
2. name-fallback-mincho.ttf: the characters of the 通用规范汉字表 (2013, the state's list of
   8,105 characters for personal and place names, Unicode's Unihan field kTGH from Debian's
   unicode-data) that the first font lacks (276, in CJK Ext-A to Ext-E, e.g. 䶮 𬌗 𬭚), plus
   𠮷 (U+20BB7, the 吉 variant met in names), taken from HanaMinA (GlyphWiki's Hanazono
   Mincho 20170904, Debian fonts-hanazono, Hanazono Font License or OFL-1.1). A Mincho beside
   a Hei, but a drawn name rather than a gap.

Both are TrueType outlines (glyf): reportlab embeds those, not CFF. Layout tables are
dropped (reportlab does not shape); timestamps are kept from the sources so the output
depends only on the inputs and fontTools' version (pinned in requirements-dev.txt).
"""
import argparse
import bz2
import hashlib
import io
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "app" / "printing" / "fonts"
WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
HANAZONO = Path("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf")
UNIHAN = Path("/usr/share/unicode/Unihan_OtherMappings.txt.bz2")
PACKAGES = "fonts-wqy-microhei fonts-hanazono unicode-data"

MAIN_FILE = "wqy-microhei-gbk.ttf"
FALLBACK_FILE = "name-fallback-mincho.ttf"
FALLBACK_FAMILY = "Name Fallback Mincho"  # not "HanaMin…": reserved names under the OFL option
EXTRA_NAME_CHARS = "\U00020BB7"  # 𠮷

# Blocks kept whole (as far as the font has them) besides GBK.
EXTRA_RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1: · × ÷ ° ±
    (0x2000, 0x206F),  # general punctuation: — – ‘ ’ “ ” … ‰ ※
    (0x2100, 0x218F),  # letterlike and number forms: ℃ № Ⅰ Ⅱ
    (0x2190, 0x21FF),  # arrows
    (0x2460, 0x24FF),  # ① ⑴ ⒈
    (0x2500, 0x25FF),  # box drawing, shapes: ■ □ ● ○ △
    (0x2600, 0x26FF),  # ★ ☆ ♀ ♂
    (0x3000, 0x303F),  # CJK punctuation: 、。〃《》【】〔〕〓
    (0x3200, 0x32FF),  # ㈠ ㊣
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # fullwidth forms: ，：；（）ＡＢＣ１２３
]


def gbk_code_points():
    points = set()
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            try:
                points.add(ord(bytes([lead, trail]).decode("gbk")))
            except UnicodeDecodeError:
                pass
    return points


def tgh_code_points():
    """Code points of the 通用规范汉字表 (Unihan kTGH)."""
    with bz2.open(UNIHAN, "rt", encoding="utf-8") as lines:
        return {int(line.split("\t", 1)[0][2:], 16) for line in lines if "\tkTGH\t" in line}


def cut(font, code_points, note, family=None):
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "FFTM", "vhea", "vmtx"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(code_points))
    subsetter.subset(font)
    names = font["name"]
    if family:
        postscript = family.replace(" ", "")
        for record in list(names.names):
            if record.nameID in (1, 3, 4, 16, 17, 18, 6):
                names.removeNames(nameID=record.nameID)
        names.setName(family, 1, 3, 1, 0x409)
        names.setName("Regular", 2, 3, 1, 0x409)
        names.setName(family, 4, 3, 1, 0x409)
        names.setName(postscript, 6, 3, 1, 0x409)
        names.setName(f"{postscript};{font['head'].fontRevision:.3f}", 3, 3, 1, 0x409)
    version = names.getDebugName(5) or ""
    names.removeNames(nameID=5)
    names.setName(f"{version}; {note}", 5, 3, 1, 0x409)
    font.recalcTimestamp = False  # keep head.modified from the source: reproducible bytes
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def build():
    missing = [str(p) for p in (WQY, HANAZONO, UNIHAN) if not p.exists()]
    if missing:
        sys.exit(f"missing {', '.join(missing)}: apt-get install -y {PACKAGES}")
    main_font = TTFont(str(WQY), fontNumber=0)
    main_cmap = main_font.getBestCmap()
    wanted = gbk_code_points()
    for first, last in EXTRA_RANGES:
        wanted.update(range(first, last + 1))
    main_points = wanted & set(main_cmap)
    main = cut(main_font, main_points, "GBK subset made by scripts/build_fonts.py")

    fallback_font = TTFont(str(HANAZONO))
    fallback_cmap = fallback_font.getBestCmap()
    names = (tgh_code_points() | {ord(c) for c in EXTRA_NAME_CHARS}) - main_points
    lacking = sorted(c for c in names if c not in fallback_cmap)
    if lacking:
        sys.exit("HanaMinA lacks " + " ".join(f"U+{c:04X}" for c in lacking))
    fallback = cut(fallback_font, names, "subset of HanaMinA made by scripts/build_fonts.py",
                   family=FALLBACK_FAMILY)
    return {MAIN_FILE: (main, len(main_points)), FALLBACK_FILE: (fallback, len(names))}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped files, write nothing")
    args = parser.parse_args()
    differs = False
    for name, (data, count) in build().items():
        digest = hashlib.sha256(data).hexdigest()
        path = OUT / name
        if args.check:
            same = path.exists() and path.read_bytes() == data
            differs |= not same
            print(f"{name}: {'same' if same else 'DIFFERS'} ({count} characters, sha256 {digest})")
        else:
            path.write_bytes(data)
            print(f"{name}: {len(data):,} bytes, {count} characters, sha256 {digest}")
    return 1 if differs else 0


if __name__ == "__main__":
    sys.exit(main())
