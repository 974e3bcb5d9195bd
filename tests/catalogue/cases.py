"""The catalogue's cases: (exercise, mistake made, student code, status, diagnosis key).

"correct" marks a right answer written in an unusual way. A "twice the gradient" answer
whose causes cannot be told apart gets a listing of causes, e.g. "accumulated|extra_factor".
"""

import textwrap

P, F, E = "passed", "failed", "error"

# Which mistakes a diagnosis names besides its own key (observations with several causes).
COMPATIBLE = {
    "no_requires_grad": {"detached"},
    "all_zero": {"no_clone", "zero_before_store"},
    "no_momentum": {"optimizer_in_loop"},
    "one_backward_only": {"overwrites"},
    "no_update": {"zero_before_step", "step_before_backward"},
    "grad_fn_of_input": {"leaf_node"},
    "missing_factor": {"mean_not_sum", "divided_too_much", "halved_loss"},
    "extra_factor": {"sum_not_mean", "no_division", "divided_by_rows", "dropped_scaling"},
    "leaf_confusion": {"requires_grad_not_leaf", "all_leaves", "output_leaf"},
    "wrong_shape": {"wrong_dim", "summed_all", "keepdim", "elementwise_not_matmul",
                    "one_iteration", "grad_not_list", "column_vector", "item_not_tensor"},
    "grad_none": {"data_in_forward"},
    "grad_none_not_leaf": {"retain_grad_late"},
    "wrong_type": {"not_a_function", "no_return", "not_a_pair", "not_a_dict", "not_a_node",
                   "not_strings", "not_a_tensor", "apply_not_class", "value_not_function",
                   "none_gradient", "strings"},
    "value_not_grad": {"value_formula"},
    "grad_mode_changed": {"mode_left_off", "restores_on"},
    "mode_reversed": set(),
    "missing_upstream": {"ones_upstream"},
    "wrong_point": {"global_x", "wrong_start"},
}

SEED = """
x = torch.tensor([3.0], requires_grad=True)
y = x ** 2
z = 2 * y + 3
"""
VEC = """
xs = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
ys = xs ** 3
v = torch.tensor([0.5, -1.5, 2.0])
"""
GRAPH = """
x = torch.tensor([2.0], requires_grad=True)
y = x ** 2
z = 2 * y + 3
"""
BC = """
X = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5], [-2.0, 1.0, 0.75], [0.1, -0.3, 1.2]])
W = torch.tensor([[0.2, -0.4], [1.1, 0.3], [-0.7, 0.9]], requires_grad=True)
b = torch.tensor([0.05, -0.1], requires_grad=True)
C = torch.tensor([[1.0, -2.0], [0.5, 3.0], [-1.5, 0.25], [2.0, -0.75]])
"""
INF = """
w = torch.tensor([0.8, -1.2], requires_grad=True)
xi = torch.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])
"""
DET = """
wd = torch.tensor([0.5, -1.5, 2.0], requires_grad=True)
xd = torch.tensor([1.2, 0.7, -0.9])
zd = wd * xd
"""
FIX = """
xf = torch.tensor([3.0, 1.5])
{}
loss = ((wf * xf) ** 2).sum()
loss.backward()
"""
ACC2 = """
w2 = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
x2 = torch.tensor([1.5, 0.5, -1.0])
"""
ACC3 = """
w3 = torch.tensor([0.3, -0.6], requires_grad=True)
x3 = torch.tensor([1.5, -2.0])
t3 = torch.tensor([0.5, 1.0])
grads = []
"""
ACC4 = """
w4 = torch.tensor([0.7], requires_grad=True)
x4 = torch.tensor([0.5, 1.0, 1.5, 2.0])
y4 = torch.tensor([1.0, 1.5, 3.5, 3.0])
"""
RET = """
x1 = torch.tensor([0.5, -1.5, 2.0], requires_grad=True)
y1 = x1 ** 3
"""
STEP = """
w = torch.tensor([1.0, -0.5], requires_grad=True)
xw = torch.tensor([2.0, 3.0])
lr = 0.1
((w * xw) ** 2).sum().backward()
"""
SAVED = """
xe = torch.tensor([0.3, -0.8, 1.1], requires_grad=True)
ce = torch.tensor([2.0, -1.0, 0.5])
"""
TRAIN = """
w = torch.tensor([1.0], requires_grad=True)
b = torch.tensor([0.5], requires_grad=True)
x = torch.tensor([1.0, 2.0, 3.0])
y_true = torch.tensor([2.0, 4.0, 6.0])
"""


def _loop(body: str, start: str = "1.0") -> str:
    return ("def train(x, y_true, epochs, lr):\n"
            f"    w = torch.tensor([{start}], requires_grad=True)\n"
            "    b = torch.tensor([0.0], requires_grad=True)\n"
            + textwrap.indent(textwrap.dedent(body).strip("\n"), "    ")
            + "\n    return w, b\n\nresult = check(EX, train)\n")


def _fn(name: str, backward: str, forward: str) -> str:
    return (f"class {name}(torch.autograd.Function):\n"
            "    @staticmethod\n" + textwrap.indent(textwrap.dedent(forward).strip("\n"), "    ")
            + "\n\n    @staticmethod\n    def backward(ctx, grad_output):\n"
            + textwrap.indent(textwrap.dedent(backward).strip("\n"), "        ")
            + f"\n\nresult = check(EX, {name})\n")


SOFTPLUS = """
def forward(ctx, x):
    ctx.save_for_backward(x)
    return (1 + x.exp()).log()
"""
MULADD = """
def forward(ctx, a, b):
    ctx.save_for_backward(a, b)
    return a * b + a
"""
CUBE = """
def forward(ctx, x):
    ctx.save_for_backward(x)
    return x ** 3
"""
HAND = """
for epoch in range(epochs):
    y_pred = w * x + b
    loss = ((y_pred - y_true) ** 2).{reduce}()
    loss.backward()
    with torch.no_grad():
        w {op}= lr * w.grad
        b {op}= lr * b.grad
    {zero}
"""
ZERO = "w.grad.zero_()\n    b.grad.zero_()"
SGD = """
optimizer = torch.optim.SGD([w, b], lr=lr{momentum})
for epoch in range(epochs):
    {zero}
    loss = ((w * x + b - y_true) ** 2).{reduce}()
    loss.backward()
    {step}
"""


def _hand(reduce: str = "mean", op: str = "-", zero: str = ZERO) -> str:
    return HAND.format(reduce=reduce, op=op, zero=zero)


def _sgd(momentum: str = ", momentum=0.9", zero: str = "optimizer.zero_grad()",
         reduce: str = "mean", step: str = "optimizer.step()") -> str:
    return SGD.format(momentum=momentum, zero=zero, reduce=reduce, step=step)


CASES = [
    # ------------------------------------------------------------ 01 basics.requires_grad
    ("basics.requires_grad", "correct",
     "w = torch.tensor([1.5, -0.5], dtype=torch.float64, requires_grad=True)\n"
     "result = check(EX, w)", P, None),
    ("basics.requires_grad", "correct",
     "w = torch.tensor([1.5, -0.5])\nw.requires_grad_()\nresult = check(EX, w)", P, None),
    ("basics.requires_grad", "no_requires_grad",
     "w = torch.tensor([1.5, -0.5])\nresult = check(EX, w)", F, "no_requires_grad"),
    ("basics.requires_grad", "not_a_leaf",
     "w = torch.tensor([1.5, -0.5], requires_grad=True) * 1.0\nresult = check(EX, w)",
     F, "not_a_leaf"),
    ("basics.requires_grad", "detached",
     "w = torch.tensor([1.5, -0.5], requires_grad=True)\nw = w.detach()\n"
     "result = check(EX, w)", F, "no_requires_grad"),
    ("basics.requires_grad", "wrong_values",
     "w = torch.tensor([1, -0.5], requires_grad=True)\nresult = check(EX, w)", F, None),
    ("basics.requires_grad", "not_a_tensor",
     "w = [1.5, -0.5]\nresult = check(EX, w)", F, "wrong_type"),
    ("basics.requires_grad", "wrong_shape",
     "w = torch.tensor([[1.5, -0.5]], requires_grad=True)\nresult = check(EX, w)",
     F, "wrong_shape"),
    # ------------------------------------------------------------ 01 basics.first_backward
    ("basics.first_backward", "correct",
     "x = torch.tensor([3.0], dtype=torch.float64, requires_grad=True)\n"
     "z = 2 * x ** 2 + 3\nz.backward()\nresult = check(EX, x.grad.numpy())", P, None),
    ("basics.first_backward", "correct",
     SEED + "result = check(EX, 4 * x)", P, None),
    ("basics.first_backward", "accumulated",
     "x = torch.tensor([3.0], requires_grad=True)\nfor run in range(2):  # the cell ran twice\n"
     "    y = x ** 2\n    z = 2 * y + 3\n    z.backward()\nresult = check(EX, x.grad)",
     F, "accumulated"),
    ("basics.first_backward", "value_not_grad", SEED + "z.backward()\nresult = check(EX, z)",
     F, "value_not_grad"),
    ("basics.first_backward", "tensor_not_grad", SEED + "z.backward()\nresult = check(EX, x)",
     F, "tensor_not_grad"),
    ("basics.first_backward", "grad_none_not_leaf",
     SEED + "z.backward()\nresult = check(EX, y.grad)", F, "grad_none_not_leaf"),
    ("basics.first_backward", "grad_none", SEED + "result = check(EX, x.grad)", F, "grad_none"),
    ("basics.first_backward", "missing_upstream", "result = check(EX, 2 * 3.0)",
     F, "missing_upstream"),
    ("basics.first_backward", "wrong_point",
     "x = torch.tensor([2.0], requires_grad=True)\nz = 2 * x ** 2 + 3\nz.backward()\n"
     "result = check(EX, x.grad)", F, "wrong_point"),
    ("basics.first_backward", "wrong_formula", SEED + "result = check(EX, 4 * x ** 2)", F, None),
    ("basics.first_backward", "wrong_formula", SEED + "result = check(EX, 4 * x + 3)", F, None),
    # ------------------------------------------------------------ 01 basics.vector_backward
    ("basics.vector_backward", "correct",
     VEC + "(ys * v).sum().backward()\nresult = check(EX, xs.grad.tolist())", P, None),
    ("basics.vector_backward", "correct", VEC + "result = check(EX, 3 * xs ** 2 * v)", P, None),
    ("basics.vector_backward", "ones_upstream",
     VEC + "ys.backward(gradient=torch.ones(3))\nresult = check(EX, xs.grad)",
     F, "missing_upstream"),
    ("basics.vector_backward", "missing_upstream",
     VEC + "ys.sum().backward()\nresult = check(EX, xs.grad)", F, "missing_upstream"),
    ("basics.vector_backward", "value_not_grad",
     VEC + "ys.backward(gradient=v)\nresult = check(EX, ys)", F, "value_not_grad"),
    ("basics.vector_backward", "accumulated",
     "xs = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)\n"
     "v = torch.tensor([0.5, -1.5, 2.0])\nfor run in range(2):\n    ys = xs ** 3\n"
     "    ys.backward(gradient=v)\nresult = check(EX, xs.grad)", F, "accumulated"),
    ("basics.vector_backward", "upstream_twice",
     VEC + "ys.backward(gradient=v)\nresult = check(EX, xs.grad * v)", F, None),
    ("basics.vector_backward", "wrong_formula", VEC + "result = check(EX, 2 * xs * v)", F, None),
    ("basics.vector_backward", "missing_upstream", VEC + "result = check(EX, 3 * xs ** 2)",
     F, "missing_upstream"),
    # ------------------------------------------------------------ 02 derivatives.power_rule
    ("derivatives.power_rule", "correct",
     "def dfdx(x):\n    return np.float64(4 * 3 * float(x) ** 3 - 2)\n"
     "result = check(EX, dfdx)", P, None),
    ("derivatives.power_rule", "value_not_grad",
     "def dfdx(x):\n    return 3 * x ** 4 - 2 * x\nresult = check(EX, dfdx)",
     F, "value_not_grad"),
    ("derivatives.power_rule", "power_not_lowered",
     "def dfdx(x):\n    return 12 * x ** 4 - 2\nresult = check(EX, dfdx)",
     F, "power_not_lowered"),
    ("derivatives.power_rule", "dropped_term",
     "def dfdx(x):\n    return 12 * x ** 3\nresult = check(EX, dfdx)", F, None),
    ("derivatives.power_rule", "missing_coefficient",
     "def dfdx(x):\n    return 4 * x ** 3 - 2\nresult = check(EX, dfdx)", F, None),
    ("derivatives.power_rule", "global_x",
     "x = torch.tensor(1.7)\ndef dfdx(t):\n    return 12 * x ** 3 - 2\n"
     "result = check(EX, dfdx)", F, "wrong_point"),
    ("derivatives.power_rule", "value_not_function",
     "x = 1.7\nresult = check(EX, 12 * x ** 3 - 2)", F, "wrong_type"),
    ("derivatives.power_rule", "value_not_function",
     "pts = [-1.3, 0.4, 1.7, 2.9]\nresult = check(EX, np.array([12 * p ** 3 - 2 for p in pts]))",
     F, "wrong_type"),
    ("derivatives.power_rule", "no_return",
     "def dfdx(x):\n    d = 12 * x ** 3 - 2\nresult = check(EX, dfdx)", F, "wrong_type"),
    # ------------------------------------------------------------ 02 derivatives.chain_rule
    ("derivatives.chain_rule", "correct",
     "def dfdx_chain(x):\n    return 6 * x ** 5 + 12 * x ** 3 + 6 * x\n"
     "result = check(EX, dfdx_chain)", P, None),
    ("derivatives.chain_rule", "correct",
     "def dfdx_chain(x):\n    x = x.clone().requires_grad_()\n    f = (x ** 2 + 1) ** 3\n"
     "    f.backward()\n    return x.grad\nresult = check(EX, dfdx_chain)", P, None),
    ("derivatives.chain_rule", "missing_upstream",
     "def dfdx_chain(x):\n    return 3 * (x ** 2 + 1) ** 2\nresult = check(EX, dfdx_chain)",
     F, "missing_upstream"),
    ("derivatives.chain_rule", "value_not_grad",
     "def dfdx_chain(x):\n    return (x ** 2 + 1) ** 3\nresult = check(EX, dfdx_chain)",
     F, "value_not_grad"),
    ("derivatives.chain_rule", "missing_factor",
     "def dfdx_chain(x):\n    return 3 * (x ** 2 + 1) ** 2 * x\nresult = check(EX, dfdx_chain)",
     F, "missing_factor"),
    ("derivatives.chain_rule", "missing_factor",
     "def dfdx_chain(x):\n    return (x ** 2 + 1) ** 2 * 2 * x\nresult = check(EX, dfdx_chain)",
     F, "missing_factor"),
    ("derivatives.chain_rule", "power_not_lowered",
     "def dfdx_chain(x):\n    return 3 * (x ** 2 + 1) ** 3 * 2 * x\n"
     "result = check(EX, dfdx_chain)", F, None),
    ("derivatives.chain_rule", "value_not_function",
     "x = torch.tensor(0.8)\nresult = check(EX, 6 * x * (x ** 2 + 1) ** 2)", F, "wrong_type"),
    # ------------------------------------------------------------ 02 derivatives.partials
    ("derivatives.partials", "correct",
     "def grad_f(a, b):\n    a, b = float(a), float(b)\n"
     "    return np.array([2 * a * b, a ** 2 + 3 * b ** 2])\nresult = check(EX, grad_f)",
     P, None),
    ("derivatives.partials", "swapped_partials",
     "def grad_f(a, b):\n    return a ** 2 + 3 * b ** 2, 2 * a * b\nresult = check(EX, grad_f)",
     F, "swapped_partials"),
    ("derivatives.partials", "dropped_term",
     "def grad_f(a, b):\n    return 2 * a * b, 3 * b ** 2\nresult = check(EX, grad_f)",
     F, "dropped_term"),
    ("derivatives.partials", "missing_b",
     "def grad_f(a, b):\n    return 2 * a, a ** 2 + 3 * b ** 2\nresult = check(EX, grad_f)",
     F, None),
    ("derivatives.partials", "not_a_pair",
     "def grad_f(a, b):\n    return 2 * a * b + a ** 2 + 3 * b ** 2\nresult = check(EX, grad_f)",
     F, "wrong_type"),
    ("derivatives.partials", "not_a_pair",
     "def grad_f(a, b):\n    return {'a': 2 * a * b, 'b': a ** 2 + 3 * b ** 2}\n"
     "result = check(EX, grad_f)", F, "wrong_type"),
    ("derivatives.partials", "no_return",
     "def grad_f(a, b):\n    dfda = 2 * a * b\n    dfdb = a ** 2 + 3 * b ** 2\n"
     "result = check(EX, grad_f)", F, "wrong_type"),
    ("derivatives.partials", "value_formula",
     "def grad_f(a, b):\n    return a ** 2 * b, b ** 3\nresult = check(EX, grad_f)", F, None),
    ("derivatives.partials", "value_not_function",
     "a, b = 1.5, -0.7\nresult = check(EX, (2 * a * b, a ** 2 + 3 * b ** 2))", F, "wrong_type"),
    # ------------------------------------------------------------ 03 graph.leaves
    ("graph.leaves", "correct",
     GRAPH + "result = check(EX, {'x': x.is_leaf, 'y': y.is_leaf, 'z': z.is_leaf})", P, None),
    ("graph.leaves", "correct",
     "result = check(EX, dict(x=np.bool_(True), y=np.bool_(False), z=np.bool_(False)))", P, None),
    ("graph.leaves", "all_leaves", "result = check(EX, {'x': True, 'y': True, 'z': True})",
     F, "leaf_confusion"),
    ("graph.leaves", "output_leaf", "result = check(EX, {'x': True, 'y': False, 'z': True})",
     F, "leaf_confusion"),
    ("graph.leaves", "requires_grad_not_leaf",
     GRAPH + "result = check(EX, {'x': x.requires_grad, 'y': y.requires_grad, "
     "'z': z.requires_grad})", F, "leaf_confusion"),
    ("graph.leaves", "not_a_dict", "result = check(EX, [True, False, False])", F, "wrong_type"),
    ("graph.leaves", "strings", "result = check(EX, {'x': 'yes', 'y': 'no', 'z': 'no'})",
     F, "wrong_type"),
    ("graph.leaves", "not_a_dict", "result = check(EX, {'X': True, 'Y': False, 'Z': False})",
     F, "wrong_type"),
    # ------------------------------------------------------------ 03 graph.grad_fn
    ("graph.grad_fn", "correct", GRAPH + "result = check(EX, str(z.grad_fn))", P, None),
    ("graph.grad_fn", "correct", GRAPH + "result = check(EX, z.grad_fn.name())", P, None),
    ("graph.grad_fn", "grad_fn_order", "result = check(EX, 'MulBackward0')", F, "grad_fn_order"),
    ("graph.grad_fn", "grad_fn_of_input", GRAPH + "result = check(EX, y.grad_fn)",
     F, "grad_fn_of_input"),
    ("graph.grad_fn", "leaf_node", "result = check(EX, 'AccumulateGrad')", F, "grad_fn_of_input"),
    ("graph.grad_fn", "misspelled", "result = check(EX, 'Add')", F, None),
    ("graph.grad_fn", "not_a_node", GRAPH + "result = check(EX, z)", F, "wrong_type"),
    ("graph.grad_fn", "not_a_node", GRAPH + "result = check(EX, x.grad_fn)", F, "wrong_type"),
    # ------------------------------------------------------------ 03 graph.walk
    ("graph.walk", "correct",
     "result = check(EX, ('AddBackward0', 'MulBackward0', 'PowBackward0', "
     "'torch::autograd::AccumulateGrad'))", P, None),
    ("graph.walk", "forward_order",
     "result = check(EX, ['AccumulateGrad', 'PowBackward0', 'MulBackward0', 'AddBackward0'])",
     F, "forward_order"),
    ("graph.walk", "leaf_node_missing",
     GRAPH + "names = []\nnode = z.grad_fn\nwhile node.next_functions:\n"
     "    names.append(node.name())\n    node = node.next_functions[0][0]\n"
     "result = check(EX, names)", F, "leaf_node_missing"),
    ("graph.walk", "not_strings",
     GRAPH + "nodes = []\nnode = z.grad_fn\nwhile node is not None:\n    nodes.append(node)\n"
     "    node = next((n for n, _ in node.next_functions if n is not None), None)\n"
     "result = check(EX, nodes)", F, "wrong_type"),
    ("graph.walk", "first_only", GRAPH + "result = check(EX, [z.grad_fn.name()])", F, None),
    ("graph.walk", "not_strings", GRAPH + "result = check(EX, str(z.grad_fn.next_functions))",
     F, "wrong_type"),
    ("graph.walk", "skipped_node",
     "result = check(EX, ['AddBackward0', 'PowBackward0', 'AccumulateGrad'])", F, None),
    # ------------------------------------------------------------ 04 broadcasting.bias_grad
    ("broadcasting.bias_grad", "correct",
     BC + "result = check(EX, C.numpy().astype(np.float64).sum(axis=0))", P, None),
    ("broadcasting.bias_grad", "correct", BC + "result = check(EX, C.T @ torch.ones(4))", P, None),
    ("broadcasting.bias_grad", "unreduced_broadcast", BC + "result = check(EX, C)",
     F, "unreduced_broadcast"),
    ("broadcasting.bias_grad", "mean_not_sum", BC + "result = check(EX, C.mean(dim=0))",
     F, "missing_factor"),
    ("broadcasting.bias_grad", "wrong_dim", BC + "result = check(EX, C.sum(dim=1))",
     F, "wrong_shape"),
    ("broadcasting.bias_grad", "summed_all", BC + "result = check(EX, C.sum())", F, "wrong_shape"),
    ("broadcasting.bias_grad", "keepdim", BC + "result = check(EX, C.sum(dim=0, keepdim=True))",
     F, "wrong_shape"),
    ("broadcasting.bias_grad", "missing_upstream",
     BC + "result = check(EX, torch.ones(4, 2).sum(dim=0))", F, "missing_upstream"),
    ("broadcasting.bias_grad", "accumulated",
     BC + "((X @ W + b) * C).sum().backward()\n((X @ W + b) * C).sum().backward()\n"
     "result = check(EX, b.grad)", F, "accumulated"),
    # ------------------------------------------------------------ 04 broadcasting.weight_grad
    ("broadcasting.weight_grad", "correct",
     BC + "result = check(EX, np.einsum('ni,nj->ij', X.numpy(), C.numpy()))", P, None),
    ("broadcasting.weight_grad", "transposed", BC + "result = check(EX, C.T @ X)",
     F, "transposed"),
    ("broadcasting.weight_grad", "missing_upstream",
     BC + "result = check(EX, X.T @ torch.ones(4, 2))", F, "missing_upstream"),
    ("broadcasting.weight_grad", "divided_too_much", BC + "result = check(EX, X.T @ C / 4)",
     F, "missing_factor"),
    ("broadcasting.weight_grad", "unreduced_broadcast",
     BC + "result = check(EX, X.unsqueeze(2) * C.unsqueeze(1))", F, "unreduced_broadcast"),
    ("broadcasting.weight_grad", "tensor_not_grad", BC + "result = check(EX, W)",
     F, "tensor_not_grad"),
    ("broadcasting.weight_grad", "accumulated",
     BC + "for run in range(2):\n    ((X @ W + b) * C).sum().backward()\n"
     "result = check(EX, W.grad)", F, "accumulated"),
    ("broadcasting.weight_grad", "elementwise_not_matmul",
     BC + "result = check(EX, X.T[:, :2] * C[:3])", F, None),
    # ------------------------------------------------------------ 04 broadcasting.mean_grad
    ("broadcasting.mean_grad", "correct", BC + "result = check(EX, X.mean(dim=0) / 3)", P, None),
    ("broadcasting.mean_grad", "correct",
     BC + "wm = torch.tensor([0.4, -1.2, 0.9], dtype=torch.float64, requires_grad=True)\n"
     "(X.double() * wm).mean().backward()\nresult = check(EX, wm.grad)", P, None),
    ("broadcasting.mean_grad", "no_division", BC + "result = check(EX, X.sum(dim=0))",
     F, "extra_factor"),
    ("broadcasting.mean_grad", "divided_by_rows", BC + "result = check(EX, X.mean(dim=0))",
     F, "extra_factor"),
    ("broadcasting.mean_grad", "divided_by_rows", BC + "result = check(EX, X.sum(dim=0) / 3)",
     F, "extra_factor"),
    ("broadcasting.mean_grad", "unreduced_broadcast", BC + "result = check(EX, X / 12)",
     F, "unreduced_broadcast"),
    ("broadcasting.mean_grad", "summed_all", BC + "result = check(EX, X.mean())",
     F, "wrong_shape"),
    ("broadcasting.mean_grad", "accumulated",
     BC + "wm = torch.tensor([0.4, -1.2, 0.9], requires_grad=True)\nfor run in range(2):\n"
     "    (X * wm).mean().backward()\nresult = check(EX, wm.grad)", F, None),
    # ------------------------------------------------------------ 05 no_grad.inference
    ("no_grad.inference", "correct", INF + "pred = (xi @ w).detach()\nresult = check(EX, pred)",
     P, None),
    ("no_grad.inference", "correct", INF + "pred = xi @ w.detach()\nresult = check(EX, pred)",
     P, None),
    ("no_grad.inference", "tracked_inference", INF + "pred = xi @ w\nresult = check(EX, pred)",
     F, "tracked_inference"),
    ("no_grad.inference", "tracked_inference",
     INF + "torch.no_grad()\npred = xi @ w\nresult = check(EX, pred)", F, "tracked_inference"),
    ("no_grad.inference", "tracked_inference",
     INF + "with torch.no_grad():\n    pass\npred = xi @ w\nresult = check(EX, pred)",
     F, "tracked_inference"),
    ("no_grad.inference", "elementwise_not_matmul",
     INF + "with torch.no_grad():\n    pred = xi * w\nresult = check(EX, pred)", F, "wrong_shape"),
    ("no_grad.inference", "wrong_values",
     INF + "with torch.no_grad():\n    pred = xi @ torch.tensor([0.8, 1.2])\n"
     "result = check(EX, pred)", F, None),
    # ------------------------------------------------------------ 05 no_grad.detach
    ("no_grad.detach", "correct",
     DET + "(zd * zd.detach() + zd).sum().backward()\nresult = check(EX, wd.grad.double())",
     P, None),
    ("no_grad.detach", "not_detached", DET + "(zd * zd + zd).sum().backward()\n"
     "result = check(EX, wd.grad)", F, "not_detached"),
    ("no_grad.detach", "detached_too_much",
     DET + "(zd * zd.detach() + zd.detach()).sum().backward()\nresult = check(EX, wd.grad)",
     F, None),
    ("no_grad.detach", "grad_none", DET + "loss = (zd.detach() * zd + zd).sum()\n"
     "result = check(EX, wd.grad)", F, "grad_none"),
    ("no_grad.detach", "grad_none_not_leaf", DET + "(zd.detach() * zd + zd).sum().backward()\n"
     "result = check(EX, zd.grad)", F, "grad_none_not_leaf"),
    ("no_grad.detach", "grad_none_detached", DET + "zc = zd.detach()\n"
     "(zc * zd + zd).sum().backward()\nresult = check(EX, zc.grad)", F, "grad_none_detached"),
    ("no_grad.detach", "accumulated",
     "wd = torch.tensor([0.5, -1.5, 2.0], requires_grad=True)\n"
     "xd = torch.tensor([1.2, 0.7, -0.9])\nfor run in range(2):\n    zd = wd * xd\n"
     "    (zd.detach() * zd + zd).sum().backward()\nresult = check(EX, wd.grad)",
     F, "accumulated"),
    ("no_grad.detach", "value_not_grad",
     DET + "loss = (zd.detach() * zd + zd).sum()\nloss.backward()\nresult = check(EX, zd)",
     F, "value_not_grad"),
    # ------------------------------------------------------------ 05 no_grad.set_grad_enabled
    ("no_grad.set_grad_enabled", "correct",
     "def predict(w, x, training):\n    if training:\n        return w * x\n"
     "    with torch.no_grad():\n        return w * x\nresult = check(EX, predict)", P, None),
    ("no_grad.set_grad_enabled", "correct",
     "torch.set_grad_enabled(False)  # an earlier cell switched tracking off\n"
     "def predict(w, x, training):\n    with torch.set_grad_enabled(training):\n"
     "        return w * x\nresult = check(EX, predict)", P, None),
    ("no_grad.set_grad_enabled", "mode_left_off",
     "def predict(w, x, training):\n    torch.set_grad_enabled(training)\n    return w * x\n"
     "result = check(EX, predict)", F, "grad_mode_changed"),
    ("no_grad.set_grad_enabled", "restores_on",
     "def predict(w, x, training):\n    torch.set_grad_enabled(training)\n    out = w * x\n"
     "    torch.set_grad_enabled(True)\n    return out\nresult = check(EX, predict)",
     F, "grad_mode_changed"),
    ("no_grad.set_grad_enabled", "tracked_inference",
     "def predict(w, x, training):\n    return w * x\nresult = check(EX, predict)",
     F, "tracked_inference"),
    ("no_grad.set_grad_enabled", "no_grad_in_training",
     "def predict(w, x, training):\n    with torch.no_grad():\n        return w * x\n"
     "result = check(EX, predict)", F, "no_grad_in_training"),
    ("no_grad.set_grad_enabled", "mode_reversed",
     "def predict(w, x, training):\n    with torch.set_grad_enabled(not training):\n"
     "        return w * x\nresult = check(EX, predict)", F, "mode_reversed"),
    ("no_grad.set_grad_enabled", "value_not_function",
     "w = torch.tensor([0.5, -2.0], requires_grad=True)\nx = torch.tensor([3.0, 0.25])\n"
     "with torch.set_grad_enabled(True):\n    out = w * x\nresult = check(EX, out)",
     F, "wrong_type"),
    ("no_grad.set_grad_enabled", "wrong_values",
     "def predict(w, x, training):\n    with torch.set_grad_enabled(training):\n"
     "        return w + x\nresult = check(EX, predict)", F, None),
    # ------------------------------------------------------------ 05 no_grad.fix_none
    ("no_grad.fix_none", "correct",
     FIX.format("wf = torch.tensor([0.1, -0.2], dtype=torch.float64, requires_grad=True)")
     + "result = check(EX, wf.grad)", P, None),
    ("no_grad.fix_none", "correct",
     FIX.format("wf = torch.tensor([1.0, -2.0], requires_grad=True) * 0.1\nwf.retain_grad()")
     + "result = check(EX, wf.grad)", P, None),
    ("no_grad.fix_none", "grad_none_not_leaf",
     FIX.format("wf = torch.tensor([1.0, -2.0], requires_grad=True) * 0.1")
     + "result = check(EX, wf.grad)", F, "grad_none_not_leaf"),
    ("no_grad.fix_none", "grad_none_not_leaf",
     FIX.format("wf = 0.1 * torch.tensor([1.0, -2.0]).requires_grad_()")
     + "result = check(EX, wf.grad)", F, "grad_none_not_leaf"),
    ("no_grad.fix_none", "dropped_scaling",
     FIX.format("wf = torch.tensor([1.0, -2.0], requires_grad=True)")
     + "result = check(EX, wf.grad)", F, "extra_factor"),
    ("no_grad.fix_none", "accumulated",
     "xf = torch.tensor([3.0, 1.5])\nwf = torch.tensor([0.1, -0.2], requires_grad=True)\n"
     "for run in range(2):\n    loss = ((wf * xf) ** 2).sum()\n    loss.backward()\n"
     "result = check(EX, wf.grad)", F, "accumulated"),
    ("no_grad.fix_none", "tensor_not_grad",
     FIX.format("wf = torch.tensor([0.1, -0.2], requires_grad=True)") + "result = check(EX, wf)",
     F, "tensor_not_grad"),
    ("no_grad.fix_none", "wrong_values",
     FIX.format("wf = torch.tensor([0.1, 0.2], requires_grad=True)")
     + "result = check(EX, wf.grad)", F, None),
    # ------------------------------------------------------------ 06 accumulation.two_losses
    ("accumulation.two_losses", "correct",
     ACC2 + "L = (w2 * x2).sum() + (w2 ** 2).sum()\nL.backward()\n"
     "result = check(EX, w2.grad.double())", P, None),
    ("accumulation.two_losses", "overwrites",
     ACC2 + "(w2 * x2).sum().backward()\nw2.grad.zero_()\n(w2 ** 2).sum().backward()\n"
     "result = check(EX, w2.grad)", F, "overwrites"),
    ("accumulation.two_losses", "overwrites",
     ACC2 + "(w2 * x2).sum().backward()\nw2.grad = None\n(w2 ** 2).sum().backward()\n"
     "result = check(EX, w2.grad)", F, "overwrites"),
    ("accumulation.two_losses", "overwrites",
     ACC2 + "L1 = (w2 * x2).sum()\nL2 = (w2 ** 2).sum()\nL1.backward()\n"
     "result = check(EX, w2.grad)", F, "overwrites"),
    ("accumulation.two_losses", "accumulated",
     ACC2 + "for run in range(2):\n    (w2 * x2).sum().backward()\n    (w2 ** 2).sum().backward()\n"
     "result = check(EX, w2.grad)", F, "accumulated"),
    ("accumulation.two_losses", "wrong_formula", ACC2 + "result = check(EX, x2 + w2)", F, None),
    ("accumulation.two_losses", "tensor_not_grad",
     ACC2 + "(w2 * x2).sum().backward()\n(w2 ** 2).sum().backward()\nresult = check(EX, w2)",
     F, "tensor_not_grad"),
    # ------------------------------------------------------------ 06 accumulation.zero_in_loop
    ("accumulation.zero_in_loop", "correct",
     ACC3 + "for i in range(3):\n    w3.grad = None\n    ((w3 * x3 - t3) ** 2).sum().backward()\n"
     "    grads.append(w3.grad.numpy().copy())\nresult = check(EX, grads)", P, None),
    ("accumulation.zero_in_loop", "accumulated",
     ACC3 + "for i in range(3):\n    ((w3 * x3 - t3) ** 2).sum().backward()\n"
     "    grads.append(w3.grad.clone())\nresult = check(EX, grads)", F, "accumulated"),
    ("accumulation.zero_in_loop", "no_clone",
     ACC3 + "for i in range(3):\n    ((w3 * x3 - t3) ** 2).sum().backward()\n"
     "    grads.append(w3.grad)\n    w3.grad.zero_()\nresult = check(EX, grads)", F, "all_zero"),
    ("accumulation.zero_in_loop", "zero_before_store",
     ACC3 + "for i in range(3):\n    ((w3 * x3 - t3) ** 2).sum().backward()\n"
     "    w3.grad.zero_()\n    grads.append(w3.grad.clone())\nresult = check(EX, grads)",
     F, "all_zero"),
    ("accumulation.zero_in_loop", "no_zero_no_clone",
     ACC3 + "for i in range(3):\n    ((w3 * x3 - t3) ** 2).sum().backward()\n"
     "    grads.append(w3.grad)\nresult = check(EX, grads)", F, None),
    ("accumulation.zero_in_loop", "one_iteration",
     ACC3 + "((w3 * x3 - t3) ** 2).sum().backward()\ngrads.append(w3.grad.clone())\n"
     "result = check(EX, grads)", F, "wrong_shape"),
    ("accumulation.zero_in_loop", "grad_not_list",
     ACC3 + "for i in range(3):\n    w3.grad = None\n    ((w3 * x3 - t3) ** 2).sum().backward()\n"
     "    grads.append(w3.grad)\nresult = check(EX, w3.grad)", F, "wrong_shape"),
    # ------------------------------------------------------------ 06 accumulation.micro_batches
    ("accumulation.micro_batches", "correct",
     ACC4 + "for i in range(2):\n    xb, yb = x4[2 * i:2 * i + 2], y4[2 * i:2 * i + 2]\n"
     "    (((w4 * xb - yb) ** 2).mean() * 0.5).backward()\nresult = check(EX, w4.grad.item())",
     P, None),
    ("accumulation.micro_batches", "no_division",
     ACC4 + "for i in range(2):\n    xb, yb = x4[2 * i:2 * i + 2], y4[2 * i:2 * i + 2]\n"
     "    ((w4 * xb - yb) ** 2).mean().backward()\nresult = check(EX, w4.grad)",
     F, "accumulated|extra_factor"),
    ("accumulation.micro_batches", "zeroed_between",
     ACC4 + "for i in range(2):\n    w4.grad = None\n"
     "    xb, yb = x4[2 * i:2 * i + 2], y4[2 * i:2 * i + 2]\n"
     "    (((w4 * xb - yb) ** 2).mean() / 2).backward()\nresult = check(EX, w4.grad)",
     F, "zeroed_between"),
    ("accumulation.micro_batches", "divided_too_much",
     ACC4 + "for i in range(2):\n    xb, yb = x4[2 * i:2 * i + 2], y4[2 * i:2 * i + 2]\n"
     "    (((w4 * xb - yb) ** 2).mean() / 4).backward()\nresult = check(EX, w4.grad)",
     F, "missing_factor"),
    ("accumulation.micro_batches", "one_batch",
     ACC4 + "xb, yb = x4[:2], y4[:2]\n(((w4 * xb - yb) ** 2).mean() / 2).backward()\n"
     "result = check(EX, w4.grad)", F, None),
    ("accumulation.micro_batches", "accumulated",
     ACC4 + "for run in range(2):\n    for i in range(2):\n"
     "        xb, yb = x4[2 * i:2 * i + 2], y4[2 * i:2 * i + 2]\n"
     "        (((w4 * xb - yb) ** 2).mean() / 2).backward()\nresult = check(EX, w4.grad)",
     F, "accumulated|extra_factor"),
    ("accumulation.micro_batches", "sum_not_mean",
     ACC4 + "for i in range(2):\n    xb, yb = x4[2 * i:2 * i + 2], y4[2 * i:2 * i + 2]\n"
     "    (((w4 * xb - yb) ** 2).sum() / 2).backward()\nresult = check(EX, w4.grad)",
     F, "accumulated|extra_factor"),
    # ------------------------------------------------------------ 07 inplace.retain_graph
    ("inplace.retain_graph", "correct",
     RET + "(3 * y1).sum().backward()\nresult = check(EX, x1.grad.double())", P, None),
    ("inplace.retain_graph", "correct",
     RET + "y1.sum().backward()\ny1 = x1 ** 3\n(2 * y1).sum().backward()\n"
     "result = check(EX, x1.grad)", P, None),
    ("inplace.retain_graph", "one_backward_only",
     RET + "y1.sum().backward()\nresult = check(EX, x1.grad)", F, "one_backward_only"),
    ("inplace.retain_graph", "overwrites",
     RET + "y1.sum().backward(retain_graph=True)\nx1.grad.zero_()\n(2 * y1).sum().backward()\n"
     "result = check(EX, x1.grad)", F, "one_backward_only"),
    ("inplace.retain_graph", "extra_backward",
     RET + "y1.sum().backward(retain_graph=True)\n(2 * y1).sum().backward(retain_graph=True)\n"
     "(2 * y1).sum().backward()\nresult = check(EX, x1.grad)", F, None),
    ("inplace.retain_graph", "accumulated",
     "x1 = torch.tensor([0.5, -1.5, 2.0], requires_grad=True)\nfor run in range(2):\n"
     "    y1 = x1 ** 3\n    y1.sum().backward(retain_graph=True)\n    (2 * y1).sum().backward()\n"
     "result = check(EX, x1.grad)", F, "accumulated"),
    ("inplace.retain_graph", "grad_none_not_leaf",
     RET + "y1.sum().backward(retain_graph=True)\n(2 * y1).sum().backward()\n"
     "result = check(EX, y1.grad)", F, "grad_none_not_leaf"),
    # ------------------------------------------------------------ 07 inplace.leaf_update
    ("inplace.leaf_update", "correct",
     STEP + "with torch.no_grad():\n    w.copy_(w - lr * w.grad)\nresult = check(EX, w)", P, None),
    ("inplace.leaf_update", "rebound_nonleaf", STEP + "w = w - lr * w.grad\nresult = check(EX, w)",
     F, "rebound_nonleaf"),
    ("inplace.leaf_update", "lost_requires_grad",
     STEP + "with torch.no_grad():\n    w = w - lr * w.grad\nresult = check(EX, w)",
     F, "lost_requires_grad"),
    ("inplace.leaf_update", "wrong_sign",
     STEP + "with torch.no_grad():\n    w += lr * w.grad\nresult = check(EX, w)",
     F, "wrong_sign"),
    ("inplace.leaf_update", "no_update", STEP + "result = check(EX, w)", F, "no_update"),
    ("inplace.leaf_update", "two_steps",
     STEP + "for run in range(2):\n    with torch.no_grad():\n        w -= lr * w.grad\n"
     "result = check(EX, w)", F, "two_steps"),
    ("inplace.leaf_update", "update_is_grad",
     STEP + "with torch.no_grad():\n    w -= w.grad\nresult = check(EX, w)", F, None),
    # ------------------------------------------------------------ 07 inplace.saved_tensor
    ("inplace.saved_tensor", "correct",
     SAVED + "ye = xe.exp()\nye = ye.clone()\nye += 1\n(ye * ce).sum().backward()\n"
     "result = check(EX, xe.grad)", P, None),
    ("inplace.saved_tensor", "correct", SAVED + "result = check(EX, ce * xe.exp())", P, None),
    ("inplace.saved_tensor", "missing_upstream",
     SAVED + "ye = xe.exp()\nye = ye + 1\nye.sum().backward()\nresult = check(EX, xe.grad)",
     F, "missing_upstream"),
    ("inplace.saved_tensor", "value_not_grad",
     SAVED + "ye = xe.exp()\nye = ye + 1\n(ye * ce).sum().backward()\nresult = check(EX, ye)",
     F, "value_not_grad"),
    ("inplace.saved_tensor", "value_formula",
     SAVED + "result = check(EX, ce * (xe.exp() + 1))", F, "value_not_grad"),
    ("inplace.saved_tensor", "accumulated",
     SAVED + "for run in range(2):\n    ye = xe.exp()\n    ye = ye + 1\n"
     "    (ye * ce).sum().backward()\nresult = check(EX, xe.grad)", F, "accumulated"),
    ("inplace.saved_tensor", "missing_upstream", SAVED + "result = check(EX, xe.exp())",
     F, "missing_upstream"),
    ("inplace.saved_tensor", "wrong_formula", SAVED + "result = check(EX, ce * xe)", F, None),
    # ------------------------------------------------------------ 08 training.gradients
    ("training.gradients", "correct",
     TRAIN + "loss = ((w.double() * x + b - y_true) ** 2).mean()\nloss.backward()\n"
     "result = check(EX, (w.grad, b.grad))", P, None),
    ("training.gradients", "correct", "result = check(EX, [-22 / 3, -3.0])", P, None),
    ("training.gradients", "sum_not_mean",
     TRAIN + "y_pred = w * x + b\nloss = ((y_pred - y_true) ** 2).sum()\nloss.backward()\n"
     "result = check(EX, (w.grad, b.grad))", F, "accumulated|extra_factor"),
    ("training.gradients", "accumulated",
     TRAIN + "for run in range(2):\n    y_pred = w * x + b\n"
     "    loss = ((y_pred - y_true) ** 2).mean()\n    loss.backward()\n"
     "result = check(EX, (w.grad, b.grad))", F, "accumulated"),
    ("training.gradients", "swapped",
     TRAIN + "loss = ((w * x + b - y_true) ** 2).mean()\nloss.backward()\n"
     "result = check(EX, (b.grad, w.grad))", F, "swapped"),
    ("training.gradients", "wrong_start",
     TRAIN.replace("[0.5]", "[0.0]") + "loss = ((w * x + b - y_true) ** 2).mean()\n"
     "loss.backward()\nresult = check(EX, (w.grad, b.grad))", F, "wrong_point"),
    ("training.gradients", "wrong_start",
     TRAIN.replace("[1.0]", "[0.0]").replace("[0.5]", "[0.0]")
     + "loss = ((w * x + b - y_true) ** 2).mean()\nloss.backward()\n"
     "result = check(EX, (w.grad, b.grad))", F, "wrong_point"),
    ("training.gradients", "halved_loss",
     TRAIN + "loss = ((w * x + b - y_true) ** 2).mean() / 2\nloss.backward()\n"
     "result = check(EX, (w.grad, b.grad))", F, "missing_factor"),
    ("training.gradients", "no_square",
     TRAIN + "loss = (w * x + b - y_true).mean()\nloss.backward()\n"
     "result = check(EX, (w.grad, b.grad))", F, None),
    ("training.gradients", "tensor_not_grad",
     TRAIN + "loss = ((w * x + b - y_true) ** 2).mean()\nloss.backward()\n"
     "result = check(EX, (w, b))", F, "tensor_not_grad"),
    ("training.gradients", "grad_none", TRAIN + "result = check(EX, (w.grad, b.grad))",
     F, "grad_none"),
    # ------------------------------------------------------------ 08 training.loop_by_hand
    ("training.loop_by_hand", "correct",
     _loop(_hand(zero="w.grad = None\n    b.grad = None")), P, None),
    ("training.loop_by_hand", "accumulated", _loop(_hand(zero="")), F, "accumulated"),
    ("training.loop_by_hand", "wrong_sign", _loop(_hand(op="+")), F, "wrong_sign"),
    ("training.loop_by_hand", "sum_not_mean", _loop(_hand(reduce="sum")), F, "sum_not_mean"),
    ("training.loop_by_hand", "no_update",
     _loop("for epoch in range(epochs):\n    loss = ((w * x + b - y_true) ** 2).mean()\n"
           "    loss.backward()\n    w.grad.zero_()\n    b.grad.zero_()"), F, "no_update"),
    ("training.loop_by_hand", "zero_before_step",
     _loop(_hand(zero="").replace(
         "    with torch.no_grad():",
         "    w.grad.zero_()\n    b.grad.zero_()\n    with torch.no_grad():")),
     F, "no_update"),
    ("training.loop_by_hand", "wrong_start", _loop(_hand(), start="0.0"), F, None),
    ("training.loop_by_hand", "ignores_lr", _loop(_hand().replace("lr *", "0.01 *")), F, None),
    ("training.loop_by_hand", "rebinding",
     _loop(_hand().replace("w -= lr * w.grad", "w = w - lr * w.grad")), E, None),
    ("training.loop_by_hand", "value_not_function",
     "w = torch.tensor([1.0], requires_grad=True)\nb = torch.tensor([0.0], requires_grad=True)\n"
     "result = check(EX, (w, b))", F, "wrong_type"),
    # ------------------------------------------------------------ 08 training.with_optimizer
    ("training.with_optimizer", "correct",
     _loop(_sgd(zero="").replace("optimizer.step()", "optimizer.step()\n    optimizer.zero_grad()"),
           ), P, None),
    ("training.with_optimizer", "accumulated", _loop(_sgd(zero="")), F, "accumulated"),
    ("training.with_optimizer", "no_momentum", _loop(_sgd(momentum="")), F, "no_momentum"),
    ("training.with_optimizer", "optimizer_in_loop",
     _loop("for epoch in range(epochs):\n"
           "    optimizer = torch.optim.SGD([w, b], lr=lr, momentum=0.9)\n"
           "    optimizer.zero_grad()\n    loss = ((w * x + b - y_true) ** 2).mean()\n"
           "    loss.backward()\n    optimizer.step()"), F, "no_momentum"),
    ("training.with_optimizer", "no_update", _loop(_sgd(step="")), F, "no_update"),
    ("training.with_optimizer", "sum_not_mean", _loop(_sgd(reduce="sum")), F, "sum_not_mean"),
    ("training.with_optimizer", "step_before_backward",
     _loop(_sgd(step="").replace("    loss.backward()",
                                 "    optimizer.step()\n    loss.backward()")),
     F, "no_update"),
    ("training.with_optimizer", "wrong_lr", _loop(_sgd().replace("lr=lr", "lr=0.1")), F, None),
    # ------------------------------------------------------------ 09 functions.softplus
    ("functions.softplus", "correct",
     _fn("Softplus", "(x,) = ctx.saved_tensors\nreturn grad_output * x.exp() / (1 + x.exp())",
         SOFTPLUS), P, None),
    ("functions.softplus", "missing_upstream",
     _fn("Softplus", "(x,) = ctx.saved_tensors\nreturn torch.sigmoid(x)", SOFTPLUS),
     F, "missing_upstream"),
    ("functions.softplus", "value_not_grad",
     _fn("Softplus", "(x,) = ctx.saved_tensors\nreturn grad_output * (1 + x.exp()).log()",
         SOFTPLUS), F, "value_not_grad"),
    ("functions.softplus", "sigmoid_of_minus_x",
     _fn("Softplus", "(x,) = ctx.saved_tensors\nreturn grad_output / (1 + x.exp())", SOFTPLUS),
     F, None),
    ("functions.softplus", "forgot_denominator",
     _fn("Softplus", "(x,) = ctx.saved_tensors\nreturn grad_output * x.exp()", SOFTPLUS), F, None),
    ("functions.softplus", "wrong_sign",
     _fn("Softplus", "(x,) = ctx.saved_tensors\nreturn -grad_output * torch.sigmoid(x)", SOFTPLUS),
     F, "wrong_sign"),
    ("functions.softplus", "apply_not_class",
     _fn("Softplus", "(x,) = ctx.saved_tensors\nreturn grad_output * torch.sigmoid(x)", SOFTPLUS)
     .replace("check(EX, Softplus)", "check(EX, Softplus.apply)"), F, "wrong_type"),
    # ------------------------------------------------------------ 09 functions.mul_add
    ("functions.mul_add", "correct",
     _fn("MulAdd", "a, b = ctx.saved_tensors\nreturn grad_output * b + grad_output, "
         "grad_output * a", MULADD), P, None),
    ("functions.mul_add", "swapped_grads",
     _fn("MulAdd", "a, b = ctx.saved_tensors\nreturn grad_output * a, grad_output * (b + 1)",
         MULADD), F, "swapped_grads"),
    ("functions.mul_add", "missing_term",
     _fn("MulAdd", "a, b = ctx.saved_tensors\nreturn grad_output * b, grad_output * a", MULADD),
     F, "missing_term"),
    ("functions.mul_add", "missing_upstream",
     _fn("MulAdd", "a, b = ctx.saved_tensors\nreturn b + 1, a", MULADD), F, "missing_upstream"),
    ("functions.mul_add", "one_gradient",
     _fn("MulAdd", "a, b = ctx.saved_tensors\nreturn grad_output * (b + 1)", MULADD), E, None),
    ("functions.mul_add", "none_gradient",
     _fn("MulAdd", "a, b = ctx.saved_tensors\nreturn grad_output * (b + 1), None", MULADD),
     F, "wrong_type"),
    ("functions.mul_add", "extra_term",
     _fn("MulAdd", "a, b = ctx.saved_tensors\nreturn grad_output * (b + 1), grad_output * (a + 1)",
         MULADD), F, None),
    ("functions.mul_add", "value_not_function",
     "a = torch.tensor([0.5, -1.2, 2.0])\nb = torch.tensor([1.5, 0.3, -0.8])\n"
     "result = check(EX, a * b + a)", F, "wrong_type"),
    # ------------------------------------------------------------ 09 functions.fix_cube
    ("functions.fix_cube", "correct",
     _fn("Cube", "(x,) = ctx.saved_tensors\nreturn 3 * grad_output * x * x", CUBE), P, None),
    ("functions.fix_cube", "still_buggy",
     _fn("Cube", "(x,) = ctx.saved_tensors\nreturn grad_output * 3 * x", CUBE), F, "still_buggy"),
    ("functions.fix_cube", "missing_upstream",
     _fn("Cube", "(x,) = ctx.saved_tensors\nreturn 3 * x ** 2", CUBE), F, "missing_upstream"),
    ("functions.fix_cube", "missing_factor",
     _fn("Cube", "(x,) = ctx.saved_tensors\nreturn grad_output * x ** 2", CUBE),
     F, "missing_factor"),
    ("functions.fix_cube", "power_not_lowered",
     _fn("Cube", "(x,) = ctx.saved_tensors\nreturn grad_output * 3 * x ** 3", CUBE), F, None),
    ("functions.fix_cube", "value_not_grad",
     _fn("Cube", "(x,) = ctx.saved_tensors\nreturn grad_output * x ** 3", CUBE),
     F, "value_not_grad"),
    ("functions.fix_cube", "apply_not_class",
     _fn("Cube", "(x,) = ctx.saved_tensors\nreturn grad_output * 3 * x ** 2", CUBE)
     .replace("check(EX, Cube)", "check(EX, Cube.apply)"), F, "wrong_type"),
]

# Right answers in every form a value can take: a NumPy array, a float64 tensor, a list, a
# tensor with a grad_fn (a formula built from tensors that require grad).
CASES += [
    ("basics.first_backward", "correct",
     SEED + "z.backward()\nresult = check(EX, x.grad.tolist())", P, None),
    ("basics.first_backward", "correct",
     SEED + "z.backward()\nresult = check(EX, x.grad.double())", P, None),
    ("basics.vector_backward", "correct",
     VEC + "ys.backward(gradient=v)\nresult = check(EX, xs.grad.numpy())", P, None),
    ("basics.vector_backward", "correct",
     VEC + "ys.backward(gradient=v.double())\nresult = check(EX, xs.grad.double())", P, None),
    ("broadcasting.bias_grad", "correct", BC + "result = check(EX, C.double().sum(dim=0))",
     P, None),
    ("broadcasting.bias_grad", "correct", BC + "result = check(EX, C.sum(dim=0).tolist())",
     P, None),
    ("broadcasting.bias_grad", "correct",
     BC + "((X @ W + b) * C).sum().backward()\nresult = check(EX, b.grad + 0 * b)", P, None),
    ("broadcasting.weight_grad", "correct", BC + "result = check(EX, X.double().T @ C.double())",
     P, None),
    ("broadcasting.weight_grad", "correct", BC + "result = check(EX, (X.T @ C).tolist())",
     P, None),
    ("broadcasting.weight_grad", "correct",
     BC + "y = X @ W + b\ny.backward(C)\nresult = check(EX, W.grad.numpy())", P, None),
    ("broadcasting.mean_grad", "correct",
     BC + "result = check(EX, X.numpy().mean(axis=0) / 3)", P, None),
    ("broadcasting.mean_grad", "correct",
     BC + "result = check(EX, (X.sum(dim=0) / X.numel()).tolist())", P, None),
    ("no_grad.inference", "correct",
     INF + "with torch.no_grad():\n    pred = xi @ w\nresult = check(EX, pred.numpy())", P, None),
    ("no_grad.inference", "correct",
     INF + "with torch.no_grad():\n    pred = xi @ w\nresult = check(EX, pred.tolist())", P, None),
    ("no_grad.inference", "correct",
     INF + "with torch.no_grad():\n    pred = xi.double() @ w.double()\nresult = check(EX, pred)",
     P, None),
    ("no_grad.detach", "correct",
     DET + "(zd * zd.detach() + zd).sum().backward()\nresult = check(EX, wd.grad.numpy())",
     P, None),
    ("no_grad.detach", "correct", DET + "result = check(EX, ((zd + 1) * xd).tolist())", P, None),
    ("no_grad.detach", "correct", DET + "result = check(EX, (zd + 1) * xd)", P, None),
    ("no_grad.fix_none", "correct",
     FIX.format("wf = (torch.tensor([1.0, -2.0]) * 0.1).requires_grad_()")
     + "result = check(EX, wf.grad.numpy())", P, None),
    ("no_grad.fix_none", "correct",
     FIX.format("wf = (torch.tensor([1.0, -2.0]) * 0.1).requires_grad_()")
     + "result = check(EX, wf.grad.tolist())", P, None),
    ("no_grad.fix_none", "correct",
     FIX.format("wf = (torch.tensor([1.0, -2.0]) * 0.1).requires_grad_()")
     + "result = check(EX, 2 * wf * xf ** 2)", P, None),
    ("accumulation.two_losses", "correct", ACC2 + "result = check(EX, x2 + 2 * w2)", P, None),
    ("accumulation.two_losses", "correct",
     ACC2 + "(w2 * x2).sum().backward()\n(w2 ** 2).sum().backward()\n"
     "result = check(EX, w2.grad.numpy())", P, None),
    ("accumulation.two_losses", "correct",
     ACC2 + "(w2 * x2).sum().backward()\n(w2 ** 2).sum().backward()\n"
     "result = check(EX, w2.grad.tolist())", P, None),
    ("accumulation.zero_in_loop", "correct",
     ACC3 + "for i in range(3):\n    w3.grad = None\n    ((w3 * x3 - t3) ** 2).sum().backward()\n"
     "    grads.append(w3.grad.clone())\nresult = check(EX, torch.stack(grads).double())", P, None),
    ("accumulation.zero_in_loop", "correct",
     ACC3 + "for i in range(3):\n    w3.grad = None\n    ((w3 * x3 - t3) ** 2).sum().backward()\n"
     "    grads.append(w3.grad.tolist())\nresult = check(EX, grads)", P, None),
    ("accumulation.zero_in_loop", "correct",
     ACC3 + "for i in range(3):\n    grads.append(2 * (w3 * x3 - t3) * x3)\n"
     "result = check(EX, grads)", P, None),
    ("accumulation.micro_batches", "correct",
     ACC4 + "result = check(EX, (2 * (w4 * x4 - y4) * x4).mean())", P, None),
    ("accumulation.micro_batches", "correct",
     ACC4 + "for i in range(2):\n    xb, yb = x4[2 * i:2 * i + 2], y4[2 * i:2 * i + 2]\n"
     "    (((w4 * xb - yb) ** 2).mean() / 2).backward()\nresult = check(EX, w4.grad.numpy())",
     P, None),
    ("accumulation.micro_batches", "correct",
     ACC4.replace("[0.7]", "[0.7], dtype=torch.float64")
     + "((w4 * x4 - y4) ** 2).mean().backward()\n"
     "result = check(EX, w4.grad.tolist())", P, None),
    ("inplace.retain_graph", "correct", RET + "result = check(EX, 9 * x1 ** 2)", P, None),
    ("inplace.retain_graph", "correct",
     RET + "y1.sum().backward(retain_graph=True)\n(2 * y1).sum().backward()\n"
     "result = check(EX, x1.grad.numpy())", P, None),
    ("inplace.retain_graph", "correct",
     RET + "y1.sum().backward(retain_graph=True)\n(2 * y1).sum().backward()\n"
     "result = check(EX, x1.grad.tolist())", P, None),
    ("inplace.saved_tensor", "correct",
     SAVED + "ye = xe.exp()\nye = ye + 1\n(ye * ce).sum().backward()\n"
     "result = check(EX, xe.grad.numpy())", P, None),
    ("inplace.saved_tensor", "correct",
     SAVED + "ye = xe.double().exp()\nye = ye + 1\n(ye * ce.double()).sum().backward()\n"
     "result = check(EX, xe.grad.tolist())", P, None),
    ("inplace.saved_tensor", "correct",
     SAVED + "result = check(EX, (ce * xe.exp()).double())", P, None),
    ("training.gradients", "correct",
     TRAIN + "loss = ((w * x + b - y_true) ** 2).mean()\nloss.backward()\n"
     "result = check(EX, np.array([w.grad.item(), b.grad.item()]))", P, None),
    ("training.gradients", "correct",
     TRAIN + "err = w * x + b - y_true\n"
     "result = check(EX, ((2 * err * x).mean(), (2 * err).mean()))",
     P, None),
    ("training.gradients", "correct",
     TRAIN + "loss = ((w * x + b - y_true) ** 2).mean()\nloss.backward()\n"
     "result = check(EX, (w.grad.numpy(), b.grad.numpy()))", P, None),
]

# Mistakes that prove a rule: each makes exactly the mistake its rule names.
CASES += [
    ("basics.vector_backward", "missing_factor",  # d(x**3)/dx written as x**2
     VEC + "result = check(EX, xs ** 2 * v)", F, "missing_factor"),
    ("broadcasting.mean_grad", "divided_too_much",  # a mean over the rows, then / numel
     BC + "result = check(EX, X.mean(dim=0) / X.numel())", F, "missing_factor"),
    ("derivatives.chain_rule", "global_x",
     "x = torch.tensor(1.7, requires_grad=True)\ndef dfdx_chain(t):\n"
     "    return 6 * x * (x ** 2 + 1) ** 2\nresult = check(EX, dfdx_chain)", F, "wrong_point"),
    ("training.gradients", "wrong_sign",  # by hand, the error written as y_true - y_pred
     TRAIN + "err = y_true - (w * x + b)\n"
     "result = check(EX, ((2 * err * x).mean(), (2 * err).mean()))", F, "wrong_sign"),
]

# Odd but realistic answers that no rule was designed for: .data tricks, torch.tensor(x.grad),
# .item(), lists of floats, transposed shapes, x.grad.numpy(), integer tensors, retain_grad.
CASES += [
    ("basics.first_backward", "correct",
     SEED + "z.backward()\nresult = check(EX, x.grad.item())", P, None),
    ("basics.first_backward", "correct",
     SEED + "z.backward()\nresult = check(EX, torch.tensor(x.grad))", P, None),
    ("basics.first_backward", "correct", "result = check(EX, torch.tensor([12]))", P, None),
    ("basics.first_backward", "retain_grad_confusion",
     SEED + "z.retain_grad()\nz.backward()\nresult = check(EX, z.grad)", F, None),
    ("basics.vector_backward", "retain_grad_confusion",
     VEC + "ys.retain_grad()\nys.backward(gradient=v)\nresult = check(EX, ys.grad)", F, None),
    ("basics.vector_backward", "column_vector",
     VEC + "ys.backward(gradient=v)\nresult = check(EX, xs.grad.reshape(3, 1))",
     F, "wrong_shape"),
    ("basics.vector_backward", "integer_upstream",
     VEC + "ys.backward(gradient=torch.tensor([0, -1, 2]))\nresult = check(EX, xs.grad)", F, None),
    ("broadcasting.bias_grad", "correct",
     BC + "result = check(EX, [C[:, 0].sum().item(), C[:, 1].sum().item()])", P, None),
    ("broadcasting.bias_grad", "column_vector",
     BC + "result = check(EX, C.sum(dim=0).reshape(2, 1))", F, "wrong_shape"),
    ("broadcasting.weight_grad", "correct", BC + "result = check(EX, (C.T @ X).T)", P, None),
    ("broadcasting.weight_grad", "data_in_forward",
     BC + "((X @ W.data + b) * C).sum().backward()\nresult = check(EX, W.grad)", F, "grad_none"),
    ("broadcasting.mean_grad", "item_not_tensor",
     BC + "result = check(EX, (X.sum(dim=0) / 12)[0].item())", F, "wrong_shape"),
    ("no_grad.inference", "correct",
     INF + "pred = (xi @ w).data\nresult = check(EX, pred)", P, None),
    ("no_grad.inference", "correct",
     INF + "pred = torch.tensor((xi @ w).tolist())\nresult = check(EX, pred)", P, None),
    ("no_grad.inference", "wrong_values",
     INF + "pred = xi.numpy() @ np.array([0.8, 1.2])\nresult = check(EX, pred)", F, None),
    ("no_grad.inference", "item_not_tensor",
     INF + "with torch.no_grad():\n    pred = (xi @ w)[0].item()\nresult = check(EX, pred)",
     F, "wrong_shape"),
    ("no_grad.inference", "correct",  # transposed inputs
     INF + "with torch.no_grad():\n    pred = w @ xi.T\nresult = check(EX, pred)", P, None),
    ("no_grad.detach", "correct",
     DET + "(zd * zd.data + zd).sum().backward()\nresult = check(EX, wd.grad)", P, None),
    ("no_grad.detach", "correct",
     DET + "(zd * zd.detach() + zd).sum().backward()\nresult = check(EX, torch.tensor(wd.grad))",
     P, None),
    ("no_grad.fix_none", "correct",
     FIX.format("wf = torch.tensor([1.0, -2.0], requires_grad=True)\nwf.data *= 0.1")
     + "result = check(EX, wf.grad)", P, None),
    ("no_grad.fix_none", "retain_grad_late",
     FIX.format("wf = torch.tensor([1.0, -2.0], requires_grad=True) * 0.1")
     + "wf.retain_grad()\nresult = check(EX, wf.grad)", F, "grad_none_not_leaf"),
    ("no_grad.fix_none", "grad_of_unscaled_leaf",
     FIX.format("w0 = torch.tensor([1.0, -2.0], requires_grad=True)\nwf = w0 * 0.1")
     + "result = check(EX, w0.grad)", F, None),
    ("accumulation.two_losses", "correct",
     ACC2 + "(w2 * x2).sum().backward()\n(w2 ** 2).sum().backward()\n"
     "result = check(EX, torch.tensor(w2.grad))", P, None),
    ("accumulation.zero_in_loop", "no_clone",
     ACC3 + "for i in range(3):\n    ((w3 * x3 - t3) ** 2).sum().backward()\n"
     "    grads.append(w3.grad.numpy())\n    w3.grad.zero_()\nresult = check(EX, grads)",
     F, "all_zero"),
    ("accumulation.zero_in_loop", "correct",
     ACC3 + "for i in range(3):\n    ((w3 * x3 - t3) ** 2).sum().backward()\n"
     "    grads.append(w3.grad.tolist())\n    w3.grad.zero_()\nresult = check(EX, grads)", P, None),
    ("accumulation.zero_in_loop", "no_zero_no_clone",
     ACC3 + "for i in range(3):\n    ((w3 * x3 - t3) ** 2).sum().backward()\n"
     "    grads.append(w3.grad.numpy())\nresult = check(EX, grads)", F, None),
    ("accumulation.micro_batches", "correct",  # .item()s added
     ACC4 + "total = 0.0\nfor i in range(2):\n"
     "    xb, yb = x4[2 * i:2 * i + 2], y4[2 * i:2 * i + 2]\n"
     "    w4.grad = None\n    ((w4 * xb - yb) ** 2).mean().backward()\n"
     "    total += w4.grad.item()\nresult = check(EX, total / 2)", P, None),
    ("inplace.retain_graph", "correct",
     RET + "y1.sum().backward(retain_graph=True)\n(2 * y1).sum().backward()\n"
     "result = check(EX, torch.tensor(x1.grad))", P, None),
    ("inplace.saved_tensor", "data_trick",  # .data dodges the version check: exp's saved
     SAVED + "ye = xe.exp()\nye.data += 1\n(ye * ce).sum().backward()\n"  # output is wrong
     "result = check(EX, xe.grad)", F, None),
    ("training.gradients", "correct",
     TRAIN + "loss = ((w * x + b - y_true) ** 2).mean()\nloss.backward()\n"
     "result = check(EX, (w.grad.item(), b.grad.item()))", P, None),
    ("training.gradients", "correct",  # integer data
     TRAIN + "loss = ((w * x.long() + b - y_true.long()) ** 2).mean()\nloss.backward()\n"
     "result = check(EX, [w.grad.item(), b.grad.item()])", P, None),
    ("training.gradients", "not_a_pair",  # stacked, transposed
     TRAIN + "loss = ((w * x + b - y_true) ** 2).mean()\nloss.backward()\n"
     "result = check(EX, torch.stack([w.grad, b.grad]).T)", F, "wrong_type"),
]
