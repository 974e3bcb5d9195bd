"""The divergences the third-party sweep found (tests/test_thirdparty.py), each cut down to a
minimal differential test against PyTorch 2.13.

* fixed in the sweep branch: plain tests (they guard the fix);
* deliberate differences (documented in tests/thirdparty/README.md): tests that pin down what we
  do and that the difference is only that;
* not fixed yet: ``xfail(strict=True)`` with the cause; the core/fidelity branches own most.
"""

from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np
import pytest
from torch_oracle import assert_close, graph_signature, to_torch

torch = pytest.importorskip("torch")
import autograd_tutor as at  # noqa: E402

CORE = "(core: not fixed in the sweep branch)"


def _xfail(reason: str):
    return pytest.mark.xfail(strict=True, reason=reason)


def _copy_weights(ours, theirs):
    """Give our module the torch module's parameter values (same names, same order)."""
    with at.no_grad():
        for (name, p), (tname, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
            assert name == tname
            p.copy_(at.tensor(tp.detach().numpy()))


# -- fixed in the sweep branch ----------------------------------------------------------


@pytest.mark.parametrize("m", [at, torch], ids=["ours", "torch"])
def test_module_dict_registers_its_modules(m):
    """notes/modules.rst's DynamicNet keeps its activations in an nn.ModuleDict."""
    d = m.nn.ModuleDict({"relu": m.nn.ReLU(), "lin": m.nn.Linear(2, 3)})
    d["tanh"] = m.nn.Tanh()
    d.update([("lrelu", m.nn.LeakyReLU())])
    assert list(d.keys()) == ["relu", "lin", "tanh", "lrelu"]
    assert [k for k in d] == list(d.keys()) and len(d) == 4 and "lin" in d
    assert [n for n, _ in d.named_parameters()] == ["lin.weight", "lin.bias"]
    assert list(d.state_dict()) == ["lin.weight", "lin.bias"]
    assert isinstance(d.pop("tanh"), m.nn.Tanh) and "tanh" not in d
    assert [type(v).__name__ for v in d.values()] == ["ReLU", "Linear", "LeakyReLU"]


def test_module_dict_prints_as_pytorch():
    ours = at.nn.ModuleDict(OrderedDict(relu=at.nn.ReLU(), lin=at.nn.Linear(2, 3)))
    theirs = torch.nn.ModuleDict(OrderedDict(relu=torch.nn.ReLU(), lin=torch.nn.Linear(2, 3)))
    assert repr(ours) == repr(theirs)
    assert repr(at.nn.ModuleDict()) == repr(torch.nn.ModuleDict())


@pytest.mark.parametrize("m", [at, torch], ids=["ours", "torch"])
def test_non_persistent_buffer_is_left_out_of_state_dict(m):
    """notes/modules.rst: register_buffer('saved', ..., persistent=False)."""

    class ModelWithBuffer(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("saved", m.ones(2), persistent=False)
            self.register_buffer("kept", m.zeros(2))
            self.linear = m.nn.Linear(2, 1)

    model = ModelWithBuffer()
    assert list(model.state_dict()) == ["kept", "linear.weight", "linear.bias"]
    assert [n for n, _ in model.named_buffers()] == ["saved", "kept"]
    model.load_state_dict(ModelWithBuffer().state_dict())  # strict: "saved" is not missing
    model.register_buffer("saved", m.ones(2))  # registered again, persistent
    assert list(model.state_dict())[:2] == ["saved", "kept"]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("shape", [(3, 5), (5,)], ids=["batch", "1-d"])
def test_cross_entropy_with_probabilities_builds_pytorchs_graph(reduction, shape):
    """nn.CrossEntropyLoss's docstring, class-probability targets: the loss printed
    grad_fn=<DivBackward0> where PyTorch prints <DivBackward1>."""
    values = np.sin(np.arange(np.prod(shape), dtype=np.float32) * 0.37).reshape(shape)
    probs = np.cos(np.arange(np.prod(shape), dtype=np.float32)).reshape(shape) ** 2

    def run(m, x):
        target = m.tensor(probs).softmax(dim=-1)
        loss = m.nn.functional.cross_entropy(x, target, reduction=reduction)
        loss.sum().backward() if reduction == "none" else loss.backward()
        return loss

    x = at.tensor(values, requires_grad=True)
    tx = to_torch(x)
    loss, tloss = run(at, x), run(torch, tx)
    assert graph_signature(loss.grad_fn) == graph_signature(tloss.grad_fn)
    assert_close(loss, tloss)
    assert_close(x.grad, tx.grad)


def test_functions_write_into_out():
    """blitz_tensor_2018: torch.add(x, y, out=result)."""

    def run(m):
        x, y, result = m.ones(2, 3), m.full((2, 3), 2.0), m.empty(2, 3)
        returned = m.add(x, y, out=result)
        assert returned is result
        bigger = m.zeros(5)
        with pytest.warns(UserWarning, match="An output with one or more elements was resized"):
            m.mul(x, 3, out=bigger)
        return result, bigger

    for ours, theirs in zip(run(at), run(torch)):
        assert_close(ours, theirs)


def test_out_refuses_inputs_that_require_grad():
    def run(m):
        m.mul(m.ones(2, requires_grad=True), 2, out=m.empty(2))

    ours, theirs = _error(at, run), _error(torch, run)
    assert type(ours) is type(theirs) and str(ours).startswith(str(theirs))


# -- deliberate differences --------------------------------------------------------------


def test_class_paths_name_our_modules():
    """d2l_parameters: print(type(net[2].bias)). The class is ours, and says so; everything
    else on that line (and in the script) is PyTorch's."""
    assert str(type(at.nn.Parameter(at.ones(1)))) == (
        "<class 'autograd_tutor.nn.parameter.Parameter'>"
    )
    assert str(type(torch.nn.Parameter(torch.ones(1)))) == "<class 'torch.nn.parameter.Parameter'>"
    assert type(at.nn.Parameter(at.ones(1))).__qualname__ == "Parameter"


def _polynomial_rmsprop_losses(m, steps):
    x = m.linspace(-math.pi, math.pi, 2000, dtype=m.float64)
    y = m.sin(x)
    xx = x.unsqueeze(-1).pow(m.tensor([1, 2, 3]))
    model = m.nn.Sequential(m.nn.Linear(3, 1), m.nn.Flatten(0, 1)).double()
    with m.no_grad():
        model[0].weight.copy_(m.tensor([[0.3, -0.2, 0.1]], dtype=m.float64))
        model[0].bias.fill_(0.05)
    loss_fn = m.nn.MSELoss(reduction="sum")
    optimizer = m.optim.RMSprop(model.parameters(), lr=1e-3)
    losses = []
    for t in range(steps):
        loss = loss_fn(model(xx), y)
        if t % 100 == 99:
            losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return losses


def test_rmsprop_polynomial_agrees_until_it_oscillates():
    """polynomial_optim: the same RMSprop steps. In float64 the losses agree to ~1e-13 until
    the run starts to oscillate (step ~950); after that any rounding difference grows, in
    float64 as in float32, so the float32 script parts from PyTorch at step 999."""
    ours, theirs = _polynomial_rmsprop_losses(at, 900), _polynomial_rmsprop_losses(torch, 900)
    np.testing.assert_allclose(ours, theirs, rtol=1e-11)


def _dlwpt_tanh_mlp_losses(m):
    t_c = m.tensor([0.5, 14.0, 15.0, 28.0, 11.0, 8.0, 3.0, -4.0, 6.0, 13.0, 21.0],
                   dtype=m.float64).unsqueeze(1)
    t_u = m.tensor([35.7, 55.9, 58.2, 81.9, 56.3, 48.9, 33.9, 21.8, 48.4, 60.4, 68.4],
                   dtype=m.float64).unsqueeze(1)
    train = m.tensor([9, 3, 0, 7, 5, 10, 1, 8, 2])
    model = m.nn.Sequential(m.nn.Linear(1, 8), m.nn.Tanh(), m.nn.Linear(8, 1)).double()
    with m.no_grad():
        for i, p in enumerate(model.parameters()):
            p.copy_((m.sin(m.arange(p.numel(), dtype=m.float64) * 0.37 + i) * 0.5).reshape(
                p.shape))
    optimizer = m.optim.SGD(model.parameters(), lr=1e-3)
    losses = []
    for epoch in range(1, 5001):
        loss = m.nn.functional.mse_loss(model(0.1 * t_u[train]), t_c[train])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if epoch % 1000 == 0:
            losses.append(loss.item())
    return losses


def test_dlwpt_tanh_mlp_agrees_in_float64():
    """dlwpt_ch6_nn: in float32 the two runs part near epoch 2000 by 10% (6.87 vs 6.28). The
    same training in float64 agrees to 1e-12 at epoch 1000, and after the plateau to 4e-6:
    the plateau multiplies any rounding difference by ~1e10, whichever library rounds."""
    ours, theirs = _dlwpt_tanh_mlp_losses(at), _dlwpt_tanh_mlp_losses(torch)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)


# -- fixed by the fidelity branch (no mark), and not fixed yet (xfail) -------------------


def test_accelerator():
    """basics_quickstart: device = torch.accelerator.current_accelerator().type if
    torch.accelerator.is_available() else "cpu"."""
    assert at.accelerator.is_available() == torch.accelerator.is_available()
    assert at.accelerator.current_accelerator() == torch.accelerator.current_accelerator()


def test_node_register_hook():
    """notes_autograd_mechanics: out.grad_fn.register_hook(lambda grad_inputs, grad_outputs: ...)
    is called with the node's input and output gradients."""

    def hooked(m):
        seen = []
        t = m.tensor(1.0, requires_grad=True)
        out = t * 3
        out.grad_fn.register_hook(lambda gi, go: seen.append((gi[0].item(), go[0].item())))
        out.backward()
        return seen

    assert hooked(at) == hooked(torch)


def test_node_prehook_and_replacement():
    """grad_fn.register_prehook may replace grad_outputs, register_hook grad_inputs; a removed
    hook is not called."""

    def hooked(m):
        seen = []
        t = m.tensor([1.0, 2.0], requires_grad=True)
        out = (t * 3).exp()
        out.grad_fn.register_prehook(lambda go: (go[0] * 2,))
        out.grad_fn.register_hook(lambda gi, go: (seen.append(go[0].tolist()), (gi[0] + 1,))[1])
        out.grad_fn.register_hook(lambda gi, go: seen.append("removed")).remove()
        out.sum().backward()
        return seen, t.grad.tolist()

    ours, theirs = hooked(at), hooked(torch)
    assert ours[0] == theirs[0]
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-6)


def test_conv2d_and_max_pool2d():
    """blitz_neural_networks: LeNet."""
    conv, tconv = at.nn.Conv2d(1, 2, 3), torch.nn.Conv2d(1, 2, 3)
    _copy_weights(conv, tconv)
    x = np.sin(np.arange(36, dtype=np.float32)).reshape(1, 1, 6, 6)
    out = at.nn.functional.max_pool2d(conv(at.tensor(x)), 2)
    tout = torch.nn.functional.max_pool2d(tconv(torch.tensor(x)), 2)
    assert_close(out, tout)


class _Square:
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 2

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        return grad_out * 2 * x


def _function(m, body):
    return type("Square", (m.autograd.Function,), {
        "forward": staticmethod(body.forward), "backward": staticmethod(body.backward)})


def test_gradgradcheck():
    """custom_function_double_backward: gradgradcheck(Square.apply, x)."""
    x = at.linspace(0.1, 0.9, 9, dtype=at.float64).reshape(3, 3).requires_grad_()
    assert at.autograd.gradgradcheck(_function(at, _Square).apply, x)


def _two_outputs(m):
    class TwoOutputs(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 2, x.exp()

        @staticmethod
        def backward(ctx, g1, g2):
            (x,) = ctx.saved_tensors
            return g1 * 2 + g2 * x.exp()

    return TwoOutputs


def test_multi_output_custom_function():
    """custom_function_double_backward's Sinh, extending.rst's MyCube: forward returns a tuple."""
    x = at.tensor([0.5, -1.0], requires_grad=True)
    tx = to_torch(x)
    a, b = _two_outputs(at).apply(x)
    ta, tb = _two_outputs(torch).apply(tx)
    (a.sum() + b.sum()).backward()
    (ta.sum() + tb.sum()).backward()
    assert_close(x.grad, tx.grad)


def _error(m, fn):
    with pytest.raises(Exception) as info:
        fn(m)
    return info.value


def test_second_backward_message_keeps_pytorchs_text():
    """d2l_autograd, exercise 2: calling backward twice. Our fix-it may follow PyTorch's text,
    but PyTorch's text must come first, whole."""

    def twice(m):
        a = m.tensor(2.0, requires_grad=True)
        d = a * a
        d.backward()
        d.backward()

    ours, theirs = _error(at, twice), _error(torch, twice)
    assert type(ours).__name__ == type(theirs).__name__
    assert str(ours).startswith(str(theirs))


def test_numpy_under_no_grad():
    """docstring_function_exp (mark_dirty's example calls x.numpy() inside forward): PyTorch
    refuses numpy() on a tensor that requires grad only while grad mode is on."""
    a, ta = at.tensor([1.0], requires_grad=True), torch.tensor([1.0], requires_grad=True)
    with torch.no_grad():
        theirs = ta.numpy()
    with at.no_grad():
        ours = a.numpy()
    np.testing.assert_array_equal(ours, theirs)


def _inplace_function(m):
    class Inplace(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output

    return Inplace


def test_mark_dirty_version_check():
    """docstring_function_exp: after Inplace.apply(a) (mark_dirty), backward through b = a * a
    must refuse: a changed after MulBackward0 saved it."""

    def run(m):
        a = m.tensor(1.0, requires_grad=True, dtype=m.float64).clone()
        b = a * a
        _inplace_function(m).apply(a)
        b.backward()

    ours, theirs = _error(at, run), _error(torch, run)
    assert type(ours) is RuntimeError and type(theirs) is RuntimeError
    assert str(ours).startswith("one of the variables needed for gradient computation has "
                                "been modified by an inplace operation")


def test_functional_vjp():
    """docstring_functional_vjp_jvp, introyt_autograd_highlevel."""
    x = np.array([[0.4, 0.89], [0.89, 0.867]], np.float32)

    def exp_reducer(t):
        return t.exp().sum(dim=1)

    out, vjp = at.autograd.functional.vjp(exp_reducer, at.tensor(x), at.ones(2))
    tout, tvjp = torch.autograd.functional.vjp(exp_reducer, torch.tensor(x), torch.ones(2))
    assert_close(out, tout)
    assert_close(vjp, tvjp)


def test_inference_tensor_version():
    """docstring_inference_mode, notes_autograd_mechanics."""

    def version(m):
        with m.inference_mode():
            y = m.ones(2) * 2
        assert y.is_inference()
        return y._version

    ours, theirs = _error(at, version), _error(torch, version)
    assert type(ours) is type(theirs) and str(ours).startswith(str(theirs))


def test_saved_self():
    """notes_autograd_mechanics: x.equal(y.grad_fn._saved_self)."""
    x = at.tensor([0.5, -1.0], requires_grad=True)
    y = x.pow(2)
    assert x.equal(y.grad_fn._saved_self)
    e = x.exp()
    assert e.equal(e.grad_fn._saved_result)


def _linear_with_setup_context(m):
    class LinearFunction(m.autograd.Function):
        @staticmethod
        def forward(input, weight):
            return input.mm(weight.t())

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(*inputs)

        @staticmethod
        def backward(ctx, grad_output):
            input, weight = ctx.saved_tensors
            return grad_output.mm(weight), grad_output.t().mm(input)

    return LinearFunction


def test_setup_context():
    """notes_extending_setup_context, notes_extending_function (MyCube)."""
    x = at.tensor([[0.1, 0.2], [0.3, 0.4]], requires_grad=True)
    w = at.tensor([[1.0, -1.0], [0.5, 0.25], [2.0, 0.0]], requires_grad=True)
    tx, tw = to_torch(x), to_torch(w)
    out = _linear_with_setup_context(at).apply(x, w)
    tout = _linear_with_setup_context(torch).apply(tx, tw)
    out.sum().backward()
    tout.sum().backward()
    assert_close(out, tout, check_dtype=False)
    assert_close(x.grad, tx.grad)
    assert_close(w.grad, tw.grad)


def test_new_ones_with_sizes_as_arguments():
    """blitz_tensor_2018: x = x.new_ones(5, 3, dtype=torch.double)."""
    ours = at.tensor([5.5, 3]).new_ones(5, 3, dtype=at.double)
    theirs = torch.tensor([5.5, 3]).new_ones(5, 3, dtype=torch.double)
    assert_close(ours, theirs)
    assert_close(at.ones(1).new_zeros(2, 2), torch.ones(1).new_zeros(2, 2))


def test_argmax_axis_keyword():
    """d2l's accuracy(): y_hat.argmax(axis=1)."""
    x = np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]], np.float32)
    assert_close(at.tensor(x).argmax(axis=1), torch.tensor(x).argmax(axis=1))


def test_floattensor():
    """nyu_autograd: gradients = torch.FloatTensor([0.1, 1.0, 0.0001])."""
    assert_close(at.FloatTensor([0.1, 1.0, 0.0001]), torch.FloatTensor([0.1, 1.0, 0.0001]))


def test_sort_and_index_add():
    """notes_extending_setup_context: Sort's forward calls x.sort(), its backward
    grad_input.index_add_(0, indices, g1)."""
    x = np.array([3.0, 1.0, 2.0], np.float32)
    values, indices = at.tensor(x).sort()
    tvalues, tindices = torch.tensor(x).sort()
    assert_close(values, tvalues)
    assert_close(indices, tindices)
    assert_close(at.zeros(3).index_add_(0, indices, values),
                 torch.zeros(3).index_add_(0, tindices, tvalues))
