"""wbtui.fastjson reads exactly what the stdlib reads (orjson only where it agrees): NaN and
Infinity literals, huge integers, control characters, unicode, nesting."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wbtui import fastjson

scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**80), max_value=2**80)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)


def same(a: object, b: object) -> bool:
    """Equal, NaN equal to NaN, and of the same types (an int never read as a float)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


@settings(max_examples=300, deadline=None)
@given(values, st.booleans())
def test_loads_reads_what_the_stdlib_reads(value, as_bytes):
    text = json.dumps(value)
    assert same(fastjson.loads(text.encode() if as_bytes else text), json.loads(text))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=6), values, max_size=6), st.lists(st.text(max_size=6), max_size=4))
def test_subset_keeps_the_values_of_the_keys_asked_for(data, keys):
    keys = keys + list(data)[:2]
    picked = fastjson.subset(json.dumps(data), keys)
    assert same(json.loads(picked), {k: data[k] for k in keys if k in data})


@pytest.mark.parametrize("text", ['{"a": "tab\there"}', '["x\ny"]'])
def test_control_characters_only_when_not_strict(text):
    with pytest.raises(json.JSONDecodeError):
        fastjson.loads(text)
    assert fastjson.loads(text, strict=False) == json.loads(text, strict=False)


def test_invalid_json_is_the_stdlibs_error():
    with pytest.raises(json.JSONDecodeError):
        fastjson.loads(b"{oops")


@pytest.mark.parametrize("number", [2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64, 10**19 - 1, -(10**19) + 1])
def test_integers_at_the_64_bit_edges_stay_exact(number):
    assert same(fastjson.loads(f'{{"n": {number}}}'), {"n": number})
    assert same(json.loads(fastjson.subset(f'{{"n": {number}}}', ["n"])), {"n": number})


@pytest.mark.parametrize("text", ["0.0072992700729927005", "1.2345678901234567e+19", "12345678901234567890.5",
                                  "-12345678901234567890e2"])
def test_long_runs_of_digits_in_floats_are_floats(text):
    assert same(fastjson.loads(text), json.loads(text))


@pytest.mark.parametrize("text", ['"\ud800"', '{"a": "\udfff", "n": 12345678901234567890}'])
def test_lone_surrogates_are_read_as_the_stdlib_reads_them(text):
    assert same(fastjson.loads(text), json.loads(text))
