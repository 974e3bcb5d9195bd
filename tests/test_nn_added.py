"""LeakyReLU / leaky_relu, L1Loss / l1_loss and nn.utils.clip_grad_norm_ against PyTorch 2.13:
values, gradients, graph node names, reprs, defaults and errors."""

from __future__ import annotations

import contextlib
import io
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from torch_oracle import assert_close, node_name, np_of, to_torch

import autograd_tutor as at

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(7)


def test_reprs_and_defaults_match_torch():
    for cls, args, kwargs in [
        ("LeakyReLU", (), {}),
        ("LeakyReLU", (0.2,), {}),
        ("LeakyReLU", (0.2, True), {}),
        ("LeakyReLU", (), {"inplace": True}),
        ("L1Loss", (), {}),
        ("L1Loss", (), {"reduction": "sum"}),
    ]:
        ours, theirs = getattr(at.nn, cls)(*args, **kwargs), getattr(torch.nn, cls)(*args, **kwargs)
        assert repr(ours) == repr(theirs)
        assert vars(theirs).get("negative_slope") == vars(ours).get("negative_slope")
        assert getattr(ours, "reduction", None) == getattr(theirs, "reduction", None)
    model = at.nn.Sequential(at.nn.Linear(2, 3), at.nn.LeakyReLU(0.1))
    tmodel = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.LeakyReLU(0.1))
    assert repr(model) == repr(tmodel)


# -- leaky_relu ------------------------------------------------------------------------------


def _leaky(lib, x, slope=None, inplace=False, module=False):
    kwargs = {} if slope is None else {"negative_slope": slope}
    if module:
        return lib.nn.LeakyReLU(**kwargs, inplace=inplace)(x)
    return lib.nn.functional.leaky_relu(x, **kwargs, inplace=inplace)


@pytest.mark.parametrize("slope", [None, 0.2, 0.0, -0.5, 1.5])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("module", [False, True])
def test_leaky_relu_forward_backward(slope, dtype, module):
    values = np.array([[-2.0, -0.0, 0.0, 0.5], [3.0, -1e-3, np.inf, -np.inf]], dtype)
    x = at.tensor(values, requires_grad=True)
    tx = to_torch(x)
    out, tout = _leaky(at, x, slope, module=module), _leaky(torch, tx, slope, module=module)
    assert_close(out, tout)
    np.testing.assert_array_equal(np.signbit(np_of(out)), np.signbit(np_of(tout)))
    assert node_name(out.grad_fn) == node_name(tout.grad_fn) == "LeakyReluBackward0"
    g = np.array([[1.0, -2.0, 3.0, -1.0], [0.5, -0.5, 2.0, -3.0]], dtype)
    out.backward(at.tensor(g))
    tout.backward(torch.from_numpy(g))
    assert_close(x.grad, tx.grad)


@pytest.mark.parametrize("module", [False, True])
def test_leaky_relu_inplace_like_torch(module):
    for lib in (at, torch):
        x = lib.tensor([-1.0, 2.0, 0.5, 0.0], requires_grad=True)
        h = x * 2
        out = _leaky(lib, h, 0.1, inplace=True, module=module)
        assert out is h and node_name(h.grad_fn) == "LeakyReluBackward1"
        out.sum().backward()
        assert x.grad.tolist() == pytest.approx([0.2, 2.0, 2.0, 0.2])


def _leaky_errors(lib):
    F = lib.nn.functional

    def negative_slope_in_place():
        x = lib.tensor([-1.0, 2.0], requires_grad=True)
        F.leaky_relu(x * 1, -0.5, inplace=True).sum().backward()

    def saved_input_changed():
        h = lib.tensor([-1.0, 2.0], requires_grad=True) * 1
        out = F.leaky_relu(h, 0.5)
        h += 1
        out.sum().backward()

    return {
        "integer input": lambda: F.leaky_relu(lib.tensor([1, -2])),
        "leaf in place": lambda: F.leaky_relu(lib.ones(2, requires_grad=True), inplace=True),
        "negative slope in place": negative_slope_in_place,
        "saved input changed": saved_input_changed,
        "list input": lambda: lib.nn.LeakyReLU()([1.0, -1.0]),
        "ndarray input in place": lambda: F.leaky_relu(np.ones(2), inplace=True),
    }


@pytest.mark.parametrize("case", list(_leaky_errors(torch)))
def test_leaky_relu_errors_like_torch(case):
    with pytest.raises(Exception) as ref:
        _leaky_errors(torch)[case]()
    with pytest.raises(Exception) as ours:
        _leaky_errors(at)[case]()
    assert type(ours.value) is type(ref.value)
    gist = str(ref.value).split(". ")[0].split(": [")[0]
    assert str(ours.value).startswith(gist), f"ours: {ours.value}\ntorch: {ref.value}"
    assert len(str(ours.value)) > len(gist) + 15  # then says how to fix it


@settings(max_examples=40, deadline=None)
@given(
    values=hnp.arrays(
        np.float32, hnp.array_shapes(max_dims=3, max_side=4), elements=st.floats(-5, 5, width=32)
    ),
    slope=st.floats(-2, 2, width=32),
    seed=st.integers(0, 2**16),
)
def test_property_leaky_relu_gradient_matches_torch(values, slope, seed):
    x = at.tensor(values, requires_grad=True)
    tx = to_torch(x)
    out, tout = _leaky(at, x, slope), _leaky(torch, tx, slope)
    g = np.random.default_rng(seed).normal(size=values.shape).astype(np.float32)
    out.backward(at.tensor(g))
    tout.backward(torch.from_numpy(g))
    assert_close(out, tout)
    assert_close(x.grad, tx.grad)


def test_leaky_relu_passes_gradcheck_including_second_order():
    x = at.tensor(RNG.normal(size=(3, 4)) + 0.1, dtype=at.float64, requires_grad=True)
    F = at.nn.functional
    assert at.autograd.gradcheck(lambda a: F.leaky_relu(a, 0.3), (x,))
    assert at.autograd.gradcheck(
        lambda a: at.autograd.grad((F.leaky_relu(a, 0.3) ** 2).sum(), a, create_graph=True), (x,)
    )


# -- l1_loss ---------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("module", [False, True])
def test_l1_loss_like_torch(reduction, module):
    a = RNG.normal(size=(3, 4)).astype(np.float32)
    b = RNG.normal(size=(3, 4)).astype(np.float32)
    b[0, :2] = a[0, :2]  # |x - t| at 0: gradient 0, as PyTorch's sign(0)
    results = []
    for lib in (at, torch):
        x, t = lib.tensor(a, requires_grad=True), lib.tensor(b, requires_grad=True)
        if module:
            out = lib.nn.L1Loss(reduction=reduction)(x, t)
        else:
            out = lib.nn.functional.l1_loss(x, t, reduction=reduction)
        out.backward(lib.ones_like(out) * -1.5)
        results.append((out, x.grad, t.grad))
    for ours, theirs in zip(*results):
        assert_close(ours, theirs)
    assert node_name(results[0][0].grad_fn) == node_name(results[1][0].grad_fn)


def test_l1_loss_shapes_dtypes_and_errors_like_torch():
    x, tx = at.tensor([[1.0], [2.0]], requires_grad=True), torch.tensor([[1.0], [2.0]])
    with pytest.warns(UserWarning) as ours:
        out = at.nn.functional.l1_loss(x, at.tensor([0.0, 3.0]))
    with pytest.warns(UserWarning) as ref:
        tout = torch.nn.functional.l1_loss(tx, torch.tensor([0.0, 3.0]))
    assert str(ours[0].message) == str(ref[0].message)
    assert_close(out, tout)
    assert_close(
        at.nn.functional.l1_loss(x, at.tensor([[0], [5]])),
        torch.nn.functional.l1_loss(tx, torch.tensor([[0], [5]])),
    )
    for bad in (
        lambda lib: lib.nn.functional.l1_loss(lib.ones(3), lib.zeros(4)),
        lambda lib: lib.nn.functional.l1_loss(lib.ones(2), lib.zeros(2), reduction="avg"),
        lambda lib: lib.nn.L1Loss()(lib.ones(2), np.zeros(2)),
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(Exception) as ref:
                bad(torch)
            with pytest.raises(Exception) as ours:
                bad(at)
        assert type(ours.value) is type(ref.value)
        assert str(ours.value).startswith(str(ref.value).rstrip(".")), str(ours.value)


# -- clip_grad_norm_ -------------------------------------------------------------------------


def _params_with_grads(dtype):
    """Our model's parameters after a backward pass, and torch leaves holding the same grads."""
    model = at.nn.Sequential(at.nn.Linear(3, 4), at.nn.Tanh(), at.nn.Linear(4, 2))
    model.to(at.float64 if dtype == np.float64 else at.float32)
    (model(at.tensor(RNG.normal(size=(5, 3)).astype(dtype))).sum() * 10).backward()
    model[2].bias.grad = None  # a parameter without a gradient is skipped
    params = list(model.parameters())
    tparams = [to_torch(p) for p in params]
    for p, tp in zip(params, tparams):
        tp.grad = None if p.grad is None else to_torch(p.grad, requires_grad=False)
    return params, tparams


@pytest.mark.parametrize("norm_type", [2.0, 1, 3.0, 0.5, math.inf, "inf", -math.inf, 0])
@pytest.mark.parametrize("max_norm", [0.5, 1e4])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_clip_grad_norm_like_torch(norm_type, max_norm, dtype):
    params, tparams = _params_with_grads(dtype)
    total = at.nn.utils.clip_grad_norm_(iter(params), max_norm, norm_type)
    ttotal = torch.nn.utils.clip_grad_norm_(iter(tparams), max_norm, norm_type)
    assert_close(total, ttotal, rtol=1e-6)
    assert not total.requires_grad and total.grad_fn is None  # (assert_close checked the dtype)
    for p, tp in zip(params, tparams):
        assert_close(p.grad, tp.grad, rtol=1e-6, atol=1e-7)


def test_clip_grad_norm_edge_cases_like_torch():
    for lib in (at, torch):
        clip = lib.nn.utils.clip_grad_norm_
        assert repr(clip([], 1.0)) == "tensor(0.)"
        w = lib.ones(3, requires_grad=True)
        assert repr(clip(w, 1.0)) == "tensor(0.)"  # no gradient yet
        (w * lib.tensor([3.0, 4.0, 0.0])).sum().backward()
        assert repr(clip(w, 1.0)) == "tensor(5.)"  # a single tensor is accepted
        assert w.grad.tolist() == pytest.approx([0.6, 0.8, 0.0], abs=1e-6)
        with pytest.warns(UserWarning, match="empty generator"):
            clip((p for p in []), 1.0)
        w.grad = lib.tensor([1.0, float("nan"), 0.0])
        with pytest.raises(RuntimeError, match="The total norm of order 2.0 for gradients"):
            clip([w], 1.0, error_if_nonfinite=True)
        assert repr(clip([w], 1.0)) == "tensor(nan)"
        assert math.isnan(w.grad[0].item())


@settings(max_examples=30, deadline=None)
@given(
    shapes=st.lists(hnp.array_shapes(max_dims=2, max_side=4), min_size=1, max_size=3),
    scale=st.floats(1e-3, 1e3),
    max_norm=st.floats(1e-2, 10),
    norm_type=st.sampled_from([1.0, 2.0, 2.5, math.inf]),
    seed=st.integers(0, 2**16),
)
def test_property_clip_grad_norm_matches_torch(shapes, scale, max_norm, norm_type, seed):
    rng = np.random.default_rng(seed)
    grads = [(rng.normal(size=s) * scale).astype(np.float32) for s in shapes]
    params, tparams = [], []
    for g in grads:
        p, tp = at.zeros(*g.shape, requires_grad=True), torch.zeros(*g.shape, requires_grad=True)
        p.grad, tp.grad = at.tensor(g.copy()), torch.tensor(g.copy())
        params.append(p)
        tparams.append(tp)
    total = at.nn.utils.clip_grad_norm_(params, max_norm, norm_type)
    ttotal = torch.nn.utils.clip_grad_norm_(tparams, max_norm, norm_type)
    assert_close(total, ttotal, rtol=1e-5)
    for p, tp in zip(params, tparams):
        assert_close(p.grad, tp.grad, rtol=1e-5, atol=1e-6)


TRAINING = """
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.LeakyReLU(0.1), torch.nn.Linear(4, 1))
model.load_state_dict({k: torch.full(v.shape, 0.3) for k, v in model.state_dict().items()})
x = torch.tensor([[1.0, -2.0], [0.5, 3.0], [-1.0, -1.0]])
y = torch.tensor([[1.0], [-2.0], [0.5]])
criterion = torch.nn.L1Loss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
print(model, criterion)
for step in range(4):
    optimizer.zero_grad()
    loss = criterion(model(x), y)
    loss.backward()
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5)
    optimizer.step()
    print(step, loss, norm)
print(model[0].weight.grad)
"""


def test_training_loop_prints_what_torch_prints():
    outputs = []
    for lib in (at, torch):
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            exec(TRAINING, {"torch": lib})
        outputs.append(buffer.getvalue())
    assert outputs[0] == outputs[1]
