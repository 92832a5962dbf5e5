"""One metric of one or more runs as a terminal line chart (plotext), with smoothing and log scale."""

from __future__ import annotations

import math
from dataclasses import dataclass

from textual_plotext import PlotextPlot

from ..text import plain


@dataclass(frozen=True)
class Series:
    label: str
    xs: list[float]
    ys: list[float]


def smooth(values: list[float], weight: float) -> list[float]:
    """Exponential moving average with TensorBoard's debiasing (the first points are not
    pulled towards zero)."""
    if weight <= 0:
        return values
    out, last, count = [], 0.0, 0
    for item in values:
        count += 1
        last = last * weight + (1 - weight) * item
        out.append(last / (1 - weight**count))
    return out


def series_from_rows(label: str, rows: list[dict], x_axis: str, key: str) -> Series:
    """Points of `key` against `x_axis`, dropping non-numbers (NaN, strings, missing)."""
    xs, ys = [], []
    for row in rows:
        x, y = row.get(x_axis), row.get(key)
        if _number(x) and _number(y):
            xs.append(float(x))
            ys.append(float(y))
    return Series(label, xs, ys)


def _number(item: object) -> bool:
    return isinstance(item, (int, float)) and not isinstance(item, bool) and math.isfinite(item)


class MetricChart(PlotextPlot):
    """Draw with `show(title, series, ...)`; it redraws itself on resize."""

    DEFAULT_CSS = """
    MetricChart { height: 14; min-height: 8; }
    """

    def show(self, title: str, series: list[Series], *, x_label: str, log_y: bool, smoothing: float) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(plain(title))
        plt.xlabel(x_label)
        drawn = 0
        for item in series:
            ys = smooth(item.ys, smoothing)
            if log_y:
                points = [(x, y) for x, y in zip(item.xs, ys) if y > 0]
                if not points:
                    continue
                xs, ys = map(list, zip(*points))
            else:
                xs = item.xs
            if xs:
                plt.plot(xs, ys, label=plain(item.label)[:30], marker="braille")
                drawn += 1
        if log_y:
            plt.yscale("log")
        if not drawn:
            plt.title(f"{plain(title)} — no numeric values" + (" above 0 for log scale" if log_y else ""))
        self.refresh()
