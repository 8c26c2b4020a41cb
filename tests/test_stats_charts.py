"""The server-made SVG charts: what they draw, and that names are text, never markup."""
import re
from xml.etree import ElementTree

from app.stats.charts import month_columns, rate_bars

SVG = "{http://www.w3.org/2000/svg}"


def test_rate_bars_draw_one_bar_per_branch_with_its_percentage():
    svg = str(rate_bars([("第一党支部", 0.5), ("第二党支部", None), ("<b>支部</b>&", 1.2)]))
    root = ElementTree.fromstring(svg)  # well-formed XML: names are escaped
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["第一党支部", "50.0%", "第二党支部", "—", "<b>支部</b>&", "120.0%"]
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("fill") != "#eceff1"]
    widths = [float(r.get("width")) for r in bars]
    assert widths[0] == 200.0 and widths[1] == 0.0 and widths[2] == 400.0  # capped at 100 %
    assert root.get("role") == "img" and root.get("aria-label") == "参与率"


def test_an_empty_chart_says_so():
    assert "暂无数据" in str(rate_bars([]))


def test_month_columns_label_every_month_and_scale_to_the_highest():
    svg = str(month_columns([(f"{m}月", value) for m, value in
                             zip(range(1, 13), [0, 4, 8, 0, 0, 2, 0, 0, 0, 0, 0, 8], strict=True)]))
    root = ElementTree.fromstring(svg)
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert [label for label in labels if label.endswith("月")] == [f"{m}月" for m in range(1, 13)]
    heights = [float(r.get("height")) for r in root.iter(f"{SVG}rect")]
    assert heights[2] == heights[11] == max(heights) and heights[0] == 0
    assert re.search(r'viewBox="0 0 \d+ \d+"', svg)
