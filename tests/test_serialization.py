"""torch.save / torch.load round trips, and refusing files that are not plain tensor data."""

import io
import pickle

import numpy as np
import pytest

import autograd_tutor as at


def test_state_dict_round_trip(tmp_path):
    at.manual_seed(0)
    model = at.nn.Sequential(at.nn.Linear(3, 4), at.nn.ReLU(), at.nn.Linear(4, 2))
    path = tmp_path / "model.pt"
    at.save(model.state_dict(), path)
    other = at.nn.Sequential(at.nn.Linear(3, 4), at.nn.ReLU(), at.nn.Linear(4, 2))
    other.load_state_dict(at.load(path))
    x = at.randn(5, 3)
    assert np.array_equal(model(x).detach().numpy(), other(x).detach().numpy())


def test_tensors_keep_dtype_shape_and_requires_grad():
    buf = io.BytesIO()
    obj = {"a": at.arange(6).reshape(2, 3), "b": [at.tensor([1.5], requires_grad=True)],
           "c": at.tensor(2.0, dtype=at.float64)}
    at.save(obj, buf)
    back = at.load(io.BytesIO(buf.getvalue()))
    assert back["a"].dtype is at.int64 and back["a"].tolist() == [[0, 1, 2], [3, 4, 5]]
    assert back["b"][0].requires_grad and back["b"][0].item() == 1.5
    assert back["c"].dtype is at.float64 and back["c"].shape == ()


def test_parameters_come_back_as_parameters():
    buf = io.BytesIO()
    at.save(at.nn.Linear(2, 1).weight, buf)
    w = at.load(io.BytesIO(buf.getvalue()))
    assert isinstance(w, at.nn.Parameter) and w.requires_grad


def test_non_leaf_tensors_are_refused():
    x = at.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="detach"):
        at.save(x * 2, io.BytesIO())


class _Evil:
    def __reduce__(self):
        return (print, ("pwned",))


def test_load_refuses_arbitrary_objects():
    with pytest.raises(pickle.UnpicklingError, match="not a tensor"):
        at.load(io.BytesIO(pickle.dumps(_Evil())))


def test_dtypes_survive_copy_and_pickle():
    import copy

    for d in (at.float32, at.float64, at.int64, at.bool):
        assert copy.deepcopy(d) is d
        assert pickle.loads(pickle.dumps(d)) is d
