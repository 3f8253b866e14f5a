from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template (section names by id)."""
    return (mapping or {}).get(key, "")


@register.filter
def answer_label(value) -> str:
    """An answer as stored ("yes", "no", "na", a number) as the reader says it."""
    from django.utils.translation import gettext

    words = {"yes": gettext("Yes"), "no": gettext("No"), "na": gettext("N/A")}
    return words.get(str(value), value)


@register.filter
def share(value, places: int = 1) -> str:
    """A proportion (Share) as "84.0 % (71.5–91.7)", or "—" when it has no n."""
    from core.display import half_up

    if value is None or value.value is None:
        return "—"
    low, high = value.interval
    return (
        f"{half_up(value.value * 100, places)} % ({half_up(low * 100, places)}–{half_up(high * 100, places)})"
    )


@register.filter
def kappa(agreement) -> str:
    """Cohen's kappa with its interval, "0.63 (0.40–0.87)", or "—" when undefined."""
    from core.display import half_up

    if agreement is None or agreement.kappa is None:
        return "—"
    low, high = agreement.kappa_interval
    return f"{half_up(agreement.kappa, 2)} ({half_up(low, 2)}–{half_up(high, 2)})"


@register.filter
def percent_or_dash(value, places: int = 1) -> str:
    """0.843 as "84.3 %", None as "—"."""
    from core.display import half_up

    return "—" if value is None else f"{half_up(value * 100, places)} %"


@register.filter
def number_or_dash(value, places: int = 1) -> str:
    """A figure rounded half-up, or "—" when there is none."""
    from core.display import half_up

    return "—" if value is None else str(half_up(value, places))
