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
