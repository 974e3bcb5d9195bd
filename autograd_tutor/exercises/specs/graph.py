"""03_graph: leaves, grad_fn, and walking the graph through next_functions.

The expected answers are read from the engine itself when the answer is judged.
"""

from .._check import kind_of
from .._spec import Exercise, Verdict, register
from ._common import custom, engine, items, node_name, strings

NB = "03_graph"


def _seed_graph():
    torch = engine()
    x = torch.tensor([2.0], requires_grad=True)
    y = x**2
    z = 2 * y + 3
    return {"x": x, "y": y, "z": z}


def _short(name):
    """PyTorch names the leaf's node "torch::autograd::AccumulateGrad"; accept both spellings."""
    return name.rsplit("::", 1)[-1]


def _walk(node):
    names = []
    while node is not None:
        names.append(_short(node.name()))
        node = next((n for n, _ in node.next_functions if n is not None), None)
    return names


def _judge_leaves(obs):
    answer = items(obs)
    if set(answer) != {"x", "y", "z"} or any(v.get("type") != "bool" for v in answer.values()):
        return Verdict(False, "wrong_type", "Answer with a dict {'x': ..., 'y': ..., 'z': ...} "
                       f"of True/False values; got {kind_of(obs)}.")
    if all(answer[k]["value"] == t.is_leaf for k, t in _seed_graph().items()):
        return Verdict(True, message="Correct!")
    return Verdict(False, "leaf_confusion")  # which ones are wrong would give the answer away


def _judge_grad_fn(obs):
    z = _seed_graph()["z"]
    name = node_name(obs)
    name = _short(name) if name is not None else None
    if name is None:
        return Verdict(False, "wrong_type", "Answer with z.grad_fn (or its name as a string); "
                       f"got {kind_of(obs)}.")
    if name == z.grad_fn.name():
        return Verdict(True, message="Correct!")
    inner = _walk(z.grad_fn)
    if name in inner[1:2]:
        return Verdict(False, "grad_fn_order")
    owners = {inner[2]: "the grad_fn of y", inner[3]: "the node of the leaf x (a leaf has no "
              "grad_fn; this node stores x.grad)"} if len(inner) > 3 else {}
    if name in owners:
        return Verdict(False, "grad_fn_of_input", f"That is {owners[name]}, not z's grad_fn.")
    return Verdict(False, None, "That is not the name of z's grad_fn.")


def _judge_walk(obs):
    names = strings(obs)
    if names is not None:
        names = [_short(n) for n in names]
    if names is None:
        return Verdict(False, "wrong_type", "Answer with a list of node names (strings); got "
                       f"{kind_of(obs)}.")
    expected = _walk(_seed_graph()["z"].grad_fn)
    if names == expected:
        return Verdict(True, message="Correct!")
    if names == expected[::-1]:
        return Verdict(False, "forward_order")
    if names == expected[:-1]:
        return Verdict(False, "leaf_node_missing")
    return Verdict(False, None, "Not quite: follow next_functions[0][0] from z.grad_fn until "
                   "a node has no next functions, and collect every .name().")


register(
    Exercise(
        id="graph.leaves", notebook=NB, title="Which tensors are leaves?", judge=_judge_leaves,
        answer_kind="a dict of True/False",
        custom=dict([custom(
            "leaf_confusion", "leaf or not",
            "Not all three are right.",
            "A leaf is a tensor you created yourself; a tensor computed by an operation has a "
            "grad_fn and is not a leaf.",
            "Check each of your three answers with t.is_leaf.")]),
        hints=("Concept: a leaf is a tensor you created directly; a tensor computed by an "
               "operation is not a leaf.",
               "Method: for each of x, y, z ask: was it created by torch.tensor, or computed "
               "from another tensor?",
               "Close to code: print t.is_leaf for each tensor and put the three values in a "
               "dict with the keys 'x', 'y', 'z'."),
    ),
    Exercise(
        id="graph.grad_fn", notebook=NB, title="The grad_fn of z", judge=_judge_grad_fn,
        answer_kind="z.grad_fn or its name",
        custom=dict([
            custom("grad_fn_order", "order of operations",
                   "That is the node of an earlier step. z = 2 * y + 3 multiplies first and "
                   "adds last; grad_fn is the operation that produced z itself.",
                   "Which operation runs last in 2 * y + 3?"),
            custom("grad_fn_of_input", "grad_fn of an input",
                   "That is the node of another tensor, not z's grad_fn.",
                   "grad_fn belongs to the tensor it produced: look at z's own attribute."),
        ]),
        hints=("Concept: grad_fn is the node of the operation that produced a tensor.",
               "Method: z's node belongs to the operation that runs last in 2 * y + 3.",
               "Close to code: print z's grad_fn in a cell to see the node and its name."),
    ),
    Exercise(
        id="graph.walk", notebook=NB, title="Walk the graph backwards", judge=_judge_walk,
        answer_kind="a list of node names",
        custom=dict([
            custom("forward_order", "forward order",
                   "You listed the right nodes in forward order; backward walks from z to x.",
                   "Start with z.grad_fn.name() and follow next_functions towards x."),
            custom("leaf_node_missing", "leaf node missing",
                   "Almost: the walk does not stop before the leaf. x has a node too.",
                   "The leaf x is represented by an AccumulateGrad node: it stores x.grad."),
        ]),
        hints=("Concept: a node's next_functions lists the nodes of its inputs, as "
               "(node, index) pairs.",
               "Method: start at z.grad_fn, move to the first node in next_functions that is "
               "not None, and record every node's .name() on the way.",
               "Close to code: a while loop that stops when there is no next node, appending "
               "node.name() to a list at each step."),
    ),
)
