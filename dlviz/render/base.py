"""What every figure module shares: the themed rc context and a pyplot-free figure."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib as mpl
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from dlviz.theme import Theme, matplotlib_rc, wrap

SLIDE = (12.8, 7.2)  # inches: the 16:9 page of the figures drawn as slides, in both looks


def slide_font(theme: Theme) -> float:
    """One type size for both looks on the 16:9 page (the dark one, for slides, larger)."""
    return 11.0 if theme.name == "light" else 13.0


@contextmanager
def themed(theme: Theme) -> Iterator[None]:
    """The theme's rcParams for the duration of building and saving a figure."""
    with mpl.rc_context(matplotlib_rc(theme)):
        yield


def new_figure(
    theme: Theme, figsize: tuple[float, float] | None = None, layout: str | None = "constrained"
) -> Figure:
    """A Figure on an Agg canvas: no pyplot, so no global figure registry."""
    fig = Figure(figsize=figsize or theme.figsize, dpi=theme.dpi, layout=layout)
    FigureCanvasAgg(fig)
    return fig


def style_3d_axes(ax, theme: Theme) -> None:
    """3-D panes follow the theme instead of matplotlib's fixed grey."""
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.set_pane_color(mpl.colors.to_rgba(theme.background, 1.0))
        axis._axinfo["grid"]["color"] = theme.grid


def fitted_text(fig: Figure, x: float, y: float, s: str, *, width: float, fontsize: float, **kw):
    """``fig.text`` with ``s`` wrapped (Chinese too) to ``width`` inches,
    measured in the figure's own renderer, not guessed from a character count."""
    cells_wide = width * 72 / (fontsize * 0.5)
    artist = fig.text(x, y, wrap(s, cells_wide, 2), fontsize=fontsize, **kw)
    renderer = fig.canvas.get_renderer()
    for _ in range(8):
        drawn = artist.get_window_extent(renderer).width / fig.dpi
        if drawn <= width:
            break
        cells_wide *= 0.97 * width / drawn
        artist.set_text(wrap(s, cells_wide, 2))
    return artist
