"""`{% bar_chart table %}`: an accessible, server-rendered bar chart (inline SVG, no script).

Every indicator chart is drawn by this one tag: horizontal bars for categories, columns (`columns=True`)
for a monthly trend. The chart never carries information by colour alone: each bar has its category
written beside it and its value written at its end; a masked value has no bar but a hatched band and
reads « < 5 » (or « secret » for a cell masked so that another one cannot be recomputed). The SVG is an
image named by its title and a one-sentence summary; the data table follows it on the page (the chart
is its illustration, the table its equivalent).

`table` is the shape of spro.activity.indicators tables: {"code", "title", "rows": [(code, label,
value or None)], "total"}, optionally "secondary" (codes masked by secondary suppression).
"""

from django import template

register = template.Library()

WIDTH = 720
LABEL_WIDTH = 270  # category labels, right-aligned against the bars
VALUE_WIDTH = 90  # the value written after the longest bar
ROW_HEIGHT = 28
BAR_HEIGHT = 18
TOP = 8
MAX_ROWS = 15
MASKED_SIZE = 40  # the hatched band of a masked value
LABEL_CHARS = 36
# Columns (monthly trend): the plot area, then two lines of label (month, year) under each column.
COLUMN_PLOT = 180
COLUMN_TOP = 24  # room for the value written above the highest column
COLUMN_LABELS = 40
MAX_COLUMNS = 24
SHORT_MONTHS = {
    "janvier": "janv.", "février": "févr.", "mars": "mars", "avril": "avr.", "mai": "mai", "juin": "juin",
    "juillet": "juil.", "août": "août", "septembre": "sept.", "octobre": "oct.", "novembre": "nov.",
    "décembre": "déc.",
}  # fmt: skip


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _number(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def _summary(rows, hidden: int) -> str:
    visible = [(label, value) for _c, label, value in rows if value]
    if visible:
        top_label, top_value = max(visible, key=lambda item: item[1])
        summary = f"Valeur la plus haute : {top_label}, {_number(top_value)}."
    else:
        summary = "Aucune valeur non nulle n'est affichée."
    if hidden:
        plural = "s" if hidden > 1 else ""
        summary += f" {hidden} autre{plural} ligne{plural} dans le tableau seulement."
    return summary


def _value_text(code, value, secondary, threshold) -> str:
    if value is None:
        return "secret" if code in secondary else f"< {threshold}"
    return _number(value)


def _bars(rows, secondary, threshold, largest):
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for index, (code, label, value) in enumerate(rows):
        y = TOP + index * ROW_HEIGHT
        length = MASKED_SIZE if value is None else (round(span * value / largest, 1) if largest else 0)
        bars.append(
            {
                "label": _short(label),
                "full_label": label,
                "masked": value is None,
                "text": _value_text(code, value, secondary, threshold),
                "x": LABEL_WIDTH,
                "y": y + (ROW_HEIGHT - BAR_HEIGHT) / 2,
                "width": length,
                "height": BAR_HEIGHT,
                "label_x": LABEL_WIDTH - 8,
                "label_y": y + ROW_HEIGHT / 2,
                "value_x": LABEL_WIDTH + length + 6,
                "value_y": y + ROW_HEIGHT / 2,
            }
        )
    return bars, TOP * 2 + len(rows) * ROW_HEIGHT


def _columns(rows, secondary, threshold, largest):
    step = (WIDTH - 16) / max(len(rows), 1)
    width = min(40, step * 0.7)
    base = COLUMN_TOP + COLUMN_PLOT
    bars = []
    for index, (code, label, value) in enumerate(rows):
        x = 8 + index * step + (step - width) / 2
        height = MASKED_SIZE if value is None else (round(COLUMN_PLOT * value / largest, 1) if largest else 0)
        month, _, year = label.partition(" ")
        bars.append(
            {
                "label": SHORT_MONTHS.get(month, month[:5]),
                "label2": year,
                "full_label": label,
                "masked": value is None,
                "text": _value_text(code, value, secondary, threshold),
                "x": round(x, 1),
                "y": round(base - height, 1),
                "width": round(width, 1),
                "height": height,
                "label_x": round(x + width / 2, 1),
                "label_y": base + 14,
                "value_x": round(x + width / 2, 1),
                "value_y": round(base - height - 6, 1),
            }
        )
    return bars, base + COLUMN_LABELS


@register.inclusion_tag("spro/bar_chart.html")
def bar_chart(table, threshold=5, columns=False):
    secondary = set(table.get("secondary", ()))
    rows = list(table["rows"])
    limit = MAX_COLUMNS if columns else MAX_ROWS
    hidden = max(0, len(rows) - limit)
    rows = rows[-limit:] if columns else rows[:limit]  # the latest months, or the first categories
    largest = max([value for _c, _l, value in rows if value is not None] or [0])
    bars, height = (_columns if columns else _bars)(rows, secondary, threshold, largest)
    return {
        "id": f"graphique-{table['code']}",
        "title": table["title"],
        "summary": _summary(rows, hidden),
        "bars": bars,
        "columns": columns,
        "hidden": hidden,
        "any_masked": any(bar["masked"] for bar in bars),
        "width": WIDTH,
        "height": height,
        "axis": (
            {"x1": 0, "y1": COLUMN_TOP + COLUMN_PLOT, "x2": WIDTH, "y2": COLUMN_TOP + COLUMN_PLOT}
            if columns
            else {"x1": LABEL_WIDTH, "y1": 0, "x2": LABEL_WIDTH, "y2": height}
        ),
    }
