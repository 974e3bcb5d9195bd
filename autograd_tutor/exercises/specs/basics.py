"""01_requires_grad: tensors that track gradients, and a first backward()."""

from .._diagnosis import Tolerance
from .._spec import Exercise, register
from ._common import a64, custom, fd_vjp, tensor_verdict

NB = "01_requires_grad"
X = 3.0  # not 2.0: at x = 2, x**2 and its derivative 2*x are both 4
XV, V = a64(1.0, -2.0, 0.5), a64(0.5, -1.5, 2.0)


def _z(x):
    return 2 * x**2 + 3


register(
    Exercise(
        id="basics.requires_grad", notebook=NB, title="A tensor that tracks gradients",
        judge=lambda obs: tensor_verdict(
            obs, a64(1.5, -0.5), requires_grad=True, is_leaf=True, tolerance=Tolerance(),
            flag_mistakes={(False, True): "no_requires_grad", (True, False): "not_a_leaf"}),
        custom=dict([
            custom("no_requires_grad", "requires_grad not set",
                   "Your tensor does not track gradients: requires_grad is False (it was never "
                   "set, or .detach() made a copy that does not track).",
                   "Set requires_grad when you create the tensor, and do not detach it "
                   "afterwards."),
            custom("not_a_leaf", "not a leaf",
                   "Your tensor tracks gradients but it is not a leaf: it was computed by an "
                   "operation from another tensor.",
                   "Create w directly with torch.tensor, with no operation applied "
                   "afterwards."),
        ]),
        hints=("Concept: a tensor tracks gradients when its requires_grad flag is True.",
               "Method: torch.tensor takes a keyword argument that sets that flag when the "
               "tensor is created.",
               "Close to code: create w from the list [1.5, -0.5] with the flag set at "
               "creation, and apply no operation afterwards (so it stays a leaf)."),
    ),
    Exercise(
        id="basics.first_backward", notebook=NB, title="A first backward()",
        expected=lambda: fd_vjp(_z, a64(X)),
        alternates=lambda: {"value_not_grad": [a64(_z(X)), a64(X**2)],
                            "missing_upstream": [a64(2 * X)],
                            "wrong_point": [fd_vjp(_z, a64(2.0))]},
        diagnoses=("accumulated", "value_not_grad", "missing_upstream", "wrong_point"),
        misconception_hints={"missing_upstream": (
            "z = 2*y + 3, so dz/dy = 2 multiplies dy/dx = 2x.",)},
        hints=("Concept: z.backward() computes dz/dx and stores it in x.grad.",
               "Method: build y and z from x as in the task, call backward() on z once, then "
               "read the gradient from x.",
               "Close to code: pass x.grad (not x, not z). By hand, dz/dx = dz/dy * dy/dx."),
    ),
    Exercise(
        id="basics.vector_backward", notebook=NB, title="backward() with a gradient= argument",
        expected=lambda: fd_vjp(lambda x: x**3, XV, V),
        alternates=lambda: {"missing_upstream": [fd_vjp(lambda x: x**3, XV)],
                            "value_not_grad": [XV**3, XV**3 * V]},
        diagnoses=("accumulated", "value_not_grad", "missing_upstream", "missing_factor"),
        factors=(1 / 3,),  # d(x**3)/dx written as x**2: the exponent 3 went missing
        misconception_hints={"missing_upstream": (
            "y.backward(gradient=v) computes v * dy/dx: pass the v given in the task, "
            "not torch.ones_like(y).",)},
        hints=("Concept: for a vector output, backward needs the upstream gradient v; "
               "autograd then computes v * dy/dx.",
               "Method: call backward on ys with the keyword argument gradient= set to the v "
               "of the task (not ones).",
               "Close to code: after that one call, pass xs.grad (not ys, not xs)."),
    ),
)
