"""QuickSelect writes the same <select> as Django's Select, without a template per option."""

import pytest
from django import forms
from django.test.html import parse_html

from core.models import Team
from core.widgets import QuickSelect

pytestmark = pytest.mark.django_db


class Filters(forms.Form):
    status = forms.ChoiceField(choices=[("", "All"), ("a", "A & B"), ("<b>", '"quoted"')], required=False)
    team = forms.ModelChoiceField(queryset=Team.objects.order_by("name"), required=False)


@pytest.mark.parametrize("data", [{}, {"status": "<b>"}, {"status": "a", "team": "__team__"}])
def test_quick_select_writes_what_select_writes(data):
    red, blue = Team.objects.create(name="Red <1>"), Team.objects.create(name="Blue")
    data = {k: str(blue.pk) if v == "__team__" else v for k, v in data.items()}
    plain, fast = Filters(data), Filters(data)
    for name in ("status", "team"):
        fast.fields[name].widget = QuickSelect(choices=fast.fields[name].choices)
    for name in ("status", "team"):
        assert parse_html(str(fast[name])) == parse_html(str(plain[name])), name  # same elements
    assert "Red &lt;1&gt;" in str(fast["team"]) and red.pk
    assert 'value="&lt;b&gt;"' in str(fast["status"]) and "A &amp; B" in str(fast["status"])
