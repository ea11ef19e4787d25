from django import template

register = template.Library()


@register.filter
def percent(value: float | None, decimals: int = 1) -> str:
    """0.9123 -> "91.2%"."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.{int(decimals)}f}%"
