"""The training view on the chapter's example, checked step by step against PyTorch."""

import numpy as np
import pytest

import autograd_tutor as at
from autograd_tutor import viz
from autograd_tutor.viz.training import TrainingView


def make_step(lib, lr=0.1, zero_first=True):
    w = lib.tensor([1.0], requires_grad=True)
    b = lib.tensor([0.0], requires_grad=True)
    x = lib.tensor([1.0, 2.0, 3.0])
    y_true = lib.tensor([2.0, 4.0, 6.0])

    def model(inp):
        return w * inp + b

    def step():
        if zero_first and w.grad is not None:
            w.grad.zero_()
            b.grad.zero_()
        loss = ((model(x) - y_true) ** 2).mean()
        loss.backward()
        with lib.no_grad():
            w.sub_(lr * w.grad)
            b.sub_(lr * b.grad)
        if not zero_first:
            w.grad.zero_()
            b.grad.zero_()
        return loss

    return w, b, x, y_true, model, step


def test_recorder_on_the_chapters_loop():
    w = at.tensor([1.0], requires_grad=True)
    b = at.tensor([0.0], requires_grad=True)
    x = at.tensor([1.0, 2.0, 3.0])
    y_true = at.tensor([2.0, 4.0, 6.0])
    rec = viz.Recorder([w, b], data=(x, y_true), model=lambda x: w * x + b)
    for _ in range(3):
        loss = ((w * x + b - y_true) ** 2).mean()
        loss.backward()
        rec.log(loss)
        with at.no_grad():
            w -= 0.1 * w.grad
            b -= 0.1 * b.grad
        w.grad.zero_()
        b.grad.zero_()
    first, second = rec.history[:2]
    # hand-derived: loss = mean((x - 2x)^2) = 14/3, dL/dw = -28/3, dL/db = -4
    assert first["loss"] == pytest.approx(14 / 3, rel=1e-6)
    assert first["params"] == {"w": pytest.approx([1.0]), "b": pytest.approx([0.0])}
    assert first["grads"]["w"] == pytest.approx([-28 / 3], rel=1e-6)
    assert first["grads"]["b"] == pytest.approx([-4.0], rel=1e-6)
    assert second["params"]["w"] == pytest.approx([1 + 0.1 * 28 / 3], rel=1e-6)
    xs, ys = first["fit"]
    assert ys == pytest.approx(xs)  # w = 1, b = 0 when the first loss was computed
    view = rec.show()
    assert view.names == ["w", "b"]  # found in this scope
    assert "loss = 4.667" in view.caption.value


@pytest.mark.parametrize("zero_first", [True, False])
def test_train_matches_torch(zero_first):
    torch = pytest.importorskip("torch")
    w, b, x, y_true, model, step = make_step(at, zero_first=zero_first)
    view = viz.train(step, {"w": w, "b": b}, steps=15, data=(x, y_true), model=model)
    tw, tb, _, _, _, tstep = make_step(torch, zero_first=zero_first)
    for h in view.frames:
        assert h["params"]["w"] == pytest.approx(tw.detach().numpy(), rel=1e-5)
        assert h["params"]["b"] == pytest.approx(tb.detach().numpy(), rel=1e-5, abs=1e-6)
        tw_before = tw.detach().clone()
        loss = tstep().item()
        assert h["loss"] == pytest.approx(loss, rel=1e-5)
        # the gradient each step's backward() computed, wherever the step zeroes .grad
        grad_w = (tw_before - tw.detach()) / 0.1
        assert h["grads"]["w"] == pytest.approx(grad_w.numpy(), rel=1e-4, abs=1e-5)


def test_view_steps_with_the_same_controls():
    w, b, x, y_true, model, step = make_step(at)
    view = viz.train(step, [w, b], steps=6, data=(x, y_true), model=model)
    assert isinstance(view, TrainingView)
    assert view.names == ["w", "b"]
    first = (view.caption.value, view.picture.value)
    assert "loss = 4.667" in first[0] and "-9.333" in first[0]
    view.next_button.click()
    assert view.index == 1 and view.caption.value != first[0]
    assert view.picture.value != first[1] and view.picture.value.startswith("<img")
    view.play.value = 5
    assert view.slider.value == 5 and "step 6 of 6" in view.caption.value
    view.reset_button.click()
    assert view.caption.value == first[0]
    bundle = view._repr_mimebundle_()
    assert "<img" in bundle["text/html"] and "loss=4.667" in bundle["text/plain"]
    assert bundle["text/plain"].count("\n") == 6


def test_recorded_history():
    history = [
        {"loss": 4.0 / (k + 1), "params": {"w": np.array([k * 0.5])},
         "grads": {"w": np.array([-1.0 / (k + 1)])}}
        for k in range(4)
    ]
    view = viz.training(history)
    view.step(2)
    assert "loss = 1.333" in view.caption.value
    assert "-0.3333" in view.caption.value
    png = view._png(2)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_empty_history():
    with pytest.raises(ValueError, match="empty history"):
        viz.training([])
