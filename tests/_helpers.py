"""Helpers shared by several test files: the chapter's two worked examples, built with either
library (ours or torch), and tiny notebooks written on the fly.

The examples return their tensors by name, ready to pass to ``build_graph(t, names)``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict


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
