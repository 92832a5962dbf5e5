"""Views and forms are imported when first opened: every name in their registries resolves."""

from __future__ import annotations

import pytest

from wbtui.tui.forms import FORMS, FormScreen
from wbtui.tui.views import VIEWS, view_class
from wbtui.tui.views.base import View


@pytest.mark.parametrize("kind", list(VIEWS), ids=lambda k: k.name)
def test_every_kind_has_its_view(kind):
    assert issubclass(view_class(kind), View)


@pytest.mark.parametrize("spec", FORMS.values(), ids=lambda s: s.name)
def test_every_form_resolves_to_a_form_screen(spec):
    module, _, name = spec.screen.partition(":")
    cls = getattr(__import__(f"wbtui.tui.forms.{module}", fromlist=[name]), name)
    assert issubclass(cls, FormScreen)
