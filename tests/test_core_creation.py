"""Creation functions, dtype inference, dtypes and basic Tensor attributes, against PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
from torch_oracle import assert_close, dtype_name, np_of

torch = pytest.importorskip("torch")
import autograd_tutor as at  # noqa: E402


def both(code):
    """Run ``code(module)`` with our package and with torch."""
    return code(at), code(torch)


# ---------------------------------------------------------------- tensor() and dtype inference


@pytest.mark.parametrize(
    "data",
    [
        [2.0],
        [1, 2, 3],
        [True, False],
        [1, 2.5],
        [True, 2],
        [True, 2.0],
        [[1.0, 2.0], [3.0, 4.0]],
        [[1, 2], [3, 4]],
        [[[1.5]]],
        3.0,
        3,
        True,
        -0.0,
        [],
        [[], []],
        [np.float64(1.0)],  # a NumPy scalar keeps its dtype, as in PyTorch
    ],
    ids=repr,
)
def test_tensor_infers_dtype_and_values(data):
    ours, theirs = both(lambda m: m.tensor(data))
    assert_close(ours, theirs, rtol=0, atol=0)
    assert tuple(ours.shape) == tuple(theirs.shape)


@pytest.mark.parametrize("np_dtype", [np.float32, np.float64, np.int64, np.bool_])
def test_tensor_from_numpy_array_keeps_dtype(np_dtype):
    arr = np.array([[0, 1, 2], [3, 4, 5]]).astype(np_dtype)
    ours, theirs = both(lambda m: m.tensor(arr))
    assert_close(ours, theirs, rtol=0, atol=0)
    arr[0, 0] = 7  # tensor() copies
    assert np_of(ours)[0, 0] == 0


@pytest.mark.parametrize("np_scalar", [np.float64(2.5), np.float32(2.5), np.int64(3)])
def test_tensor_from_numpy_scalar(np_scalar):
    ours, theirs = both(lambda m: m.tensor(np_scalar))
    assert_close(ours, theirs, rtol=0, atol=0)


@pytest.mark.parametrize(
    "data,dt",
    [
        ([1, 2], "float32"),
        ([1.7, -2.7], "int64"),
        ([1.5], "float64"),
        ([0, 2], "bool"),
        (np.array([1.25, 2.5]), "float32"),
        (2, "float64"),
    ],
    ids=repr,
)
def test_tensor_dtype_argument(data, dt):
    ours, theirs = both(lambda m: m.tensor(data, dtype=getattr(m, dt)))
    assert_close(ours, theirs, rtol=0, atol=0)


@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_tensor_requires_grad_argument(dt):
    x = at.tensor([2.0], dtype=getattr(at, dt), requires_grad=True)
    assert x.requires_grad and x.is_leaf and x.grad is None and x.grad_fn is None


def test_tensor_copies_a_tensor_and_does_not_share_graph():
    a = at.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning):  # PyTorch recommends .detach().clone()
        b = at.tensor(a)
    assert not b.requires_grad and b.is_leaf
    np_of(b)[0] = 9.0
    assert np_of(a)[0] == 1.0


# ---------------------------------------------------------------- as_tensor / from_numpy


def test_from_numpy_shares_memory_and_keeps_dtype():
    for np_dtype in (np.float64, np.float32, np.int64, np.bool_):
        arr = np.zeros(3, dtype=np_dtype)
        ours, theirs = at.from_numpy(arr), torch.from_numpy(arr.copy())
        assert dtype_name(ours.dtype) == dtype_name(theirs.dtype)
        arr[1] = 1
        assert np_of(ours)[1] == 1, "from_numpy must share memory with the array"


def test_as_tensor():
    arr = np.array([1.0, 2.0])
    ours = at.as_tensor(arr)
    assert dtype_name(ours.dtype) == "float64"
    arr[0] = 5.0
    assert np_of(ours)[0] == 5.0, "as_tensor on an ndarray of the same dtype shares memory"
    for data, kw in [
        ([1, 2], {}),
        ([1.0, 2.0], {}),
        ([1, 2], {"dtype": "float64"}),
        (np.array([1, 2]), {"dtype": "float32"}),
    ]:
        ours, theirs = both(
            lambda m, data=data, kw=kw: m.as_tensor(
                data, **{k: getattr(m, v) for k, v in kw.items()}
            )
        )
        assert_close(ours, theirs, rtol=0, atol=0)
    t = at.tensor([1.0, 2.0])
    assert at.as_tensor(t) is t


# ---------------------------------------------------------------- constant-filled creation


@pytest.mark.parametrize(
    "code",
    [
        lambda m: m.zeros(2, 3),
        lambda m: m.zeros((2, 3)),
        lambda m: m.zeros([4]),
        lambda m: m.zeros(()),
        lambda m: m.zeros(0),
        lambda m: m.zeros(2, dtype=m.int64),
        lambda m: m.ones(3),
        lambda m: m.ones(2, 1, 2, dtype=m.float64),
        lambda m: m.ones((2,), dtype=m.bool),
        lambda m: m.full((2, 3), 1.5),
        lambda m: m.full((2,), 7),
        lambda m: m.full((2,), True),
        lambda m: m.full([3], 2, dtype=m.float32),
        lambda m: m.zeros_like(m.tensor([[1, 2]])),
        lambda m: m.zeros_like(m.tensor([1.0, 2.0], dtype=m.float64)),
        lambda m: m.ones_like(m.tensor([1.0, 2.0])),
        lambda m: m.ones_like(m.tensor([1, 2]), dtype=m.float32),
        lambda m: m.eye(3),
        lambda m: m.eye(2, 3),
        lambda m: m.eye(3, dtype=m.int64),
        lambda m: m.arange(5),
        lambda m: m.arange(5.0),
        lambda m: m.arange(1, 4),
        lambda m: m.arange(0, 1, 0.25),
        lambda m: m.arange(5, 0, -2),
        lambda m: m.arange(0, 5, dtype=m.float64),
        lambda m: m.linspace(0, 1, 5),
        lambda m: m.linspace(-1, 1, steps=3),
        lambda m: m.linspace(2, 3, 1),
        lambda m: m.linspace(0, 10, 4, dtype=m.float64),
    ],
)
def test_creation_functions(code):
    ours, theirs = both(code)
    assert_close(ours, theirs, rtol=1e-6, atol=1e-7)
    assert not ours.requires_grad and ours.is_leaf


@pytest.mark.parametrize("name", ["zeros", "ones", "empty", "rand", "randn"])
def test_creation_requires_grad_keyword(name):
    x = getattr(at, name)(2, 3, requires_grad=True)
    assert x.requires_grad and x.is_leaf and tuple(x.shape) == (2, 3)
    assert dtype_name(x.dtype) == "float32"


def test_like_functions_do_not_copy_requires_grad():
    x = at.tensor([1.0, 2.0], requires_grad=True)
    assert not at.zeros_like(x).requires_grad
    assert not at.ones_like(x).requires_grad
    assert at.ones_like(x, requires_grad=True).requires_grad


def test_empty_shape_and_dtype():
    for args, kw in [((2, 3), {}), (((4,),), {}), ((2,), {"dtype": "int64"})]:
        ours, theirs = both(
            lambda m, args=args, kw=kw: m.empty(*args, **{k: getattr(m, v) for k, v in kw.items()})
        )
        assert tuple(ours.shape) == tuple(theirs.shape)
        assert dtype_name(ours.dtype) == dtype_name(theirs.dtype)


# ---------------------------------------------------------------- random numbers


def test_rand_randn_shapes_dtypes_ranges():
    at.manual_seed(0)
    r = at.rand(2, 3)
    assert tuple(r.shape) == (2, 3) and dtype_name(r.dtype) == "float32"
    big = np_of(at.rand(10_000))
    assert big.min() >= 0.0 and big.max() < 1.0 and abs(big.mean() - 0.5) < 0.02
    n = np_of(at.randn(10_000))
    assert dtype_name(at.randn(3).dtype) == "float32"
    assert abs(n.mean()) < 0.05 and abs(n.std() - 1.0) < 0.05
    assert tuple(at.randn((4, 1)).shape) == (4, 1)
    assert tuple(at.rand([2]).shape) == (2,)
    assert dtype_name(at.rand(2, dtype=at.float64).dtype) == "float64"
    assert tuple(at.randn(()).shape) == ()


def test_randint():
    at.manual_seed(1)
    a = at.randint(3, 7, (1000,))
    assert dtype_name(a.dtype) == "int64" and tuple(a.shape) == (1000,)
    v = np_of(a)
    assert v.min() >= 3 and v.max() <= 6 and set(v.tolist()) == {3, 4, 5, 6}
    b = at.randint(5, (2, 3))
    assert tuple(b.shape) == (2, 3) and np_of(b).min() >= 0 and np_of(b).max() < 5
    assert dtype_name(at.randint(0, 2, (3,), dtype=at.float32).dtype) == "float32"


@pytest.mark.parametrize(
    "draw",
    [
        lambda: at.rand(5),
        lambda: at.randn(2, 2),
        lambda: at.randint(0, 100, (6,)),
        lambda: (at.rand(3), at.randn(3)),
    ],
)
def test_manual_seed_determinism(draw):
    def values():
        out = draw()
        return [np_of(t).copy() for t in (out if isinstance(out, tuple) else (out,))]

    at.manual_seed(123)
    first = values()
    at.manual_seed(123)
    second = values()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    third = values()  # the stream moves on
    assert any(not np.array_equal(a, b) for a, b in zip(first, third))
    at.manual_seed(124)
    other = values()
    assert any(not np.array_equal(a, b) for a, b in zip(first, other))


# ---------------------------------------------------------------- dtypes


@pytest.mark.parametrize(
    "name,alias",
    [
        ("float32", "float"),
        ("float64", "double"),
        ("int64", "long"),
        ("bool", None),
        ("int32", "int"),
    ],
)
def test_dtype_attributes_and_aliases(name, alias):
    d = getattr(at, name)
    assert repr(d) == repr(getattr(torch, name)) and str(d) == str(getattr(torch, name))
    assert d.is_floating_point == getattr(torch, name).is_floating_point
    if alias:
        assert getattr(at, alias) is d
    assert d == getattr(at, name) and hash(d) == hash(getattr(at, name))
    assert at.tensor([1, 0]).dtype != at.float32


def test_tensor_dtype_compares_to_module_dtypes():
    assert at.tensor([1.0]).dtype == at.float32
    assert at.tensor([1.0]).dtype is at.float
    assert at.tensor([1]).dtype == at.long
    assert at.tensor([1.0], dtype=at.double).dtype == at.float64
    assert at.tensor(True).dtype == at.bool


# ---------------------------------------------------------------- Tensor basics


def test_shape_size_ndim_numel_dim():
    ours, theirs = both(lambda m: m.zeros(2, 3, 4))
    assert ours.shape == theirs.shape == (2, 3, 4)
    assert isinstance(ours.shape, tuple) and ours.shape[1] == 3
    assert ours.size() == theirs.size() == (2, 3, 4)
    assert ours.size(0) == 2 and ours.size(-1) == 4 and ours.size(1) == theirs.size(1)
    assert ours.ndim == ours.dim() == 3
    assert ours.numel() == theirs.numel() == 24
    assert at.tensor(5.0).shape == () and at.tensor(5.0).numel() == 1


@pytest.mark.parametrize("data", [[2.5], 2.5, [[7]], True, [[1.0]], 3])
def test_item(data):
    ours, theirs = both(lambda m: m.tensor(data).item())
    assert ours == theirs and type(ours) is type(theirs)


@pytest.mark.parametrize("data", [[1.5, 2.0], [[1, 2], [3, 4]], 2.0, [True, False], [[]]])
def test_tolist(data):
    ours, theirs = both(lambda m: m.tensor(data).tolist())
    assert ours == theirs
    assert repr(ours) == repr(theirs)  # also the Python types of the elements


def test_item_of_float32_is_the_float32_value():
    ours, theirs = both(lambda m: m.tensor(0.1).item())
    assert ours == theirs  # 0.10000000149011612, not 0.1


def test_numpy_shares_memory():
    x = at.tensor([1.0, 2.0])
    arr = x.numpy()
    assert isinstance(arr, np.ndarray) and arr.dtype == np.float32
    arr[0] = 5.0
    assert x.tolist() == [5.0, 2.0]
    y = at.tensor([1.0], requires_grad=True)
    assert isinstance(y.detach().numpy(), np.ndarray)


def test_data_attribute():
    x = at.tensor([1.0, 2.0], requires_grad=True)
    d = x.data
    assert not d.requires_grad and d.is_leaf and d.tolist() == [1.0, 2.0]
    d.mul_(2)  # .data shares memory and is not tracked by autograd
    assert x.tolist() == [2.0, 4.0] and x.requires_grad
    x.data = at.tensor([7.0, 8.0])
    assert x.tolist() == [7.0, 8.0] and x.requires_grad and x.is_leaf


def test_T_and_clone():
    ours, theirs = both(lambda m: m.arange(6).reshape(2, 3).T)
    assert_close(ours, theirs, rtol=0, atol=0)
    x = at.tensor([1.0, 2.0])
    c = x.clone()
    c.add_(1)
    assert x.tolist() == [1.0, 2.0] and c.tolist() == [2.0, 3.0]


def test_len_and_iteration():
    ours, theirs = both(lambda m: m.tensor([[1.0, 2.0], [3.0, 4.0]]))
    assert len(ours) == len(theirs) == 2
    for a, b in zip(ours, theirs):
        assert_close(a, b)
    assert [float(v) for v in at.tensor([1.0, 2.0])] == [1.0, 2.0]


def test_python_number_conversions():
    assert float(at.tensor([2.5])) == 2.5
    assert int(at.tensor(3)) == 3
    assert bool(at.tensor([1.0])) is True
    assert bool(at.tensor(0.0)) is False
