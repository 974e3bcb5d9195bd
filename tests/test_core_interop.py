"""Tensors meeting Python and NumPy values, against PyTorch 2.13 as the oracle: NumPy scalars
on the left of an operator, NumPy functions, comparisons with None, torch.Size arithmetic,
casts to integer dtypes (which leave the graph) and the classic ``loss[0]`` mistake."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from torch_oracle import assert_close

torch = pytest.importorskip("torch")
import autograd_tutor as at  # noqa: E402

LIBS = [at, torch]


def leaf(m, values=(1.0, 2.0)):
    return m.tensor(list(values), requires_grad=True)


# --------------------------------------------------------------- NumPy scalars and arrays

NUMPY_LEFT = {
    "f64*": lambda m, x: np.float64(0.5) * x,
    "f32+": lambda m, x: np.float32(0.5) + x,
    "f64/": lambda m, x: np.float64(1.0) / x,
    "i64*": lambda m, x: np.int64(2) * x,
    "sqrt*": lambda m, x: np.sqrt(2) * x,
    "f64-": lambda m, x: np.float64(3) - x,
    "f64**": lambda m, x: np.float64(2) ** x,
    "bool*": lambda m, x: np.bool_(True) * x,
    "weights[0]*x[0]": lambda m, x: np.array([0.3, 0.7])[0] * x[0],
}


@pytest.mark.parametrize("name", NUMPY_LEFT)
def test_a_numpy_scalar_on_the_left_gives_a_tensor_in_the_graph(name):
    expr = NUMPY_LEFT[name]
    ours, theirs = expr(at, leaf(at)), expr(torch, leaf(torch))
    assert type(ours) is at.Tensor
    assert_close(ours, theirs)
    assert ours.grad_fn.name() == theirs.grad_fn.name()
    xo, xt = leaf(at), leaf(torch)
    expr(at, xo).sum().backward()
    expr(torch, xt).sum().backward()
    assert_close(xo.grad, xt.grad)


@pytest.mark.parametrize("symbol", ["+", "-", "*", "**", "@"])  # `/` works in PyTorch
def test_a_numpy_array_on_the_left_is_refused(symbol):
    for m in LIBS:
        with pytest.raises(TypeError, match="unsupported operand type|not implemented"):
            eval(f"np.array([1.0, 2.0]) {symbol} t", {"np": np, "t": m.tensor([1.0, 2.0])})
    with pytest.raises(TypeError, match=r"torch\.tensor\(array\)"):  # ours says how to fix it
        np.array([1.0, 2.0]) * at.tensor([1.0, 2.0])


@pytest.mark.parametrize("fn", [np.exp, np.sqrt, np.negative, lambda t: np.add(t, 1)])
def test_numpy_functions_on_a_tensor_give_a_tensor(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # torch's own __array_wrap__
        theirs = fn(torch.tensor([1.0, 4.0]))
    ours = fn(at.tensor([1.0, 4.0]))
    assert type(ours) is at.Tensor
    assert_close(ours, theirs)


# --------------------------------------------------------------- comparisons, torch.Size

COMPARISONS = [
    "t == None",
    "t != None",
    "None == t",
    "t == 'a'",
    "t != 'a'",
    "t == [1.0, 2.0]",
    "t == (1.0, 2.0)",
    "t == 1.0",
    "t != 2.0",
    "t == np.float64(2.0)",
]


@pytest.mark.parametrize("expr", COMPARISONS)
def test_comparisons_with_other_objects(expr):
    ours, theirs = (eval(expr, {"np": np, "t": m.tensor([1.0, 2.0])}) for m in LIBS)
    assert type(ours).__name__ == type(theirs).__name__
    if isinstance(theirs, bool):
        assert ours is theirs
    else:
        assert ours.tolist() == theirs.tolist()


def test_is_none_check_on_grad_works():
    for m in LIBS:
        x = leaf(m)
        assert x.grad == None  # noqa: E711 (beginners write it; PyTorch allows it)
        (x * 2).sum().backward()
        assert not (x.grad == None)  # noqa: E711


@pytest.mark.parametrize(
    "expr", ["s[1:]", "s[::-1]", "s[0]", "s + (5,)", "(5,) + s", "s * 2", "2 * s", "s[-2:] + s[:1]"]
)
def test_size_slices_and_sums_are_sizes(expr):
    ours, theirs = (eval(expr, {"s": m.zeros(2, 3, 4).shape}) for m in LIBS)
    assert repr(ours) == repr(theirs)


# --------------------------------------------------------------- casts to integers


@pytest.mark.parametrize("cast", ["long", "int", "bool"])
def test_a_cast_to_integers_leaves_the_graph(cast):
    outs = []
    for m in LIBS:
        x = m.tensor([1.5, 2.5], requires_grad=True)
        y = getattr(x, cast)()
        (y.float() * x).sum().backward()
        outs.append((repr(y), y.requires_grad, y.grad_fn, x.grad))
    (r_o, rg_o, fn_o, g_o), (r_t, rg_t, fn_t, g_t) = outs
    assert r_o == r_t
    assert rg_o is rg_t is False and fn_o is fn_t is None
    assert_close(g_o, g_t)


@pytest.mark.parametrize(
    "cast", [lambda m, x: x.to(m.int64), lambda m, x: x.type(m.int64), lambda m, x: x.long()]
)
def test_backward_from_an_integer_cast_raises(cast):
    for m in LIBS:
        with pytest.raises(RuntimeError, match="does not require grad"):
            cast(m, m.tensor([1.5, 2.5], requires_grad=True)).sum().float().backward()


@pytest.mark.parametrize(
    "value,index", [((1,), 0), ((1, 1), 0), ((1, 1, 3), 0), ((1, 2, 3), slice(None)), ((1,), 1)]
)
def test_assigning_a_value_with_leading_ones(value, index):
    results = []
    for m in LIBS:
        w = m.ones(*value, requires_grad=True)
        a = m.zeros(2, 3) if len(value) > 1 else m.zeros(3)
        a[index] = w * 5
        a.sum().backward()
        results.append((a, w.grad))
    for o, t in zip(*results):
        assert_close(o, t)


@pytest.mark.parametrize("value", [(2, 3), (1, 2, 3), (2,)])
def test_assigning_a_value_with_too_many_elements_raises(value):
    for m in LIBS:
        with pytest.raises(RuntimeError, match="expand|expanded size"):
            m.zeros(2, 3)[0] = m.ones(*value)


def test_writing_a_grad_tensor_into_an_integer_tensor_copies_values_only():
    for m in LIBS:
        w = m.tensor([2.7], requires_grad=True)
        i = m.zeros(3, dtype=m.int64)
        i[0] = w
        assert not i.requires_grad and i.grad_fn is None
        assert i.tolist() == [2, 0, 0]


# --------------------------------------------------------------- indexing a 0-d tensor


def test_indexing_a_number_tensor_says_use_item():
    for m in LIBS:
        loss = (leaf(m) ** 2).sum()
        with pytest.raises(IndexError, match="invalid index of a 0-dim tensor. Use `tensor.item"):
            loss[0]
        assert loss[None].shape == (1,) and loss[...].shape == ()


# --------------------------------------------------------------- tutorial boilerplate


def test_gpu_boilerplate_runs_on_the_cpu():
    for m in LIBS:
        device = m.device("cuda" if m.cuda.is_available() else "cpu")
        x = m.ones(2, requires_grad=True).to(device)
        assert str(device) == "cpu" and m.cuda.device_count() == 0
        assert x.device == device


@pytest.mark.parametrize("name", ["inf", "nan", "pi", "e"])
def test_math_constants(name):
    ours, theirs = getattr(at, name), getattr(torch, name)
    assert repr(ours) == repr(theirs)


def test_default_dtype():
    assert str(at.get_default_dtype()) == str(torch.get_default_dtype()) == "torch.float32"


@pytest.mark.parametrize(
    "expr",
    [
        "m.Tensor()",
        "m.Tensor(2, 3).shape",
        "m.tensor([m.ones(1), m.tensor(2.0)])",
        "m.tensor([m.ones(1, dtype=m.int64), 2.5])",
        "m.tensor([np.array([1.0, 2.0]), np.array([3.0, 4.0])])",
        "m.tensor([np.array([1.0, 2.0], dtype=np.float32)])",
    ],
)
def test_constructors_from_tensors_and_nothing(expr):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch: "a list of numpy arrays is slow"
        ours, theirs = (eval(expr, {"m": m, "np": np}) for m in LIBS)
    assert repr(ours) == repr(theirs)


# --------------------------------------------------------------- dtypes by name

DTYPES = ["float16", "float32", "float64", "uint8", "int8", "int16", "int32", "int64", "bool"]


@pytest.mark.parametrize("name", DTYPES)
def test_type_names_and_conversion_by_name(name):
    ours, theirs = (m.ones(2, dtype=getattr(m, name)) for m in LIBS)
    assert ours.type() == theirs.type()
    assert repr(at.ones(2).type(theirs.type())) == repr(torch.ones(2).type(theirs.type()))


def test_mean_of_integers_names_the_dtype_as_pytorch():
    messages = []
    for m in LIBS:
        with pytest.raises(RuntimeError) as error:
            m.tensor([1, 2]).mean()
        messages.append(str(error.value))
    assert "Got: Long" in messages[0] and "Got: Long" in messages[1]


@pytest.mark.parametrize(
    "make",
    [
        lambda m: m.ones(2, dtype="float32"),
        lambda m: m.zeros(2, dtype=np.float64),
        lambda m: m.tensor([1.0], dtype=np.float32),
        lambda m: m.arange(3, dtype="int64"),
        lambda m: m.randn(2, dtype="float64"),
    ],
)
def test_numpy_style_dtypes_are_refused(make):
    for m in LIBS:
        with pytest.raises(TypeError):
            make(m)
    with pytest.raises(TypeError, match="torch.float32"):  # ours says what to write
        make(at)


@pytest.mark.parametrize("py_type", [float, int, bool])
def test_python_types_are_dtypes(py_type):
    assert str(at.ones(2, dtype=py_type).dtype) == str(torch.ones(2, dtype=py_type).dtype)
