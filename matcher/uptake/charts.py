"""Charts as inline SVG, drawn by matplotlib on the server: bars, a line, a funnel.

A chart carries no title of its own: its section's heading names it, and so does its
``aria-label``. The page's Content-Security-Policy allows no inline styles, so each
``style`` matplotlib writes becomes the SVG presentation attributes it stands for, and its
``<style>`` goes (its line joins are cosmetic). Text stays text (``svg.fonttype: none``): the
browser sets it in a CJK font, and the one registered here (``MATCHER_PDF_FONT``'s, as for
printed documents) only measures it. The SVG has no width or height of its own: it scales
to its box through its ``viewBox``.
"""

import functools
import io
import re
import textwrap
import threading
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import matplotlib
from markupsafe import Markup
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from matcher.config import settings

STAGE_COLOURS = ("#4c78a8", "#f58518", "#54a24b", "#b279a2")
"""Eligible, notified, claimed, approved: the same colour for a stage in every chart."""
WIDTH_INCHES = 5.0
"""Narrow enough that the text stays legible when a phone scales the chart to its width."""
LABEL_CHARACTERS, LABEL_LINES = 9, 3
"""A category's label is wrapped to lines this long, and cut after this many: its table
beside the chart names it in full."""
_STYLE = re.compile(r' style="([^"]*)"')
_DROPPED = re.compile(
    r"<\?xml[^>]*>\s*|<!DOCTYPE[^>]*>\s*|<metadata>.*?</metadata>\s*|<style[^>]*>.*?</style>\s*",
    re.DOTALL,
)
_SIZE = re.compile(r'<svg ([^>]*?)width="[^"]*" height="[^"]*" ')
_DRAWING = threading.Lock()
"""Settings are matplotlib's global state: one chart is drawn at a time (requests run in
threads), which costs little, drawing being Python holding the GIL anyway."""
warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning, "matplotlib")
"""Without a CJK font the text is measured in another; the browser still sets it in one."""


@functools.cache
def _font_family() -> str | None:
    """The family of the configured CJK font, registered with matplotlib; ``None``: none."""
    path = settings().pdf_font
    if path is None or not path.is_file():
        return None
    font_manager.fontManager.addfont(str(path))
    return str(font_manager.FontProperties(fname=str(path)).get_name())


@contextmanager
def _drawing(title: str) -> Iterator[None]:
    """Draw one chart under its settings; the salt keeps the ids of two charts apart."""
    family = _font_family()
    options: dict[Any, Any] = {
        "svg.fonttype": "none",
        "svg.hashsalt": title,
        "font.family": [family] if family else ["sans-serif"],
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    with _DRAWING, matplotlib.rc_context(options):
        yield


def _attributes(match: re.Match[str]) -> str:
    """``style="fill: #fff; font-family: 'X'"`` as ``fill="#fff" font-family="'X', sans-serif"``."""
    pairs = []
    for declaration in match.group(1).split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name == "font-family":
            value += ", sans-serif"
        if name:
            pairs.append(f' {name}="{value}"')
    return "".join(pairs)


def _label(text: str) -> str:
    lines = textwrap.wrap(text, LABEL_CHARACTERS) or [""]
    if len(lines) > LABEL_LINES:
        lines = [*lines[: LABEL_LINES - 1], lines[LABEL_LINES - 1][:-1] + "…"]
    return "\n".join(lines)


def _svg(figure: Figure, title: str) -> Markup:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = _STYLE.sub(_attributes, _DROPPED.sub("", buffer.getvalue()))
    text = _SIZE.sub(r'<svg \1class="chart" role="img" ', text, count=1)
    label = str(Markup.escape(title))
    return Markup(text.replace("<svg ", f'<svg aria-label="{label}" ', 1))


def bar_chart(
    title: str, categories: Sequence[str], series: Mapping[str, Sequence[float]]
) -> Markup:
    """Horizontal bars, one group per category (top to bottom), one bar per series."""
    with _drawing(title):
        labels = [_label(category) for category in categories]
        lines = sum(label.count("\n") + 1 for label in labels)
        height = 1.0 + max(0.22 * len(series) * len(categories), 0.17 * lines)
        figure = Figure(figsize=(WIDTH_INCHES, height))
        axes = figure.subplots()
        thickness = 0.8 / max(len(series), 1)
        positions = range(len(categories))
        for index, (name, numbers) in enumerate(series.items()):
            axes.barh(
                [p + index * thickness for p in positions],
                numbers,
                height=thickness,
                label=name,
                color=STAGE_COLOURS[index % len(STAGE_COLOURS)],
            )
        axes.set_yticks([p + thickness * (len(series) - 1) / 2 for p in positions], labels)
        axes.invert_yaxis()
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.06), frameon=False, ncols=len(series)
        )
        return _svg(figure, title)


def line_chart(title: str, labels: Sequence[str], series: Mapping[str, Sequence[float]]) -> Markup:
    """One line per series across ``labels`` (months), markers on each point."""
    with _drawing(title):
        figure = Figure(figsize=(WIDTH_INCHES, 3.2))
        axes = figure.subplots()
        for index, (name, numbers) in enumerate(series.items()):
            colour = STAGE_COLOURS[(index + 2) % len(STAGE_COLOURS)]
            axes.plot(labels, numbers, marker="o", label=name, color=colour)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylim(bottom=0)
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False, ncols=2)
        if len(labels) > 6:
            axes.tick_params(axis="x", labelrotation=45)
        return _svg(figure, title)


def funnel_chart(title: str, stages: Sequence[str], counts: Sequence[int]) -> Markup:
    """Centred bars narrowing from the first stage down, each with its count and its share
    of the first."""
    with _drawing(title):
        figure = Figure(figsize=(WIDTH_INCHES, 0.6 + 0.55 * len(stages)))
        axes = figure.subplots()
        widest = max([*counts, 1])
        lefts = [(widest - count) / 2 for count in counts]
        positions = range(len(stages))
        axes.barh(positions, counts, left=lefts, color=STAGE_COLOURS[: len(stages)], height=0.8)
        for position, count in zip(positions, counts, strict=True):
            share = f"（{count * 100 / counts[0]:.0f}%）" if counts[0] else ""
            axes.text(widest / 2, position, f"{count}{share}", ha="center", va="center")
        axes.set_yticks(list(positions), stages)
        axes.invert_yaxis()
        axes.set_xticks([])
        axes.spines[["left", "bottom"]].set_visible(False)
        return _svg(figure, title)
