"""QR codes drawn as vector rectangles, fast enough for a distinct code on every page.

Measured on this 2-core machine (bench/bench_printing.py prints the same comparison):
reportlab's own ``reportlab.graphics.barcode.qr`` widget costs about 30 ms a code (its pure
Python encoder tries all eight masks, then each module becomes a shape); ``qrcode`` with its
defaults about 10 ms, also spent mostly on choosing the mask; with a fixed mask pattern
about 2–3 ms, most of it writing bits one at a time and dividing polynomial objects. The
matrix here is qrcode's, module for module (a test compares them on thousands of texts), made
in about 0.3 ms by the fast path below; drawing each row's dark runs as one ``re`` operator
(a single path, integer coordinates under one scaling matrix) adds well under 1 ms. Any mask pattern
is valid QR (ISO/IEC 18004 only recommends choosing the one with the fewest look-alike
patterns); tests decode the printed codes with an independent decoder. Vector modules stay
sharp on every printer, and a page's code costs a few hundred bytes.
"""
import qrcode
from qrcode import base as qr_base
from qrcode import util as qr_util
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.colors import black, white

MASK_PATTERN = 2  # fixed: choosing the mask is 80 % of qrcode's time
_OPTIMIZE = 20  # qrcode's add_data() default: the shortest run worth its own mode


def qr_matrix(data: str) -> list[list[bool]]:
    """The modules of the smallest QR code (error correction M) that holds ``data``, row by
    row from the top, without the quiet zone: the same matrix ``qrcode`` makes with
    MASK_PATTERN, about ten times faster (see _encode)."""
    return _encode(data)


def _qrcode_matrix(data: str) -> list[list[bool]]:
    """The same matrix made by ``qrcode`` itself (the reference the fast path is tested
    against)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=MASK_PATTERN)
    code.add_data(data)
    code.make(fit=True)
    return code.modules


# ------------------------------------------------------------------ the fast path
# qrcode spends its time writing bits one by one, on Reed-Solomon division with polynomial
# objects, and on placing each bit through the mask function. Here: qrcode's own choice of
# segments (numeric / alphanumeric / byte runs), bits gathered in one integer, RS with
# log/antilog tables, and per version a template made once by qrcode (function patterns,
# format and version information, all data bits zero under the mask) with the order of the
# data modules, so a code is the template with the modules of its one bits flipped.

_EXP = [0] * 512
_LOG = [0] * 256
_value = 1
for _power in range(255):
    _EXP[_power] = _EXP[_power + 255] = _value
    _LOG[_value] = _power
    _value <<= 1
    if _value & 0x100:
        _value ^= 0x11D  # x^8 + x^4 + x^3 + x^2 + 1
_versions: dict[tuple, int] = {}
_generators: dict[int, list[int]] = {}
_templates: dict[int, tuple] = {}
_SET_BITS = [tuple(bit for bit in range(8) if byte >> (7 - bit) & 1) for byte in range(256)]


def _generator(count):
    """{factor: the RS generator polynomial's coefficients after the leading 1, times
    factor}, each as one integer of ``count`` bytes (the remainder register)."""
    found = _generators.get(count)
    if found is None:
        poly = [1]
        for power in range(count):
            factor = _EXP[power]
            poly = [a ^ (_EXP[_LOG[b] + _LOG[factor]] if b else 0)
                    for a, b in zip(poly + [0], [0] + poly, strict=True)]
        found = _generators[count] = [0] + [
            int.from_bytes(bytes(_EXP[_LOG[c] + _LOG[factor]] if c else 0 for c in poly[1:]), "big")
            for factor in range(1, 256)]
    return found


def _remainder(block, count):
    """The ``count`` error correction codewords of a block of data codewords."""
    products = _generator(count)
    top, mask = 8 * (count - 1), (1 << 8 * count) - 1
    rest = 0
    for byte in block:
        factor = byte ^ rest >> top
        rest = (rest << 8 & mask) ^ products[factor]
    return list(rest.to_bytes(count, "big"))


def _template(version):
    """(modules with every data bit zero, the eight module positions of each codeword in
    placement order)."""
    found = _templates.get(version)
    if found is None:
        total = sum(block.total_count for block in qr_base.rs_blocks(version, ERROR_CORRECT_M))
        code = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M, border=0,
                             mask_pattern=MASK_PATTERN)
        code.data_cache = [0] * total
        code.makeImpl(False, MASK_PATTERN)
        zero = [list(row) for row in code.modules]
        code.data_cache = [0xFF] * total
        code.makeImpl(False, MASK_PATTERN)
        size = len(zero)
        data = {(r, c) for r in range(size) for c in range(size) if code.modules[r][c] != zero[r][c]}
        order, row, step = [], size - 1, -1
        for col in range(size - 1, 0, -2):  # two columns at a time, zigzag, as ISO/IEC 18004
            if col <= 6:
                col -= 1  # the vertical timing pattern is skipped
            while True:
                order.extend((row, c) for c in (col, col - 1) if (row, c) in data)
                row += step
                if row < 0 or row >= size:
                    row -= step
                    step = -step
                    break
        codewords = [order[i:i + 8] for i in range(0, len(order) - len(order) % 8, 8)]
        found = _templates[version] = (zero, codewords)
    return found


def _bits(chunks, version):
    """(bits as one integer, their count) of the segments' headers and data."""
    sizes = qr_util.mode_sizes_for_version(version)
    value = count = 0
    for chunk in chunks:
        data, mode = chunk.data, chunk.mode
        value = (value << 4 | mode) << sizes[mode] | len(data)
        count += 4 + sizes[mode]
        if mode == qr_util.MODE_NUMBER:
            for i in range(0, len(data), 3):
                part = data[i:i + 3]
                width = qr_util.NUMBER_LENGTH[len(part)]
                value = value << width | int(part)
                count += width
        elif mode == qr_util.MODE_ALPHA_NUM:
            for i in range(0, len(data), 2):
                part = data[i:i + 2]
                if len(part) == 2:
                    value = value << 11 | (qr_util.ALPHA_NUM.find(part[:1]) * 45 + qr_util.ALPHA_NUM.find(part[1:]))
                    count += 11
                else:
                    value = value << 6 | qr_util.ALPHA_NUM.find(part)
                    count += 6
        else:
            value = value << 8 * len(data) | int.from_bytes(data, "big")
            count += 8 * len(data)
    return value, count


def _interleaved(blocks):
    """The first codeword of each block, then the second of each … (longer blocks last)."""
    shortest = min(map(len, blocks))
    out = [codeword for column in zip(*blocks, strict=False) for codeword in column]  # to the shortest
    for index in range(shortest, max(map(len, blocks))):
        out.extend(block[index] for block in blocks if index < len(block))
    return out


def _encode(data):
    chunks = list(qr_util.optimal_data_chunks(data, minimum=_OPTIMIZE))
    shape = tuple((chunk.mode, len(chunk)) for chunk in chunks)
    version = _versions.get(shape)
    if version is None:
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, mask_pattern=MASK_PATTERN)
        code.data_list = chunks
        version = _versions[shape] = code.best_fit()
    blocks = qr_base.rs_blocks(version, ERROR_CORRECT_M)
    capacity = sum(block.data_count for block in blocks)
    value, count = _bits(chunks, version)
    terminator = min(capacity * 8 - count, 4)
    count += terminator
    value <<= terminator + (-count % 8)
    count += -count % 8
    codewords = list(value.to_bytes(count // 8, "big")) if count else []
    codewords += [0xEC, 0x11] * ((capacity - len(codewords)) // 2 + 1)
    del codewords[capacity:]
    data_blocks, ecc_blocks, offset = [], [], 0
    for block in blocks:
        part = codewords[offset:offset + block.data_count]
        offset += block.data_count
        data_blocks.append(part)
        ecc_blocks.append(_remainder(part, block.total_count - block.data_count))
    stream = _interleaved(data_blocks) + _interleaved(ecc_blocks)
    zero, places = _template(version)
    modules = [list(row) for row in zero]
    for byte, positions in zip(stream, places, strict=True):
        for bit in _SET_BITS[byte]:
            row, col = positions[bit]
            modules[row][col] = not modules[row][col]
    return modules


def draw_qr(canvas, data: str, x: float, y: float, size: float, *, quiet: int = 4) -> None:
    """Draw a QR code of ``data`` whose symbol is ``size`` points wide, lower left corner at
    (x, y), on a white quiet zone of ``quiet`` modules around it (keep that space free)."""
    modules = qr_matrix(data)
    count = len(modules)
    unit = size / count
    parts = []
    for row, cells in enumerate(modules):
        line = count - 1 - row
        column = 0
        while column < count:
            if cells[column]:
                start = column
                while column < count and cells[column]:
                    column += 1
                parts.append(f"{start} {line} {column - start} 1 re")
            else:
                column += 1
    canvas.saveState()
    if quiet:
        canvas.setFillColor(white)
        margin = quiet * unit
        canvas.rect(x - margin, y - margin, size + 2 * margin, size + 2 * margin, stroke=0, fill=1)
    canvas.setFillColor(black)
    canvas.addLiteral(f"{unit:.5f} 0 0 {unit:.5f} {x:.3f} {y:.3f} cm")
    canvas.addLiteral(" ".join(parts) + " f")
    canvas.restoreState()
