"""Printing must match PyTorch byte for byte: repr, str, f-strings and print options."""

from __future__ import annotations

import contextlib
import io
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_tutor as at
from autograd_tutor.compat import dtype as _dtype
from autograd_tutor.compat import printing as _printing

torch = pytest.importorskip("torch")


def _pair(data, dtype: str | None = None, grad: str = "none"):
    """The same tensor in torch and in autograd_tutor.

    ``dtype``: a dtype name such as "float64"; ``grad``: "none", "leaf"
    (requires_grad=True) or "op" (the result of ``x.clone()``).
    """
    pair = []
    for lib in (torch, at):
        t = lib.tensor(data, dtype=None if dtype is None else getattr(lib, dtype))
        if grad != "none":
            t.requires_grad_()
        if grad == "op":
            t = t.clone()
        pair.append(t)
    return pair


def _same_repr(ref, ours) -> None:
    assert repr(ours) == repr(ref)
    assert str(ours) == str(ref)
    assert f"{ours}" == f"{ref}"


@pytest.fixture(autouse=True)
def _default_options():
    """Every test starts and ends with the default options, here and in torch."""
    torch.set_printoptions(profile="default")
    _printing.set_printoptions(profile="default")
    yield
    torch.set_printoptions(profile="default")
    _printing.set_printoptions(profile="default")


@pytest.mark.parametrize(
    "data, dtype, grad, expected",
    [
        ([8.0], None, "none", "tensor([8.])"),
        ([2.0], None, "leaf", "tensor([2.], requires_grad=True)"),
        (4.6667, None, "op", "tensor(4.6667, grad_fn=<CloneBackward0>)"),
        (3, None, "none", "tensor(3)"),
        ([True, False], None, "none", "tensor([ True, False])"),
        ([1.0, 2.0], None, "none", "tensor([1., 2.])"),
        ([-1, 20, 300], None, "none", "tensor([ -1,  20, 300])"),
        ([0.1, -2.5], None, "none", "tensor([ 0.1000, -2.5000])"),
        ([1.0, 2.0], "float64", "none", "tensor([1., 2.], dtype=torch.float64)"),
        (
            [1.0, 2.0],
            "float16",
            "leaf",
            "tensor([1., 2.], dtype=torch.float16, requires_grad=True)",
        ),
        ([1, 2], "int32", "none", "tensor([1, 2], dtype=torch.int32)"),
        ([1, 2], "uint8", "none", "tensor([1, 2], dtype=torch.uint8)"),
        ([1e-5, 1.0], None, "none", "tensor([1.0000e-05, 1.0000e+00])"),
        ([1e9, 1.0], None, "none", "tensor([1.0000e+09, 1.0000e+00])"),
        ([1.0, 1000.0], None, "none", "tensor([   1., 1000.])"),
        ([1.5, 2000.0], None, "none", "tensor([1.5000e+00, 2.0000e+03])"),
        ([math.nan, math.inf, -math.inf, 1.0], None, "none", "tensor([nan, inf, -inf, 1.])"),
        ([math.nan, 0.5], None, "none", "tensor([   nan, 0.5000])"),
        ([0.0, -0.0], None, "none", "tensor([0., -0.])"),
        ([], None, "none", "tensor([])"),
        ([5e-324, 1e300], "float64", "none", None),
        (np.arange(16.0).reshape(2, 2, 2, 2).tolist(), None, "leaf", None),
        ([[1.0, 2.0], [3.0, 4.0]], None, "leaf", None),
        ([[[1, -2], [3, 4]], [[5, 6], [7, 80]]], None, "none", None),
        ([[-0.5, 2.25, 100.125]], None, "op", None),
    ],
)
def test_tutorial_values(data, dtype, grad, expected):
    ref, ours = _pair(data, dtype, grad)
    if expected is not None:
        assert repr(ref) == expected  # documents what PyTorch prints
    _same_repr(ref, ours)


def test_matrix_rows_are_aligned_and_indented():
    ref, ours = _pair([[1.0, -2.5], [30.0, 4.0]])
    assert repr(ours) == "tensor([[ 1.0000, -2.5000],\n        [30.0000,  4.0000]])"
    _same_repr(ref, ours)


def test_3d_tensor_leaves_a_blank_line_between_matrices():
    ref, ours = _pair(np.arange(8).reshape(2, 2, 2).tolist())
    assert repr(ours) == (
        "tensor([[[0, 1],\n         [2, 3]],\n\n        [[4, 5],\n         [6, 7]]])"
    )
    _same_repr(ref, ours)


@pytest.mark.parametrize(
    "shape, dtype",
    [
        ((0,), "int64"),
        ((0, 3), "float32"),
        ((2, 0), "bool"),
        ((0,), "float64"),
        ((1, 0, 2), "int8"),
    ],
)
def test_empty_tensors_spell_out_size_and_dtype(shape, dtype):
    ref = torch.zeros(shape, dtype=getattr(torch, dtype))
    ours = at.zeros(shape, dtype=getattr(at, dtype))
    _same_repr(ref, ours)


def test_empty_shapes_match_torch_text():
    assert repr(at.zeros(0, 3)) == "tensor([], size=(0, 3))"
    assert repr(at.tensor([], dtype=at.int64)) == "tensor([], dtype=torch.int64)"


@pytest.mark.parametrize("n", [1001, 2000, 5000])
def test_large_tensors_are_summarised(n):
    ref, ours = _pair(np.arange(n, dtype=np.float32).tolist())
    assert "..." in repr(ours)
    _same_repr(ref, ours)


def test_summarised_matrix_and_3d():
    for shape in [(40, 40), (12, 11, 10), (3, 500)]:
        data = (np.arange(math.prod(shape)).reshape(shape) * 0.37 - 5).tolist()
        _same_repr(*_pair(data))


def test_long_rows_wrap_at_linewidth():
    _same_repr(*_pair(np.linspace(-3, 3, 50).tolist()))
    _same_repr(*_pair(np.arange(100).reshape(4, 25).tolist(), grad="none"))


def test_suffix_moves_to_next_line_when_too_long():
    data = np.linspace(0, 1, 11).tolist()  # one line, 7 + 8 * 11 characters wide
    for dtype in (None, "float64"):
        _same_repr(*_pair(data, dtype, "leaf"))
        _same_repr(*_pair(data, dtype, "op"))
        _same_repr(*_pair(data[:9], dtype, "op"))


def test_default_dtype_is_the_one_left_out(monkeypatch):
    monkeypatch.setattr(_dtype, "default_float", _dtype.float64)
    torch.set_default_dtype(torch.float64)
    try:
        for data, dtype in [
            ([1.5], "float64"),
            ([1.5], "float32"),
            ([], "float32"),
            ([], "float64"),
        ]:
            _same_repr(*_pair(data, dtype))
    finally:
        torch.set_default_dtype(torch.float32)


def test_fstring_of_scalar_is_the_python_number():
    ref, ours = _pair(4.6667, grad="op")
    assert f"{ours}" == f"{ref}" == "4.6666998863220215"
    assert f"{ours:.2f}" == f"{ref:.2f}" == "4.67"
    ref, ours = _pair(3)
    assert f"{ours:5d}|{ours}" == f"{ref:5d}|{ref}" == "    3|3"


def test_fstring_of_vector_is_str_and_rejects_a_spec():
    ref, ours = _pair([1.5])
    assert f"{ours}" == f"{ref}" == "tensor([1.5000])"
    with pytest.raises(TypeError) as ref_error:
        format(ref, ".2f")
    with pytest.raises(TypeError, match="^unsupported format string passed to Tensor.__format__"):
        format(ours, ".2f")
    assert str(ref_error.value).startswith("unsupported format string passed to Tensor.__format__")


def test_parameter_repr_and_format():
    ref = torch.nn.Parameter(torch.tensor(0.5))
    ours = at.nn.Parameter(at.tensor(0.5))
    assert repr(ours) == repr(ref) == "Parameter containing:\ntensor(0.5000, requires_grad=True)"
    assert f"{ours}" == f"{ref}"  # a Parameter is not unwrapped to its number
    with pytest.raises(TypeError, match="^unsupported format string passed to Parameter"):
        format(ours, ".2f")
    ref = torch.nn.Parameter(torch.randn(2, 3))
    ours = at.nn.Parameter(at.tensor(ref.detach().numpy()))
    _same_repr(ref, ours)
    assert str(ours).startswith("Parameter containing:\n")


@pytest.mark.parametrize(
    "options",
    [
        dict(precision=2),
        dict(precision=0),
        dict(threshold=5),
        dict(edgeitems=1, threshold=3),
        dict(edgeitems=0, threshold=3),
        dict(linewidth=30),
        dict(sci_mode=True),
        dict(sci_mode=False),
        dict(profile="short"),
        dict(profile="full"),
    ],
)
def test_printoptions(options):
    torch.set_printoptions(**options)
    _printing.set_printoptions(**options)
    assert _printing.get_printoptions() == torch._tensor_str.get_printoptions()
    for data in ([1.12345, -20.5, 3e-3], np.arange(12).reshape(3, 4).tolist(), [1e9, 2.0], 7.25):
        _same_repr(*_pair(data))
        _same_repr(*_pair(data, "float64", "op"))


def test_exported_set_printoptions_is_this_one():
    assert at.set_printoptions is _printing.set_printoptions


def test_set_printoptions_resets_sci_mode_and_printoptions_restores():
    _printing.set_printoptions(sci_mode=True)
    _printing.set_printoptions(precision=3)
    assert _printing.get_printoptions()["sci_mode"] is None
    with _printing.printoptions(precision=1, linewidth=10):
        assert repr(at.tensor([1.25])) == "tensor([1.2])"
    assert _printing.get_printoptions()["precision"] == 3


# --- property: random shapes, dtypes, values and options print exactly like torch ---

_DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]


def _float_values():
    """Floats of mixed magnitudes, whole numbers, zeros and non-finite values."""
    mixed = st.builds(
        lambda m, e: m * 10.0**e,
        st.floats(-10, 10, allow_nan=False),
        st.integers(-12, 12),
    )
    whole = st.integers(-(10**6), 10**6).map(float)
    special = st.sampled_from([0.0, -0.0, math.nan, math.inf, -math.inf, 0.5, -1.0])
    anything = st.floats(allow_nan=False, allow_infinity=False)  # subnormals, 1e300 ...
    return st.one_of(mixed, whole, special, anything)


@st.composite
def _arrays(draw):
    dtype = np.dtype(draw(st.sampled_from(_DTYPES)))
    shape = tuple(draw(st.lists(st.integers(0, 5), min_size=0, max_size=3)))
    if draw(st.integers(0, 9)) == 0:  # now and then a row long enough to wrap
        shape = shape[:-1] + (draw(st.integers(10, 40)),)
    count = math.prod(shape)
    if dtype.kind == "f":
        values = draw(st.lists(_float_values(), min_size=count, max_size=count))
        with np.errstate(over="ignore"):
            return np.array(values, np.float64).astype(dtype).reshape(shape)
    if dtype.kind == "b":
        values = draw(st.lists(st.booleans(), min_size=count, max_size=count))
        return np.array(values, dtype).reshape(shape)
    info = np.iinfo(dtype)
    small = st.integers(max(info.min, -50), min(info.max, 50))
    values = draw(
        st.lists(st.one_of(small, st.integers(info.min, info.max)), min_size=count, max_size=count)
    )
    return np.array(values, dtype).reshape(shape)


_options = st.fixed_dictionaries(
    {},
    optional={
        "precision": st.integers(0, 8),
        "threshold": st.sampled_from([0, 4, 10, 30]),
        "edgeitems": st.integers(0, 4),
        "linewidth": st.integers(1, 120),
        "sci_mode": st.sampled_from([True, False]),
    },
)


@pytest.mark.filterwarnings("error")
@settings(max_examples=400, deadline=None)
@given(array=_arrays(), grad=st.sampled_from(["none", "leaf", "op"]), options=_options)
def test_random_tensors_print_like_torch(array, grad, options):
    if array.dtype.kind != "f":
        grad = "none"
    torch.set_printoptions(profile="default", **options)
    _printing.set_printoptions(profile="default", **options)
    try:
        _same_repr(*_pair(array, grad=grad))
    finally:
        torch.set_printoptions(profile="default")
        _printing.set_printoptions(profile="default")


_CHAPTER_CODE = """
x = torch.tensor([2.0], requires_grad=True)
y = x ** 2
z = 2 * y + 3
print(x, y, z, sep="\\n")
z.backward()
print(x.grad)

w = torch.tensor([1.0], requires_grad=True)
b = torch.tensor([0.0], requires_grad=True)
x = torch.tensor([1.0, 2.0, 3.0])
y_true = torch.tensor([2.0, 4.0, 6.0])
y_pred = w * x + b
loss = ((y_pred - y_true) ** 2).mean()
print(y_pred, loss, f"loss = {loss}", f"{loss.item():.4f}", sep="\\n")
loss.backward()
print(f"w.grad: {w.grad}")
print(f"b.grad: {b.grad}")
with torch.no_grad():
    w -= 0.1 * w.grad
    b -= 0.1 * b.grad
print(w, b, x.detach(), torch.tensor(3), torch.tensor([True, False]), sep="\\n")
print(torch.tensor([[1, 2], [3, 4]], dtype=torch.float64) / 3)
"""


def test_chapter_examples_print_like_torch():
    outputs = []
    for lib in (torch, at):
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            exec(_CHAPTER_CODE, {"torch": lib})
        outputs.append(buffer.getvalue())
    assert outputs[1] == outputs[0]
