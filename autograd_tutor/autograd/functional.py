"""``torch.autograd.functional``: whole derivative matrices of a function, built from
``autograd.grad``.

The Jacobian of ``y = f(x)`` holds every ∂y_i/∂x_j. One backward pass gives one row of it: the
gradient of the single output element y_i with respect to x. So ``jacobian`` runs one backward
per output element (the graph is kept between them), and ``hessian`` is the Jacobian of the
gradient. That is exactly how to think of ``backward(gradient=v)``, too: it computes vᵀJ, a
weighted sum of the rows, without building J.
"""

from __future__ import annotations

from typing import Any, Callable

from ..compat.functions import stack
from ..compat.tensor_api import Tensor
from ..kernel.engine import grad
from ..kernel.grad_mode import enable_grad


def jacobian(
    func: Callable[..., Any], inputs: Any, create_graph: bool = False, strict: bool = False
) -> Any:
    """∂func(inputs)/∂inputs: for one input and one output a tensor of shape
    ``output.shape + input.shape``; tuples of them for several (one per output, then per
    input). An output that does not depend on an input gives zeros (unless ``strict``)."""
    one_input = isinstance(inputs, Tensor)
    xs = _as_inputs(inputs, "jacobian")
    with enable_grad():
        # With create_graph the result stays connected to inputs that require grad (through a
        # view of each); otherwise each input is a fresh leaf.
        leaves = tuple(
            x.view_as(x) if create_graph and x.requires_grad else x.detach().requires_grad_(True)
            for x in xs
        )
        outputs = func(*leaves)
        one_output = isinstance(outputs, Tensor)
        ys = (outputs,) if one_output else tuple(outputs)
        rows = [
            [_jacobian_block(ys, k, leaves, i, create_graph, strict) for k in range(len(ys))]
            for i in range(len(leaves))
        ]
    blocks = tuple(tuple(rows[i][k] for i in range(len(leaves))) for k in range(len(ys)))
    if one_input:
        blocks = tuple(block[0] for block in blocks)
    return blocks[0] if one_output else blocks


def hessian(func: Callable[..., Any], inputs: Any, create_graph: bool = False) -> Any:
    """The matrix of second derivatives ∂²f/∂x_i∂x_j of a function with one (1-element)
    output: the Jacobian of its gradient."""
    one_input = isinstance(inputs, Tensor)

    def gradient(*xs: Any) -> Any:
        out = func(*xs)
        if out.numel() != 1:
            raise RuntimeError(
                "The Tensor returned by the function given to hessian should contain a single "
                f"element; it has {out.numel()}. Reduce it first, e.g. return loss.sum()."
            )
        grads = grad(out.reshape(()), xs, create_graph=True, allow_unused=True)
        grads = tuple(x.new_zeros(x.shape) if g is None else g for x, g in zip(xs, grads))
        return grads[0] if one_input else grads

    return jacobian(gradient, inputs, create_graph=create_graph)


def _jacobian_block(
    ys: tuple, k: int, leaves: tuple, i: int, create_graph: bool, strict: bool
) -> Any:
    """∂ys[k]/∂leaves[i], one backward pass per element of ``ys[k]``."""
    y, x = ys[k], leaves[i]
    if strict and not y.requires_grad:
        raise RuntimeError(
            f"Output {k} of the user-provided function does not require gradients. The outputs "
            "must be computed in a differentiable manner from the input when running in strict "
            "mode. Compute them from the inputs, or pass strict=False to get zeros."
        )
    rows = []
    for element in range(y.numel()):
        g = None
        if y.requires_grad:
            (g,) = grad(
                y.reshape(-1)[element],
                x,
                retain_graph=True,
                create_graph=create_graph,
                allow_unused=True,
            )
        if g is None:
            if strict:
                raise RuntimeError(
                    f"Output {k} of the user-provided function is independent of input {i}. "
                    "This is not allowed in strict mode. Compute every output from the inputs, "
                    "or pass strict=False to get zeros."
                )
            g = x.new_zeros(x.shape)
        rows.append(g if create_graph else g.detach())
    if not rows:
        return x.new_zeros((*y.shape, *x.shape))

    return stack(rows).reshape(*y.shape, *x.shape)


def _as_inputs(inputs: Any, name: str) -> tuple:
    if isinstance(inputs, Tensor):
        return (inputs,)
    if isinstance(inputs, tuple) and all(isinstance(x, Tensor) for x in inputs):
        return inputs
    raise TypeError(
        f"The inputs given to {name} must be either a Tensor or a tuple of Tensors but the "
        f"given inputs has type {type(inputs)}. Wrap them: torch.tensor(values), and pass "
        "several as a tuple (x, y)."
    )


__all__ = ["hessian", "jacobian"]
