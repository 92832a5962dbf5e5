"""How values are written: compact in tables, every digit in the config and summary trees."""

from __future__ import annotations

import pytest

from wbtui.tui.text import value


@pytest.mark.parametrize(("item", "compact", "exact"), [
    (1791590400.0, "1791590400", "1791590400.0"),  # a timestamp keeps its digits, no exponent
    (0.0227032112, "0.0227032", "0.0227032112"),
    (1.5e20, "1.5e+20", "1.5e+20"),
    (3, "3", "3"),
    (True, "true", "true"),
    (None, "", ""),
    ({"a": [1, 2]}, '{"a":[1,2]}', '{"a":[1,2]}'),
])
def test_values_are_compact_in_tables_and_exact_in_trees(item, compact, exact):
    assert value(item) == compact
    assert value(item, exact=True) == exact


def test_a_long_value_is_cut_to_the_width_with_an_ellipsis():
    assert value("x" * 50, 10) == "x" * 9 + "…"
