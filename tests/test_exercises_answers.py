"""Student code, right and wrong, for every exercise: wrong answers fail with the right
misconception (and a hint aimed at it); correct variants pass (float32, float64, lists,
NumPy arrays, algebraically different code)."""

from __future__ import annotations

import linecache
import textwrap

import numpy as np
import pytest

import autograd_tutor as torch
from autograd_tutor.exercises import EXERCISES, check, reset_session
from autograd_tutor.exercises._diagnosis import classify_error

PASS = "passed"


def run(code: str):
    """Run student code as a notebook cell would (its source visible to linecache)."""
    code = textwrap.dedent(code)
    filename = f"<student cell {abs(hash(code))}>"
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    namespace = {"torch": torch, "np": np, "check": check}
    torch.set_grad_enabled(True)
    try:
        exec(compile(code, filename, "exec"), namespace)
    finally:
        torch.set_grad_enabled(True)
    return namespace["result"]


SEED_BACKWARD = """
x = torch.tensor([3.0], requires_grad=True)
z = 2 * x ** 2 + 3
"""
SOFTPLUS_FWD = """
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return (1 + x.exp()).log()
"""
MULADD_FWD = """
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b + a
"""
CUBE_FWD = """
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3
"""


def _function_class(name, forward, backward_body):
    return (f"class {name}(torch.autograd.Function):{forward}\n"
            f"    @staticmethod\n    def backward(ctx, g):\n"
            + textwrap.indent(textwrap.dedent(backward_body), " " * 8)
            + f"\nresult = check(EX, {name})\n")


def _train(body: str, exercise: str) -> str:
    return ("def train(x, y_true, epochs, lr):\n"
            "    w = torch.tensor([1.0], requires_grad=True)\n"
            "    b = torch.tensor([0.0], requires_grad=True)\n"
            + textwrap.indent(textwrap.dedent(body), "    ")
            + f"    return w, b\nresult = check('{exercise}', train)\n")


HAND_LOOP = """
for _ in range(epochs):
    loss = ((w * x + b - y_true) ** 2){reduce}
    loss.backward()
    with torch.no_grad():
        w {op}= lr * w.grad
        b {op}= lr * b.grad
    {zero}
"""
SGD_LOOP = """
opt = torch.optim.SGD([w, b], lr=lr{momentum})
for _ in range(epochs):
    {zero}
    loss = ((w * x + b - y_true) ** 2).mean()
    loss.backward()
    {step}
"""
ZERO = "w.grad.zero_(); b.grad.zero_()"

# (exercise id, student code ending in `result = check(...)`, status, misconception)
CASES = [
    # 01 requires_grad
    ("basics.requires_grad", "result = check(EX, torch.tensor([1.5, -0.5], requires_grad=True))",
     PASS, None),
    ("basics.requires_grad",
     "w = torch.tensor([1.5, -0.5], dtype=torch.float64); w.requires_grad_()\n"
     "result = check(EX, w)", PASS, None),
    ("basics.requires_grad", "result = check(EX, torch.tensor([1.5, -0.5]))",
     "failed", "no_requires_grad"),
    ("basics.requires_grad",
     "result = check(EX, torch.tensor([3.0, -1.0], requires_grad=True) / 2)",
     "failed", "not_a_leaf"),
    ("basics.requires_grad", "result = check(EX, [1.5, -0.5])", "failed", "wrong_type"),
    ("basics.first_backward", SEED_BACKWARD + "z.backward()\nresult = check(EX, x.grad)",
     PASS, None),
    ("basics.first_backward", "result = check(EX, 4 * 3.0)", PASS, None),
    ("basics.first_backward", "result = check(EX, np.array([12.0], dtype=np.float32))", PASS, None),
    ("basics.first_backward", SEED_BACKWARD + "z.backward()\nz = 2 * x ** 2 + 3\nz.backward()\n"
     "result = check(EX, x.grad)", "failed", "accumulated"),
    ("basics.first_backward", SEED_BACKWARD + "result = check(EX, z)", "failed", "value_not_grad"),
    ("basics.first_backward", SEED_BACKWARD + "z.backward()\nresult = check(EX, x)",
     "failed", "tensor_not_grad"),
    ("basics.first_backward", "result = check(EX, 2 * 3.0)", "failed", "missing_upstream"),
    ("basics.first_backward", "result = check(EX, 4 * 2.0)", "failed", "wrong_point"),
    # no beginner flips the sign of this gradient: the rule is not in the spec, so the
    # answer gets the honest generic message
    ("basics.first_backward", "result = check(EX, -12.0)", "failed", None),
    ("basics.first_backward", SEED_BACKWARD + "result = check(EX, x.grad)", "failed", "grad_none"),
    ("basics.first_backward", SEED_BACKWARD + "xd = x.detach()\nz.backward()\n"
     "result = check(EX, xd.grad)", "failed", "grad_none_detached"),
    ("basics.first_backward", "x0 = torch.tensor([3.0], requires_grad=True)\nx = x0 * 1\n"
     "(2 * x ** 2 + 3).backward()\nresult = check(EX, x.grad)", "failed", "grad_none_not_leaf"),
    ("basics.first_backward", SEED_BACKWARD.replace("z =", "torch.set_grad_enabled(False)\nz =")
     + "result = check(EX, x.grad)", "failed", "grad_none_no_grad"),
    ("basics.vector_backward",
     "xs = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)\n"
     "(xs ** 3).backward(gradient=torch.tensor([0.5, -1.5, 2.0]))\nresult = check(EX, xs.grad)",
     PASS, None),
    ("basics.vector_backward",
     "xs = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)\n"
     "(xs ** 3 * torch.tensor([0.5, -1.5, 2.0])).sum().backward()\nresult = check(EX, xs.grad)",
     PASS, None),
    ("basics.vector_backward",
     "xs = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)\n"
     "(xs ** 3).backward(gradient=torch.ones(3))\nresult = check(EX, xs.grad)",
     "failed", "missing_upstream"),
    # 02 derivatives
    ("derivatives.power_rule", "result = check(EX, lambda x: 12 * x ** 3 - 2)", PASS, None),
    ("derivatives.power_rule", "import math\n"
     "result = check(EX, lambda x: 4 * 3 * math.pow(float(x), 3) - 2)", PASS, None),
    ("derivatives.power_rule", "def dfdx(x):\n    x = x.detach().requires_grad_()\n"
     "    (3 * x ** 4 - 2 * x).backward()\n    return x.grad\nresult = check(EX, dfdx)",
     PASS, None),
    ("derivatives.power_rule", "result = check(EX, lambda x: 3 * x ** 4 - 2 * x)",
     "failed", "value_not_grad"),
    ("derivatives.power_rule", "result = check(EX, lambda x: 12 * x ** 4 - 2)",
     "failed", "power_not_lowered"),
    ("derivatives.power_rule", "result = check(EX, lambda x: -(12 * x ** 3 - 2))",
     "failed", None),
    ("derivatives.power_rule", "result = check(EX, lambda x: undefined_name * x)", "error", None),
    ("derivatives.chain_rule", "result = check(EX, lambda x: 6 * x * (x * x + 1) ** 2)",
     PASS, None),
    ("derivatives.chain_rule", "result = check(EX, lambda x: 3 * (x ** 2 + 1) ** 2)",
     "failed", "missing_upstream"),
    ("derivatives.chain_rule", "result = check(EX, lambda x: 3 * x * (x ** 2 + 1) ** 2)",
     "failed", "missing_factor"),
    ("derivatives.chain_rule", "result = check(EX, lambda x: (x ** 2 + 1) ** 3)",
     "failed", "value_not_grad"),
    ("derivatives.partials", "result = check(EX, lambda a, b: (2 * a * b, a ** 2 + 3 * b ** 2))",
     PASS, None),
    ("derivatives.partials", "result = check(EX, lambda a, b: [float(2*a*b), float(a*a + 3*b*b)])",
     PASS, None),
    ("derivatives.partials", "result = check(EX, lambda a, b: (a ** 2 + 3 * b ** 2, 2 * a * b))",
     "failed", "swapped_partials"),
    ("derivatives.partials", "result = check(EX, lambda a, b: (2 * a * b, 3 * b ** 2))",
     "failed", "dropped_term"),
    ("derivatives.partials", "result = check(EX, lambda a, b: 2 * a * b)", "failed", "wrong_type"),
    # 03 graph
    ("graph.leaves", "x = torch.tensor([2.0], requires_grad=True); y = x ** 2; z = 2 * y + 3\n"
     "result = check(EX, {'x': x.is_leaf, 'y': y.is_leaf, 'z': z.is_leaf})", PASS, None),
    ("graph.leaves", "result = check(EX, {'x': True, 'y': True, 'z': False})",
     "failed", "leaf_confusion"),
    ("graph.leaves", "result = check(EX, [True, False, False])", "failed", "wrong_type"),
    ("graph.grad_fn", "x = torch.tensor([2.0], requires_grad=True); z = 2 * x ** 2 + 3\n"
     "result = check(EX, z.grad_fn)", PASS, None),
    ("graph.grad_fn", "result = check(EX, '<AddBackward0 object at 0x7f>')", PASS, None),
    ("graph.grad_fn", "result = check(EX, 'MulBackward0')", "failed", "grad_fn_order"),
    ("graph.grad_fn", "result = check(EX, 'PowBackward0')", "failed", "grad_fn_of_input"),
    ("graph.walk", "result = check(EX, ['AddBackward0', 'MulBackward0', 'PowBackward0', "
     "'AccumulateGrad'])", PASS, None),
    ("graph.walk", "result = check(EX, ('AddBackward0', 'MulBackward0', 'PowBackward0', "
     "'AccumulateGrad'))", PASS, None),
    ("graph.walk", "result = check(EX, ['AccumulateGrad', 'PowBackward0', 'MulBackward0', "
     "'AddBackward0'])", "failed", "forward_order"),
    ("graph.walk", "result = check(EX, ['AddBackward0', 'MulBackward0', 'PowBackward0'])",
     "failed", "leaf_node_missing"),
]

BROADCAST = """
X = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5], [-2.0, 1.0, 0.75], [0.1, -0.3, 1.2]])
C = torch.tensor([[1.0, -2.0], [0.5, 3.0], [-1.5, 0.25], [2.0, -0.75]])
"""
CASES += [
    ("broadcasting.bias_grad", BROADCAST + "result = check(EX, C.sum(dim=0))", PASS, None),
    ("broadcasting.bias_grad", BROADCAST + "result = check(EX, C.numpy().sum(axis=0))",
     PASS, None),
    ("broadcasting.bias_grad", BROADCAST + "result = check(EX, C)",
     "failed", "unreduced_broadcast"),
    ("broadcasting.bias_grad", BROADCAST + "result = check(EX, C.mean(dim=0))",
     "failed", "missing_factor"),
    ("broadcasting.bias_grad", BROADCAST + "result = check(EX, torch.ones(4, 2).sum(0))",
     "failed", "missing_upstream"),
    ("broadcasting.weight_grad", BROADCAST + "result = check(EX, X.T @ C)", PASS, None),
    ("broadcasting.weight_grad", BROADCAST + "result = check(EX, (C.T @ X).T)", PASS, None),
    ("broadcasting.weight_grad", BROADCAST + "result = check(EX, C.T @ X)", "failed", "transposed"),
    ("broadcasting.weight_grad", BROADCAST + "result = check(EX, X.T @ torch.ones(4, 2))",
     "failed", "missing_upstream"),
    ("broadcasting.weight_grad", BROADCAST + "result = check(EX, X.unsqueeze(2) * C.unsqueeze(1))",
     "failed", "unreduced_broadcast"),
    ("broadcasting.mean_grad", BROADCAST + "result = check(EX, X.mean(dim=0) / 3)", PASS, None),
    ("broadcasting.mean_grad", BROADCAST + "wm = torch.tensor([0.4, -1.2, 0.9], requires_grad=True)"
     "\n(X * wm).mean().backward()\nresult = check(EX, wm.grad)", PASS, None),
    ("broadcasting.mean_grad", BROADCAST + "result = check(EX, X.sum(dim=0))",
     "failed", "extra_factor"),
    ("broadcasting.mean_grad", BROADCAST + "result = check(EX, X.mean(dim=0))",
     "failed", "extra_factor"),
    ("broadcasting.mean_grad", BROADCAST + "result = check(EX, X / 12)",
     "failed", "unreduced_broadcast"),
]

DETACH = """
wd = torch.tensor([0.5, -1.5, 2.0], requires_grad=True)
xd = torch.tensor([1.2, 0.7, -0.9])
zd = wd * xd
"""
FIX_NONE = "xf = torch.tensor([3.0, 1.5])\n{create}\n((wf * xf) ** 2).sum().backward()\n" \
           "result = check(EX, wf.grad)"
INFER = "w = torch.tensor([0.8, -1.2], requires_grad=True)\n" \
        "xi = torch.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])\n"
CASES += [
    ("no_grad.inference", INFER + "with torch.no_grad():\n    pred = xi @ w\n"
     "result = check(EX, pred)", PASS, None),
    ("no_grad.inference", INFER + "result = check(EX, (xi @ w).detach())", PASS, None),
    ("no_grad.inference", INFER + "result = check(EX, xi @ w)", "failed", "tracked_inference"),
    ("no_grad.detach", DETACH + "(zd.detach() * zd + zd).sum().backward()\n"
     "result = check(EX, wd.grad)", PASS, None),
    ("no_grad.detach", DETACH + "(zd * zd + zd).sum().backward()\nresult = check(EX, wd.grad)",
     "failed", "not_detached"),
    ("no_grad.set_grad_enabled", "def predict(w, x, training):\n"
     "    with torch.set_grad_enabled(training):\n        return w * x\n"
     "result = check(EX, predict)", PASS, None),
    ("no_grad.set_grad_enabled", "def predict(w, x, training):\n    if training:\n"
     "        return w * x\n    with torch.no_grad():\n        return w * x\n"
     "result = check(EX, predict)", PASS, None),
    ("no_grad.set_grad_enabled", "def predict(w, x, training):\n"
     "    torch.set_grad_enabled(training)\n    return w * x\n"
     "result = check(EX, predict)", "failed", "grad_mode_changed"),
    ("no_grad.set_grad_enabled", "def predict(w, x, training):\n    return w * x\n"
     "result = check(EX, predict)", "failed", "tracked_inference"),
    ("no_grad.set_grad_enabled", "def predict(w, x, training):\n"
     "    with torch.no_grad():\n        return w * x\n"
     "result = check(EX, predict)", "failed", "no_grad_in_training"),
    ("no_grad.fix_none", FIX_NONE.format(
        create="wf = (torch.tensor([1.0, -2.0]) * 0.1).requires_grad_()"), PASS, None),
    ("no_grad.fix_none", FIX_NONE.format(
        create="wf = torch.tensor([0.1, -0.2], requires_grad=True)"), PASS, None),
    ("no_grad.fix_none", FIX_NONE.format(
        create="wf = torch.tensor([1.0, -2.0], requires_grad=True) * 0.1"),
     "failed", "grad_none_not_leaf"),
    ("no_grad.fix_none", FIX_NONE.format(
        create="wf = torch.tensor([1.0, -2.0], requires_grad=True)"), "failed", "extra_factor"),
]

ACC2 = ("w2 = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)\n"
        "x2 = torch.tensor([1.5, 0.5, -1.0])\n")
ACC3 = """
w3 = torch.tensor([0.3, -0.6], requires_grad=True)
x3 = torch.tensor([1.5, -2.0])
t3 = torch.tensor([0.5, 1.0])
grads = []
for _ in range(3):
    {before}
    ((w3 * x3 - t3) ** 2).sum().backward()
    grads.append({store})
    {after}
result = check(EX, grads)
"""
ACC4 = """
w4 = torch.tensor([0.7], requires_grad=True)
x4 = torch.tensor([0.5, 1.0, 1.5, 2.0])
y4 = torch.tensor([1.0, 1.5, 3.5, 3.0])
for i in range(2):
    {zero}
    (((w4 * x4[2 * i:2 * i + 2] - y4[2 * i:2 * i + 2]) ** 2).mean(){scale}).backward()
result = check(EX, w4.grad)
"""
CASES += [
    ("accumulation.two_losses", ACC2 + "(w2 * x2).sum().backward()\n(w2 ** 2).sum().backward()\n"
     "result = check(EX, w2.grad)", PASS, None),
    ("accumulation.two_losses", ACC2 + "((w2 * x2).sum() + (w2 ** 2).sum()).backward()\n"
     "result = check(EX, w2.grad)", PASS, None),
    ("accumulation.two_losses", ACC2 + "(w2 * x2).sum().backward()\nw2.grad.zero_()\n"
     "(w2 ** 2).sum().backward()\nresult = check(EX, w2.grad)", "failed", "overwrites"),
    ("accumulation.zero_in_loop", ACC3.format(before="w3.grad = None", store="w3.grad", after=""),
     PASS, None),
    ("accumulation.zero_in_loop", ACC3.format(before="", store="w3.grad.clone()",
                                              after="w3.grad.zero_()"), PASS, None),
    ("accumulation.zero_in_loop", ACC3.format(before="", store="w3.grad.clone()", after=""),
     "failed", "accumulated"),
    ("accumulation.zero_in_loop", ACC3.format(before="", store="w3.grad", after="w3.grad.zero_()"),
     "failed", "all_zero"),
    ("accumulation.micro_batches", ACC4.format(zero="", scale=" / 2"), PASS, None),
    ("accumulation.micro_batches", ACC4.format(zero="", scale=""), "failed",
     "accumulated|extra_factor"),
    ("accumulation.micro_batches", ACC4.format(zero="w4.grad = None", scale=" / 2"),
     "failed", "zeroed_between"),
]

RETAIN = "x1 = torch.tensor([0.5, -1.5, 2.0], requires_grad=True)\ny1 = x1 ** 3\n"
STEP = "w = torch.tensor([1.0, -0.5], requires_grad=True)\nxw = torch.tensor([2.0, 3.0])\n" \
       "lr = 0.1\n((w * xw) ** 2).sum().backward()\n"
SAVED = "xe = torch.tensor([0.3, -0.8, 1.1], requires_grad=True)\n" \
        "ce = torch.tensor([2.0, -1.0, 0.5])\nye = xe.exp()\n"
CASES += [
    ("inplace.retain_graph", RETAIN + "y1.sum().backward(retain_graph=True)\n"
     "(2 * y1).sum().backward()\nresult = check(EX, x1.grad)", PASS, None),
    ("inplace.retain_graph", RETAIN + "y1.sum().backward()\nresult = check(EX, x1.grad)",
     "failed", "one_backward_only"),
    ("inplace.leaf_update", STEP + "with torch.no_grad():\n    w -= lr * w.grad\n"
     "result = check(EX, w)", PASS, None),
    ("inplace.leaf_update", STEP + "with torch.no_grad():\n    w.sub_(lr * w.grad)\n"
     "result = check(EX, w)", PASS, None),
    ("inplace.leaf_update", STEP + "w = w - lr * w.grad\nresult = check(EX, w)",
     "failed", "rebound_nonleaf"),
    ("inplace.leaf_update", STEP + "with torch.no_grad():\n    w = w - lr * w.grad\n"
     "result = check(EX, w)", "failed", "lost_requires_grad"),
    ("inplace.leaf_update", STEP + "with torch.no_grad():\n    w += lr * w.grad\n"
     "result = check(EX, w)", "failed", "wrong_sign"),
    ("inplace.saved_tensor", SAVED + "ye = ye + 1\n(ye * ce).sum().backward()\n"
     "result = check(EX, xe.grad)", PASS, None),
    ("inplace.saved_tensor", SAVED + "ye = ye + 1\nye.sum().backward()\n"
     "result = check(EX, xe.grad)", "failed", "missing_upstream"),
]

SEED = """
w = torch.tensor([1.0], requires_grad=True)
b = torch.tensor([0.5], requires_grad=True)
x = torch.tensor([1.0, 2.0, 3.0])
y_true = torch.tensor([2.0, 4.0, 6.0])
"""
CASES += [
    ("training.gradients", SEED + "((w * x + b - y_true) ** 2).mean().backward()\n"
     "result = check(EX, (w.grad, b.grad))", PASS, None),
    ("training.gradients", "result = check(EX, [-22 / 3, -3.0])", PASS, None),
    ("training.gradients", SEED + "((w * x + b - y_true) ** 2).sum().backward()\n"
     "result = check(EX, (w.grad, b.grad))", "failed", "accumulated|extra_factor"),
    ("training.gradients", SEED + "((w * x + b - y_true) ** 2).mean().backward()\n"
     "((w * x + b - y_true) ** 2).mean().backward()\n"
     "result = check(EX, (w.grad, b.grad))", "failed", "accumulated"),
    ("training.gradients", SEED + "((w * x + b - y_true) ** 2).mean().backward()\n"
     "result = check(EX, (b.grad, w.grad))", "failed", "swapped"),
    ("training.gradients", SEED + "result = check(EX, (w.grad, b.grad))", "failed", "grad_none"),
    ("training.loop_by_hand", _train(HAND_LOOP.format(reduce=".mean()", op="-", zero=ZERO),
                                     "training.loop_by_hand"), PASS, None),
    ("training.loop_by_hand", _train(HAND_LOOP.format(reduce=".mean()", op="-", zero=""),
                                     "training.loop_by_hand"), "failed", "accumulated"),
    ("training.loop_by_hand", _train(HAND_LOOP.format(reduce=".mean()", op="+", zero=ZERO),
                                     "training.loop_by_hand"), "failed", "wrong_sign"),
    ("training.loop_by_hand", _train(HAND_LOOP.format(reduce=".sum()", op="-", zero=ZERO),
                                     "training.loop_by_hand"), "failed", "sum_not_mean"),
    ("training.loop_by_hand", _train("pass\n", "training.loop_by_hand"), "failed", "no_update"),
    ("training.loop_by_hand", _train(HAND_LOOP.format(reduce=".mean()", op="-", zero=ZERO)
                                     .replace("with torch.no_grad():", "if True:"),
                                     "training.loop_by_hand"), "error", "inplace_leaf"),
    ("training.loop_by_hand", _train("loss = ((w * x + b - y_true) ** 2).mean()\n"
                                     + HAND_LOOP.format(reduce=".mean()", op="-", zero=ZERO)
                                     .replace("    loss = ((w * x + b - y_true) ** 2).mean()\n",
                                              ""),
                                     "training.loop_by_hand"), "error", "backward_twice"),
    ("training.with_optimizer", _train(SGD_LOOP.format(momentum=", momentum=0.9",
                                                       zero="opt.zero_grad()", step="opt.step()"),
                                       "training.with_optimizer"), PASS, None),
    ("training.with_optimizer", _train(SGD_LOOP.format(momentum=", momentum=0.9", zero="",
                                                       step="opt.step()"),
                                       "training.with_optimizer"), "failed", "accumulated"),
    ("training.with_optimizer", _train(SGD_LOOP.format(momentum="", zero="opt.zero_grad()",
                                                       step="opt.step()"),
                                       "training.with_optimizer"), "failed", "no_momentum"),
    ("training.with_optimizer", _train(SGD_LOOP.format(momentum=", momentum=0.9",
                                                       zero="opt.zero_grad()", step=""),
                                       "training.with_optimizer"), "failed", "no_update"),
]

CASES += [
    ("functions.softplus", _function_class("Softplus", SOFTPLUS_FWD, """
        (x,) = ctx.saved_tensors
        return g * torch.sigmoid(x)"""), PASS, None),
    ("functions.softplus", _function_class("Softplus", SOFTPLUS_FWD, """
        (x,) = ctx.saved_tensors
        return g * x.exp() / (1 + x.exp())"""), PASS, None),
    ("functions.softplus", _function_class("Softplus", SOFTPLUS_FWD, """
        (x,) = ctx.saved_tensors
        return torch.sigmoid(x)"""), "failed", "missing_upstream"),
    ("functions.softplus", _function_class("Softplus", SOFTPLUS_FWD, """
        (x,) = ctx.saved_tensors
        return -g * torch.sigmoid(x)"""), "failed", "wrong_sign"),
    ("functions.softplus", _function_class("Softplus", SOFTPLUS_FWD, """
        (x,) = ctx.saved_tensors
        return g * (1 + x.exp()).log()"""), "failed", "value_not_grad"),
    ("functions.softplus", _function_class("Softplus", SOFTPLUS_FWD, """
        raise ValueError('my backward is broken')"""), "error", None),
    ("functions.mul_add", _function_class("MulAdd", MULADD_FWD, """
        a, b = ctx.saved_tensors
        return g * (b + 1), g * a"""), PASS, None),
    ("functions.mul_add", _function_class("MulAdd", MULADD_FWD, """
        a, b = ctx.saved_tensors
        return g * a, g * (b + 1)"""), "failed", "swapped_grads"),
    ("functions.mul_add", _function_class("MulAdd", MULADD_FWD, """
        a, b = ctx.saved_tensors
        return g * b, g * a"""), "failed", "missing_term"),
    ("functions.mul_add", _function_class("MulAdd", MULADD_FWD, """
        a, b = ctx.saved_tensors
        return b + 1, a"""), "failed", "missing_upstream"),
    ("functions.fix_cube", _function_class("Cube", CUBE_FWD, """
        (x,) = ctx.saved_tensors
        return 3 * x * x * g"""), PASS, None),
    ("functions.fix_cube", _function_class("Cube", CUBE_FWD, """
        (x,) = ctx.saved_tensors
        return g * 3 * x"""), "failed", "still_buggy"),
    ("functions.fix_cube", _function_class("Cube", CUBE_FWD, """
        (x,) = ctx.saved_tensors
        return 3 * x ** 2"""), "failed", "missing_upstream"),
]


@pytest.fixture(autouse=True)
def _fresh_session():
    reset_session()


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("exercise_id,code,status,misconception", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_student_answer(exercise_id, code, status, misconception):
    result = run(f"EX = {exercise_id!r}\n{code}")
    assert result.exercise == exercise_id
    assert (result.status, result.misconception) == (status, misconception), result.message
    if status == PASS:
        assert result.score == result.max_score == EXERCISES[exercise_id].points
    else:
        assert result.score == 0 and result.hint


# Mistakes that raise in the student's own cell (before check runs): the engine's message
# must map to the catalogue, so that the same mistake inside a probed function is named.
ERROR_CASES = [
    ("x = torch.tensor([3.0])\n(2 * x ** 2 + 3).backward()", "no_graph"),
    ("xs = torch.tensor([1.0, -2.0], requires_grad=True)\n(xs ** 3).backward()",
     "nonscalar_backward"),
    ("x = torch.tensor([0.5, 2.0], requires_grad=True)\ny = x ** 3\n"
     "y.sum().backward()\n(2 * y).sum().backward()", "backward_twice"),
    ("w = torch.tensor([1.0], requires_grad=True)\nw -= 0.1", "inplace_leaf"),
    ("x = torch.tensor([0.3, -0.8], requires_grad=True)\ny = x.exp()\ny += 1\n"
     "y.sum().backward()", "inplace_saved"),
]


@pytest.mark.parametrize("code,key", ERROR_CASES)
def test_engine_errors_map_to_the_catalogue(code, key):
    with pytest.raises(RuntimeError) as info:
        exec(code, {"torch": torch})
    assert classify_error(str(info.value)) == key


def test_every_exercise_has_passing_and_failing_cases():
    for exercise_id in EXERCISES:
        statuses = {c[2] for c in CASES if c[0] == exercise_id}
        assert PASS in statuses and statuses - {PASS}, exercise_id
