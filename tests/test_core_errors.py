"""Bad input: the same exception class as PyTorch 2.13, a message that starts with PyTorch's gist
and adds a sentence telling a beginner how to fix the code, and nothing changed afterwards.

Each case has ``setup(m)`` (returns a dict of objects, run with both libraries), ``bad(m, s)``
(the misuse), a regex for the start of the message, optional words the fix sentence should
mention, and optional ``after(m, s)``: valid code that must still work (its results are compared
with PyTorch's), which shows the graph was left usable.
"""

from __future__ import annotations

import copy
import re
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pytest
from torch_oracle import assert_close, np_of

torch = pytest.importorskip("torch")
import autograd_tutor as at  # noqa: E402

# Words that show the message goes on to tell the user what to do.
FIX_WORDS = (
    "use ",
    "call ",
    "pass ",
    "wrap ",
    "make ",
    "reduce",
    "remove",
    "set ",
    "check ",
    "try ",
    "instead",
    "give ",
    "change ",
    "create ",
    "convert",
    "detach",
    "zero",
    "move ",
    "add ",
    "choose",
    "write ",
    "keep ",
    "specify",
    "clone",
    "select",
    "index with",
    "provide",
    "put ",
    "do the",
    "fix",
    "first",
    "with torch.",
    "reshape",
    "transpose",
    "drop",
    "only use",
    "start",
    "must ",
    "ensure",
    "valid ",
    "needs ",
    "should",
    "replace",
    "compute",
)


@dataclass
class Case:
    name: str
    setup: Callable[[Any], dict]
    bad: Callable[[Any, dict], Any]
    gist: str
    fix: tuple = ()
    after: Callable[[Any, dict], Any] | None = None
    python_message: bool = False  # raised by Python itself (NotImplemented): no fix sentence


def leaf(m, data=(1.0, 2.0, 3.0)):
    return {"x": m.tensor(list(data), requires_grad=True)}


def leaf_and(m, make):
    s = leaf(m)
    s.update(make(m, s["x"]))
    return s


def _inplace_leaf(op):
    def bad(m, s):
        x = s["x"]
        op(m, x)

    return bad


def _iadd(m, x):
    x += 1


def _isub(m, x):
    x -= 0.1 * m.ones(3)


def _imul(m, x):
    x *= 2


def _itruediv(m, x):
    x /= 2


def _setitem(index, value):
    def op(m, x):
        x[index] = value

    return op


def _set_attr(name, value_fn):
    def bad(m, s):
        setattr(s["x"], name, value_fn(m))

    return bad


def _int_iadd_float(m, s):
    a = s["a"]
    a += 1.5


def _second(m, s):
    s["y"].backward()


def _setup_backward_done(m):
    s = leaf(m)
    s["y"] = (s["x"].exp() * s["x"]).sum()
    s["y"].backward()
    return s


def _setup_saved_modified(m):
    s = leaf(m)
    s["a"] = s["x"] * 1
    s["b"] = s["a"] * s["a"]
    s["a"].mul_(2)
    return s


def _setup_output_modified(m):
    s = leaf(m)
    s["e"] = s["x"].exp()
    s["e"].add_(1)
    return s


def _setup_update_before_backward(m):
    """The classic slip: updating the weights before calling backward()."""
    s = leaf(m)
    s["loss"] = (s["x"] * s["x"]).sum()
    with m.no_grad():
        s["x"] -= 0.1
    return s


def _no_grad_view(m, base):
    with m.no_grad():
        return {"base": base, "v": base[0:2]}


def _setup_no_grad_result(m):
    s = leaf(m)
    with m.no_grad():
        s["y"] = s["x"] * 2
    return s


def _grad_of(m, s):
    return s["x"].grad


LEAF_INPLACE = r"a leaf Variable that requires grad is being used in an in-place operation"
LEAF_VIEW = r"a view of a leaf Variable that requires grad is being used in an in-place operation"
VIEW_INPLACE = (
    r"a (view of a )?leaf Variable that requires grad is being used in an in-place operation"
)
DIM_2D = r"Dimension out of range \(expected to be in range of \[-2, 1\], but got "

CASES = [
    # ---- backward misuse
    Case(
        "non_scalar_backward",
        lambda m: leaf_and(m, lambda m, x: {"y": x * 2}),
        lambda m, s: s["y"].backward(),
        r"grad can be implicitly created only for scalar outputs",
        fix=(".sum()", "gradient="),
        after=lambda m, s: (s["y"].sum().backward(), s["x"].grad)[1],
    ),
    Case(
        "non_scalar_backward_2d",
        lambda m: leaf_and(m, lambda m, x: {"y": x[None] * x[:, None]}),
        lambda m, s: s["y"].backward(),
        r"grad can be implicitly created only for scalar outputs",
        after=lambda m, s: (s["y"].backward(m.ones(3, 3)), s["x"].grad)[1],
    ),
    Case(
        "reduce_keepdim_without_dim",
        lambda m: {"x": m.ones(2, 3)},
        lambda m, s: s["x"].mean(keepdim=True),
        r"mean\(\) received an invalid combination of arguments",
        fix=("dim=None",),
        after=lambda m, s: s["x"].mean(dim=None, keepdim=True),
    ),
    Case(
        "masked_fill_int_mask",
        lambda m: {"x": m.ones(2, 3), "mask": m.tensor([1, 0, 1])},
        lambda m, s: s["x"].masked_fill(s["mask"], 5.0),
        r"masked_fill_ only supports boolean masks",
        fix=(".bool()",),
        after=lambda m, s: s["x"].masked_fill(s["mask"].bool(), 5.0),
    ),
    Case(
        "masked_fill_vector_value",
        lambda m: {"x": m.ones(2, 3), "v": m.ones(3)},
        lambda m, s: s["x"].masked_fill(s["x"] > 0, s["v"]),
        r"masked_fill_ only supports a 0-dimensional value tensor",
        fix=("where",),
        after=lambda m, s: m.where(s["x"] > 0, s["v"], s["x"]),
    ),
    Case(
        "masked_fill_list_mask",
        lambda m: {"x": m.ones(3)},
        lambda m, s: s["x"].masked_fill([True, False, True], 1.0),
        r"masked_fill\(\) received an invalid combination of arguments",
    ),
    Case(
        "masked_fill_mask_does_not_broadcast",
        lambda m: {"x": m.ones(3)},
        lambda m, s: s["x"].masked_fill(m.tensor([True, False]), 1.0),
        r"The size of tensor a \(2\) must match the size of tensor b \(3\)",
    ),
    Case(
        "huge_int_add",
        lambda m: {"x": m.ones(2), "i": m.ones(2, dtype=m.int64)},
        lambda m, s: s["x"] + 10**40,
        r"int too big to convert",
        fix=("float",),
    ),
    Case(
        "huge_int_rsub",
        lambda m: {"x": m.ones(2), "i": m.ones(2, dtype=m.int64)},
        lambda m, s: 10**40 - s["x"],
        r"int too big to convert",
        fix=("float",),
    ),
    Case(
        "huge_int_compare",
        lambda m: {"x": m.ones(2), "i": m.ones(2, dtype=m.int64)},
        lambda m, s: s["x"] > 10**40,
        r"int too big to convert",
        fix=("float",),
    ),
    Case(
        "huge_int_pow",
        lambda m: {"x": m.ones(2), "i": m.ones(2, dtype=m.int64)},
        lambda m, s: s["x"] ** 10**40,
        r"int too big to convert",
        fix=("float",),
    ),
    Case(
        "huge_int_rpow",
        lambda m: {"x": m.ones(2), "i": m.ones(2, dtype=m.int64)},
        lambda m, s: (-(10**40)) ** s["x"],
        r"can't convert negative int to unsigned",
        fix=("float",),
    ),
    Case(
        "huge_int_int_tensor",
        lambda m: {"x": m.ones(2), "i": m.ones(2, dtype=m.int64)},
        lambda m, s: s["i"] * 10**40,
        r"int too big to convert",
        fix=("float",),
    ),
    Case(
        "huge_int_masked_fill",
        lambda m: {"x": m.ones(2), "i": m.ones(2, dtype=m.int64)},
        lambda m, s: s["x"].masked_fill(s["x"] > 0, 10**40),
        r"int too big to convert",
        fix=("float",),
    ),
    Case(
        "huge_int_clamp",
        lambda m: {"x": m.ones(2), "i": m.ones(2, dtype=m.int64)},
        lambda m, s: s["x"].clamp(max=-(10**40)),
        r"can't convert negative int to unsigned",
        fix=("float",),
    ),
    Case(
        "bool_of_empty_tensor",
        lambda m: {"x": m.tensor([])},
        lambda m, s: bool(s["x"]),
        r"Boolean value of Tensor with no values is ambiguous",
    ),
    Case(
        "negate_bool_tensor",
        lambda m: {"mask": m.tensor([True, False])},
        lambda m, s: -s["mask"],
        r"Negation, the `-` operator, on a bool tensor is not supported",
        fix=("~",),
        after=lambda m, s: ~s["mask"],
    ),
    Case(
        "randint_without_size",
        lambda m: {},
        lambda m, s: m.randint(0, 10),
        r"randint\(\): argument 'size' \(position 2\) must be tuple of ints, not int",
        fix=("(3,)",),
    ),
    Case(
        "deepcopy_of_a_computed_tensor",
        lambda m: leaf_and(m, lambda m, x: {"y": x * 2}),
        lambda m, s: copy.deepcopy(s["y"]),
        r"Only Tensors created explicitly by the user \(graph leaves\) support the deepcopy",
        fix=("detach().clone()",),
        after=lambda m, s: s["y"].detach().clone(),
    ),
    Case(
        "tensor_of_tensors",
        lambda m: {"a": m.ones(2), "b": m.zeros(2)},
        lambda m, s: m.tensor([s["a"], s["b"]]),
        r"only one element tensors can be converted to Python scalars",
        fix=("torch.stack",),
        after=lambda m, s: m.stack([s["a"], s["b"]]),
    ),
    Case(
        "negative_slice_step",
        lambda m: {"x": m.arange(5)},
        lambda m, s: s["x"][::-1],
        r"step must be greater than zero",
        fix=("flip",),
        after=lambda m, s: s["x"].flip(0),
    ),
    Case(
        "mm_of_vectors",
        lambda m: {"a": m.ones(2), "b": m.ones(2)},
        lambda m, s: m.mm(s["a"], s["b"]),
        r"self must be a matrix",
        fix=("matmul",),
        after=lambda m, s: m.matmul(s["a"], s["b"]),
    ),
    Case(
        "mm_with_a_vector",
        lambda m: {"a": m.ones(2, 3), "b": m.ones(3)},
        lambda m, s: s["a"].mm(s["b"]),
        r"mat2 must be a matrix",
    ),
    Case(
        "dot_of_matrices",
        lambda m: {"a": m.ones(2, 2)},
        lambda m, s: m.dot(s["a"], s["a"]),
        r"1D tensors expected, but got 2D and 2D tensors",
        fix=("matmul",),
    ),
    Case(
        "sum_over_a_dim_twice",
        lambda m: {"x": m.ones(2, 3)},
        lambda m, s: s["x"].mean((1, -1)),
        r"dim 1 appears multiple times in the list of dims",
    ),
    Case(
        "backward_twice",
        _setup_backward_done,
        _second,
        r"Trying to backward through the graph a second time",
        fix=("retain_graph=True",),
    ),
    Case(
        "autograd_grad_after_backward",
        _setup_backward_done,
        lambda m, s: m.autograd.grad(s["y"], s["x"]),
        r"Trying to backward through the graph a second time",
        fix=("retain_graph=True",),
    ),
    Case(
        "saved_tensor_modified",
        _setup_saved_modified,
        lambda m, s: s["b"].sum().backward(),
        r"one of the variables needed for gradient computation has been modified by an "
        r"inplace operation",
    ),
    Case(
        "saved_output_modified",
        _setup_output_modified,
        lambda m, s: s["e"].sum().backward(),
        r"one of the variables needed for gradient computation has been modified by an "
        r"inplace operation",
    ),
    Case(
        "leaf_updated_before_backward",
        _setup_update_before_backward,
        lambda m, s: s["loss"].backward(),
        r"one of the variables needed for gradient computation has been modified by an "
        r"inplace operation",
    ),
    Case(
        "backward_without_grad_fn",
        lambda m: {"t": m.tensor([1.0])},
        lambda m, s: s["t"].backward(),
        r"element 0 of tensors does not require grad and does not have a grad_fn",
        fix=("requires_grad",),
    ),
    Case(
        "backward_on_int_sum",
        lambda m: {"t": m.tensor([1, 2])},
        lambda m, s: s["t"].sum().backward(),
        r"element 0 of tensors does not require grad and does not have a grad_fn",
    ),
    Case(
        "backward_of_no_grad_result",
        _setup_no_grad_result,
        lambda m, s: s["y"].sum().backward(),
        r"element 0 of tensors does not require grad and does not have a grad_fn",
    ),
    Case(
        "wrong_gradient_shape",
        lambda m: leaf_and(m, lambda m, x: {"y": x * 2}),
        lambda m, s: s["y"].backward(m.ones(2)),
        r"Mismatch in shape: grad_output\[0\] has a shape of",
        after=lambda m, s: (s["y"].backward(m.ones(3)), s["x"].grad)[1],
    ),
    Case(
        "wrong_gradient_shape_scalar",
        lambda m: leaf_and(m, lambda m, x: {"y": x.sum()}),
        lambda m, s: s["y"].backward(m.ones(2)),
        r"Mismatch in shape: grad_output\[0\] has a shape of",
        after=lambda m, s: (s["y"].backward(), s["x"].grad)[1],
    ),
    Case(
        "wrong_grad_outputs_shape",
        lambda m: leaf_and(m, lambda m, x: {"y": x**2}),
        lambda m, s: m.autograd.grad(s["y"], s["x"], grad_outputs=m.ones(1, 3)),
        r"Mismatch in shape: grad_output\[0\] has a shape of",
        after=lambda m, s: m.autograd.grad(s["y"], s["x"], grad_outputs=m.ones(3))[0],
    ),
    Case(
        "unused_input_in_autograd_grad",
        lambda m: leaf_and(
            m, lambda m, x: {"u": m.ones(2, requires_grad=True), "y": (x * 2).sum()}
        ),
        lambda m, s: m.autograd.grad(s["y"], [s["x"], s["u"]]),
        r"(The differentiated Tensor at index 1|One of the differentiated Tensors) appears to "
        r"not have been used in the graph",
        fix=("allow_unused=True",),
    ),
    Case(
        "autograd_grad_input_without_grad",
        lambda m: leaf_and(m, lambda m, x: {"u": m.ones(2), "y": (x * 2).sum()}),
        lambda m, s: m.autograd.grad(s["y"], [s["x"], s["u"]]),
        r"One of the differentiated Tensors does not require grad",
    ),
    Case(
        "gradient_count_mismatch",
        leaf,
        lambda m, s: m.autograd.grad(
            [(s["x"] * 2).sum(), (s["x"] * 3).sum()], s["x"], grad_outputs=[m.tensor(1.0)]
        ),
        r"got 2 tensors and 1 gradients",
    ),
    Case(
        "backward_gradient_count_mismatch",
        leaf,
        lambda m, s: m.autograd.backward([(s["x"] * 2).sum(), s["x"].sum()], [m.tensor(1.0)]),
        r"got 2 tensors and 1 gradients",
    ),
    Case(
        "grad_with_empty_inputs",
        leaf,
        lambda m, s: m.autograd.grad((s["x"] * 2).sum(), []),
        r"`inputs` argument to `grad\(\)` cannot be empty",
    ),
    Case(
        "backward_with_empty_inputs",
        leaf,
        lambda m, s: (s["x"] * 2).sum().backward(inputs=[]),
        r"`inputs` argument to `backward\(\)` cannot be empty",
    ),
    Case(
        "grad_of_a_number",
        leaf,
        lambda m, s: m.autograd.grad((s["x"] * 2).sum(), [1.0]),
        r"all inputs have to be Tensors or GradientEdges, but got float",
    ),
    # ---- in-place on a leaf that requires grad
    Case("leaf_add_", leaf, _inplace_leaf(lambda m, x: x.add_(1)), LEAF_INPLACE, fix=("no_grad",)),
    Case("leaf_iadd", leaf, _inplace_leaf(_iadd), LEAF_INPLACE, fix=("no_grad",)),
    Case("leaf_isub_seed_update", leaf, _inplace_leaf(_isub), LEAF_INPLACE, fix=("no_grad",)),
    Case("leaf_imul", leaf, _inplace_leaf(_imul), LEAF_INPLACE),
    Case("leaf_itruediv", leaf, _inplace_leaf(_itruediv), LEAF_INPLACE),
    Case("leaf_sub_", leaf, _inplace_leaf(lambda m, x: x.sub_(1)), LEAF_INPLACE),
    Case("leaf_mul_", leaf, _inplace_leaf(lambda m, x: x.mul_(2)), LEAF_INPLACE),
    Case("leaf_div_", leaf, _inplace_leaf(lambda m, x: x.div_(2)), LEAF_INPLACE),
    Case("leaf_zero_", leaf, _inplace_leaf(lambda m, x: x.zero_()), LEAF_INPLACE),
    Case("leaf_fill_", leaf, _inplace_leaf(lambda m, x: x.fill_(1.0)), LEAF_INPLACE),
    Case("leaf_copy_", leaf, _inplace_leaf(lambda m, x: x.copy_(m.zeros(3))), LEAF_INPLACE),
    Case("leaf_clamp_", leaf, _inplace_leaf(lambda m, x: x.clamp_(0, 1)), LEAF_INPLACE),
    Case("leaf_sin_", leaf, _inplace_leaf(lambda m, x: m.sin_(x)), LEAF_INPLACE),
    Case("leaf_setitem", leaf, _inplace_leaf(_setitem(0, 5.0)), LEAF_VIEW, fix=("no_grad",)),
    Case("leaf_setitem_slice", leaf, _inplace_leaf(_setitem(slice(0, 2), 0.0)), LEAF_VIEW),
    Case("leaf_slice_view_mul_", leaf, _inplace_leaf(lambda m, x: x[0:2].mul_(2)), VIEW_INPLACE),
    Case("leaf_view_add_", leaf, _inplace_leaf(lambda m, x: x.view(3).add_(1)), VIEW_INPLACE),
    Case(
        "leaf_row_view_iadd",
        lambda m: {"x": m.ones(2, 2, requires_grad=True)},
        _inplace_leaf(lambda m, x: x[0].add_(1)),
        VIEW_INPLACE,
    ),
    Case(
        "no_grad_view_of_leaf_changed_later",
        lambda m: leaf_and(m, lambda m, x: _no_grad_view(m, x)),
        lambda m, s: s["v"].mul_(2),
        r"A view was created in no_grad mode and is being modified inplace with grad mode enabled",
    ),
    Case(
        "no_grad_view_of_non_leaf_changed_later",
        lambda m: leaf_and(m, lambda m, x: _no_grad_view(m, x * 1)),
        lambda m, s: s["v"].add_(1),
        r"A view was created in no_grad mode and is being modified inplace with grad mode enabled",
    ),
    Case(
        "subtract_bool",
        lambda m: {"mask": m.tensor([True, False]), "t": m.tensor([1, 2])},
        lambda m, s: s["t"] - s["mask"],
        r"Subtraction, the `-` operator, with a bool tensor is not supported",
        fix=("~",),
    ),
    Case(
        "subtract_two_bools",
        lambda m: {"mask": m.tensor([True, False])},
        lambda m, s: s["mask"] - s["mask"],
        r"Subtraction, the `-` operator, with two bool tensors is not supported",
        fix=("^",),
    ),
    Case(
        "number_minus_bool",
        lambda m: {"mask": m.tensor([True, False])},
        lambda m, s: 1 - s["mask"],
        r"Subtraction, the `-` operator, with a bool tensor is not supported",
        fix=("~",),
    ),
    Case(
        "bool_number_minus_int",
        lambda m: {"t": m.tensor([1, 2])},
        lambda m, s: True - s["t"],
        r"Subtraction, the `-` operator, with a bool tensor is not supported",
        fix=("~",),
    ),
    Case(
        "int_minus_bool_number",
        lambda m: {"t": m.tensor([1, 2])},
        lambda m, s: s["t"] - True,
        r"Subtraction, the `-` operator, with a bool tensor is not supported",
        fix=("~",),
    ),
    Case(
        "bool_sub_in_place",
        lambda m: {"t": m.tensor([1, 2])},
        lambda m, s: s["t"].sub_(m.tensor([True, True])),
        r"Subtraction, the `-` operator, with a bool tensor is not supported",
        fix=("~",),
    ),
    Case(
        "in_place_on_expanded",
        lambda m: {"t": m.ones(1, 2)},
        lambda m, s: s["t"].expand(3, 2).add_(1),
        r"unsupported operation: more than one element of the written-to tensor refers to a "
        r"single memory location",
        fix=("clone()",),
    ),
    # ---- requires_grad misuse
    Case(
        "int_tensor_requires_grad",
        lambda m: {},
        lambda m, s: m.tensor([1, 2], requires_grad=True),
        r"[Oo]nly Tensors of floating point (and complex )?dtype can require gradients",
        fix=("float",),
    ),
    Case(
        "int_requires_grad_",
        lambda m: {"a": m.tensor([1, 2])},
        lambda m, s: s["a"].requires_grad_(),
        r"[Oo]nly Tensors of floating point (and complex )?dtype can require gradients",
    ),
    Case(
        "int_requires_grad_attr",
        lambda m: {"a": m.tensor([1, 2])},
        lambda m, s: setattr(s["a"], "requires_grad", True),
        r"[Oo]nly Tensors of floating point (and complex )?dtype can require gradients",
    ),
    Case(
        "int_zeros_requires_grad",
        lambda m: {},
        lambda m, s: m.zeros(2, dtype=m.int64, requires_grad=True),
        r"[Oo]nly Tensors of floating point (and complex )?dtype can require gradients",
    ),
    Case(
        "requires_grad_false_on_non_leaf",
        lambda m: leaf_and(m, lambda m, x: {"y": x * 2}),
        lambda m, s: s["y"].requires_grad_(False),
        r"you can only change requires_grad flags of leaf variables",
        fix=("detach",),
    ),
    Case(
        "requires_grad_attr_on_non_leaf",
        lambda m: leaf_and(m, lambda m, x: {"y": x * 2}),
        lambda m, s: setattr(s["y"], "requires_grad", False),
        r"you can only change requires_grad flags of leaf variables",
    ),
    Case(
        "retain_grad_without_requires_grad",
        lambda m: {"t": m.ones(2)},
        lambda m, s: s["t"].retain_grad(),
        r"can't retain_grad on Tensor that has requires_grad=False",
    ),
    Case(
        "register_hook_without_requires_grad",
        lambda m: {"t": m.ones(2)},
        lambda m, s: s["t"].register_hook(lambda g: g),
        r"cannot register a hook on a tensor that doesn't require gradient",
    ),
    # ---- .grad assignment
    Case(
        "grad_wrong_shape",
        leaf,
        _set_attr("grad", lambda m: m.ones(2)),
        r"attempting to assign a gradient of size '\[2\]' to a tensor of size '\[3\]'",
    ),
    Case(
        "grad_wrong_dtype",
        leaf,
        _set_attr("grad", lambda m: m.ones(3, dtype=m.float64)),
        r"attempting to assign a gradient with dtype",
    ),
    Case(
        "grad_int_dtype",
        leaf,
        _set_attr("grad", lambda m: m.ones(3, dtype=m.int64)),
        r"attempting to assign a gradient with dtype",
    ),
    Case(
        "grad_not_a_tensor",
        leaf,
        _set_attr("grad", lambda m: [1.0, 2.0, 3.0]),
        r"assigned grad expected to be a Tensor or None but got grad of type list",
    ),
    # ---- numpy(), item()
    Case(
        "numpy_requires_grad",
        leaf,
        lambda m, s: s["x"].numpy(),
        r"Can't call numpy\(\) on Tensor that requires grad\.",
        fix=("detach()",),
    ),
    Case(
        "numpy_non_leaf",
        lambda m: leaf_and(m, lambda m, x: {"y": x * 2}),
        lambda m, s: s["y"].numpy(),
        r"Can't call numpy\(\) on Tensor that requires grad\.",
    ),
    Case(
        "item_many",
        lambda m: {"t": m.ones(3)},
        lambda m, s: s["t"].item(),
        r"a Tensor with 3 elements cannot be converted to Scalar",
    ),
    Case(
        "item_empty",
        lambda m: {"t": m.ones(0)},
        lambda m, s: s["t"].item(),
        r"a Tensor with 0 elements cannot be converted to Scalar",
    ),
    Case(
        "float_of_many",
        lambda m: {"t": m.ones(2)},
        lambda m, s: float(s["t"]),
        r"(only one element tensors can be converted to Python scalars|a Tensor with 2 elements)",
    ),
    # ---- shapes
    Case(
        "broadcast_mismatch",
        lambda m: {},
        lambda m, s: m.ones(3) + m.ones(4),
        r"The size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton "
        r"dimension 0",
    ),
    Case(
        "broadcast_mismatch_2d",
        leaf,
        lambda m, s: m.ones(2, 3) * m.ones(4, 3),
        r"The size of tensor a \(2\) must match the size of tensor b \(4\) at non-singleton "
        r"dimension 0",
    ),
    Case(
        "broadcast_mismatch_with_grad",
        leaf,
        lambda m, s: s["x"] - m.ones(4),
        r"The size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton "
        r"dimension 0",
    ),
    Case(
        "where_mismatch",
        lambda m: {},
        lambda m, s: m.where(m.ones(3) > 0, m.ones(3), m.ones(4)),
        r"The size of tensor a \(3\) must match the size of tensor b \(4\)",
    ),
    Case(
        "in_place_broadcast_to_bigger",
        lambda m: {"t": m.ones(3)},
        lambda m, s: s["t"].add_(m.ones(2, 3)),
        r"output with shape \[3\] doesn't match the broadcast shape \[2, 3\]",
    ),
    Case(
        "setitem_wrong_shape",
        lambda m: {"t": m.zeros(2, 3)},
        lambda m, s: s["t"].__setitem__(0, m.tensor([1.0, 2.0])),
        r"The expanded size of the tensor \(3\) must match the existing size \(2\)",
    ),
    Case(
        "hook_changes_shape",
        lambda m: leaf_and(m, lambda m, x: {"y": x * 2}),
        lambda m, s: (s["y"].register_hook(lambda g: g[:2]), s["y"].sum().backward()),
        r"hook '<lambda>' has changed the size of value",
    ),
    Case(
        "view_of_non_contiguous",
        lambda m: {"t": m.ones(2, 3)},
        lambda m, s: s["t"].T.view(6),
        r"view size is not compatible with input tensor's size and stride",
        fix=("reshape",),
    ),
    Case(
        "cat_0d",
        lambda m: {},
        lambda m, s: m.cat([m.tensor(1.0), m.tensor(2.0)]),
        r"zero-dimensional tensor \(at position 0\) cannot be concatenated",
    ),
    Case(
        "cat_not_a_list",
        lambda m: {"t": m.ones(2)},
        lambda m, s: m.cat(s["t"]),
        r"cat\(\): argument 'tensors' \(position 1\) must be tuple of Tensors",
    ),
    Case(
        "float_size",
        lambda m: {},
        lambda m, s: m.zeros(2.5),
        r"(zeros\(\): )?argument 'size' .*must be tuple of ints",
    ),
    Case(
        "matmul_with_number",
        lambda m: {"t": m.ones(3)},
        lambda m, s: s["t"] @ 2,
        r"unsupported operand type\(s\) for @: 'Tensor' and 'int'",
        python_message=True,
    ),
    Case(
        "matmul_mixed_dtypes",
        lambda m: {"w": m.ones(3, 2, dtype=m.float64, requires_grad=True)},
        lambda m, s: m.ones(2, 3) @ s["w"],
        r"expected m1 and m2 to have the same dtype, but got: float != double",
    ),
    Case(
        "dot_mixed_dtypes",
        lambda m: {},
        lambda m, s: m.ones(3) @ m.ones(3, dtype=m.float64),
        r"(dot : expected both vectors to have same dtype|expected m1 and m2 to have the same)",
    ),
    Case(
        "int_to_negative_power",
        lambda m: {"t": m.tensor([2, 3])},
        lambda m, s: s["t"] ** -1,
        r"Integers to negative integer powers are not allowed",
    ),
    Case(
        "tensor_of_dict",
        lambda m: {},
        lambda m, s: m.tensor({1: 2}),
        r"Could not infer dtype of dict",
    ),
    Case(
        "matmul_mismatch",
        leaf,
        lambda m, s: m.ones(2, 3) @ m.ones(4, 5),
        r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)",
    ),
    Case(
        "matmul_mismatch_grad",
        lambda m: {"w": m.ones(4, 5, requires_grad=True)},
        lambda m, s: m.matmul(m.ones(2, 3), s["w"]),
        r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)",
    ),
    Case(
        "dot_mismatch",
        lambda m: {},
        lambda m, s: m.ones(3) @ m.ones(4),
        r"inconsistent tensor size",
    ),
    Case("mv_mismatch", lambda m: {}, lambda m, s: m.ones(2, 3) @ m.ones(4), r"size mismatch"),
    Case(
        "matmul_0d",
        lambda m: {},
        lambda m, s: m.tensor(1.0) @ m.ones(3),
        r"both arguments to matmul need to be at least 1D",
    ),
    Case(
        "bad_reshape",
        lambda m: {"t": m.ones(6)},
        lambda m, s: s["t"].reshape(4, 2),
        r"shape '\[4, 2\]' is invalid for input of size 6",
    ),
    Case(
        "bad_view",
        lambda m: {"t": m.ones(2, 3)},
        lambda m, s: s["t"].view(4, -1),
        r"shape '\[4, -1\]' is invalid for input of size 6",
    ),
    Case(
        "two_inferred_dims",
        lambda m: {"t": m.ones(6)},
        lambda m, s: s["t"].reshape(-1, -1),
        r"only one dimension can be inferred",
    ),
    Case(
        "cat_mismatch",
        lambda m: {},
        lambda m, s: m.cat([m.ones(2, 3), m.ones(2, 4)]),
        r"Sizes of tensors must match except in dimension 0",
    ),
    Case(
        "cat_empty",
        lambda m: {},
        lambda m, s: m.cat([]),
        r"(torch\.cat\(\): )?expected a non-empty list of Tensors",
    ),
    Case(
        "stack_mismatch",
        lambda m: {},
        lambda m, s: m.stack([m.ones(3), m.ones(4)]),
        r"stack expects each tensor to be equal size",
    ),
    Case(
        "permute_duplicate",
        lambda m: {"t": m.ones(2, 3)},
        lambda m, s: s["t"].permute(0, 0),
        r"permute\(\): duplicate dims are not allowed",
    ),
    # ---- dim out of range
    Case("sum_dim", lambda m: {"t": m.ones(2, 3)}, lambda m, s: s["t"].sum(2), DIM_2D + "2"),
    Case("sum_neg_dim", lambda m: {"t": m.ones(2, 3)}, lambda m, s: s["t"].sum(-3), DIM_2D + "-3"),
    Case("mean_dim", lambda m: {"t": m.ones(2, 3)}, lambda m, s: s["t"].mean(dim=2), DIM_2D + "2"),
    Case("max_dim", lambda m: {"t": m.ones(2, 3)}, lambda m, s: s["t"].max(5), DIM_2D + "5"),
    Case("min_dim", lambda m: {"t": m.ones(2, 3)}, lambda m, s: s["t"].min(dim=-3), DIM_2D + "-3"),
    Case(
        "softmax_dim", lambda m: {"t": m.ones(2, 3)}, lambda m, s: s["t"].softmax(2), DIM_2D + "2"
    ),
    Case(
        "log_softmax_dim",
        lambda m: {"t": m.ones(2, 3)},
        lambda m, s: s["t"].log_softmax(dim=3),
        DIM_2D + "3",
    ),
    Case(
        "transpose_dim",
        lambda m: {"t": m.ones(2, 3)},
        lambda m, s: s["t"].transpose(0, 2),
        DIM_2D + "2",
    ),
    Case(
        "permute_dim",
        lambda m: {"t": m.ones(2, 3)},
        lambda m, s: s["t"].permute(0, 2),
        DIM_2D + "2",
    ),
    Case(
        "unsqueeze_dim",
        lambda m: {"t": m.ones(2, 3)},
        lambda m, s: s["t"].unsqueeze(3),
        r"Dimension out of range \(expected to be in range of \[-3, 2\], but got 3\)",
    ),
    Case(
        "squeeze_dim", lambda m: {"t": m.ones(2, 3)}, lambda m, s: s["t"].squeeze(2), DIM_2D + "2"
    ),
    Case("cat_dim", lambda m: {}, lambda m, s: m.cat([m.ones(2, 3)] * 2, dim=2), DIM_2D + "2"),
    Case("size_dim", lambda m: {"t": m.ones(2, 3)}, lambda m, s: s["t"].size(2), DIM_2D + "2"),
    # ---- index out of range
    Case(
        "index",
        lambda m: {"t": m.ones(3)},
        lambda m, s: s["t"][5],
        r"index 5 is out of bounds for dimension 0 with size 3",
    ),
    Case(
        "index_negative",
        lambda m: {"t": m.ones(3)},
        lambda m, s: s["t"][-4],
        r"index -4 is out of bounds for dimension 0 with size 3",
    ),
    Case(
        "index_second_dim",
        lambda m: {"t": m.ones(2, 3)},
        lambda m, s: s["t"][0, 3],
        r"index 3 is out of bounds for dimension 1 with size 3",
    ),
    Case(
        "index_list",
        leaf,
        lambda m, s: s["x"][[0, 5]],
        r"index 5 is out of bounds for dimension 0 with size 3",
    ),
    Case(
        "index_too_many",
        lambda m: {"t": m.ones(3)},
        lambda m, s: s["t"][0, 0],
        r"too many indices for tensor of dimension 1",
    ),
    Case(
        "setitem_index",
        lambda m: {"t": m.ones(3)},
        lambda m, s: s["t"].__setitem__(5, 1.0),
        r"index 5 is out of bounds for dimension 0 with size 3",
    ),
    # ---- unsupported data
    Case(
        "ragged",
        lambda m: {},
        lambda m, s: m.tensor([[1, 2], [3, 4, 5]]),
        r"expected sequence of length 2 at dim 1 \(got 3\)",
    ),
    Case("ragged_mixed", lambda m: {}, lambda m, s: m.tensor([[1, 2], 3]), r"not a sequence"),
    Case("none", lambda m: {}, lambda m, s: m.tensor(None), r"Could not infer dtype of NoneType"),
    Case(
        "none_in_list",
        lambda m: {},
        lambda m, s: m.tensor([1.0, None]),
        r"Could not infer dtype of NoneType",
    ),
    Case(
        "string", lambda m: {}, lambda m, s: m.tensor("abc"), r"(new\(\): )?invalid data type 'str'"
    ),
    Case(
        "list_of_strings",
        lambda m: {},
        lambda m, s: m.tensor(["a", "b"]),
        r"too many dimensions 'str'",
    ),
    # ---- dtype rules
    Case(
        "int_in_place_with_float",
        lambda m: {"a": m.tensor([1, 2])},
        _int_iadd_float,
        r"result type Float can't be cast to the desired output type Long",
    ),
    Case(
        "mean_of_int",
        lambda m: {"a": m.tensor([1, 2])},
        lambda m, s: s["a"].mean(),
        r"mean\(\): could not infer output dtype",
    ),
    Case(
        "norm_of_int",
        lambda m: {"a": m.tensor([3, 4])},
        lambda m, s: s["a"].norm(),
        r"linalg.vector_norm: Expected a floating point or complex tensor as input",
    ),
    Case(
        "clamp_without_bounds",
        lambda m: {"t": m.ones(3)},
        lambda m, s: s["t"].clamp(),
        r"(torch\.clamp: )?At least one of 'min' or 'max' must not be None",
    ),
    # ---- creation
    Case(
        "zeros_negative",
        lambda m: {},
        lambda m, s: m.zeros(-1),
        r"(zeros: )?Dimension size "
        r"must be non-negative|Trying to create tensor with negative dimension",
    ),
    Case(
        "randint_low_high",
        lambda m: {},
        lambda m, s: m.randint(5, 2, (3,)),
        r"random_ expects 'from' to be less than 'to'",
    ),
    Case(
        "arange_step_sign",
        lambda m: {},
        lambda m, s: m.arange(0, 5, -1),
        r"upper bound and lower bound inconsistent with step sign",
    ),
]


def _snapshot(state: dict):
    """What must not change: values, versions, flags and gradients of every tensor in ``state``."""
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for k, t in state.items():
            if not hasattr(t, "requires_grad"):
                continue
            g = t.grad
            out[k] = (
                np_of(t).copy(),
                t._version,
                t.requires_grad,
                t.is_leaf,
                None if t.grad_fn is None else t.grad_fn.name(),
                None if g is None else np_of(g).copy(),
            )
    return out


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.shape == b.shape
            and np.array_equal(a, b, equal_nan=True)
        )
    if isinstance(a, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Case):
    s_t = case.setup(torch)
    with pytest.raises(Exception) as theirs:
        case.bad(torch, s_t)
    s_o = case.setup(at)
    before = _snapshot(s_o)
    with pytest.raises(Exception) as ours:
        case.bad(at, s_o)
    assert type(ours.value) is type(theirs.value), (
        f"ours raised {type(ours.value).__name__}: {ours.value}; "
        f"PyTorch raises {type(theirs.value).__name__}: {theirs.value}"
    )
    assert re.match(case.gist, str(theirs.value)), "the gist must come from PyTorch's message"
    msg = str(ours.value)
    match = re.match(case.gist, msg)
    assert match, f"message should start like PyTorch's ({theirs.value!s:.120}); got: {msg}"
    rest = msg[match.end() :].lower()
    assert case.python_message or len(rest.strip()) >= 15 and any(w in rest for w in FIX_WORDS), (
        f"after the gist, add a sentence telling a beginner how to fix it; got: {msg}"
    )
    if case.fix:
        assert any(w.lower() in rest for w in case.fix), f"the fix should mention {case.fix}: {msg}"
    tb = ours.traceback[-1]
    assert "numpy" not in str(tb.path), f"error raised from inside NumPy: {msg}"
    after = _snapshot(s_o)
    assert after.keys() == before.keys()
    for k in before:
        assert _same(before[k], after[k]), f"{k} changed by the failed call"
    if case.after is not None:
        assert_close(case.after(at, s_o), case.after(torch, s_t))


def test_failed_leaf_in_place_leaves_value_and_version():
    x = at.tensor([1.0, 2.0], requires_grad=True)
    for op in (
        lambda: x.add_(1),
        lambda: x.mul_(2),
        lambda: x.__setitem__(0, 9.0),
        lambda: x.zero_(),
        lambda: x.copy_(at.zeros(2)),
    ):
        with pytest.raises(RuntimeError):
            op()
        assert x.tolist() == [1.0, 2.0] and x._version == 0 and x.is_leaf and x.grad_fn is None


def test_failed_backward_leaves_graph_usable():
    x = at.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp() * x
    with pytest.raises(RuntimeError):
        y.backward()
    with pytest.raises(RuntimeError):
        y.backward(at.ones(3))
    assert x.grad is None
    y.sum().backward()
    t = torch.tensor([1.0, 2.0], requires_grad=True)
    (t.exp() * t).sum().backward()
    assert_close(x.grad, t.grad)


def test_error_messages_are_not_chained_from_internal_errors():
    """The user sees our error, not 'During handling of the above exception (IndexError ...)'."""
    for bad in (
        lambda: at.ones(3)[5],
        lambda: at.ones(2, 3).sum(2),
        lambda: at.ones(6).reshape(4, 2),
        lambda: at.ones(3) + at.ones(4),
        lambda: at.tensor([[1, 2], [3]]),
    ):
        with pytest.raises(Exception) as info:
            bad()
        error = info.value
        assert error.__context__ is None or error.__suppress_context__, repr(error.__context__)
