"""``python -m autograd_tutor ...`` is the same as the ``autograd-tutor`` command."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
