"""Watch gradient descent: the loss, the parameters, their gradients and the fit, step by step.

Three ways in, all giving a `TrainingView` with the same controls as `animate`:

* your own loop, with a `Recorder`::

      rec = viz.Recorder({"w": w, "b": b}, data=(x, y_true), model=lambda x: w * x + b)
      for step in range(20):
          loss = ((w * x + b - y_true) ** 2).mean()
          loss.backward()
          rec.log(loss)              # after backward(), before the update
          with torch.no_grad():
              w -= 0.1 * w.grad
              b -= 0.1 * b.grad
          w.grad.zero_()
          b.grad.zero_()
      rec.show()

* ``viz.train(step, [w, b], steps=20, data=(x, y_true), model=model)`` calls `step()` (one
  training step that returns the loss, e.g. with an optimizer) `steps` times;
* ``viz.training(history)`` shows a history recorded by hand: one dict per step,
  ``{"loss": float, "params": {"w": ...}, "grads": {"w": ...}}`` (the parameters the loss was
  computed with, and the gradient of that loss), optionally ``"fit": (xs, ys)``.
"""

from __future__ import annotations

import base64
import html
import io
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from .. import Tensor, no_grad, tensor
from ..autograd import graph as ag
from .frames import fmt
from .graph import _scope_names
from .widget import _scroll_img, _Stepper

History = List[Dict[str, Any]]
_CELL = 'style="padding:1px 12px 1px 0;text-align:left"'
Params = Union[Mapping[str, Any], Sequence[Any]]


def _array(v: Any) -> np.ndarray:
    """A float64 copy of a tensor's (or a number's, or an array's) values."""
    return np.array(ag.array(v) if isinstance(v, Tensor) else v, dtype=float, copy=True)


def _named(params: Params, depth: int) -> Dict[str, Any]:
    if isinstance(params, Mapping):
        return dict(params)
    by_id = {id(v): k for k, v in _scope_names(depth).items()}
    return {by_id.get(id(p), f"p{i}"): p for i, p in enumerate(params)}


class Recorder:
    """Records a training loop, one `log(loss)` per step (see the module docstring).

    `params`: ``{"w": w, "b": b}``, or ``[w, b]`` to use your variable names.
    `data`: ``(x, y)`` to plot; `model`: ``x -> prediction``, drawn over the data's range.
    """

    def __init__(self, params: Params, *, data: Optional[Tuple[Any, Any]] = None,
                 model: Optional[Callable[[Any], Any]] = None, _depth: int = 1) -> None:
        self.params = _named(params, _depth + 1)
        self.data = data
        self.model = model
        self.history: History = []
        self._grid = None
        if data is not None and model is not None:
            x = _array(data[0])
            self._grid = np.linspace(x.min(), x.max(), 50).reshape((-1,) + x.shape[1:])

    def log(self, loss: Any) -> None:
        """Record this step: call it after ``loss.backward()`` and before the update."""
        self._append(self._before(), loss, {n: p.grad for n, p in self.params.items()})

    def show(self, interval: int = 600) -> TrainingView:
        """The recorded steps, to step through."""
        return TrainingView(self.history, data=self.data, interval=interval)

    def _before(self) -> Dict[str, Any]:
        """The parameters (and the model's curve) as the step's loss sees them."""
        entry: Dict[str, Any] = {"params": {n: _array(p) for n, p in self.params.items()}}
        if self._grid is not None:
            with no_grad():
                ys = self.model(tensor(self._grid, dtype=getattr(self.data[0], "dtype", None)))
            entry["fit"] = (self._grid.reshape(-1), _array(ys).reshape(-1))
        return entry

    def _append(self, entry: Dict[str, Any], loss: Any, grads: Mapping[str, Any]) -> None:
        entry["step"] = len(self.history)
        entry["loss"] = float(_array(loss).reshape(-1)[0])
        entry["grads"] = {n: None if grads.get(n) is None else _array(grads[n])
                          for n in self.params}
        self.history.append(entry)


def train(step: Callable[[], Any], params: Params, steps: int = 20, *,
          data: Optional[Tuple[Any, Any]] = None, model: Optional[Callable[[Any], Any]] = None,
          interval: int = 600) -> TrainingView:
    """Call your training `step()` `steps` times and show what happened, step by step.

    `step` does one step (forward, ``backward()``, update) and returns the loss; update
    with an optimizer or in place (``w.sub_(lr * w.grad)``): inside a function,
    ``w -= ...`` makes ``w`` a new local name unless you declare ``global w``.
    The gradients shown are the ones each step's ``backward()`` computed (caught by hooks),
    wherever your step zeroes ``.grad``. `params`, `data`, `model`: as for `Recorder`.
    """
    rec = Recorder(params, data=data, model=model, _depth=2)
    for _ in range(steps):
        entry = rec._before()
        arrived: Dict[str, np.ndarray] = {}
        handles = [p.register_hook(_catch(arrived, n)) for n, p in rec.params.items()]
        try:
            loss = step()
        finally:
            for h in handles:
                h.remove()
        rec._append(entry, loss, arrived)
    return rec.show(interval)


def _catch(arrived: Dict[str, np.ndarray], name: str) -> Callable[[Any], None]:
    def hook(grad: Any) -> None:
        arrived[name] = arrived[name] + _array(grad) if name in arrived else _array(grad)

    return hook


def training(history: Sequence[Mapping[str, Any]], *, data: Optional[Tuple[Any, Any]] = None,
             interval: int = 600) -> TrainingView:
    """Show a recorded training `history` step by step (see the module docstring)."""
    return TrainingView(history, data=data, interval=interval)


class TrainingView(_Stepper):
    """Loss curve, parameters, gradients and fit, one training step per frame."""

    def __init__(self, history: Sequence[Mapping[str, Any]],
                 data: Optional[Tuple[Any, Any]] = None, interval: int = 600) -> None:
        if not history:
            raise ValueError("training() got an empty history. Record at least one step.")
        self.frames = [dict(h) for h in history]
        self.data = None if data is None else (_array(data[0]), _array(data[1]))
        self.names = list(self.frames[0].get("params", {}))
        self._pngs: Dict[int, bytes] = {}
        self._canvas: Optional[_Figure] = None
        super().__init__(len(self.frames), interval)
        self.step(0)

    # ---- one step as a figure and a table ---------------------------------------------------

    def _series(self, key: str, name: str) -> np.ndarray:
        """Rows = steps, columns = elements of parameter `name` (NaN where missing)."""
        rows = []
        for h in self.frames:
            v = h.get(key, {}).get(name)
            rows.append(np.full(1, np.nan) if v is None else _array(v).reshape(-1))
        width = max(r.size for r in rows)
        return np.array([np.pad(r, (0, width - r.size), constant_values=np.nan) for r in rows])

    def _png(self, i: int, scale: float = 1.0) -> bytes:
        if scale != 1.0:
            return _Figure(self, scale).png(i)
        if i not in self._pngs:
            if self._canvas is None:
                self._canvas = _Figure(self)
            self._pngs[i] = self._canvas.png(i)
        return self._pngs[i]

    def _picture(self, i: int) -> str:
        data = base64.b64encode(self._png(i)).decode("ascii")
        # a plot, not text: it may shrink to the output's width
        return (f'<img alt="training step {i + 1}" style="max-width:100%;height:auto" '
                f'src="data:image/png;base64,{data}">')

    def _caption(self, i: int) -> str:
        h = self.frames[i]
        nxt = self.frames[i + 1] if i + 1 < len(self.frames) else None
        rows = []
        for name in self.names:
            value = _array(h["params"][name])
            grad = h.get("grads", {}).get(name)
            after = "" if nxt is None else fmt(_array(nxt["params"][name]))
            cells = [f"<b>{html.escape(name)}</b>", fmt(value),
                     "—" if grad is None else fmt(_array(grad)), after]
            rows.append("<tr>" + "".join(f"<td {_CELL}>{c}</td>" for c in cells) + "</tr>")
        head = "".join(f"<th {_CELL}>{c}</th>" for c in ("param", "value", "grad",
                                                         "after the update"))
        return (
            '<div style="font-family:system-ui,sans-serif">'
            f'<div class="ag-step" style="font-size:1.15em">step {i + 1} of {len(self.frames)}: '
            f'loss = {h["loss"]:.4g}</div>'
            '<table style="border-collapse:collapse;font-family:monospace;margin:4px 0">'
            f"<tr>{head}</tr>{''.join(rows)}</table>"
            '<div>Each parameter moves against its gradient: '
            "w ← w − lr · w.grad. As the gradients shrink, so do the steps.</div></div>"
        )

    def _sentence(self, i: int) -> str:
        h = self.frames[i]
        parts = [f"loss = {h['loss']:.4g}"]
        for name in self.names:
            grad = h.get("grads", {}).get(name)
            parts.append(f"{name} = {fmt(_array(h['params'][name]))}, gradient "
                         + ("none" if grad is None else fmt(_array(grad))))
        return "; ".join(parts)

    def _title(self) -> str:
        return f"Gradient descent, {len(self.frames)} steps"

    def _static_html(self) -> str:
        last = len(self.frames) - 1
        data = base64.b64encode(self._png(last)).decode("ascii")
        return (f'<div>{_scroll_img("image/png", data, f"training step {last + 1}")}'
                f"{self._caption(last)}</div>")

    def _plain(self) -> str:
        lines = [self._title()]
        for k, h in enumerate(self.frames):
            parts = [f"loss={h['loss']:.4g}"]
            for name in self.names:
                grad = h.get("grads", {}).get(name)
                parts.append(f"{name}={fmt(_array(h['params'][name]))}")
                parts.append(f"∂loss/∂{name}={'—' if grad is None else fmt(_array(grad))}")
            lines.append(f"{k + 1:>3}. " + ", ".join(parts))
        return "\n".join(lines)


class _Figure:
    """The four plots of a training view, drawn fast: everything that does not depend on the
    step (axes, titles, the whole runs in light colours, the data) is drawn once with fixed
    limits, so nothing moves between steps; a step restores that background and draws only
    its own marks on top ("blitting"), then encodes the PNG with light compression."""

    def __init__(self, view: TrainingView, scale: float = 1.0) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.lines import Line2D

        self.view = view
        frames = view.frames
        self.fig = Figure(figsize=(9, 5.6), dpi=80 * scale)
        self.canvas = FigureCanvasAgg(self.fig)
        axes = self.fig.subplots(2, 2)
        self.fit_ax, self.loss_ax = axes[0]
        self.steps = np.arange(1, len(frames) + 1)  # step 1 is the first, as in the counter
        self.losses = np.array([h["loss"] for h in frames], dtype=float)

        ax = self.fit_ax
        ax.set_title("data and fit")
        self.fits = [h.get("fit") for h in frames]
        for fit in self.fits:  # every fit sets the limits, none is shown in the background
            if fit is not None:
                ax.plot(fit[0], fit[1], visible=False)
        handles = []
        if view.data is not None:
            handles.append(ax.scatter(view.data[0].reshape(-1), view.data[1].reshape(-1),
                                      color="#222", zorder=3, label="data"))
        if any(f is not None for f in self.fits):
            handles.append(Line2D([], [], color="#d62728", lw=2.5, label="fit at this step"))
            handles.append(Line2D([], [], color="#1f77b4", alpha=0.4, lw=1,
                                  label="earlier fits"))
        if view.data is None and all(f is None for f in self.fits):
            ax.text(0.5, 0.5, "pass data=(x, y) and model=...\nto see the fit",
                    ha="center", va="center", transform=ax.transAxes, color="#555")
        elif handles:
            ax.legend(handles=handles, loc="upper left", fontsize=8)

        ax = self.loss_ax
        ax.set_title("loss")
        ax.plot(self.steps, self.losses, color="#ccc", lw=1)
        if np.all(self.losses > 0) and self.losses.max() / self.losses.min() > 100:
            ax.set_yscale("log")
        ax.set_xlabel("step")

        self.series: List[Tuple[Any, np.ndarray, str]] = []
        for ax, key, title in ((axes[1][0], "params", "parameters"),
                               (axes[1][1], "grads", "gradients ∂loss/∂param")):
            ax.set_title(title)
            if key == "grads":
                ax.axhline(0, color="#999", lw=0.8)
            for k, name in enumerate(view.names):
                series = view._series(key, name)
                color = f"C{k % 10}"
                for e in range(series.shape[1]):
                    label = name if series.shape[1] == 1 else f"{name}[{e}]"
                    ax.plot(self.steps, series[:, e], color=color, alpha=0.2, lw=1, label=label)
                    self.series.append((ax, series[:, e], color))
            ax.set_xlabel("step")
            if view.names and len(view.names) <= 8:
                ax.legend(loc="best", fontsize=8)
        self.fig.subplots_adjust(left=0.07, right=0.98, top=0.94, bottom=0.09, hspace=0.42,
                                 wspace=0.2)
        # the marks of one step: made once, hidden from the background, moved at each step
        mark = {"animated": True}
        (self.past_fits,) = self.fit_ax.plot([], [], color="#1f77b4", alpha=0.12, lw=1, **mark)
        (self.fit_now,) = self.fit_ax.plot([], [], color="#d62728", lw=2.5, **mark)
        (self.loss_line,) = self.loss_ax.plot([], [], color="#d62728", lw=2, **mark)
        (self.loss_dot,) = self.loss_ax.plot([], [], "o", color="#d62728", **mark)
        self.loss_label = self.loss_ax.annotate("", (1, self.losses[0]), xytext=(6, 6),
                                                textcoords="offset points", fontsize=9, **mark)
        self.series_marks = [(ax.plot([], [], color=color, lw=2, **mark)[0],
                              ax.plot([], [], "o", color=color, **mark)[0], series)
                             for ax, series, color in self.series]
        self.canvas.draw()
        for ax in axes.flat:
            ax.set_autoscale_on(False)
        self.background = self.canvas.copy_from_bbox(self.fig.bbox)

    def png(self, i: int) -> bytes:
        """Step `i` as PNG bytes."""
        from PIL import Image

        self.canvas.restore_region(self.background)
        past = [f for f in self.fits[:i] if f is not None]  # one line, NaN between the fits
        self.past_fits.set_data(
            np.concatenate([np.append(f[0], np.nan) for f in past]) if past else [],
            np.concatenate([np.append(f[1], np.nan) for f in past]) if past else [])
        now = self.fits[i]
        self.fit_now.set_data(*(now if now is not None else ([], [])))
        ax, steps, losses = self.loss_ax, self.steps, self.losses
        self.loss_line.set_data(steps[: i + 1], losses[: i + 1])
        self.loss_dot.set_data([i + 1], [losses[i]])
        # The label goes on the side of the point facing the middle of the axes, so that it
        # stays inside them at the last step (right edge) and at the highest loss (top edge).
        fx, fy = ax.transAxes.inverted().transform(ax.transData.transform((i + 1, losses[i])))
        label = self.loss_label
        label.set_text(f"{losses[i]:.4g}")
        label.xy = (i + 1, losses[i])
        label.xyann = (-6 if fx > 0.5 else 6, -6 if fy > 0.5 else 6)
        label.set_horizontalalignment("right" if fx > 0.5 else "left")
        label.set_verticalalignment("top" if fy > 0.5 else "bottom")
        for line, dot, series in self.series_marks:
            line.set_data(steps[: i + 1], series[: i + 1])
            dot.set_data([i + 1], [series[i]])
        for m in [self.past_fits, self.fit_now, self.loss_line, self.loss_dot, label,
                  *(m for line, dot, _ in self.series_marks for m in (line, dot))]:
            m.axes.draw_artist(m)
        image = Image.frombuffer("RGBA", self.canvas.get_width_height(),
                                 self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buf = io.BytesIO()
        image.convert("RGB").save(buf, format="png", compress_level=1)
        return buf.getvalue()
