"""``gradcheck``: test a backward formula against finite differences.

For a function ``f`` and inputs ``x``, the *Jacobian* holds every partial derivative
``d out[j] / d x[i]``. gradcheck builds it twice:

* **numerically**, by nudging one input element at a time by ``±eps`` and watching
  the outputs move: ``(f(x + eps) - f(x - eps)) / (2 eps)`` (central differences);
* **analytically**, by running backward once per output element with a one-hot
  ``grad_output``, which is exactly what your ``backward()`` computes.

If the two disagree anywhere, the backward formula is wrong. Use float64 inputs:
in float32 the finite differences themselves are too imprecise to judge.

``gradgradcheck`` does the same one level up: it gradchecks the function that maps
``(inputs, grad_outputs)`` to the gradients ``backward`` computes, so it tests that your
``backward`` is itself differentiable (needed for ``create_graph=True``, Hessians, ...).
"""

from __future__ import annotations

import warnings
from typing import Any, Callable, List, Sequence, Tuple, Union

import numpy as np

from ..compat.autograd_api import grad
from ..compat.creation import tensor
from ..compat.random import rand
from ..compat.tensor_api import Tensor


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` when the analytical and numerical Jacobians differ."""


def _as_tuple(x: Any) -> Tuple[Any, ...]:
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _float_outputs(result: Any) -> Tuple[Tensor, ...]:
    """The outputs that have derivatives (integer ones, such as argmax indices, have none)."""
    return tuple(o for o in _as_tuple(result) if o.dtype.is_floating_point)


def _differentiable(x: Any) -> bool:
    return isinstance(x, Tensor) and x.requires_grad and x.dtype.is_floating_point


def _numerical_jacobian(
    fn: Callable[..., Any], inputs: Tuple[Any, ...], x: Tensor, n_outputs: int, eps: float
) -> List[np.ndarray]:
    """One ``(x.numel(), out.numel())`` matrix per output, by central differences."""
    # Writing to x's array nudges x in place. Grad mode stays on, so that func may itself
    # call autograd.grad (to check second derivatives).
    values = x._data
    columns: List[List[np.ndarray]] = [[] for _ in range(n_outputs)]
    for k in range(values.size):
        original = values.flat[k].item()
        values.flat[k] = original + eps
        plus = [o._data.astype(np.float64).reshape(-1) for o in _float_outputs(fn(*inputs))]
        values.flat[k] = original - eps
        minus = [o._data.astype(np.float64).reshape(-1) for o in _float_outputs(fn(*inputs))]
        values.flat[k] = original
        for j in range(n_outputs):
            columns[j].append((plus[j] - minus[j]) / (2 * eps))
    return [np.array(rows).reshape(values.size, -1) for rows in columns]


def _analytical_jacobian(
    outputs: Tuple[Tensor, ...], diff_inputs: List[Tensor]
) -> List[List[np.ndarray]]:
    """``[output][input]`` matrices, one backward per output element (one-hot grad_output)."""

    jacobians = []
    for out in outputs:
        per_input = [np.zeros((x.numel(), out.numel())) for x in diff_inputs]
        if out.requires_grad:
            for j in range(out.numel()):
                one_hot = np.zeros(out.numel(), dtype=out._data.dtype)
                one_hot[j] = 1
                grads = grad(
                    out,
                    diff_inputs,
                    Tensor._make(one_hot.reshape(out.shape)),
                    retain_graph=True,
                    allow_unused=True,
                )
                for i, g in enumerate(grads):
                    if g is not None:
                        per_input[i][:, j] = g._data.reshape(-1)
        jacobians.append(per_input)
    return jacobians


def _index(shape: Tuple[int, ...], flat: int) -> str:
    return str([int(i) for i in np.unravel_index(flat, shape)]) if shape else ""


def _explain(
    out_i: int,
    in_i: int,
    out: Tensor,
    x: Tensor,
    numerical: np.ndarray,
    analytical: np.ndarray,
    atol: float,
    rtol: float,
) -> str:
    """PyTorch's message (Jacobians in the input's dtype), then the first wrong entry in words."""

    bad = np.abs(analytical - numerical) > atol + rtol * np.abs(numerical)
    r, c = np.argwhere(bad)[0]
    dtype = x._data.dtype
    return (
        f"Jacobian mismatch for output {out_i} with respect to input {in_i},\n"
        f"numerical:{tensor(numerical.astype(dtype))!r}\n"
        f"analytical:{tensor(analytical.astype(dtype))!r}\n\n"
        f"First wrong entry: d(output {out_i}){_index(tuple(out.shape), int(c))} / "
        f"d(input {in_i}){_index(tuple(x.shape), int(r))} is {numerical[r, c]:.6g} by finite "
        f"differences, but backward() gives {analytical[r, c]:.6g}. Fix the gradient your "
        f"backward() returns for input {in_i}."
    )


def gradcheck(
    func: Callable[..., Union[Tensor, Sequence[Tensor]]],
    inputs: Union[Tensor, Sequence[Any]],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Check the gradients of ``func`` at ``inputs`` against finite differences.

    Returns ``True`` when, for every output and every input with ``requires_grad=True``,
    the backward pass agrees with the numerical derivative (``|a - n| <= atol + rtol |n|``
    entrywise). Otherwise raises ``GradcheckError`` naming the first wrong entry (or
    returns ``False`` with ``raise_exception=False``).

    >>> x = torch.randn(3, dtype=torch.float64, requires_grad=True)
    >>> torch.autograd.gradcheck(MySquare.apply, (x,))
    True
    """
    inputs = _as_tuple(inputs)
    diff = [i for i, x in enumerate(inputs) if _differentiable(x)]
    if not diff:
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, but none of "
            "them have requires_grad=True. Create the inputs with requires_grad=True."
        )
    for i in diff:
        if inputs[i]._data.dtype != np.float64:
            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating point "
                "or complex. This check will likely fail if all the inputs are not of double "
                "precision floating point or complex. Create them with dtype=torch.float64.",
                stacklevel=2,
            )
    outputs = _float_outputs(func(*inputs))
    analytical = _analytical_jacobian(outputs, [inputs[i] for i in diff])
    for k, i in enumerate(diff):
        numerical = _numerical_jacobian(func, inputs, inputs[i], len(outputs), eps)
        for j, out in enumerate(outputs):
            a, n = analytical[j][k], numerical[j]
            if not np.allclose(a, n, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                raise GradcheckError(_explain(j, i, out, inputs[i], n, a, atol, rtol))
    return True


def gradgradcheck(
    func: Callable[..., Union[Tensor, Sequence[Tensor]]],
    inputs: Union[Tensor, Sequence[Any]],
    grad_outputs: Union[Tensor, Sequence[Tensor], None] = None,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    gen_non_contig_grad_outputs: bool = False,
    raise_exception: bool = True,
) -> bool:
    """Check the second derivatives of ``func`` at ``inputs`` against finite differences.

    The backward pass is a function too: ``(inputs, grad_outputs) -> gradients``. This runs
    ``gradcheck`` on it, with ``create_graph=True``, so a ``backward`` written with operations
    that are not recorded (NumPy arrays, ``.detach()``) fails here though ``gradcheck`` passes.
    Without ``grad_outputs``, random ones in [-1, 1) are used. (``gen_non_contig_grad_outputs``
    is accepted for PyTorch's sake: NumPy-backed tensors have no separate strided layout to
    test.)

    >>> torch.autograd.gradgradcheck(MySquare.apply, (x,))
    True
    """
    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        outputs = [o for o in _float_outputs(func(*inputs)) if o.requires_grad]
        grad_outputs = tuple(
            (rand(o.shape, dtype=o.dtype) * 2 - 1).requires_grad_() for o in outputs
        )
    grad_outputs = _as_tuple(grad_outputs)
    n = len(grad_outputs)

    def backward_of_func(*args: Any) -> Tuple[Tensor, ...]:
        xs, gs = args[:-n], args[-n:]
        outs = [o for o in _float_outputs(func(*xs)) if o.requires_grad]
        diff = [x for x in xs if _differentiable(x)]
        grads = grad(outs, diff, gs, create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(
        backward_of_func,
        (*inputs, *grad_outputs),
        eps=eps,
        atol=atol,
        rtol=rtol,
        raise_exception=raise_exception,
    )
