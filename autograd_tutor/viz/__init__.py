"""See autograd work: draw the graph behind a tensor, animate the passes through it.

`import autograd_tutor` does not import this package; `from autograd_tutor import viz` does.
"""

from .draw import draw

__all__ = ["draw"]
