"""Optimizers against PyTorch 2.13: trajectories over many steps, state, errors, printing."""

from __future__ import annotations

import numpy as np
import pytest
from _helpers import regression_data
from hypothesis import given, settings
from hypothesis import strategies as st
from torch_oracle import assert_close

import autograd_tutor as at

torch = pytest.importorskip("torch")

STEPS = 60


def _problem(params, x, y):
    """A small non-quadratic loss so momentum and adaptive steps all matter."""
    w, b = params
    pred = (x @ w + b).tanh()
    return ((pred - y) ** 2).mean() + (w * w).sum() * 0.01


def _run(lib, opt_name, kwargs, dtype, steps=STEPS, set_to_none=True):
    d = regression_data(dtype)
    w = lib.tensor(d["w"], requires_grad=True)
    b = lib.tensor(d["b"], requires_grad=True)
    x, y = lib.tensor(d["x"]), lib.tensor(d["y"])
    opt = getattr(lib.optim, opt_name)([w, b], **kwargs)
    history = []
    for _ in range(steps):
        opt.zero_grad(set_to_none=set_to_none)
        loss = _problem((w, b), x, y)
        loss.backward()
        opt.step()
        history.append((w.detach().numpy().copy(), b.detach().numpy().copy()))
    return history, opt, (w, b)


CONFIGS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.1, "weight_decay": 0.05}),
    ("SGD", {"lr": 0.05, "momentum": 0.5, "weight_decay": 0.01, "nesterov": True}),
    ("SGD", {"lr": 0.01, "maximize": True}),
    ("Adam", {}),
    ("Adam", {"lr": 0.05}),
    ("Adam", {"lr": 0.05, "betas": (0.5, 0.9), "eps": 1e-6}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.05, "amsgrad": True}),
    ("Adam", {"lr": 0.01, "maximize": True}),
    ("AdamW", {"lr": 0.05}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.3, "amsgrad": True}),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=[f"{n}-{k}" for n, k in CONFIGS])
def test_trajectory_matches_torch(name, kwargs, dtype):
    ours, _, _ = _run(at, name, kwargs, dtype)
    theirs, _, _ = _run(torch, name, kwargs, dtype)
    tol = {"rtol": 1e-4, "atol": 1e-5} if dtype == np.float32 else {"rtol": 1e-10, "atol": 1e-12}
    for (w, b), (tw, tb) in zip(ours, theirs):
        np.testing.assert_allclose(w, tw, **tol)
        np.testing.assert_allclose(b, tb, **tol)


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad_modes(set_to_none):
    _, opt, (w, b) = _run(at, "SGD", {"lr": 0.1}, np.float32, steps=2, set_to_none=set_to_none)
    _, topt, (tw, tb) = _run(
        torch, "SGD", {"lr": 0.1}, np.float32, steps=2, set_to_none=set_to_none
    )
    opt.zero_grad(set_to_none=set_to_none)
    topt.zero_grad(set_to_none=set_to_none)
    assert_close(w.grad, tw.grad)
    assert_close(b.grad, tb.grad)


def test_step_keeps_the_same_leaf_objects():
    w = at.tensor([1.0, 2.0], requires_grad=True)
    opt = at.optim.Adam([w], lr=0.1)
    (w * w).sum().backward()
    data_before = w._data
    opt.step()
    assert w.is_leaf and w.requires_grad and w.grad_fn is None
    assert w._data is data_before  # updated in place
    assert opt.param_groups[0]["params"][0] is w


def test_params_without_grad_are_skipped():
    w = at.tensor([1.0], requires_grad=True)
    v = at.tensor([5.0], requires_grad=True)
    opt = at.optim.Adam([w, v], lr=0.1)
    (w * 2).sum().backward()
    opt.step()
    assert v.tolist() == [5.0]
    assert len(opt.state) == 1


def _groups(lib):
    d = regression_data(np.float32)
    w = lib.tensor(d["w"], requires_grad=True)
    b = lib.tensor(d["b"], requires_grad=True)
    x, y = lib.tensor(d["x"]), lib.tensor(d["y"])
    opt = lib.optim.SGD([{"params": [w]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.9)
    for _ in range(20):
        opt.zero_grad()
        _problem((w, b), x, y).backward()
        opt.step()
    return opt, w, b


def test_param_groups_with_own_options():
    opt, w, b = _groups(at)
    topt, tw, tb = _groups(torch)
    assert_close(w, tw, rtol=1e-5)
    assert_close(b, tb, rtol=1e-5)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert repr(opt) == repr(topt)


def test_add_param_group():
    for lib in (at, torch):
        w = lib.tensor([1.0], requires_grad=True)
        v = lib.tensor([1.0], requires_grad=True)
        opt = lib.optim.SGD([w], lr=0.1)
        opt.add_param_group({"params": [v], "lr": 1.0})
        (w * 3 + v * 3).sum().backward()
        opt.step()
        assert w.tolist() == pytest.approx([0.7]) and v.tolist() == pytest.approx([-2.0])
        assert sorted(opt.param_groups[1]) == sorted(opt.param_groups[0])


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("SGD", {"lr": 0.1}),
        ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
        ("Adam", {"lr": 0.01, "amsgrad": True}),
        ("AdamW", {}),
    ],
)
def test_repr_matches_torch(name, kwargs):
    w = at.tensor([1.0], requires_grad=True)
    tw = torch.tensor([1.0], requires_grad=True)
    assert repr(getattr(at.optim, name)([w], **kwargs)) == repr(
        getattr(torch.optim, name)([tw], **kwargs)
    )


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("SGD", {"lr": 0.05, "momentum": 0.9}),
        ("Adam", {"lr": 0.05, "amsgrad": True}),
        ("AdamW", {"lr": 0.05}),
    ],
)
def test_state_dict_matches_torch_and_round_trips(name, kwargs):
    ours, opt, _ = _run(at, name, kwargs, np.float32, steps=5)
    _, topt, _ = _run(torch, name, kwargs, np.float32, steps=5)
    sd, tsd = opt.state_dict(), topt.state_dict()
    assert sd["param_groups"] == tsd["param_groups"]
    assert sd["state"].keys() == tsd["state"].keys()
    for key in tsd["state"]:
        assert sd["state"][key].keys() == tsd["state"][key].keys()
        for name_ in tsd["state"][key]:
            assert_close(sd["state"][key][name_], tsd["state"][key][name_], rtol=1e-4)
            assert repr(sd["state"][key][name_]).startswith("tensor(")

    # A new optimizer over a copy of the parameters continues exactly where the first was.
    w, b = (at.tensor(p, requires_grad=True) for p in ours[-1])
    fresh = getattr(at.optim, name)([w, b], lr=123.0)
    fresh.load_state_dict(sd)
    assert fresh.param_groups[0]["lr"] == kwargs.get("lr", fresh.defaults["lr"])
    assert [id(p) for p in fresh.param_groups[0]["params"]] == [id(w), id(b)]
    d = regression_data(np.float32)
    x, y = at.tensor(d["x"]), at.tensor(d["y"])
    for _ in range(5):
        fresh.zero_grad()
        _problem((w, b), x, y).backward()
        fresh.step()
    full, _, _ = _run(torch, name, kwargs, np.float32, steps=10)
    assert_close(w, full[-1][0], rtol=1e-4, atol=1e-5, check_dtype=False)
    assert_close(b, full[-1][1], rtol=1e-4, atol=1e-5, check_dtype=False)
    # The loaded state is a copy: stepping `fresh` did not change the saved dict.
    assert_close(
        sd["state"][0]["step" if name != "SGD" else "momentum_buffer"],
        tsd["state"][0]["step" if name != "SGD" else "momentum_buffer"],
        rtol=1e-4,
    )


def test_load_state_dict_errors_match_torch():
    def build(lib, n):
        ps = [lib.tensor([1.0], requires_grad=True) for _ in range(n)]
        return lib.optim.SGD(ps, lr=0.1)

    for mine, theirs in [
        (
            lambda: build(at, 2).load_state_dict(build(at, 3).state_dict()),
            lambda: build(torch, 2).load_state_dict(build(torch, 3).state_dict()),
        ),
    ]:
        with pytest.raises(ValueError) as ours:
            mine()
        with pytest.raises(ValueError) as ref:
            theirs()
        assert str(ours.value).startswith(str(ref.value))


def _bad_calls(lib):
    w = lib.tensor([1.0], requires_grad=True)
    nonleaf = w * 2
    return {
        "negative lr": lambda: lib.optim.SGD([w], lr=-0.1),
        "negative momentum": lambda: lib.optim.SGD([w], lr=0.1, momentum=-1),
        "negative weight decay": lambda: lib.optim.SGD([w], lr=0.1, weight_decay=-1),
        "nesterov without momentum": lambda: lib.optim.SGD([w], lr=0.1, nesterov=True),
        "nesterov with dampening": lambda: lib.optim.SGD(
            [w], lr=0.1, momentum=0.9, dampening=0.1, nesterov=True
        ),
        "empty params": lambda: lib.optim.SGD([], lr=0.1),
        "used-up generator": lambda: lib.optim.Adam(iter([]), lr=0.1),
        "non-leaf": lambda: lib.optim.SGD([nonleaf], lr=0.1),
        "adam negative lr": lambda: lib.optim.Adam([w], lr=-1),
        "adam negative eps": lambda: lib.optim.Adam([w], eps=-1),
        "beta0 = 1": lambda: lib.optim.Adam([w], betas=(1.0, 0.999)),
        "beta1 < 0": lambda: lib.optim.Adam([w], betas=(0.9, -0.1)),
        "adamw decay": lambda: lib.optim.AdamW([w], weight_decay=-1),
        "single tensor": lambda: lib.optim.SGD(w, lr=0.1),
        "number in params": lambda: lib.optim.SGD([w, 3.0], lr=0.1),
        "set of params": lambda: lib.optim.SGD([{"params": {w}}], lr=0.1),
        "param in two groups": lambda: lib.optim.SGD([{"params": [w]}, {"params": [w]}], lr=0.1),
    }


@pytest.mark.parametrize("case", list(_bad_calls(at)))
def test_bad_arguments_raise_like_torch(case):
    with pytest.raises(Exception) as ref:
        _bad_calls(torch)[case]()
    with pytest.raises(Exception) as ours:
        _bad_calls(at)[case]()
    assert type(ours.value) is type(ref.value)
    gist = str(ref.value).split(",")[0].replace("torch.FloatTensor", "")
    assert str(ours.value).startswith(gist)
    assert len(str(ours.value)) >= len(str(ref.value))  # plus a sentence on how to fix it


def test_closure_is_called_with_grad_enabled():
    w = at.tensor([3.0], requires_grad=True)
    opt = at.optim.SGD([w], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with at.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 9.0
    assert w.tolist() == pytest.approx([2.4])


def test_seed_update_rule_equals_sgd():
    """The seed's manual ``w -= 0.1 * w.grad`` is exactly ``optim.SGD(lr=0.1)``."""

    def manual():
        w = at.tensor([1.0], requires_grad=True)
        b = at.tensor([0.0], requires_grad=True)
        x, y = at.tensor([1.0, 2.0, 3.0]), at.tensor([2.0, 4.0, 6.0])
        for _ in range(20):
            loss = ((w * x + b - y) ** 2).mean()
            loss.backward()
            with at.no_grad():
                w -= 0.1 * w.grad
                b -= 0.1 * b.grad
            w.grad.zero_()
            b.grad.zero_()
        return w, b

    def with_sgd():
        w = at.tensor([1.0], requires_grad=True)
        b = at.tensor([0.0], requires_grad=True)
        x, y = at.tensor([1.0, 2.0, 3.0]), at.tensor([2.0, 4.0, 6.0])
        opt = at.optim.SGD([w, b], lr=0.1)
        for _ in range(20):
            opt.zero_grad()
            ((w * x + b - y) ** 2).mean().backward()
            opt.step()
        return w, b

    for p, q in zip(manual(), with_sgd()):
        assert p.tolist() == q.tolist()


def test_an_optimizer_written_by_a_student():
    """Subclassing Optimizer and overriding step() works as in PyTorch."""

    def run(lib):
        from importlib import import_module

        required = import_module(lib.__name__ + ".optim.optimizer").required

        class SignSGD(lib.optim.Optimizer):
            def __init__(self, params, lr=required):
                super().__init__(params, {"lr": lr})

            @lib.no_grad()
            def step(self, closure=None):
                for group in self.param_groups:
                    for p in group["params"]:
                        if p.grad is not None:
                            state = self.state[p]
                            state["steps"] = state.get("steps", 0) + 1
                            p -= group["lr"] * p.grad.sign()

        w = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
        opt = SignSGD([w], lr=0.5)
        for _ in range(3):
            opt.zero_grad()
            (w * w).sum().backward()
            opt.step()
        with pytest.raises(ValueError) as missing:
            SignSGD([w])
        return w.tolist(), opt.state[w]["steps"], str(missing.value)

    ours, theirs = run(at), run(torch)
    assert ours[:2] == theirs[:2]
    assert ours[2].startswith(theirs[2])


def test_changing_lr_in_param_groups_takes_effect():
    """A hand-written schedule edits group["lr"] between steps, as in PyTorch tutorials."""
    results = []
    for lib in (at, torch):
        w = lib.tensor([1.0, -1.0], requires_grad=True)
        opt = lib.optim.Adam([w], lr=0.1)
        for epoch in range(6):
            for group in opt.param_groups:
                group["lr"] = 0.1 * 0.5 ** (epoch // 2)
            opt.zero_grad()
            (w**2).sum().backward()
            opt.step()
        results.append(w.tolist())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-6)


def test_step_between_forward_and_backward_raises_like_torch():
    """step() changes the parameters in place, so a graph that saved them is stale."""
    messages = []
    for lib in (at, torch):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        opt = lib.optim.SGD([w], lr=0.1)
        (w * w).sum().backward()
        loss = (w * w).sum()  # saves w for its backward
        opt.step()
        with pytest.raises(RuntimeError) as err:
            loss.backward()
        messages.append(str(err.value))
    assert messages[0].startswith(messages[1].split(":")[0])


@settings(max_examples=25, deadline=None)
@given(
    lr=st.floats(1e-4, 0.5),
    momentum=st.sampled_from([0.0, 0.5, 0.9]),
    dampening=st.sampled_from([0.0, 0.3]),
    nesterov=st.booleans(),
    weight_decay=st.sampled_from([0.0, 1e-3, 0.1]),
    maximize=st.booleans(),
)
def test_property_sgd_matches_torch_for_any_hyperparameters(
    lr, momentum, dampening, nesterov, weight_decay, maximize
):
    nesterov = nesterov and momentum > 0 and dampening == 0
    kwargs = dict(
        lr=lr,
        momentum=momentum,
        dampening=dampening,
        nesterov=nesterov,
        weight_decay=weight_decay,
        maximize=maximize,
    )
    ours, _, _ = _run(at, "SGD", kwargs, np.float64, steps=15)
    theirs, _, _ = _run(torch, "SGD", kwargs, np.float64, steps=15)
    np.testing.assert_allclose(ours[-1][0], theirs[-1][0], rtol=1e-9, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    name=st.sampled_from(["Adam", "AdamW"]),
    lr=st.floats(1e-4, 0.2),
    beta1=st.floats(0.0, 0.99),
    beta2=st.floats(0.5, 0.9999),
    eps=st.sampled_from([1e-8, 1e-6, 1e-3]),
    weight_decay=st.sampled_from([0.0, 1e-2, 0.3]),
    amsgrad=st.booleans(),
)
def test_property_adam_matches_torch_for_any_hyperparameters(
    name, lr, beta1, beta2, eps, weight_decay, amsgrad
):
    kwargs = dict(lr=lr, betas=(beta1, beta2), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)
    ours, _, _ = _run(at, name, kwargs, np.float64, steps=15)
    theirs, _, _ = _run(torch, name, kwargs, np.float64, steps=15)
    np.testing.assert_allclose(ours[-1][0], theirs[-1][0], rtol=1e-9, atol=1e-12)
