"""Sweep parameter search against W&B's sweeps-engine semantics (order, grids, distributions)."""

from __future__ import annotations

import math
import random
import statistics

import pytest

from wbtui.sandbox.sweep_search import SweepConfigError, as_args, draw, grid, grid_size, parameters, point_key, point_of

NESTED = {"method": "grid", "parameters": {
    "param1": {"values": [1, 2, 3]},
    "param2": {"parameters": {"param3": {"values": [1, 2, 3]}, "param4": {"value": 1}}},
}}


def test_a_grid_runs_in_name_order_with_the_last_parameter_fastest():
    params = parameters({"parameters": {"lr": {"values": [0.1, 0.01]}, "bs": {"values": [16, 32]},
                                        "opt": {"value": "adam"}}})
    assert [p for p, _ in params] == [("bs",), ("lr",), ("opt",)]
    assert [as_args(p) for p in grid(params)][:2] == [
        {"bs": {"value": 16}, "lr": {"value": 0.1}, "opt": {"value": "adam"}},
        {"bs": {"value": 16}, "lr": {"value": 0.01}, "opt": {"value": "adam"}},
    ]
    assert grid_size(params) == 4


def test_nested_parameters_are_flattened_for_the_grid_and_rebuilt_as_dicts():
    params = parameters(NESTED)
    assert grid_size(params) == 9  # as W&B's own test expects for this config
    first = next(grid(params))
    assert as_args(first) == {"param1": {"value": 1}, "param2": {"value": {"param3": 1, "param4": 1}}}
    config = {"param1": {"value": 1}, "param2": {"value": {"param3": 1, "param4": 1}}, "_wandb": {"value": {}}}
    assert point_key(point_of(config, [p for p, _ in params])) == point_key(first)
    assert point_of({"param1": {"value": 1}}, [p for p, _ in params]) is None


def test_grids_enumerate_int_uniform_and_q_uniform_like_wandb():
    params = parameters({"parameters": {"a": {"min": 1, "max": 3}, "b": {"distribution": "q_uniform",
                                                                           "min": 0, "max": 1, "q": 0.25}}})
    assert [(p[("a",)], p[("b",)]) for p in grid(params)][:5] == [(1, 0), (1, 0.25), (1, 0.5), (1, 0.75), (2, 0)]
    assert grid_size(params) == 12
    with pytest.raises(SweepConfigError, match="grid search needs"):
        grid_size(parameters({"parameters": {"lr": {"distribution": "uniform", "min": 0, "max": 1}}}))


def test_integral_floats_and_ints_are_the_same_point():
    assert point_key({("a",): 3.0}) == point_key({("a",): 3})
    assert point_key({("a",): 3.5}) != point_key({("a",): 3})


DISTRIBUTIONS = [
    ({"distribution": "int_uniform", "min": -2, "max": 3}, lambda v: isinstance(v, int) and -2 <= v <= 3, 0.5),
    ({"min": 0.5, "max": 1.5}, lambda v: 0.5 <= v <= 1.5, 1.0),
    ({"distribution": "q_uniform", "min": 0, "max": 10, "q": 2}, lambda v: isinstance(v, int) and v % 2 == 0, 5),
    ({"distribution": "log_uniform_values", "min": 1e-4, "max": 1e-1},
     lambda v: 1e-4 <= v <= 1e-1, None),
    ({"distribution": "log_uniform", "min": 0, "max": 2}, lambda v: 1 <= v <= math.exp(2), None),
    ({"distribution": "inv_log_uniform_values", "min": 0.01, "max": 1}, lambda v: 0.01 <= v <= 1, None),
    ({"distribution": "normal", "mu": 10, "sigma": 2}, lambda v: isinstance(v, float), 10),
    ({"distribution": "q_normal", "mu": 100, "sigma": 10, "q": 5}, lambda v: isinstance(v, int) and v % 5 == 0, 100),
    ({"distribution": "log_normal", "mu": 0, "sigma": 0.5}, lambda v: v > 0, math.exp(0.125)),
    ({"distribution": "beta", "a": 2, "b": 6}, lambda v: 0 <= v <= 1, 0.25),
    ({"values": ["a", "b", "c"], "probabilities": [0.8, 0.2, 0.0]}, lambda v: v in ("a", "b"), None),
    ({"value": None}, lambda v: v is None, None),
]


@pytest.mark.parametrize("spec, valid, mean", DISTRIBUTIONS, ids=lambda x: x.get("distribution", "")
                         if isinstance(x, dict) else None)
def test_random_draws_follow_each_distribution(spec, valid, mean):
    rng = random.Random(7)
    params = parameters({"parameters": {"p": spec}})
    values = [draw(params, rng)[("p",)] for _ in range(4000)]
    assert all(valid(v) for v in values)
    if mean is not None:
        assert statistics.fmean(values) == pytest.approx(mean, rel=0.05, abs=0.05)


def test_log_uniform_values_spread_evenly_over_decades():
    rng = random.Random(1)
    params = parameters({"parameters": {"lr": {"distribution": "log_uniform_values", "min": 1e-4, "max": 1}}})
    decades = [math.floor(math.log10(draw(params, rng)[("lr",)])) for _ in range(4000)]
    counts = [decades.count(d) for d in (-4, -3, -2, -1)]
    assert all(abs(c - 1000) < 120 for c in counts)


def test_probabilities_weigh_categorical_draws():
    rng = random.Random(3)
    params = parameters({"parameters": {"opt": {"values": ["adam", "sgd"], "probabilities": [0.9, 0.1]}}})
    picks = [draw(params, rng)[("opt",)] for _ in range(2000)]
    assert picks.count("adam") / 2000 == pytest.approx(0.9, abs=0.03)


@pytest.mark.parametrize("params, message", [
    ({}, "parameters must be a non-empty mapping"),
    ({"x": 3}, "parameter x: expected a mapping"),
    ({"x": {"values": []}}, "values must be a non-empty list"),
    ({"x": {"values": [1, 2], "probabilities": [0.5]}}, "probabilities must be one per value"),
    ({"x": {"distribution": "zipf"}}, "unknown distribution 'zipf'"),
    ({"x": {"distribution": "uniform", "min": 0}}, "uniform needs max"),
    ({"x": {"min": 2, "max": 1}}, "min is greater than max"),
    ({"x": {"distribution": "log_uniform_values", "min": 0, "max": 1}}, "needs min and max above 0"),
    ({"x": {"distribution": "int_uniform", "min": 0.5, "max": 2}}, "int_uniform needs integer"),
    ({"o": {"parameters": {}}}, "o: parameters must be a non-empty mapping"),
])
def test_invalid_parameters_are_refused(params, message):
    with pytest.raises(SweepConfigError, match=message):
        parameters({"parameters": params})
