from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template (section names by id)."""
    return (mapping or {}).get(key, "")
