"""The exercise specs, one module per student notebook (importing them registers them)."""

from . import (  # noqa: F401
    accumulation,
    basics,
    broadcasting,
    derivatives,
    functions,
    graph,
    inplace,
    no_grad,
    training,
)
