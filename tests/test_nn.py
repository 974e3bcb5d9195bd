"""nn against PyTorch 2.13: modules, parameters, printing, state_dict, losses, the seed loop."""

from __future__ import annotations

import contextlib
import io
import math
import warnings
from collections import OrderedDict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from torch_oracle import assert_close, node_name, to_torch

import autograd_tutor as at

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(1)


def _copy_weights(ours, theirs):
    """Make the torch module hold our module's values (our init draws other numbers)."""
    with torch.no_grad():
        for (name, p), (tname, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
            assert name == tname
            tp.copy_(torch.from_numpy(p.detach().numpy().copy()))


def _mlp(lib):
    return lib.nn.Sequential(
        lib.nn.Linear(4, 8),
        lib.nn.ReLU(),
        lib.nn.Linear(8, 3),
        lib.nn.Tanh(),
        lib.nn.Linear(3, 2, bias=False),
        lib.nn.Sigmoid(),
    )


class _Net:
    """The same custom module for both libraries (attributes register children)."""

    @staticmethod
    def build(lib):
        class Net(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.hidden = lib.nn.Linear(3, 5)
                self.act = lib.nn.ReLU()
                self.out = lib.nn.Sequential(lib.nn.Linear(5, 2), lib.nn.Softmax(dim=1))
                self.scale = lib.nn.Parameter(lib.ones(2))
                self.not_a_param = lib.ones(2)

            def forward(self, x):
                return self.out(self.act(self.hidden(x))) * self.scale

        return Net()


# -- modules ---------------------------------------------------------------------------------


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("shape", [(5, 4), (4,), (2, 3, 4)])
def test_linear_forward_backward(bias, shape):
    layer, tlayer = at.nn.Linear(4, 3, bias=bias), torch.nn.Linear(4, 3, bias=bias)
    _copy_weights(layer, tlayer)
    x = at.tensor(RNG.normal(size=shape).astype(np.float32), requires_grad=True)
    tx = to_torch(x)
    out, tout = layer(x), tlayer(tx)
    assert_close(out, tout)
    g = RNG.normal(size=tout.shape).astype(np.float32)
    out.backward(at.tensor(g))
    tout.backward(torch.from_numpy(g))
    assert_close(x.grad, tx.grad)
    for p, tp in zip(layer.parameters(), tlayer.parameters()):
        assert_close(p.grad, tp.grad, rtol=1e-5, atol=1e-5)


def test_linear_init_scheme():
    at.manual_seed(0)
    layer = at.nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    w, b = layer.weight.detach().numpy(), layer.bias.detach().numpy()
    assert w.dtype == np.float32 and w.shape == (300, 400) and b.shape == (300,)
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    # U(-bound, bound) has standard deviation bound / sqrt(3)
    assert abs(w.std() - bound / math.sqrt(3)) < 0.02 * bound
    assert abs(w.mean()) < 0.01 * bound
    at.manual_seed(0)
    assert np.array_equal(at.nn.Linear(400, 300).weight.detach().numpy(), w)
    assert not np.array_equal(at.nn.Linear(400, 300).weight.detach().numpy(), w)


def test_sequential_mlp_forward_backward():
    model, tmodel = _mlp(at), _mlp(torch)
    _copy_weights(model, tmodel)
    x = RNG.normal(size=(6, 4)).astype(np.float32)
    out, tout = model(at.tensor(x)), tmodel(torch.from_numpy(x))
    assert_close(out, tout)
    out.sum().backward()
    tout.sum().backward()
    for (name, p), (_, tp) in zip(model.named_parameters(), tmodel.named_parameters()):
        assert_close(p.grad, tp.grad, rtol=1e-5, atol=1e-6), name


def test_reprs_match_torch():
    assert repr(_mlp(at)) == repr(_mlp(torch))
    assert repr(_Net.build(at)) == repr(_Net.build(torch))
    for cls, args in [
        ("ReLU", ()),
        ("Sigmoid", ()),
        ("Tanh", ()),
        ("MSELoss", ()),
        ("CrossEntropyLoss", ()),
        ("BCELoss", ()),
        ("BCEWithLogitsLoss", ()),
        ("NLLLoss", ()),
        ("Softmax", (1,)),
        ("LogSoftmax", (1,)),
        ("Linear", (3, 2)),
        ("Linear", (3, 2, False)),
    ]:
        assert repr(getattr(at.nn, cls)(*args)) == repr(getattr(torch.nn, cls)(*args))
    assert repr(at.nn.ReLU(inplace=True)) == repr(torch.nn.ReLU(inplace=True))


def test_parameter_is_a_leaf_tensor_with_torch_repr():
    p = at.nn.Parameter(at.tensor([[1.0, 2.0], [3.0, 4.0]]))
    tp = torch.nn.Parameter(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
    assert isinstance(p, at.Tensor) and p.is_leaf and p.requires_grad
    assert repr(p) == repr(tp)
    assert repr(at.nn.Parameter(at.ones(2), requires_grad=False)) == repr(
        torch.nn.Parameter(torch.ones(2), requires_grad=False)
    )
    # results of operations on a Parameter are plain tensors
    assert type(p * 2) is at.Tensor
    assert repr(p * 2) == repr(tp * 2).replace("MulBackward0", "MulBackward0")


def test_parameter_shares_values_with_its_tensor():
    t = at.zeros(3)
    p = at.nn.Parameter(t)
    with at.no_grad():
        p.add_(1)
    assert t.tolist() == [1.0, 1.0, 1.0]


def test_registration_and_traversal_match_torch():
    net, tnet = _Net.build(at), _Net.build(torch)
    assert [n for n, _ in net.named_parameters()] == [n for n, _ in tnet.named_parameters()]
    assert [type(m).__name__ for m in net.modules()] == [type(m).__name__ for m in tnet.modules()]
    assert [n for n, _ in net.named_modules()] == [n for n, _ in tnet.named_modules()]
    assert [n for n, _ in net.named_children()] == [n for n, _ in tnet.named_children()]
    assert len(list(net.parameters(recurse=False))) == 1
    assert "not_a_param" not in dict(net.named_parameters())
    assert isinstance(net.hidden.weight, at.nn.Parameter)


def test_shared_parameters_are_listed_once():
    for lib in (at, torch):
        layer = lib.nn.Linear(2, 2)
        model = lib.nn.Sequential(layer, layer)
        assert len(list(model.parameters())) == 2
        assert list(model.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]


def test_assigning_a_plain_tensor_to_a_parameter_raises_like_torch():
    with pytest.raises(TypeError) as ref:
        torch.nn.Linear(2, 2).weight = torch.zeros(2, 2)
    with pytest.raises(TypeError) as ours:
        at.nn.Linear(2, 2).weight = at.zeros(2, 2)
    assert str(ours.value).startswith(str(ref.value))


def test_train_eval_zero_grad_requires_grad():
    model = _mlp(at)
    assert all(m.training for m in model.modules())
    assert model.eval() is model and not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())
    model(at.ones(1, 4)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad(set_to_none=False)
    assert all(not p.grad.any() for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    model[0].requires_grad_(False)
    assert [p.requires_grad for p in model.parameters()] == [False, False, True, True, True]


def test_sequential_container():
    model, tmodel = _mlp(at), _mlp(torch)
    assert len(model) == len(tmodel) == 6
    assert [type(m).__name__ for m in model] == [type(m).__name__ for m in tmodel]
    assert type(model[-1]).__name__ == "Sigmoid"
    assert repr(model[1:3]) == repr(tmodel[1:3])
    named = at.nn.Sequential(OrderedDict([("fc", at.nn.Linear(2, 2)), ("act", at.nn.ReLU())]))
    tnamed = torch.nn.Sequential(
        OrderedDict([("fc", torch.nn.Linear(2, 2)), ("act", torch.nn.ReLU())])
    )
    assert repr(named) == repr(tnamed)
    assert list(named.state_dict()) == list(tnamed.state_dict())
    with pytest.raises(IndexError):
        model[6]


def test_forward_missing_raises_like_torch():
    with pytest.raises(NotImplementedError):
        torch.nn.Module()(1)
    with pytest.raises(NotImplementedError, match="forward"):
        at.nn.Module()(1)


# -- state_dict ------------------------------------------------------------------------------


def test_state_dict_keys_values_and_detach():
    model, tmodel = _mlp(at), _mlp(torch)
    _copy_weights(model, tmodel)
    sd, tsd = model.state_dict(), tmodel.state_dict()
    assert isinstance(sd, OrderedDict)
    assert list(sd) == list(tsd)
    for k in sd:
        assert_close(sd[k], tsd[k])
        assert not sd[k].requires_grad and type(sd[k]) is at.Tensor
    # values share memory with the parameters, as in PyTorch
    with at.no_grad():
        model[0].bias.add_(1)
    assert_close(sd["0.bias"], model[0].bias)


def test_load_state_dict_round_trip():
    a, b = _mlp(at), _mlp(at)
    result = b.load_state_dict(a.state_dict())
    assert repr(result) == "<All keys matched successfully>"
    assert repr(result) == repr(
        torch.nn.Linear(1, 1).load_state_dict(torch.nn.Linear(1, 1).state_dict())
    )
    x = at.ones(2, 4)
    assert_close(a(x), b(x))
    # values are copied, not shared: the parameters stay b's own leaves
    with at.no_grad():
        a[0].weight.mul_(0)
    assert b[0].weight.abs().sum().item() > 0
    assert b[0].weight.is_leaf and isinstance(b[0].weight, at.nn.Parameter)


def _load_errors(lib):
    model = lib.nn.Sequential(lib.nn.Linear(3, 2), lib.nn.ReLU(), lib.nn.Linear(2, 1))
    good = model.state_dict()
    missing = OrderedDict((k, v) for k, v in good.items() if k != "2.bias")
    extra = OrderedDict(good, **{"3.weight": lib.zeros(1)})
    wrong = OrderedDict(good, **{"0.weight": lib.zeros(3, 3)})
    return model, {"missing": missing, "unexpected": extra, "size": wrong}


@pytest.mark.parametrize("case", ["missing", "unexpected", "size"])
def test_load_state_dict_errors_match_torch(case):
    model, bad = _load_errors(at)
    tmodel, tbad = _load_errors(torch)
    with pytest.raises(RuntimeError) as ref:
        tmodel.load_state_dict(tbad[case])
    with pytest.raises(RuntimeError) as ours:
        model.load_state_dict(bad[case])
    assert str(ours.value).startswith(str(ref.value))
    if case != "size":
        assert repr(model.load_state_dict(bad[case], strict=False)) == repr(
            tmodel.load_state_dict(tbad[case], strict=False)
        )


def test_load_state_dict_from_torch_values():
    model, tmodel = _mlp(at), _mlp(torch)
    model.load_state_dict({k: at.tensor(v.numpy()) for k, v in tmodel.state_dict().items()})
    x = RNG.normal(size=(3, 4)).astype(np.float32)
    assert_close(model(at.tensor(x)), tmodel(torch.from_numpy(x)))


# -- functional and losses -------------------------------------------------------------------


def _pair(values, requires_grad=True, dtype=np.float32):
    x = at.tensor(np.asarray(values, dtype=dtype), requires_grad=requires_grad)
    return x, to_torch(x)


def _check_loss(name, make_args, kwargs=None, rtol=1e-5, atol=1e-6):
    """Forward value, grad_fn-free gradient of every float input, vs torch."""
    kwargs = kwargs or {}
    ours_args, torch_args = make_args()
    out = getattr(at.nn.functional, name)(*ours_args, **kwargs)
    tout = getattr(torch.nn.functional, name)(*torch_args, **kwargs)
    assert_close(out, tout, rtol=rtol, atol=atol)
    g = np.linspace(0.5, 1.5, int(np.prod(tout.shape))).reshape(tout.shape).astype(np.float32)
    out.backward(at.tensor(g))
    tout.backward(torch.from_numpy(g))
    for a, t in zip(ours_args, torch_args):
        if isinstance(t, torch.Tensor) and t.requires_grad and t.is_leaf:
            assert_close(a.grad, t.grad, rtol=rtol, atol=atol)


REDUCTIONS = ["mean", "sum", "none"]


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_loss(reduction):
    def args():
        (x, tx), (y, ty) = _pair(RNG.normal(size=(4, 3))), _pair(RNG.normal(size=(4, 3)))
        return (x, y), (tx, ty)

    _check_loss("mse_loss", args, {"reduction": reduction})


def test_mse_loss_promotes_dtypes_like_torch():
    x, tx = _pair(RNG.normal(size=(2, 3)))
    for dtype in ("int64", "float64"):
        y = RNG.integers(0, 3, size=(2, 3)).astype(dtype)
        out = at.nn.functional.mse_loss(x, at.tensor(y))
        tout = torch.nn.functional.mse_loss(tx, torch.from_numpy(y))
        assert_close(out, tout)


def test_mse_loss_warns_about_broadcasting_like_torch():
    with pytest.warns(UserWarning) as ref:
        torch.nn.functional.mse_loss(torch.zeros(3, 1), torch.zeros(3))
    with pytest.warns(UserWarning) as ours:
        at.nn.functional.mse_loss(at.zeros(3, 1), at.zeros(3))
    assert str(ours[0].message) == str(ref[0].message)


def _class_args(n=5, c=4, targets=None, dims=()):
    def args():
        x, tx = _pair(RNG.normal(size=(n, c) + dims) * 3)
        t = np.asarray(targets if targets is not None else RNG.integers(0, c, size=(n,) + dims))
        return (x, at.tensor(t)), (tx, torch.from_numpy(t))

    return args


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"ignore_index": 2},
        {"weight": [0.2, 1.0, 3.0, 0.5]},
        {"weight": [0.2, 1.0, 3.0, 0.5], "ignore_index": 1},
        {"label_smoothing": 0.1},
        {"label_smoothing": 0.2, "weight": [0.2, 1.0, 3.0, 0.5]},
        {"label_smoothing": 0.2, "ignore_index": 0},
    ],
)
def test_cross_entropy_class_targets(reduction, options):
    targets = [0, 2, 1, 3, 2]
    kwargs = dict(options, reduction=reduction)
    weight = kwargs.pop("weight", None)

    def args():
        (x, t), (tx, tt) = _class_args(targets=targets)()
        if weight is None:
            return (x, t), (tx, tt)
        w = np.asarray(weight, dtype=np.float32)
        return (x, t, at.tensor(w)), (tx, tt, torch.from_numpy(w))

    _check_loss("cross_entropy", args, kwargs)
    if "label_smoothing" not in kwargs:

        def log_args():
            (x, *rest), (tx, *trest) = args()
            return (x.log_softmax(1), *rest), (tx.log_softmax(1), *trest)

        _check_loss("nll_loss", log_args, kwargs)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_probability_targets_and_extra_dims(reduction):
    def prob_args():
        (x, tx), (p, tp) = (
            _pair(RNG.normal(size=(3, 4))),
            _pair(RNG.dirichlet(np.ones(4), size=3), requires_grad=False),
        )
        return (x, p), (tx, tp)

    _check_loss("cross_entropy", prob_args, {"reduction": reduction})
    _check_loss("cross_entropy", prob_args, {"reduction": reduction, "label_smoothing": 0.3})
    _check_loss("cross_entropy", _class_args(n=2, c=3, dims=(4,)), {"reduction": reduction})


def test_cross_entropy_single_sample():
    def args():
        x, tx = _pair(RNG.normal(size=(4,)))
        return (x, at.tensor(2)), (tx, torch.tensor(2))

    _check_loss("cross_entropy", args)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_binary_cross_entropy(reduction, weighted):
    def args():
        # exact 0 and 1 included: a saturated sigmoid must not give inf or nan
        p = np.concatenate([RNG.uniform(0.01, 0.99, size=6), [0.0, 1.0]]).reshape(2, 4)
        (x, tx), (y, ty) = _pair(p), _pair(RNG.integers(0, 2, size=(2, 4)), False)
        if not weighted:
            return (x, y), (tx, ty)
        w = RNG.uniform(0.5, 2, size=(2, 4)).astype(np.float32)
        return (x, y, at.tensor(w)), (tx, ty, torch.from_numpy(w))

    _check_loss("binary_cross_entropy", args, {"reduction": reduction})


def test_bce_through_saturated_sigmoid_stays_finite():
    z, tz = _pair([-120.0, -30.0, 0.0, 30.0, 120.0])
    y, ty = _pair([1.0, 0.0, 1.0, 1.0, 0.0], requires_grad=False)
    loss = at.nn.BCELoss()(at.nn.Sigmoid()(z), y)
    tloss = torch.nn.BCELoss()(torch.nn.Sigmoid()(tz), ty)
    loss.backward()
    tloss.backward()
    assert_close(loss, tloss)
    assert_close(z.grad, tz.grad)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("extra", [{}, {"weight": True}, {"pos_weight": True}])
def test_binary_cross_entropy_with_logits(reduction, extra):
    def args():
        # zeros included: the gradient there is sigmoid(0) - t = 0.5 - t
        z = np.concatenate([RNG.normal(size=5) * 5, [0.0, 0.0, 200.0, -200.0]]).reshape(3, 3)
        (x, tx), (y, ty) = _pair(z), _pair(RNG.integers(0, 2, size=(3, 3)), False)
        ours, theirs = [x, y], [tx, ty]
        if "weight" in extra:
            w = RNG.uniform(0.5, 2, size=(3, 3)).astype(np.float32)
            ours.append(at.tensor(w))
            theirs.append(torch.from_numpy(w))
        return tuple(ours), tuple(theirs)

    kwargs = {"reduction": reduction}
    if "pos_weight" in extra:
        kwargs_ours = dict(kwargs, pos_weight=at.tensor([1.0, 2.0, 0.5]))
        (x, y), (tx, ty) = args()
        out = at.nn.functional.binary_cross_entropy_with_logits(x, y, **kwargs_ours)
        tout = torch.nn.functional.binary_cross_entropy_with_logits(
            tx, ty, reduction=reduction, pos_weight=torch.tensor([1.0, 2.0, 0.5])
        )
        assert_close(out, tout, atol=1e-5)
        out.sum().backward()
        tout.sum().backward()
        assert_close(x.grad, tx.grad, atol=1e-6)
        return
    _check_loss("binary_cross_entropy_with_logits", args, kwargs)


def test_loss_modules_match_functional():
    x, tx = _pair(RNG.normal(size=(4, 3)))
    t = np.array([0, 2, 1, 1])
    w = np.array([1.0, 2.0, 0.5], dtype=np.float32)
    pairs = [
        (
            at.nn.CrossEntropyLoss(weight=at.tensor(w), label_smoothing=0.1),
            torch.nn.CrossEntropyLoss(weight=torch.from_numpy(w), label_smoothing=0.1),
            at.tensor(t),
            torch.from_numpy(t),
        ),
        (
            at.nn.NLLLoss(reduction="sum"),
            torch.nn.NLLLoss(reduction="sum"),
            at.tensor(t),
            torch.from_numpy(t),
        ),
        (at.nn.MSELoss(), torch.nn.MSELoss(), at.ones(4, 3), torch.ones(4, 3)),
        (at.nn.BCEWithLogitsLoss(), torch.nn.BCEWithLogitsLoss(), at.ones(4, 3), torch.ones(4, 3)),
    ]
    for loss, tloss, target, ttarget in pairs:
        assert_close(loss(x, target), tloss(tx, ttarget))


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax_family_is_stable(dim):
    x, tx = _pair([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]])
    for name in ("softmax", "log_softmax"):
        out = getattr(at.nn.functional, name)(x, dim=dim)
        tout = getattr(torch.nn.functional, name)(tx, dim=dim)
        assert_close(out, tout)
        assert np.isfinite(out.detach().numpy()).all()


def test_softmax_without_dim_warns_like_torch():
    with pytest.warns(UserWarning) as ref:
        tout = torch.nn.functional.softmax(torch.ones(2, 3))
    with pytest.warns(UserWarning) as ours:
        out = at.nn.functional.softmax(at.ones(2, 3))
    assert str(ours[0].message) == str(ref[0].message)
    assert_close(out, tout)


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh"])
def test_activations(name):
    x, tx = _pair(RNG.normal(size=(3, 4)))
    out, tout = getattr(at.nn.functional, name)(x), getattr(torch.nn.functional, name)(tx)
    assert_close(out, tout)
    out.sum().backward()
    tout.sum().backward()
    assert_close(x.grad, tx.grad)
    assert node_name(out.grad_fn) == node_name(tout.grad_fn)


def _bad_losses(lib):
    F = lib.nn.functional
    x = lib.zeros(3, 4)
    return {
        "target out of range": lambda: F.cross_entropy(x, lib.tensor([0, 1, 5])),
        "negative target": lambda: F.nll_loss(x, lib.tensor([0, 1, -1])),
        "float class target": lambda: F.cross_entropy(x, lib.tensor([0.0, 1.0, 2.0])),
        "batch mismatch": lambda: F.cross_entropy(x, lib.tensor([0, 1])),
        "bce input > 1": lambda: F.binary_cross_entropy(
            lib.tensor([0.5, 2.0]), lib.tensor([1.0, 0.0])
        ),
        "bce size": lambda: F.binary_cross_entropy(
            lib.tensor([0.5, 0.2]), lib.tensor([1.0, 0.0, 1.0])
        ),
        "logits size": lambda: F.binary_cross_entropy_with_logits(
            lib.tensor([0.5, 0.2]), lib.tensor([1.0, 0.0, 1.0])
        ),
        "bad reduction": lambda: F.mse_loss(x, x, reduction="avg"),
        "bad smoothing": lambda: F.cross_entropy(x, lib.tensor([0, 1, 2]), label_smoothing=1.5),
        "linear shapes": lambda: lib.nn.Linear(3, 2)(lib.zeros(4, 5)),
        "linear float64 input": lambda: lib.nn.Linear(4, 2)(x.double()),
        "linear int input": lambda: lib.nn.Linear(4, 2)(lib.ones(3, 4, dtype=lib.int64)),
        "column of targets": lambda: F.cross_entropy(x, lib.tensor([[0], [1], [2]])),
        "bce int target": lambda: F.binary_cross_entropy(
            lib.tensor([0.5, 0.2]), lib.tensor([1, 0])
        ),
        "logits int target": lambda: F.binary_cross_entropy_with_logits(
            lib.tensor([0.5, 0.2]), lib.tensor([1, 0])
        ),
        "function in Sequential": lambda: lib.nn.Sequential(lib.nn.Linear(2, 2), lib.relu),
        "class in Sequential": lambda: lib.nn.Sequential(lib.nn.ReLU),
        "module before super().__init__": lambda: _no_super(lib, "module"),
        "parameter before super().__init__": lambda: _no_super(lib, "parameter"),
    }


def _no_super(lib, what):
    class Net(lib.nn.Module):
        def __init__(self):
            if what == "module":
                self.fc = lib.nn.Linear(2, 2)
            else:
                self.w = lib.nn.Parameter(lib.ones(2))

    return Net()


@pytest.mark.parametrize("case", list(_bad_losses(torch)))
def test_bad_loss_input_raises_like_torch(case):
    with pytest.raises(Exception) as ref:
        _bad_losses(torch)[case]()
    with pytest.raises(Exception) as ours:
        _bad_losses(at)[case]()
    assert type(ours.value) is type(ref.value)
    # object paths differ ("torch.nn.modules.activation.ReLU"): compare from the last dot
    gist = str(ref.value).rstrip(".")
    if "Sequential" in case:
        gist = gist.split(" is not", 1)[1]
    assert str(ours.value).startswith(gist) or gist in str(ours.value)


# -- the seed chapter's training loop with an optimizer --------------------------------------

SEED_LOOP = """
w = torch.tensor([1.0], requires_grad=True)
b = torch.tensor([0.0], requires_grad=True)
x = torch.tensor([1.0, 2.0, 3.0])
y_true = torch.tensor([2.0, 4.0, 6.0])
optimizer = torch.optim.SGD([w, b], lr=0.1)
for epoch in range(5):
    optimizer.zero_grad()
    y_pred = w * x + b
    loss = ((y_pred - y_true) ** 2).mean()
    loss.backward()
    print(f"w.grad: {w.grad}")
    print(f"b.grad: {b.grad}")
    optimizer.step()
    print(epoch, loss, loss.item())
print(w, b)
print(optimizer)
print(optimizer.state_dict())
"""

MODEL_LOOP = """
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(1, 1))
with torch.no_grad():
    model[0].weight.fill_(0.5)
    model[0].bias.zero_()
x = torch.tensor([[1.0], [2.0], [3.0]])
y = torch.tensor([[2.0], [4.0], [6.0]])
criterion = torch.nn.MSELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
for step in range(3):
    optimizer.zero_grad()
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()
    print(step, loss)
print(model)
print(model[0].weight)
print(model.state_dict())
print(optimizer.state_dict()["state"][0])
print(optimizer.state_dict()["param_groups"])
with torch.no_grad():
    print(model(x))
"""


CLASSIFIER_LOOP = """
import numpy as np
rng = np.random.default_rng(0)
X = torch.tensor(rng.normal(size=(60, 2)).astype(np.float32))
y = torch.tensor((rng.normal(size=60) > 0).astype(np.int64) + (X[:, 0] > 0.5).long().numpy())
model = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
model.load_state_dict({k: torch.tensor(rng.uniform(-0.5, 0.5, size=v.shape).astype(np.float32))
                       for k, v in model.state_dict().items()})
criterion = torch.nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
for epoch in range(30):
    model.train()
    optimizer.zero_grad()
    loss = criterion(model(X), y)
    loss.backward()
    optimizer.step()
    if epoch % 10 == 0:
        model.eval()
        with torch.no_grad():
            pred = model(X).argmax(dim=1)
            accuracy = (pred == y).float().mean()
        print(f"epoch {epoch}: loss {loss.item():.4f}, accuracy {accuracy:.3f}")
print(loss)
print(torch.softmax(model(X[:2]), dim=1))
"""


def _stdout(code, lib):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), warnings.catch_warnings():
        exec(code, {"torch": lib})
    return buffer.getvalue()


@pytest.mark.parametrize(
    "code",
    [SEED_LOOP, MODEL_LOOP, CLASSIFIER_LOOP],
    ids=["seed-sgd", "module-adam", "classifier-momentum"],
)
def test_training_snippets_print_what_torch_prints(code):
    assert _stdout(code, at) == _stdout(code, torch)


# -- graph nodes and finite differences ------------------------------------------------------


def _node_cases(lib):
    F = lib.nn.functional
    x = lib.tensor(RNG.normal(size=(4, 3)).astype(np.float32), requires_grad=True)
    p = lib.tensor(RNG.uniform(0.1, 0.9, size=(4, 3)).astype(np.float32), requires_grad=True)
    t = lib.tensor(np.array([0, 2, 1, 1]))
    y = lib.tensor(RNG.integers(0, 2, size=(4, 3)).astype(np.float32))
    return {
        "linear": lambda: lib.nn.Linear(3, 2)(x),
        "linear-1d": lambda: lib.nn.Linear(3, 2)(x[0]),
        "linear-no-bias": lambda: lib.nn.Linear(3, 2, bias=False)(x),
        "mse": lambda: F.mse_loss(x, y),
        "mse-none": lambda: F.mse_loss(x, y, reduction="none"),
        "cross-entropy": lambda: F.cross_entropy(x, t),
        "nll-sum": lambda: F.nll_loss(x, t, reduction="sum"),
        "bce": lambda: F.binary_cross_entropy(p, y),
        "bce-logits": lambda: F.binary_cross_entropy_with_logits(x, y, reduction="sum"),
        "log-softmax": lambda: F.log_softmax(x, dim=1),
    }


@pytest.mark.parametrize("case", list(_node_cases(torch)))
def test_grad_fn_names_match_torch(case):
    out, tout = _node_cases(at)[case](), _node_cases(torch)[case]()
    assert node_name(out.grad_fn) == node_name(tout.grad_fn)
    assert repr(out).split("grad_fn=")[-1] == repr(tout).split("grad_fn=")[-1].replace(
        hex(id(tout.grad_fn)), hex(id(out.grad_fn))
    )


def _double(values, requires_grad=True):
    return at.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_losses_pass_gradcheck(reduction):
    """Finite differences in float64 as the oracle for every hand-written backward."""
    F = at.nn.functional
    gradcheck = at.autograd.gradcheck
    x = _double(RNG.normal(size=(4, 3)))
    p = _double(RNG.uniform(0.1, 0.9, size=(4, 3)))
    y = _double(RNG.uniform(0, 1, size=(4, 3)))
    w = _double(RNG.uniform(0.5, 2, size=(4, 3)), requires_grad=False)
    cw = _double([0.5, 2.0, 1.0], requires_grad=False)
    t = at.tensor(np.array([0, 2, 1, 1]))
    r = {"reduction": reduction}
    assert gradcheck(lambda a, b: F.mse_loss(a, b, **r), (x, y))
    assert gradcheck(lambda a: F.cross_entropy(a, t, **r), (x,))
    assert gradcheck(
        lambda a: F.cross_entropy(a, t, weight=cw, ignore_index=2, label_smoothing=0.2, **r), (x,)
    )
    assert gradcheck(lambda a: F.nll_loss(a, t, weight=cw, **r), (x,))
    assert gradcheck(lambda a: F.binary_cross_entropy(a, y, weight=w, **r), (p,))
    assert gradcheck(
        lambda a: F.binary_cross_entropy_with_logits(a, y, weight=w, pos_weight=cw, **r), (x,)
    )


def test_linear_passes_gradcheck_including_second_order():
    x = _double(RNG.normal(size=(5, 3)))
    w = _double(RNG.normal(size=(2, 3)))
    b = _double(RNG.normal(size=(2,)))
    F = at.nn.functional
    assert at.autograd.gradcheck(F.linear, (x, w, b))
    assert at.autograd.gradcheck(lambda a, c: F.linear(a, c), (x[0], w))

    # the backward is built from tensor ops, so it can itself be differentiated
    def grad_of_loss(a, c, d):
        loss = (F.linear(a, c, d).tanh() ** 2).sum()
        return at.autograd.grad(loss, (a, c), create_graph=True)

    assert at.autograd.gradcheck(grad_of_loss, (x, w, b))


# -- more layers and conversions -------------------------------------------------------------


def test_more_layer_reprs_match_torch():
    for lib_args in [
        ("Dropout", ()),
        ("Dropout", (0.2, True)),
        ("Flatten", ()),
        ("Flatten", (0, 1)),
        ("Identity", ()),
    ]:
        name, args = lib_args
        assert repr(getattr(at.nn, name)(*args)) == repr(getattr(torch.nn, name)(*args))
    for lib in (at, torch):
        lib.layers = lib.nn.ModuleList(
            [lib.nn.Linear(2, 2), lib.nn.Linear(2, 2), lib.nn.ReLU(), lib.nn.Linear(2, 2)]
        )
    assert repr(at.layers) == repr(torch.layers)
    assert repr(at.nn.ModuleList()) == repr(torch.nn.ModuleList())
    del at.layers, torch.layers


def test_module_list_registers_its_layers():
    class Net(at.nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = at.nn.ModuleList([at.nn.Linear(3, 3) for _ in range(2)])
            self.layers.append(at.nn.Linear(3, 1))

        def forward(self, x):
            for layer in self.layers:
                x = layer(x)
            return x

    net = Net()
    assert list(net.state_dict()) == [
        f"layers.{i}.{p}" for i in range(3) for p in ("weight", "bias")
    ]
    assert len(net.layers) == 3 and net.layers[-1].out_features == 1
    assert net(at.ones(2, 3)).shape == (2, 1)


def test_flatten_forward_backward():
    x, tx = _pair(RNG.normal(size=(2, 3, 4)))
    out, tout = at.nn.Flatten()(x), torch.nn.Flatten()(tx)
    assert_close(out, tout)
    assert node_name(out.grad_fn) == node_name(tout.grad_fn)
    (out * out).sum().backward()
    (tout * tout).sum().backward()
    assert_close(x.grad, tx.grad)


def test_dropout_train_and_eval():
    at.manual_seed(0)
    x = at.ones(200, 50, requires_grad=True)
    layer = at.nn.Dropout(0.3)
    out = layer(x)
    values = out.detach().numpy()
    kept = values != 0
    assert abs(kept.mean() - 0.7) < 0.02
    np.testing.assert_allclose(values[kept], 1 / 0.7, rtol=1e-6)
    assert node_name(out.grad_fn) == "MulBackward0"
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), values)  # d out / d x = mask / (1 - p)
    tx = torch.ones(2)
    assert layer.eval()(x) is x and torch.nn.Dropout(0.3).eval()(tx) is tx
    assert not at.nn.Dropout(1.0)(x).detach().numpy().any()
    with pytest.raises(ValueError) as ref:
        torch.nn.Dropout(1.5)
    with pytest.raises(ValueError) as ours:
        at.nn.Dropout(1.5)
    assert str(ours.value).startswith(str(ref.value))


def test_module_to_double_keeps_parameter_objects():
    model = _mlp(at)
    params = list(model.parameters())
    opt = at.optim.SGD(model.parameters(), lr=0.1)
    model(at.ones(1, 4)).sum().backward()
    assert model.double() is model and model.to("cpu") is model
    assert all(p.dtype == at.float64 and p.grad.dtype == at.float64 for p in params)
    assert [id(p) for p in model.parameters()] == [id(p) for p in params]
    opt.step()
    out = model(at.ones(1, 4, dtype=at.float64))
    assert out.dtype == at.float64
    assert model.float()[0].weight.dtype == at.float32
    # float64 modules are what gradcheck needs
    x = at.tensor(RNG.normal(size=(3, 4)), requires_grad=True)
    assert at.autograd.gradcheck(model.double(), (x,))


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(1, 6),
    c=st.integers(2, 5),
    seed=st.integers(0, 2**16),
    reduction=st.sampled_from(REDUCTIONS),
    scale=st.floats(0.1, 50.0),
)
def test_property_classification_losses_match_torch(n, c, seed, reduction, scale):
    """Random batch sizes, class counts and logit scales (large ones test stability)."""
    rng = np.random.default_rng(seed)
    logits = (rng.normal(size=(n, c)) * scale).astype(np.float32)
    classes = rng.integers(0, c, size=n)
    bits = rng.integers(0, 2, size=(n, c)).astype(np.float32)

    def args_ce():
        x, tx = _pair(logits)
        return (x, at.tensor(classes)), (tx, torch.from_numpy(classes))

    def args_bce():
        (x, tx), (y, ty) = _pair(logits), _pair(bits, requires_grad=False)
        return (x, y), (tx, ty)

    _check_loss("cross_entropy", args_ce, {"reduction": reduction}, rtol=1e-4, atol=1e-5)
    _check_loss(
        "binary_cross_entropy_with_logits", args_bce, {"reduction": reduction}, rtol=1e-4, atol=1e-5
    )


def test_losses_have_second_derivatives():
    """Backward formulas are themselves differentiable (create_graph=True), checked in float64."""
    F = at.nn.functional
    x = _double(RNG.normal(size=(4, 3)))
    y = _double(RNG.uniform(0, 1, size=(4, 3)), requires_grad=False)
    t = at.tensor(np.array([0, 2, 1, 1]))
    for loss in (
        lambda a: F.cross_entropy(a, t, weight=_double([1.0, 2.0, 0.5], False)),
        lambda a: F.mse_loss(a.tanh(), y),
        lambda a: F.binary_cross_entropy_with_logits(a, y),
        lambda a: F.binary_cross_entropy(a.sigmoid(), y),
    ):
        assert at.autograd.gradcheck(
            lambda a, f=loss: at.autograd.grad(f(a), a, create_graph=True), (x,)
        )


def test_inplace_relu():
    for lib in (at, torch):
        x = lib.tensor([-1.0, 2.0, 0.5], requires_grad=True)
        h = x * 2
        out = lib.nn.ReLU(inplace=True)(h)
        assert out is h and node_name(h.grad_fn) == "ReluBackward0"
        out.sum().backward()
        assert x.grad.tolist() == [0.0, 2.0, 2.0]
        with pytest.raises(RuntimeError):
            lib.nn.functional.relu(x, inplace=True)  # a leaf that requires grad


def test_init_functions():
    init, tinit = at.nn.init, torch.nn.init
    for name, param in [
        ("linear", None),
        ("sigmoid", None),
        ("tanh", None),
        ("relu", None),
        ("leaky_relu", None),
        ("leaky_relu", 0.2),
    ]:
        assert init.calculate_gain(name, param) == pytest.approx(tinit.calculate_gain(name, param))
    at.manual_seed(0)
    w = at.nn.Parameter(at.zeros(300, 200))
    ident = id(w._data)
    assert init.constant_(w, 0.5) is w and (w.detach().numpy() == 0.5).all()
    assert not init.zeros_(w).detach().numpy().any() and init.ones_(w).detach().numpy().all()
    values = init.xavier_uniform_(w, gain=2.0).detach().numpy()
    bound = 2.0 * math.sqrt(6 / 500)
    assert np.abs(values).max() <= bound and values.std() == pytest.approx(bound / 3**0.5, rel=0.02)
    values = init.kaiming_normal_(w, nonlinearity="relu").detach().numpy()
    assert values.std() == pytest.approx(math.sqrt(2 / 200), rel=0.02)
    values = init.normal_(w, mean=1.0, std=0.1).detach().numpy()
    assert values.mean() == pytest.approx(1.0, abs=0.002) and values.std() == pytest.approx(
        0.1, rel=0.02
    )
    values = init.uniform_(w, -2, 3).detach().numpy()
    assert values.min() >= -2 and values.max() < 3
    assert id(w._data) == ident and w.is_leaf and w.dtype == at.float32
    with pytest.raises(ValueError) as ref:
        tinit.xavier_uniform_(torch.zeros(3))
    with pytest.raises(ValueError) as ours:
        init.xavier_uniform_(at.zeros(3))
    assert str(ours.value).startswith(str(ref.value))
