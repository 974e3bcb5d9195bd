"""`animate(z)`: step through the forward and backward passes in a notebook widget.

Only core ipywidgets (Play, IntSlider, Button, Dropdown, HTML, HBox, VBox) and only the APIs
that ipywidgets 7.7.1 (Colab) and 8.x share. All stepping happens in Python observers on the
slider's and the Play's ``value``, so it works in frontends where ``jslink`` does nothing.

Layout of a view: the keyboard help, the controls, the caption, then the picture in a box of
its own that scrolls (at most the output's width and 60 % of the window's height), so the
controls and the caption never scroll away with a big picture. A tiny script in each picture
(`VIEW_JS`, run by an image's ``onload``) names the Play's icon buttons and the slider for
screen readers, makes the hidden step announcer a live region, lets the picture box take the
keyboard focus (to scroll it with the arrow keys), and scrolls it to the current step's box.
Where scripts cannot run, the picture still scrolls by hand.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import io
import os
from typing import Any, Dict, List, Optional, Union

import ipywidgets as widgets

from . import export
from .draw import save_png
from .export import KEYS, VIEW_JS  # the page and the widget share them
from .frames import Frame, build_frames
from .graph import Graph, build_graph
from .layout import layout
from .svg import _scene, render

_VIEW_MIMETYPE = "application/vnd.jupyter.widget-view+json"


# The classic Notebook (6.x) with ipywidgets 7: once its widget manager has asked the kernel
# for the widgets that exist (a request queued behind every cell of a "Run All" pressed just
# after the kernel started), it re-renders each cell that has a widget output, and that removes
# the views already shown and blanks them for good (widgetsnbextension 3.6). Cells whose widget
# outputs all have live views need no re-rendering: they are left alone. Elsewhere
# (JupyterLab, Notebook 7, Colab, VS Code) there is no `Jupyter.notebook` and this does nothing.
KEEP_VIEWS_JS = (
    "var N=window.Jupyter&&Jupyter.notebook,P=N&&Object.getPrototypeOf(N),"
    "W='application/vnd.jupyter.widget-view+json';"
    "if(P&&P.render_cell_output&&!P.agKeepViews){P.agKeepViews=1;var f=P.render_cell_output;"
    "P.render_cell_output=function(c){var o=c&&c.output_area,w=o&&o._jupyterWidgetViews,"
    "n=o?o.outputs.filter(function(x){return x.data&&x.data[W]&&x.data[W].model_id;}).length:0;"
    "if(w&&n&&w.length>=n)return;return f.apply(this,arguments);};}"
)
_PIXEL = "data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw=="
RUN_VIEW_JS = (f'<img alt="" src="{_PIXEL}" style="display:none" '
               f'onload="(function(){{{html.escape(KEEP_VIEWS_JS + VIEW_JS)}}}).call(this)">')

# The view's style sheet: captions take the theme's text colour (no fixed greys that vanish
# on a dark background), the picture scrolls within the view's width, the step announcer is
# read but not shown.
VIEW_CSS = (
    ".ag-view .ag-caption [style*=color]{color:inherit!important}"
    # the picture's own width (800 px, say) must not widen the view: it scrolls instead
    # (ipywidgets 7 in JupyterLab 3 sizes the output by its content otherwise)
    ".ag-view .ag-picture{contain:inline-size;min-width:0}"
    ".ag-view .ag-keys,.ag-view .ag-keys *{font-size:12px;line-height:1.35}"
    ".ag-view .ag-live{position:absolute!important;width:1px!important;height:1px!important;"
    "overflow:hidden!important;clip:rect(0 0 0 0);white-space:nowrap}"
)


def _button(description: str, tooltip: str) -> widgets.Button:
    return widgets.Button(description=description, tooltip=tooltip,
                          layout=widgets.Layout(width="6.5em", flex="0 0 auto"))


class _Stepper:
    """Controls shared by every stepped view: play/pause, prev/next, a slider, speed, start.

    Subclasses provide `frames` and the markup of one step (`_picture`, `_caption`).
    """

    frames: List[Any]

    def __init__(self, n_frames: int, interval: int) -> None:
        last = max(n_frames - 1, 0)
        self.index = 0
        self.play = widgets.Play(value=0, min=0, max=last, step=1, interval=interval,
                                 show_repeat=False, layout=widgets.Layout(flex="0 0 auto"))
        self.slider = widgets.IntSlider(value=0, min=0, max=last, step=1, readout=False,
                                        continuous_update=True,
                                        layout=widgets.Layout(flex="1 1 8em", min_width="6em"))
        self.reset_button = _button("« start", "back to the start")
        self.prev_button = _button("◀ prev", "previous step")
        self.next_button = _button("next ▶", "next step")
        speeds = [("slow", interval * 2), ("normal", interval), ("fast", max(interval // 2, 1)),
                  ("fastest", max(interval // 4, 1))]
        self.speed = widgets.Dropdown(options=speeds, value=interval, description="speed",
                                      style={"description_width": "initial"},
                                      layout=widgets.Layout(width="10em", flex="0 0 auto"))
        self.counter = widgets.HTML(layout=widgets.Layout(flex="0 0 auto", margin="0 8px"))
        # the picture scrolls in its own box; the controls and the caption stay put
        self.picture = widgets.HTML(layout=widgets.Layout(overflow="auto", max_height="60vh",
                                                          width="100%"))
        self.caption = widgets.HTML()
        self.live = widgets.HTML()  # read out by screen readers at each step, not shown
        keys = widgets.HTML(f"<style>{VIEW_CSS}</style>{KEYS}")
        for w, cls in ((self.counter, "ag-counter"), (self.picture, "ag-picture"),
                       (self.caption, "ag-caption"), (self.live, "ag-live"), (keys, "ag-keys")):
            w.add_class(cls)

        self.slider.observe(self._on_value, names="value")
        self.play.observe(self._on_value, names="value")
        self.speed.observe(self._on_speed, names="value")
        self.reset_button.on_click(lambda _: self.reset())
        self.prev_button.on_click(lambda _: self.prev())
        self.next_button.on_click(lambda _: self.next())

        controls = widgets.HBox([self.reset_button, self.prev_button, self.play,
                                 self.next_button, self.slider, self.counter, self.speed],
                                layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        self.widget = widgets.VBox([keys, controls, self.caption, self.live, self.picture],
                                   layout=widgets.Layout(max_width="100%"))
        self.widget.add_class("ag-view")

    # ---- stepping -----------------------------------------------------------------------

    def step(self, i: int) -> None:
        """Show step `i` (clamped to the first and last step)."""
        i = max(0, min(len(self.frames) - 1, int(i)))
        self.index = i
        # The observers see value == index and return, so each step renders once.
        self.slider.value = i
        self.play.value = i
        self.caption.value = self._caption(i)
        self.counter.value = f"step {i + 1} / {len(self.frames)}"
        self.live.value = html.escape(f"step {i + 1} of {len(self.frames)}: {self._sentence(i)}")
        # last: its script scrolls the picture once the caption above has its new height
        self.picture.value = self._picture(i) + RUN_VIEW_JS
        # prev and next stay enabled at the ends (a no-op there): disabling the focused
        # button would drop the keyboard focus out of the widget

    def next(self) -> None:
        """One step forward."""
        self.step(self.index + 1)

    def prev(self) -> None:
        """One step back."""
        self.step(self.index - 1)

    def reset(self) -> None:
        """Back to the first step."""
        self.step(0)

    def _on_value(self, change: Dict[str, Any]) -> None:
        if change["new"] != self.index:
            self.step(change["new"])

    def _on_speed(self, change: Dict[str, Any]) -> None:
        self.play.interval = change["new"]

    # ---- saving and display ---------------------------------------------------------------

    def save(self, path: Union[str, os.PathLike]) -> None:
        """Save as ``.html`` (every step, self-contained), ``.gif`` or ``.png`` (this step)."""
        export.save(self, path)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None,
                          **kwargs: Any) -> Dict[str, Any]:
        # The live widget where widgets render, and a static picture with deterministic text
        # everywhere else (GitHub, nbviewer, nbconvert, nbval). The view data is built the way
        # ipywidgets 7 and 8 both build it.
        return {
            _VIEW_MIMETYPE: {"version_major": 2, "version_minor": 0,
                             "model_id": self.widget.model_id},
            "text/html": self._static_html(),
            "text/plain": self._plain(),
        }

    def _picture(self, i: int) -> str:
        raise NotImplementedError

    def _sentence(self, i: int) -> str:
        """Step `i` in one plain sentence, for screen readers."""
        raise NotImplementedError

    def _caption(self, i: int) -> str:
        raise NotImplementedError

    def _png(self, i: int, scale: float = 1.0) -> bytes:
        raise NotImplementedError

    def _title(self) -> str:
        raise NotImplementedError

    def _static_html(self) -> str:
        raise NotImplementedError

    def _plain(self) -> str:
        raise NotImplementedError


def _scroll_img(mime: str, data: str, alt: str) -> str:
    """An image at its natural width in a box that scrolls sideways when the cell is narrower.

    Notebook stylesheets shrink images to the cell (``max-width: 100%``) or clip them; the
    inline ``max-width:none`` keeps the picture readable and the wrapper adds the scroll bar.
    """
    return (f'<div style="overflow-x:auto;max-width:100%">'
            f'<img alt="{html.escape(alt)}" style="max-width:none" '
            f'src="data:{mime};base64,{data}"></div>')


class Animation(_Stepper):
    """The forward and backward passes of a graph, one step per frame (see `animate`)."""

    def __init__(self, graph: Graph, interval: int = 800) -> None:
        self.graph = graph
        self.frames: List[Frame] = build_frames(graph)
        self.layout = layout(graph)
        self._svgs: Dict[int, str] = {}
        super().__init__(len(self.frames), interval)
        self.step(0)

    def _picture(self, i: int) -> str:
        # the narration is shown as HTML above the picture, so the SVG leaves it out
        if i not in self._svgs:
            state = dataclasses.replace(self.frames[i].state, caption=None)
            self._svgs[i] = render(self.graph, self.layout, state)
        return self._svgs[i]

    def _sentence(self, i: int) -> str:
        return self.frames[i].text

    def _caption(self, i: int) -> str:
        return self.frames[i].html

    def _png(self, i: int, scale: float = 1.0) -> bytes:
        # a PNG stands alone, so it carries the narration in its caption band
        width, height, items = _scene(self.graph, self.layout, self.frames[i].state)
        buf = io.BytesIO()
        save_png(items, width, height, buf, scale=scale)
        return buf.getvalue()

    def _title(self) -> str:
        return f"How autograd computes {self.graph.nodes[self.graph.output].label}"

    def _static_html(self) -> str:
        # An <img> with a data URI, not inline <svg>: notebook sanitizers (untrusted notebooks
        # in JupyterLab, GitHub) strip inline SVG but keep images.
        last = self.frames[-1]
        svg = render(self.graph, self.layout, last.state)
        data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        steps = "".join(f"<li>{html.escape(f.text)}</li>" for f in self.frames)
        # The list's left padding is sized in `ch` for the widest number ("10. " needs 4):
        # notebook stylesheets set a fixed padding that clips two-digit markers.
        pad = len(str(len(self.frames))) + 2
        return (f'<div>{_scroll_img("image/svg+xml", data, last.text)}'
                f'<ol style="font-family:monospace;padding-left:{pad}ch;margin-left:0;'
                f'list-style-position:outside">{steps}</ol></div>')

    def _plain(self) -> str:
        lines = [f"{self._title()}: {len(self.frames)} steps"]
        lines += [f"{k + 1:>3}. {f.text}" for k, f in enumerate(self.frames)]
        return "\n".join(lines)


def animate(t: Any, names: Optional[Dict[str, Any]] = None, *, interval: int = 800) -> Animation:
    """Step through how autograd computes `t`: forward pass, then backward pass.

    Shows one op per step going forward (``y = x ** 2 = 4``), then one node per step going
    backward with the chain rule in numbers (``∂z/∂x = ∂z/∂y · ∂y/∂x = 2 · 4 = 8``).
    Names are your variable names, found in the calling scope (or pass ``names={"x": x}``).
    `interval` is the time between steps when playing, in milliseconds. Your tensors are not
    touched: ``x.grad`` stays what it was, and it works before or after ``backward()``.
    """
    return Animation(build_graph(t, names, _depth=2), interval=interval)
