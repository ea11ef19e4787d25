from django import template

register = template.Library()


@register.filter
def percent(value: float | None, decimals: int = 1) -> str:
    """0.9123 -> "91.2%"."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.{int(decimals)}f}%"


@register.filter
def change(value: float | None) -> str:
    """A percent change with its sign: 18.2 -> "+18%", -4.6 -> "-5%", no change -> "0%";
    from nothing to something (infinite) -> "new"."""
    if value is None:
        return "—"
    if value == float("inf"):
        return "new"
    rounded = round(float(value))
    return f"{rounded:+d}%" if rounded else "0%"
