"""`{% bar_chart table %}`: an accessible, server-rendered horizontal bar chart (inline SVG, no script).

Every indicator chart is drawn by this one tag. The chart never carries information by colour alone:
each bar has its category written on the left and its value written at its end; a masked value has no
bar and reads « < 5 » (or « secret » for a cell masked so that another one cannot be recomputed), on a
hatched band. The SVG is an image named by its title and a one-sentence summary; the data table follows
it on the page (the chart is its illustration, the table its equivalent).

`table` is the shape of spro.activity.indicators tables: {"code", "title", "rows": [(code, label,
value or None)], "total"}, optionally "secondary" (codes masked by secondary suppression) and "unit".
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
MASKED_WIDTH = 40  # the hatched band of a masked value
LABEL_CHARS = 40


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


@register.inclusion_tag("spro/bar_chart.html")
def bar_chart(table, threshold=5, max_rows=MAX_ROWS):
    secondary = set(table.get("secondary", ()))
    rows = list(table["rows"])
    hidden = max(0, len(rows) - max_rows)
    rows = rows[:max_rows]
    largest = max([value for _c, _l, value in rows if value is not None] or [0])
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for index, (code, label, value) in enumerate(rows):
        y = TOP + index * ROW_HEIGHT
        if value is None:
            text = "secret" if code in secondary else f"< {threshold}"
            width = MASKED_WIDTH
        else:
            text = f"{value:,}".replace(",", "\u202f")
            width = round(span * value / largest, 1) if largest else 0
        bars.append(
            {
                "label": _short(label),
                "full_label": label,
                "masked": value is None,
                "text": text,
                "y": y,
                "bar_y": y + (ROW_HEIGHT - BAR_HEIGHT) / 2,
                "text_y": y + ROW_HEIGHT / 2,
                "width": width,
                "value_x": LABEL_WIDTH + width + 6,
            }
        )
    visible = [(label, value) for _c, label, value in rows if value]
    if visible:
        top_label, top_value = max(visible, key=lambda item: item[1])
        summary = f"Valeur la plus haute : {top_label}, {top_value}."
    else:
        summary = "Aucune valeur non nulle n'est affichée."
    if hidden:
        plural = "s" if hidden > 1 else ""
        summary += f" {hidden} autre{plural} ligne{plural} dans le tableau."
    return {
        "id": f"graphique-{table['code']}",
        "title": table["title"],
        "summary": summary,
        "bars": bars,
        "hidden": hidden,
        "width": WIDTH,
        "height": TOP * 2 + len(rows) * ROW_HEIGHT,
        "label_x": LABEL_WIDTH - 8,
        "bar_x": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
        "masked_width": MASKED_WIDTH,
    }
