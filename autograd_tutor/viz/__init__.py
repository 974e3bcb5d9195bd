"""See autograd work: draw the graph behind a tensor, animate the passes through it.

`import autograd_tutor` does not import this package; `from autograd_tutor import viz` does.
"""

from .draw import draw
from .training import Recorder, train, training
from .widget import animate

__all__ = ["Recorder", "animate", "draw", "train", "training"]
