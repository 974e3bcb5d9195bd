"""Helpers shared by several test files: the chapter's two worked examples, built with either
library (ours or torch); a small regression problem for optimizer tests; hand-made and random
viz graphs; tiny notebooks written on the fly.

The examples return their tensors by name, ready to pass to ``build_graph(t, names)``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict

import numpy as np
from hypothesis import strategies as st

if TYPE_CHECKING:
    from autograd_tutor.viz.graph import Graph


def regression_data(dtype: Any, seed: int = 0) -> Dict[str, np.ndarray]:
    """Weights ``w`` (3, 2), ``b`` (2,) and a batch ``x`` (8, 3), ``y`` (8, 2) of ``dtype``."""
    rng = np.random.default_rng(seed)
    values = {
        "w": rng.normal(size=(3, 2)),
        "b": rng.normal(size=(2,)),
        "x": rng.normal(size=(8, 3)),
        "y": rng.uniform(-1, 1, size=(8, 2)),
    }
    return {k: v.astype(dtype) for k, v in values.items()}


def seed_example(lib: Any) -> Dict[str, Any]:
    """``z = 2 * x ** 2 + 3`` at ``x = 2``: z = 11, dz/dx = 4x = 8."""
    x = lib.tensor([2.0], requires_grad=True)
    y = x**2
    z = 2 * y + 3
    return {"x": x, "y": y, "z": z}


def training_example(lib: Any) -> Dict[str, Any]:
    """The linear model ``y_pred = w * x + b`` and its mean squared error, before backward."""
    w = lib.tensor([1.0], requires_grad=True)
    b = lib.tensor([0.0], requires_grad=True)
    x = lib.tensor([1.0, 2.0, 3.0])
    y_true = lib.tensor([2.0, 4.0, 6.0])
    y_pred = w * x + b
    loss = ((y_pred - y_true) ** 2).mean()
    return {"w": w, "b": b, "x": x, "y_true": y_true, "y_pred": y_pred, "loss": loss}


def write_notebook(path: Path, *cells: str) -> Path:
    """Write a notebook whose code cells are ``cells`` (after one markdown cell)."""
    nb = {"nbformat": 4, "nbformat_minor": 4, "metadata": {},
          "cells": [{"cell_type": "markdown", "metadata": {}, "source": "# test"}]
          + [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
              "source": cell.splitlines(keepends=True)} for cell in cells]}
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


_SHAPES = [(), (1,), (3,), (2, 3), (10, 10)]


def make_graph(inputs: list[tuple[int, ...]], shapes=None, labels=None) -> Graph:
    """A graph with the given input lists; leaves alternate param/const, the last is output."""
    from autograd_tutor.viz.graph import GNode, Graph  # viz only for the tests that draw

    nodes = []
    for i, ins in enumerate(inputs):
        shape = shapes[i] if shapes else (1,)
        label = labels[i] if labels else f"n{i}"
        if i == len(inputs) - 1:
            kind = "output"
        elif not ins:
            kind = "param" if i % 2 == 0 else "const"
        else:
            kind = "op"
        op, grad_fn = ("*", "MulBackward0") if ins else (None, None)
        nodes.append(GNode(i, label, kind, op, grad_fn, np.full(shape, 1.5), None, tuple(ins),
                           None))
    return Graph(nodes, len(nodes) - 1)


@st.composite
def dags(draw, max_nodes=30):
    """Random graphs in topological order, with random shapes and labels."""
    n = draw(st.integers(1, max_nodes))
    inputs = [()]
    for i in range(1, n):
        inputs.append(tuple(draw(st.lists(st.integers(0, i - 1), max_size=3))))
    shapes = [draw(st.sampled_from(_SHAPES)) for _ in range(n)]
    labels = [draw(st.text("abcxyz_0123", min_size=1, max_size=14)) for _ in range(n)]
    return make_graph(inputs, shapes, labels)
