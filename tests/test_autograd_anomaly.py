"""``autograd.detect_anomaly``: errors and warnings against PyTorch 2.13 as the oracle."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import autograd_tutor as at  # noqa: E402


def run(m, code, **kwargs):
    """Run ``code(m)`` recording warnings; return (error or None, list of warning texts)."""
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        try:
            code(m, **kwargs)
            error = None
        except RuntimeError as e:
            error = e
    texts = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    return error, texts


def nan_from_division(m, check_nan=True):
    x = m.tensor([0.0, 1.0], requires_grad=True)
    with m.autograd.detect_anomaly(check_nan=check_nan):
        y = x.sqrt()
        z = (y / y).sum()  # THE LINE
        z.backward()


def test_a_nan_gradient_names_the_node_and_the_forward_line():
    results = [run(m, nan_from_division) for m in (at, torch)]
    for error, texts in results:
        assert str(error).startswith("Function 'DivBackward0' returned nan values in its 1th")
        assert texts[0].startswith("Anomaly Detection has been enabled.")
        assert texts[1].startswith("Error detected in DivBackward0. Traceback of forward call")
        assert "z = (y / y).sum()  # THE LINE" in texts[1]
    assert "autograd_tutor" not in results[0][1][1]  # only the user's frames


def test_check_nan_false_lets_nan_through():
    for m in (at, torch):
        error, _ = run(m, nan_from_division, check_nan=False)
        assert error is None


def test_other_backward_errors_also_show_the_forward_line():
    def backward_twice(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        with m.autograd.detect_anomaly():
            y = (x.exp() * 2).sum()  # THE EXP LINE
            y.backward()
            y.backward()

    for m in (at, torch):
        error, texts = run(m, backward_twice)
        assert "Trying to backward through the graph a second time" in str(error)
        assert any("THE EXP LINE" in t for t in texts)


def test_switches_and_state():
    for m in (at, torch):
        assert not m.is_anomaly_enabled()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with m.autograd.detect_anomaly():
                assert m.is_anomaly_enabled()
        assert not m.is_anomaly_enabled()
        m.autograd.set_detect_anomaly(True)
        assert m.is_anomaly_enabled()
        m.autograd.set_detect_anomaly(False)
        assert not m.is_anomaly_enabled()
        with m.autograd.set_detect_anomaly(True):
            assert m.is_anomaly_enabled()
        assert not m.is_anomaly_enabled()


def test_gradients_are_unchanged_in_anomaly_mode():
    grads = []
    for m in (at, torch):
        x = m.tensor([0.5, 2.0], requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with m.autograd.detect_anomaly():
                (x.sin() * x.exp() / (x + 1)).sum().backward()
        grads.append(x.grad.tolist())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-6)
