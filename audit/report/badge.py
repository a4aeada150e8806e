"""SVG badge "coverage | NN%" in the flat shields.io style, colored by the overall coverage."""

from __future__ import annotations

from xml.sax.saxutils import escape

from audit.model.report import ReportModel

# (lowest coverage in percent, color), shields.io's palette from red to bright green
COLORS: tuple[tuple[float, str], ...] = (
    (90.0, "#4c1"),
    (75.0, "#97ca00"),
    (60.0, "#a4a61d"),
    (40.0, "#dfb317"),
    (20.0, "#fe7d37"),
    (0.0, "#e05d44"),
)

# advance widths of Verdana 11px (what shields.io measures with), other characters: 7.0
_WIDTHS = {
    **dict.fromkeys("0123456789", 7.0),
    "%": 11.9,
    ".": 4.0,
    " ": 3.9,
    "a": 6.6,
    "c": 5.7,
    "e": 6.6,
    "g": 6.8,
    "o": 6.7,
    "r": 4.7,
    "v": 6.5,
}
_PAD = 10.0


def color_for(percent: float) -> str:
    for lowest, color in COLORS:
        if percent >= lowest:
            return color
    return COLORS[-1][1]


def percent_text(percent: float) -> str:
    """68.5 → "68.5%", 100.0 → "100%" (the figure the HTML report shows, never re-rounded)."""
    return f"{percent:.1f}".removesuffix(".0") + "%"


def _text_width(text: str) -> float:
    return sum(_WIDTHS.get(ch, 7.0) for ch in text)


def render_badge(label: str, value: str, color: str) -> str:
    left = round(_text_width(label) + _PAD)
    right = round(_text_width(value) + _PAD)
    total = left + right
    label_x, value_x = left * 5, left * 10 + right * 5  # text is drawn at scale(.1)
    label_len, value_len = (left - _PAD) * 10, (right - _PAD) * 10
    title = escape(f"{label}: {value}")
    label, value = escape(label), escape(value)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" '
        f'aria-label="{title}">'
        f"<title>{title}</title>"
        '<linearGradient id="s" x2="0" y2="100%">'
        '<stop offset="0" stop-color="#bbb" stop-opacity=".1"/>'
        '<stop offset="1" stop-opacity=".1"/></linearGradient>'
        f'<clipPath id="r"><rect width="{total}" height="20" rx="3" fill="#fff"/></clipPath>'
        '<g clip-path="url(#r)">'
        f'<rect width="{left}" height="20" fill="#555"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{color}"/>'
        f'<rect width="{total}" height="20" fill="url(#s)"/></g>'
        '<g fill="#fff" text-anchor="middle" '
        'font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" '
        'font-size="110">'
        f'<text aria-hidden="true" x="{label_x}" y="150" fill="#010101" fill-opacity=".3" '
        f'transform="scale(.1)" textLength="{label_len:g}">{label}</text>'
        f'<text x="{label_x}" y="140" transform="scale(.1)" fill="#fff" '
        f'textLength="{label_len:g}">{label}</text>'
        f'<text aria-hidden="true" x="{value_x}" y="150" fill="#010101" fill-opacity=".3" '
        f'transform="scale(.1)" textLength="{value_len:g}">{value}</text>'
        f'<text x="{value_x}" y="140" transform="scale(.1)" fill="#fff" '
        f'textLength="{value_len:g}">{value}</text>'
        "</g></svg>\n"
    )


def render(model: ReportModel) -> str:
    overall = model.coverage.overall
    if not model.coverage.measured:  # no tracker: never a red 0% nor a green anything
        return render_badge("coverage", "not measured", "#9f9f9f")
    return render_badge("coverage", percent_text(overall), color_for(overall))
