"""Charts drawn on the server as SVG text: no outside service, no chart library.

- ``rate_bars(items)``: horizontal bars of a ratio per branch (参与率), the branch name
  above its bar so a 360 px phone has the whole width for it; dark bars on white with
  the value written out, readable in black and white on paper.
- ``month_columns(items)``: a column per month (参与人次 month by month).
- ``monthly_presences(filters, within)``: the numbers of the second chart, one GROUP BY.

Every text is escaped; the SVG scales to its container (viewBox, width 100%).
"""
from datetime import datetime

import sqlalchemy as sa
from markupsafe import Markup, escape

from app.checkin.attendance import attendance_rows
from app.extensions import db
from app.org.models import Branch
from app.timeutil import local_zone

BAR_WIDTH = 500  # viewBox units: on a 360 px phone 1 unit ≈ 0.6 px, text stays ≥ 12 px
COLUMN_WIDTH = 480
BAR = "#37474f"
TRACK = "#eceff1"
INK = "#212121"
MUTED = "#616161"
FONT = "font-family=\"sans-serif\""


def _percent(value):
    return "—" if value is None else f"{value * 100:.1f}%"


def rate_bars(items, title="参与率"):
    """SVG of [(label, ratio or None)] as horizontal bars (0–100 %)."""
    width, row, top, track = BAR_WIDTH, 58, 4, BAR_WIDTH - 100
    height = top + row * max(len(items), 1) + 6
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-bars" '
             f'viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'aria-label="{escape(title)}">']
    if not items:
        parts.append(f'<text x="0" y="30" {FONT} font-size="22" fill="{MUTED}">暂无数据</text>')
    for index, (label, value) in enumerate(items):
        y = top + index * row
        share = max(0.0, min(1.0, value or 0.0))
        parts.append(f'<text x="0" y="{y + 21}" {FONT} font-size="21" fill="{INK}">'
                     f'{escape(label)}</text>')
        parts.append(f'<rect x="0" y="{y + 30}" width="{track}" height="20" fill="{TRACK}"/>')
        parts.append(f'<rect x="0" y="{y + 30}" width="{track * share:.1f}" height="20" '
                     f'fill="{BAR}"/>')
        parts.append(f'<text x="{width}" y="{y + 47}" {FONT} font-size="21" fill="{INK}" '
                     f'text-anchor="end">{_percent(value)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def month_columns(items, title="参与人次"):
    """SVG of [(label, count)] as columns with the count above each."""
    width, height, base, left = COLUMN_WIDTH, 260, 220, 2
    count = max(len(items), 1)
    step = (width - left) / count
    peak = max([value for _, value in items] + [1])
    every = 1 if count <= 12 else (2 if count <= 24 else max(1, count // 12))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-columns" '
             f'viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'aria-label="{escape(title)}">',
             f'<line x1="0" y1="{base}" x2="{width}" y2="{base}" stroke="{MUTED}" '
             f'stroke-width="1"/>']
    for index, (label, value) in enumerate(items):
        x = left + index * step
        tall = (base - 30) * value / peak
        width = max(step * 0.7, 2)
        parts.append(f'<rect x="{x + (step - width) / 2:.1f}" y="{base - tall:.1f}" '
                     f'width="{width:.1f}" height="{tall:.1f}" fill="{BAR}"/>')
        if value and count <= 24:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{base - tall - 6:.1f}" {FONT} '
                         f'font-size="{18 if count <= 12 else 13}" fill="{INK}" '
                         f'text-anchor="middle">{value}</text>')
        if index % every == 0:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{base + 26}" {FONT} '
                         f'font-size="{18 if count <= 12 else 14}" fill="{MUTED}" '
                         f'text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _month_start(year, month):
    return datetime(year, month, 1, tzinfo=local_zone())


def monthly_presences(filters, within=None):
    """[(label, 参与人次)] for every month of the period (local months), one statement."""
    months = filters.period.months()
    rows = attendance_rows(sessions=filters.sessions())
    bounds = []
    for index, (year, month) in enumerate(months):
        after = (year + 1, 1) if month == 12 else (year, month + 1)
        bounds.append((sa.and_(rows.c.starts_at >= _month_start(year, month),
                               rows.c.starts_at < _month_start(*after)), index))
    bucket = sa.case(*bounds, else_=-1).label("bucket")
    query = (sa.select(bucket, sa.func.sum(rows.c.present)).select_from(rows)
             .group_by(bucket))
    if within is not None:
        query = query.join(Branch, Branch.id == rows.c.branch_id).where(within.subtree_filter())
    found = {index: int(value or 0) for index, value in db.session.execute(query)}
    several_years = filters.period.start.year != filters.period.end.year
    return [(f"{year % 100:02d}/{month}" if several_years else f"{month}月",
             found.get(index, 0)) for index, (year, month) in enumerate(months)]


def branch_rate_items(table):
    """The bars of the branch table: the branches one level below the top of what the
    reader sees (the top itself when it has no branches below)."""
    rows = [row for row in table.rows if row.depth == 1] or [
        row for row in table.rows if row.depth == 0]
    return [(row.branch.name, row.numbers["participation_rate"]) for row in rows]

