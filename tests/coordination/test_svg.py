"""The server-side chart: well-formed SVG, accessible, nothing the CSP would block."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from vigil.coordination.svg import Category, Series, bar_chart, describe

NS = {"svg": "http://www.w3.org/2000/svg"}
SERIES = [
    Series("active", "Active groups", "#15803d"),
    Series("dormant", "Dormant groups", "#b45309"),
    Series("letters", "Letters this month", "#1d4ed8"),
]


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - our own output


def test_one_row_per_category_with_every_number_as_text() -> None:
    chart = bar_chart(
        [
            Category("Москва", {"active": 3, "dormant": 1, "letters": 120}),
            Category("Казань", {"active": 1, "dormant": 0, "letters": 6}),
        ],
        SERIES,
        title="Groups by region",
    )
    root = parse(chart)
    rows = root.findall("svg:g[@class='chart-row']", NS)
    assert [row.get("data-label") for row in rows] == ["Москва", "Казань"]
    moscow = {t.get("data-series"): t.text for t in rows[0].findall("svg:text[@class='value']", NS)}
    assert moscow == {"active": "3", "dormant": "1", "letters": "120"}
    # A zero draws no bar but still says 0.
    kazan_bars = {b.get("data-series") for b in rows[1].findall("svg:rect[@class='bar']", NS)}
    assert kazan_bars == {"active", "letters"}
    kazan = {t.get("data-series"): t.text for t in rows[1].findall("svg:text[@class='value']", NS)}
    assert kazan["dormant"] == "0"


def test_each_series_has_its_own_scale() -> None:
    root = parse(
        bar_chart(
            [
                Category("A", {"active": 2, "dormant": 0, "letters": 200}),
                Category("B", {"active": 1, "dormant": 0, "letters": 100}),
            ],
            SERIES,
            title="t",
        )
    )
    widths = {
        (row.get("data-label"), bar.get("data-series")): float(bar.get("width") or 0)
        for row in root.findall("svg:g[@class='chart-row']", NS)
        for bar in row.findall("svg:rect[@class='bar']", NS)
    }
    # The biggest value of each series gets the full bar, whatever the other series hold.
    assert widths[("A", "active")] == widths[("A", "letters")]
    assert widths[("B", "active")] == widths[("A", "active")] / 2
    assert widths[("B", "letters")] == widths[("A", "letters")] / 2


def test_accessible_name_and_description_hold_every_number() -> None:
    categories = [Category("Москва", {"active": 3, "dormant": 1, "letters": 7})]
    root = parse(bar_chart(categories, SERIES, title="Groups by region", description="Intro."))
    assert root.get("role") == "img"
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert title is not None and desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == "Groups by region"
    assert desc.text == (
        "Intro. Москва — Active groups: 3, Dormant groups: 1, Letters this month: 7."
    )
    assert describe(categories, SERIES) in (desc.text or "")


def test_no_style_attribute_or_element_and_no_script() -> None:
    """SECURE_CSP has no 'unsafe-inline': the chart uses presentation attributes only."""
    markup = bar_chart([Category("A", {"active": 1})], SERIES, title="t")
    root = parse(markup)
    for element in root.iter():
        assert "style" not in element.attrib, element.tag
        assert not element.tag.endswith(("}style", "}script", "}foreignObject"))
        assert not any(name.startswith("on") for name in element.attrib)
    assert "href" not in markup


def test_text_is_escaped() -> None:
    hostile = '<script>alert("x")</script> & "quotes"'
    markup = bar_chart(
        [Category(hostile, {"active": 1})],
        [Series("active", hostile, "#000")],
        title=hostile,
        description=hostile,
        element_id="c1",
    )
    assert "<script>" not in markup
    root = parse(markup)  # still well-formed
    title = root.find("svg:title", NS)
    assert title is not None and title.text == hostile
    row = root.find("svg:g[@class='chart-row']", NS)
    assert row is not None and row.get("data-label") == hostile


def test_long_labels_are_shortened_and_headers_wrapped() -> None:
    long_name = "Россия к западу от Урала и ещё очень длинное название области"
    root = parse(
        bar_chart(
            [Category(long_name, {"active": 1})],
            [Series("active", "Meetings in the last three months", "#000")],
            title="t",
        )
    )
    label = root.find("svg:g[@class='chart-row']/svg:text", NS)
    assert label is not None and label.text is not None
    assert label.text.endswith("…") and len(label.text) < len(long_name)
    header = root.find("svg:g[@class='chart-series']/svg:text", NS)
    assert header is not None
    assert len(header.findall("svg:tspan", NS)) == 2


def test_empty_chart_is_still_valid_svg() -> None:
    root = parse(bar_chart([], SERIES, title="Nothing yet"))
    assert root.findall("svg:g[@class='chart-row']", NS) == []
    title = root.find("svg:title", NS)
    assert title is not None and title.text == "Nothing yet"
