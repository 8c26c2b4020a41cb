"""Drawing and wrapping text with the shipped fonts: every character is drawn by the font that
has it, or as 〓 when none has (see fonts.py); Chinese wraps between any two characters,
Latin words at spaces, and no line starts with closing punctuation."""
from . import fonts

# Never at the start of a line (the previous character moves down with it).
_NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉’”…—·,.;:?!)]}%％")
_BOLD_STROKE = 0.035  # fake bold (the font has one weight): outline width per pt of size


def draw_text(canvas, x: float, y: float, text: str, size: float, *, align: str = "left",
              bold: bool = False) -> float:
    """Draw one line with its baseline at y; align "left" (x is the left end), "center" or
    "right". Returns the width drawn, in the canvas's fill colour; bold (the font has one
    weight) also strokes the outlines in that colour."""
    if not text:
        return 0.0
    width = fonts.text_width(text, size)
    if align == "center":
        x -= width / 2
    elif align == "right":
        x -= width
    if bold:  # the render mode is graphics state: keep it inside q … Q
        canvas.saveState()
        canvas.setLineWidth(size * _BOLD_STROKE)
        canvas.setStrokeColor(canvas._fillColorObj)  # outline in the text's own colour
    obj = canvas.beginText(x, y)
    if bold:
        obj.setTextRenderMode(2)
    for font, chunk in fonts.runs(text):
        obj.setFont(font, size)
        obj.textOut(chunk)
    canvas.drawText(obj)
    if bold:
        canvas.restoreState()
    return width


def wrap(text: str, width: float, size: float) -> list[str]:
    """Lines of ``text`` that each fit in ``width`` at ``size`` pt (a character wider than
    the whole width still gets a line of its own). Newlines are kept; an empty text is []."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if fonts.text_width(paragraph, size) <= width:
            lines.append(paragraph)
        else:
            lines.extend(_wrap_paragraph(paragraph, width / size))
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _tokens(paragraph: str):
    """Break opportunities: each CJK character alone, a Latin word with its trailing spaces."""
    word = []
    for char in paragraph:
        if char.isascii() and not char.isspace():
            word.append(char)
            continue
        if char == " ":
            word.append(char)
            yield "".join(word)
            word = []
            continue
        if word:
            yield "".join(word)
            word = []
        yield char
    if word:
        yield "".join(word)


def _wrap_paragraph(paragraph: str, width: float) -> list[str]:
    """Greedy wrap in units of 1 pt font size."""
    lines, line, used = [], [], 0.0
    for token in _tokens(paragraph):
        token_width = fonts.text_width(token.rstrip(" "), 1)
        if line and used + token_width > width:
            carried = []
            if token[0] in _NO_LINE_START and len(line) > 1:
                carried = [line.pop()]
            lines.append("".join(line).rstrip(" "))
            line, used = carried, fonts.text_width("".join(carried), 1)
        if token_width > width:  # a word longer than the line: cut it by characters
            for char in token:
                char_width = fonts.text_width(char, 1)
                if line and used + char_width > width:
                    lines.append("".join(line).rstrip(" "))
                    line, used = [], 0.0
                line.append(char)
                used += char_width
            continue
        line.append(token)
        used += fonts.text_width(token, 1)
    if line:
        lines.append("".join(line).rstrip(" "))
    return lines
