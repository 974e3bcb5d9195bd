"""``torch.autograd.functional``: derivatives of a whole function, built from ``autograd.grad``.

The Jacobian of ``y = f(x)`` holds every ∂y_i/∂x_j. One backward pass gives one row of it: the
gradient of the single output element y_i with respect to x. So:

* ``vjp(f, x, v)`` is one backward pass with ``grad_outputs=v``: vᵀJ, a weighted sum of the
  rows, without building J (that is what ``backward(gradient=v)`` computes, too);
* ``jacobian`` runs one backward per output element (the graph is kept between them);
* ``jvp(f, x, v)`` (J v, a weighted sum of the *columns*) uses the "double backward trick":
  ``g(u) = uᵀJ`` is linear in ``u``, so differentiating it with respect to ``u`` with
  ``grad_outputs=v`` gives J v;
* ``hessian`` is the Jacobian of the gradient; ``vhp``/``hvp`` differentiate the gradient once
  more with ``grad_outputs=v`` (for a twice-differentiable f the two are equal).

Each function follows PyTorch's own implementation step by step, so the same inputs give the
same results and the same errors.
"""

from __future__ import annotations

from typing import Any, Callable

from ..compat.autograd_api import grad
from ..compat.creation import zeros_like
from ..compat.functions import stack
from ..compat.tensor_api import Tensor
from ..kernel.grad_mode import _Mode
from .grad_mode import enable_grad, set_grad_enabled

_STRATEGY = (
    'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your function '
    'has more outputs than inputs, "forward-mode" tends to be more performant. Otherwise, '
    'prefer to use "reverse-mode".'
)


def vjp(
    func: Callable[..., Any],
    inputs: Any,
    v: Any = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple:
    """``(func(inputs), vᵀ·J)``: the vector-Jacobian product, shaped like ``inputs``.

    ``v`` is shaped like the output; it may be left out when the output has one element."""
    with enable_grad():
        inputs_tuple, xs = _as_tuple(inputs, "inputs", "vjp")
        xs = _grad_preprocess(xs, create_graph, need_graph=True)
        outputs_tuple, outs = _as_tuple(func(*xs), "outputs of the user-provided function", "vjp")
        _check_requires_grad(outs, "outputs", strict)
        if v is not None:
            vs = _grad_preprocess(_as_tuple(v, "v", "vjp")[1], create_graph, need_graph=False)
            _validate_v(vs, outs, outputs_tuple)
        else:
            if len(outs) != 1 or outs[0].numel() != 1:
                raise RuntimeError(
                    "The vector v can only be None if the user-provided function returns a "
                    "single Tensor with a single element. Pass v, shaped like the output."
                )
            vs = None
    products = _products(outs, xs, vs, xs, strict, create_graph, "back")
    return _pair(outs, outputs_tuple, products, inputs_tuple, create_graph)


def jvp(
    func: Callable[..., Any],
    inputs: Any,
    v: Any = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple:
    """``(func(inputs), J·v)``: the Jacobian-vector product, shaped like the output.

    ``v`` is shaped like ``inputs``; it may be left out when the input has one element."""
    with enable_grad():
        inputs_tuple, xs, vs = _inputs_and_v(inputs, v, create_graph, "jvp")
        outputs_tuple, outs = _as_tuple(func(*xs), "outputs of the user-provided function", "jvp")
        _check_requires_grad(outs, "outputs", strict)
        # uᵀJ is linear in u, so the value of u does not matter: zeros that require grad.
        us = tuple(_zeros_like(out, requires_grad=True) for out in outs)
        grad_inputs = _autograd_grad(outs, xs, us, create_graph=True)
        _check_requires_grad(grad_inputs, "grad_inputs", strict)
    products = _products(grad_inputs, us, vs, outs, strict, create_graph, "back_trick")
    return _pair(outs, outputs_tuple, products, outputs_tuple, create_graph)


def jacobian(
    func: Callable[..., Any],
    inputs: Any,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    strategy: str = "reverse-mode",
) -> Any:
    """∂func(inputs)/∂inputs: for one input and one output a tensor of shape
    ``output.shape + input.shape``; tuples of them for several (one per output, then per
    input). An output that does not depend on an input gives zeros (unless ``strict``).

    ``vectorize`` and ``strategy`` are accepted for PyTorch's sake (with its checks): PyTorch
    then batches the backward passes, or uses forward mode; here the rows are computed one
    backward pass at a time either way, which gives the same numbers."""
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError(_STRATEGY)
    forward_mode = strategy == "forward-mode"
    if forward_mode:
        if create_graph:
            raise NotImplementedError(
                "torch.autograd.functional.jacobian: `create_graph=True` and "
                '`strategy="forward-mode"` are not supported together (yet). Please either set '
                '`create_graph=False` or `strategy="reverse-mode"`.'
            )
        if strict:
            raise RuntimeError(
                "torch.autograd.functional.jacobian: `strict=True` and "
                '`strategy="forward-mode"` are not supported together (yet). Please either set '
                '`strict=False` or `strategy="reverse-mode"`.'
            )
    with enable_grad():
        inputs_tuple, xs = _as_tuple(inputs, "inputs", "jacobian")
        if forward_mode and not vectorize:
            raise NotImplementedError(
                "Computing Jacobian using forward-AD or forward-over-reverse Hessian is"
                "only implemented for `vectorize=True`."
            )
        xs = _grad_preprocess(xs, create_graph, need_graph=True)
        outputs_tuple, outs = _as_tuple(
            func(*xs), "outputs of the user-provided function", "jacobian"
        )
        _check_requires_grad(outs, "outputs", strict)
        if vectorize and strict:
            raise RuntimeError(
                "torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are "
                "not supported together. Please either set `strict=False` or `vectorize=False`."
            )
        blocks = tuple(_jacobian_row(out, i, xs, create_graph, strict) for i, out in
                       enumerate(outs))
    return _unpack(_postprocess(blocks, create_graph), (outputs_tuple, inputs_tuple))


def hessian(
    func: Callable[..., Any],
    inputs: Any,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    outer_jacobian_strategy: str = "reverse-mode",
) -> Any:
    """The matrix of second derivatives ∂²f/∂x_i∂x_j of a function with one (1-element)
    output: the Jacobian of its gradient."""
    inputs_tuple, xs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def single_output(*xs: Any) -> Any:
        out = func(*xs)
        out_tuple, outs = _as_tuple(out, "outputs of the user-provided function", "hessian")
        _check_requires_grad(outs, "outputs", strict)
        _check_scalar(out_tuple, outs, "hessian")
        return out.squeeze()

    def gradient(*xs: Any) -> Any:
        if outer_jacobian_strategy == "forward-mode":
            xs = tuple(x.requires_grad_(True) for x in xs)
        jac = jacobian(single_output, xs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        return jac

    result = jacobian(gradient, xs, create_graph, strict, vectorize, outer_jacobian_strategy)
    return _unpack(result, (inputs_tuple, inputs_tuple))


def vhp(
    func: Callable[..., Any],
    inputs: Any,
    v: Any = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple:
    """``(func(inputs), vᵀ·H)`` for a function with one (1-element) output: the gradient,
    differentiated once more with ``grad_outputs=v``."""
    return _hessian_product(func, inputs, v, create_graph, strict, "vhp")


def hvp(
    func: Callable[..., Any],
    inputs: Any,
    v: Any = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple:
    """``(func(inputs), H·v)``: equal to ``vhp`` when f is twice continuously differentiable
    (H is then symmetric); computed with the double backward trick, as ``jvp`` is."""
    return _hessian_product(func, inputs, v, create_graph, strict, "hvp")


def _hessian_product(
    func: Callable[..., Any], inputs: Any, v: Any, create_graph: bool, strict: bool, name: str
) -> tuple:
    with enable_grad():
        inputs_tuple, xs, vs = _inputs_and_v(inputs, v, create_graph, name)
        outputs_tuple, outs = _as_tuple(func(*xs), "outputs of the user-provided function", name)
        _check_requires_grad(outs, "outputs", strict)
        _check_scalar(outputs_tuple, outs, name)
        jac = _autograd_grad(outs, xs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        if name == "hvp":  # the double backward trick, as in jvp
            us = tuple(_zeros_like(x, requires_grad=True) for x in xs)
            jac, xs_or_us = _autograd_grad(jac, xs, us, create_graph=True), us
            _check_requires_grad(jac, "hessian", strict)
        else:
            xs_or_us = xs
    stage = "double_back_trick" if name == "hvp" else "double_back"
    products = _products(jac, xs_or_us, vs, xs, strict, create_graph, stage)
    return _pair(outs, outputs_tuple, products, inputs_tuple, create_graph)


# -- the steps they share (PyTorch's helpers of the same names) -------------------------------


def _inputs_and_v(inputs: Any, v: Any, create_graph: bool, name: str) -> tuple:
    """(whether inputs was a tuple, the inputs prepared, v checked against them or None)."""
    inputs_tuple, xs = _as_tuple(inputs, "inputs", name)
    xs = _grad_preprocess(xs, create_graph, need_graph=True)
    if v is None:
        _check_single_input(xs)
        return inputs_tuple, xs, None
    vs = _grad_preprocess(_as_tuple(v, "v", name)[1], create_graph, need_graph=False)
    _validate_v(vs, xs, inputs_tuple)
    return inputs_tuple, xs, vs


def _products(
    ys: tuple, xs: tuple, vs: tuple | None, refs: tuple, strict: bool, create_graph: bool,
    stage: str,
) -> tuple:
    """vᵀ·∂ys/∂xs, zeros (shaped like ``refs``) where a result does not depend on an input;
    recorded only with ``create_graph``."""
    with set_grad_enabled(create_graph or _Mode.enabled):
        return _fill_in_zeros(_autograd_grad(ys, xs, vs, create_graph), refs, strict,
                              create_graph, stage)


def _pair(outs: tuple, outs_tuple: bool, products: tuple, products_tuple: bool,
          create_graph: bool) -> tuple:
    """``(func's output, the product)``, detached unless ``create_graph``, unpacked as given."""
    return (
        _unpack(_postprocess(outs, create_graph), outs_tuple),
        _unpack(_postprocess(products, create_graph), products_tuple),
    )


def _jacobian_row(out: Any, i: int, xs: tuple, create_graph: bool, strict: bool) -> tuple:
    """∂out/∂x for every input x, one backward pass per element of ``out``."""
    columns: tuple[list, ...] = tuple([] for _ in xs)
    for j in range(out.numel()):
        grads = _autograd_grad((out.reshape(-1)[j],), xs, retain_graph=True,
                               create_graph=create_graph)
        for k, (g, x) in enumerate(zip(grads, xs)):
            if g is None:
                if strict:
                    raise RuntimeError(
                        f"Output {i} of the user-provided function is independent of input "
                        f"{k}. This is not allowed in strict mode. Compute every output from "
                        "the inputs, or pass strict=False to get zeros."
                    )
                g = _zeros_like(x)
            elif strict and create_graph and not g.requires_grad:
                raise RuntimeError(
                    f"The jacobian of the user-provided function is independent of input {i}. "
                    "This is not allowed in strict mode when create_graph=True."
                )
            columns[k].append(g)

    return tuple(
        stack(column).view(*out.shape, *x.shape) if column else x.new_zeros((*out.shape, *x.shape))
        for column, x in zip(columns, xs)
    )


def _as_tuple(value: Any, arg_name: str, fn_name: str) -> tuple[bool, tuple]:
    """(whether ``value`` was a tuple, ``value`` as a tuple of Tensors)."""
    is_tuple = isinstance(value, tuple)
    items = value if is_tuple else (value,)
    for i, el in enumerate(items):
        if not isinstance(el, Tensor):
            where = f"value at index {i}" if is_tuple else f"given {arg_name}"
            raise TypeError(
                f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of "
                f"Tensors but the {where} has type {type(el)}. Wrap them: torch.tensor(values), "
                "and pass several as a tuple (x, y)."
            )
    return is_tuple, items


def _grad_preprocess(xs: tuple, create_graph: bool, need_graph: bool) -> tuple:
    """A new Tensor object per input: with ``create_graph`` a view (the result stays connected
    to an input that requires grad), otherwise a fresh leaf."""
    return tuple(
        x.view_as(x) if create_graph and x.requires_grad else x.detach().requires_grad_(need_graph)
        for x in xs
    )


def _postprocess(values: tuple, create_graph: bool) -> tuple:
    """Without ``create_graph`` the results carry no history (nested tuples too)."""
    if create_graph:
        return values
    return tuple(v.detach() if isinstance(v, Tensor) else _postprocess(v, False)
                 for v in values)


def _unpack(values: tuple, was_tuple: Any) -> Any:
    """Undo ``_as_tuple``: a lone Tensor comes back as a Tensor. ``was_tuple`` may be a pair
    (outer, inner) for the nested results of ``jacobian`` and ``hessian``."""
    if isinstance(was_tuple, tuple):
        outer, inner = was_tuple
        if not inner:
            values = tuple(v[0] for v in values)
        return values if outer else values[0]
    return values if was_tuple else values[0]


def _validate_v(vs: tuple, others: tuple, others_tuple: bool) -> None:
    if len(vs) != len(others):
        if others_tuple:
            raise RuntimeError(
                f"v is a tuple of invalid length: should be {len(others)} but got {len(vs)}. "
                "Pass one v per tensor."
            )
        raise RuntimeError("The given v should contain a single Tensor. Pass one Tensor as v.")
    for idx, (v, other) in enumerate(zip(vs, others)):
        if v.shape != other.shape:
            prepend = f"Entry {idx} in " if others_tuple else ""
            raise RuntimeError(
                f"{prepend}v has invalid size: should be {other.size()} but got {v.size()}. "
                "v must have the shape of the tensor it multiplies."
            )


def _check_single_input(xs: tuple) -> None:
    if len(xs) != 1 or xs[0].numel() != 1:
        raise RuntimeError(
            "The vector v can only be None if the input to the user-provided function is a "
            "single Tensor with a single element. Pass v, shaped like the input."
        )


def _check_scalar(was_tuple: bool, outs: tuple, name: str) -> None:
    if was_tuple:
        raise RuntimeError(
            f"The function given to {name} should return a single Tensor. Return one "
            "number, e.g. the loss."
        )
    if outs[0].numel() != 1:
        raise RuntimeError(
            f"The Tensor returned by the function given to {name} should contain a single "
            f"element. It has {outs[0].numel()}: reduce it first, e.g. return loss.sum()."
        )


_INDEPENDENT = {
    "jacobian": (
        "While computing the hessian, found that the jacobian of the user-provided function "
        "with respect to input {i} is independent of the input. This is not allowed in strict "
        "mode. You should ensure that your function is twice differentiable and that the "
        "jacobian depends on the inputs (this would be violated by a linear function for "
        "example)."
    ),
    "hessian": (
        "The hessian of the user-provided function with respect to input {i} is independent "
        "of the input. This is not allowed in strict mode. You should ensure that your "
        "function is thrice differentiable and that the hessian depends on the inputs."
    ),
    "grad_inputs": (
        "The gradient with respect to input {i} is independent of the inputs of the "
        "user-provided function. This is not allowed in strict mode."
    ),
    "outputs": (
        "Output {i} of the user-provided function does not require gradients. The outputs "
        "must be computed in a differentiable manner from the input when running in strict "
        "mode. Compute them from the inputs, or pass strict=False to get zeros."
    ),
}


def _check_requires_grad(values: tuple, kind: str, strict: bool) -> None:
    """In strict mode, every value must depend on the inputs."""
    if not strict:
        return
    for i, value in enumerate(values):
        if value is None:
            raise RuntimeError(
                f"The output of the user-provided function is independent of input {i}. This "
                "is not allowed in strict mode."
            )
        if not value.requires_grad:
            raise RuntimeError(_INDEPENDENT[kind].format(i=i))


def _autograd_grad(
    outputs: tuple,
    inputs: tuple,
    grad_outputs: tuple | None = None,
    create_graph: bool = False,
    retain_graph: bool | None = None,
) -> tuple:
    """``autograd.grad`` over the outputs that require grad (``None`` per input if none do)."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    outs, grad_outs = zip(*pairs)
    return grad(outs, inputs, grad_outs, retain_graph=retain_graph, create_graph=create_graph,
                allow_unused=True)


_ZERO_MESSAGES = {
    "back": "The output of the user-provided function is independent of input {i}. This is not "
    "allowed in strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the "
    "grad_outputs when using the double backward trick to compute forward mode gradients. This "
    "is not allowed in strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. "
    "This is not allowed in strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry "
    "{i} in the grad_jacobian. This is not allowed in strict mode as it prevents from using "
    "the double backward trick to replace forward mode AD.",
}


def _fill_in_zeros(
    grads: tuple, refs: tuple, strict: bool, create_graph: bool, stage: str
) -> tuple:
    """Zeros where a result does not depend on an input (an error in strict mode)."""
    result = []
    for i, g in enumerate(grads):
        if g is None:
            if strict:
                raise RuntimeError(_ZERO_MESSAGES[stage].format(i=i))
            g = _zeros_like(refs[i])
        elif strict and create_graph and not g.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise RuntimeError(
                f"The {what} of the user-provided function is independent of input {i}. This "
                "is not allowed in strict mode when create_graph=True."
            )
        result.append(g)
    return tuple(result)


def _zeros_like(x: Any, requires_grad: bool = False) -> Any:
    return zeros_like(x, requires_grad=requires_grad)


__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]
