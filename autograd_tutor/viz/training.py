"""Watch gradient descent: the loss, the parameters, their gradients and the fit, step by step.

Two ways in:

* ``viz.train(step, {"w": w, "b": b}, steps=20, data=(x, y_true), model=model)`` runs your
  training step (a function that does one step — forward, ``backward()``, update — and
  returns the loss) `steps` times and records what happened;
* ``viz.training(history)`` shows a history you recorded yourself: a list with one dict per
  step, ``{"loss": float, "params": {"w": ..., "b": ...}, "grads": {"w": ..., "b": ...}}``,
  the parameters as they were when the loss was computed and the gradients of that loss.

Either gives a `TrainingView` with the same controls as `animate`.
"""

from __future__ import annotations

import html
import io
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from .frames import fmt
from .graph import _scope_names
from .widget import Stepper

History = List[Dict[str, Any]]


def _array(v: Any) -> np.ndarray:
    return np.array(getattr(v, "_data", v), dtype=float, copy=True)


def record(step: Callable[[], Any], params: Union[Mapping[str, Any], Sequence[Any]],
           steps: int = 20, *, data: Optional[Tuple[Any, Any]] = None,
           model: Optional[Callable[[Any], Any]] = None, _depth: int = 1) -> History:
    """Call `step()` `steps` times and return the history `training` shows.

    Each entry holds the loss `step()` returned, the parameters before the step (those the
    loss was computed with), their ``.grad`` after it and, with `data` and `model`, the
    model's curve over the data's range. Zero the gradients at the start of your step (as
    ``optimizer.zero_grad()`` does) so that ``.grad`` is this step's gradient.
    """
    from .. import no_grad, tensor

    named = _named(params, _depth + 1)
    grid = None
    if data is not None and model is not None:
        x = _array(data[0])
        grid = np.linspace(x.min(), x.max(), 50).reshape((-1,) + x.shape[1:])
    history: History = []
    for k in range(steps):
        entry: Dict[str, Any] = {"step": k,
                                 "params": {n: _array(p) for n, p in named.items()}}
        if grid is not None:
            with no_grad():
                entry["fit"] = (grid.reshape(-1), _array(model(tensor(grid, dtype=_dtype(
                    data[0])))).reshape(-1))
        entry["loss"] = float(_array(step()).reshape(-1)[0])
        entry["grads"] = {n: None if p.grad is None else _array(p.grad)
                          for n, p in named.items()}
        history.append(entry)
    return history


def _dtype(t: Any) -> Any:
    return getattr(t, "dtype", None)


def _named(params: Union[Mapping[str, Any], Sequence[Any]], depth: int) -> Dict[str, Any]:
    if isinstance(params, Mapping):
        return dict(params)
    by_id = {id(v): k for k, v in _scope_names(depth).items()}
    return {by_id.get(id(p), f"p{i}"): p for i, p in enumerate(params)}


def train(step: Callable[[], Any], params: Union[Mapping[str, Any], Sequence[Any]],
          steps: int = 20, *, data: Optional[Tuple[Any, Any]] = None,
          model: Optional[Callable[[Any], Any]] = None, interval: int = 600) -> TrainingView:
    """Run your training `step` `steps` times and show it step by step (see the module doc).

    `params`: ``{"w": w, "b": b}`` or ``[w, b]`` (names then come from your variables).
    `data`: ``(x, y)`` to plot; `model`: ``x -> prediction`` to draw the fit over the data.
    """
    history = record(step, params, steps, data=data, model=model, _depth=2)
    return TrainingView(history, data=data, interval=interval)


def training(history: Sequence[Mapping[str, Any]], *, data: Optional[Tuple[Any, Any]] = None,
             interval: int = 600) -> TrainingView:
    """Show a recorded training `history` step by step (see the module doc for its format)."""
    return TrainingView(history, data=data, interval=interval)


class TrainingView(Stepper):
    """Loss curve, parameters, gradients and fit, one training step per frame."""

    def __init__(self, history: Sequence[Mapping[str, Any]],
                 data: Optional[Tuple[Any, Any]] = None, interval: int = 600) -> None:
        if not history:
            raise ValueError("training() got an empty history. Record at least one step.")
        self.frames = [dict(h) for h in history]
        self.data = None if data is None else (_array(data[0]), _array(data[1]))
        self.names = list(self.frames[0].get("params", {}))
        self._pngs: Dict[int, bytes] = {}
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

    def _png(self, i: int) -> bytes:
        if i not in self._pngs:
            self._pngs[i] = self._figure(i)
        return self._pngs[i]

    def _figure(self, i: int) -> bytes:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=(9, 5.6), dpi=80)
        FigureCanvasAgg(fig)
        axes = fig.subplots(2, 2)
        steps = np.arange(len(self.frames))
        losses = np.array([h["loss"] for h in self.frames], dtype=float)

        ax = axes[0][0]
        ax.set_title("data and fit")
        if self.data is not None:
            ax.scatter(self.data[0].reshape(-1), self.data[1].reshape(-1), color="#222",
                       zorder=3, label="data")
        for k in range(i + 1):
            fit = self.frames[k].get("fit")
            if fit is not None:
                current = k == i
                ax.plot(fit[0], fit[1], color="#d62728" if current else "#1f77b4",
                        alpha=1.0 if current else 0.12, lw=2.5 if current else 1,
                        label=f"fit at step {i}" if current else None)
        if self.data is None and self.frames[i].get("fit") is None:
            ax.text(0.5, 0.5, "pass data=(x, y) and model=...\nto see the fit",
                    ha="center", va="center", transform=ax.transAxes, color="#888")
        elif ax.get_legend_handles_labels()[0]:
            ax.legend(loc="upper left", fontsize=8)

        ax = axes[0][1]
        ax.set_title("loss")
        ax.plot(steps, losses, color="#ccc", lw=1)
        ax.plot(steps[: i + 1], losses[: i + 1], color="#d62728", lw=2)
        ax.plot([i], [losses[i]], "o", color="#d62728")
        ax.annotate(f"{losses[i]:.4g}", (i, losses[i]), textcoords="offset points",
                    xytext=(6, 6), fontsize=9)
        if np.all(losses > 0) and losses.max() / losses.min() > 100:
            ax.set_yscale("log")
        ax.set_xlabel("step")

        for ax, key, title in ((axes[1][0], "params", "parameters"),
                               (axes[1][1], "grads", "gradients (.grad)")):
            ax.set_title(title)
            if key == "grads":
                ax.axhline(0, color="#999", lw=0.8)
            for k, name in enumerate(self.names):
                series = self._series(key, name)
                color = f"C{k % 10}"
                for e in range(series.shape[1]):
                    label = name if series.shape[1] == 1 else f"{name}[{e}]"
                    ax.plot(steps, series[:, e], color=color, alpha=0.2, lw=1)
                    ax.plot(steps[: i + 1], series[: i + 1, e], color=color, lw=2, label=label)
                    ax.plot([i], [series[i, e]], "o", color=color)
            ax.set_xlabel("step")
            if self.names and len(self.names) <= 8:
                ax.legend(loc="best", fontsize=8)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", metadata={"Software": None})
        return buf.getvalue()

    def _picture(self, i: int) -> str:
        import base64

        data = base64.b64encode(self._png(i)).decode("ascii")
        return f'<img alt="training step {i}" src="data:image/png;base64,{data}">'

    def _caption(self, i: int) -> str:
        h = self.frames[i]
        nxt = self.frames[i + 1] if i + 1 < len(self.frames) else None
        rows = []
        for name in self.names:
            value = _array(h["params"][name])
            grad = h.get("grads", {}).get(name)
            after = "" if nxt is None else fmt(_array(nxt["params"][name]))
            rows.append(
                f"<tr><td><b>{html.escape(name)}</b></td><td>{fmt(value)}</td>"
                f"<td>{'—' if grad is None else fmt(_array(grad))}</td>"
                f"<td>{html.escape(after)}</td></tr>")
        return (
            '<div style="font-family:system-ui,sans-serif">'
            f'<div style="font-size:1.15em">step {i}: loss = {h["loss"]:.4g}</div>'
            '<table style="border-collapse:collapse;font-family:monospace">'
            "<tr><th style='text-align:left'>param</th><th>value</th><th>grad</th>"
            "<th>after the update</th></tr>"
            f"{''.join(rows)}</table>"
            '<div style="color:#555">Each parameter moves against its gradient: '
            "w ← w − lr · w.grad. As the gradients shrink, so do the steps.</div></div>"
        )

    def _title(self) -> str:
        return f"Gradient descent, {len(self.frames)} steps"

    def _static_html(self) -> str:
        last = len(self.frames) - 1
        return f"<div>{self._picture(last)}{self._caption(last)}</div>"

    def _plain(self) -> str:
        lines = [self._title()]
        for h in self.frames:
            parts = [f"loss={h['loss']:.4g}"]
            for name in self.names:
                grad = h.get("grads", {}).get(name)
                parts.append(f"{name}={fmt(_array(h['params'][name]))}")
                parts.append(f"∂/∂{name}={'—' if grad is None else fmt(_array(grad))}")
            lines.append(f"{h.get('step', len(lines) - 1):>3}: " + ", ".join(parts))
        return "\n".join(lines)
