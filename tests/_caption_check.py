"""Hold the animation's captions, as a student reads them, to PyTorch's numbers.

`Oracle(build)` builds one graph of tests/browser_nb/graphs_src.py with PyTorch and knows, by
the names the pictures use, every tensor's value, the gradient of the output with respect to
it (``∂out/∂t``), what ``.grad`` holds after ``backward()``, and what each op's own backward
(PyTorch's ``grad_fn``, called directly) sends to each input: the contribution of one edge.

`problems(captions, oracle)` reads the captions of every step in order, parses the numbers in
them and returns what disagrees with PyTorch (an empty list when everything agrees): the
inputs and forward values; per backward step the upstream gradient ``∂out/∂c``, the product
written out (``1 · 3 = 3``), the edge's contribution, the running sum and what ``.grad`` is
said to hold; at the end, every gradient that backward computes.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np

NUM = r"-?(?:\d+(?:\.\d*)?(?:e[-+]?\d+)?|inf|nan)"
NAME = r"[\w\[\].]+(?:\(\))?"
_SUMMARY = re.compile(r"an? (?:(?P<shape>\d+(?:×\d+)*)|(?P<n>\d+)-element) tensor "
                      rf"\((?:all (?P<all>{NUM})|min (?P<min>{NUM}), max (?P<max>{NUM}))\)")
RTOL, ATOL = 1e-3, 1e-4  # the captions print 4 significant digits


class Summary:
    """``a 4×3 tensor (min -1, max 2.5)``: shape and range of a tensor too big to print."""

    def __init__(self, m: re.Match) -> None:
        self.shape = (int(m["n"]),) if m["n"] else tuple(int(d) for d in m["shape"].split("×"))
        lo = m["all"] if m["all"] is not None else m["min"]
        hi = m["all"] if m["all"] is not None else m["max"]
        self.lo, self.hi = float(lo), float(hi)

    def __repr__(self) -> str:
        return f"Summary({self.shape}, {self.lo}, {self.hi})"


Value = Any  # an ndarray or a Summary


def take_value(s: str) -> Tuple[Optional[Value], str]:
    """The value written at the start of `s` and the rest of `s`; (None, s) if there is none."""
    m = _SUMMARY.match(s)
    if m:
        return Summary(m), s[m.end():]
    if s.startswith("["):
        depth = 0
        for k, ch in enumerate(s):
            depth += {"[": 1, "]": -1}.get(ch, 0)
            if depth == 0:
                return np.array(json.loads(s[:k + 1]), dtype=float), s[k + 1:]
    m = re.match(NUM, s)
    if m:
        return np.array(float(m.group())), s[m.end():]
    return None, s


def value(s: str) -> Value:
    """The one value `s` consists of."""
    v, rest = take_value(s.strip())
    if v is None or rest.strip():
        raise ValueError(f"not one value: {s!r}")
    return v


def close(got: Value, want: np.ndarray) -> bool:
    """Whether a caption's value is PyTorch's `want` (to the 4 digits printed)."""
    want = np.asarray(want, dtype=float)
    if isinstance(got, Summary):
        return (got.shape == want.shape and np.isclose(got.lo, want.min(), RTOL, ATOL)
                and np.isclose(got.hi, want.max(), RTOL, ATOL))
    return got.size == want.size and bool(np.allclose(got.ravel(), want.ravel(), RTOL, ATOL))


class Oracle:
    """One graph of graphs_src built with PyTorch, and all its numbers by name."""

    def __init__(self, build: Callable, output: str) -> None:
        import torch

        named, hidden = build(torch)
        self.tensors = {k: v for k, v in {**named, **hidden}.items()
                        if isinstance(v, torch.Tensor)}
        self.output = output
        out = self.tensors[output]
        self.values = {k: t.detach().numpy() for k, t in self.tensors.items()}
        needs = [k for k, t in self.tensors.items() if t.requires_grad]
        grads = torch.autograd.grad(out, [self.tensors[k] for k in needs],
                                    retain_graph=True, allow_unused=True)
        # ∂out/∂t for every tensor the gradient reaches
        self.totals = {k: g.numpy() for k, g in zip(needs, grads) if g is not None}
        # what .grad holds after backward(): leaves that require grad
        self.grad_attr = {k for k in self.totals if self.tensors[k].is_leaf}
        self._torch = torch

    def edge(self, consumer: str, inp: str) -> List[np.ndarray]:
        """What the backward of `consumer`'s op sends to `inp`, per input slot it fills (PyTorch's
        grad_fn called on ∂out/∂consumer; a transpose PyTorch records in between is applied)."""
        torch = self._torch
        c, g = self.tensors[consumer], self.tensors[inp]
        node = g.grad_fn if g.grad_fn is not None else None

        def reaches(fn: Any, grad: Any) -> Optional[np.ndarray]:
            if fn is None or grad is None:
                return None
            if fn is node or getattr(fn, "variable", None) is g:
                return _sum_to(grad.detach().numpy(), tuple(g.shape))
            if fn.name() == "TBackward0":  # linear's W.t(): fused into one op by autograd_tutor
                up = fn(grad)
                return reaches(fn.next_functions[0][0], up[0] if isinstance(up, tuple) else up)
            return None

        with torch.no_grad():
            upstream = torch.tensor(self.totals[consumer])
            sent = c.grad_fn(upstream)
        sent = sent if isinstance(sent, tuple) else (sent,)
        out = [reaches(fn, s) for (fn, _), s in zip(c.grad_fn.next_functions, sent)]
        return [o for o in out if o is not None]


def _sum_to(a: np.ndarray, shape: Tuple[int, ...]) -> np.ndarray:
    """`a` summed down to `shape`, as PyTorch's engine does with a broadcast input's gradient."""
    lead = a.ndim - len(shape)
    a = a.sum(axis=tuple(range(lead))) if lead > 0 else a
    dims = tuple(k for k, (s, n) in enumerate(zip(shape, a.shape)) if s == 1 and n != 1)
    return a.sum(axis=dims, keepdims=True) if dims else a


def _derivatives(text: str, out: str) -> List[str]:
    """Names `t` of every ``∂out/∂t`` in `text`, in order."""
    return re.findall(re.escape(f"∂{out}/∂") + f"({NAME})", text)


def problems(captions: List[str], oracle: Oracle) -> List[str]:
    """Everything in `captions` (one per step, in order) that disagrees with PyTorch."""
    out = oracle.output
    bad: List[str] = []
    running: Dict[str, np.ndarray] = {}
    terms: Dict[str, List[np.ndarray]] = {}
    pair_sums: Dict[Tuple[str, str], np.ndarray] = {}
    claimed: Dict[str, np.ndarray] = {}

    def check(step: int, what: str, got: Value, want: Optional[np.ndarray]) -> None:
        if want is None:
            bad.append(f"step {step}: {what}: PyTorch has no such value (caption says {got})")
        elif not close(got, want):
            bad.append(f"step {step}: {what} is {got} in the caption, "
                       f"PyTorch: {np.round(want, 5).tolist()}")

    def known(step: int, name: str, table: Dict[str, np.ndarray]) -> Optional[np.ndarray]:
        if name not in oracle.tensors:
            bad.append(f"step {step}: the caption names {name!r}, which the oracle lacks")
            return None
        return table.get(name)

    for step, text in enumerate(captions, 1):
        if text.startswith("Inputs: "):
            for part in text[len("Inputs: "):].split("; "):
                if part == "constants only":
                    continue
                name, rest = part.split(" = ", 1)
                got, _ = take_value(rest)
                check(step, f"input {name}", got, known(step, name, oracle.values))
            continue
        if "∂" not in text:  # forward: `name = ... = value`, or a cut's `s = 6, computed ...`
            name = text.split(" = ", 1)[0]
            written = text.split(", computed from", 1)[0].rsplit(" = ", 1)[1]
            check(step, f"forward value of {name}", value(written),
                  known(step, name, oracle.values))
            continue
        main, _, note = text.partition("  (")
        main, _, total = main.partition("; ")
        names = _derivatives(main, out)
        g = names[0]
        got = value(main.rsplit(" = ", 1)[1])
        if len(names) == 1:  # ∂out/∂out = 1: where backward starts
            check(step, f"the seed ∂{out}/∂{out}", got, np.ones_like(oracle.values[out]))
            continue
        c = names[1]
        upstream = _upstream(main)
        if upstream is not None:
            check(step, f"upstream ∂{out}/∂{c}", upstream, known(step, c, oracle.totals))
        product = _product_problem(main, got)
        if product:
            bad.append(f"step {step}: {product}")
        slots = oracle.edge(c, g) if c in oracle.tensors and g in oracle.tensors else []
        if not slots:
            bad.append(f"step {step}: PyTorch sends no gradient from {c} to {g}")
            continue
        ordinal = re.search(r"\((\d)(?:st|nd|rd|th) input", main)
        if ordinal is None and len(slots) == 1:
            check(step, f"the contribution from {c} to {g}", got, slots[0])
        elif ordinal is not None:  # which use of g in c's op: its own slot
            check(step, f"the contribution from {c} to {g} ({ordinal.group()[1:]})", got,
                  slots[int(ordinal.group(1)) - 1] if int(ordinal.group(1)) <= len(slots)
                  else None)
        contribution = got if not isinstance(got, Summary) else sum(slots)
        contribution = np.asarray(contribution, dtype=float).reshape(
            np.shape(oracle.values[g]) if np.size(contribution) == np.size(oracle.values[g])
            else np.shape(contribution))
        pair_sums[(c, g)] = pair_sums.get((c, g), 0) + contribution
        terms.setdefault(g, []).append(contribution)
        running[g] = running.get(g, 0) + contribution
        if total:
            written = total.split(f"∂{out}/∂{g} = ", 1)[1]
            parts = written.split(" = ")
            if not parts[0].startswith("the sum of"):
                listed = [value(t) for t in parts[0].split(" + ")]
                for k, (t, want) in enumerate(zip(listed, terms[g])):
                    check(step, f"term {k + 1} of the sum for {g}", t, want)
            check(step, f"the running sum ∂{out}/∂{g}", value(parts[-1]), running[g])
        said = re.match(rf"({NAME})\.grad = ", total or main)
        if said:
            if said.group(1) != g:
                bad.append(f"step {step}: {said.group(1)}.grad is said while the step is on {g}")
            elif g not in oracle.grad_attr:
                bad.append(f"step {step}: {g}.grad is given a value, PyTorch leaves it None")
            else:
                final = value((total or main).rsplit(" = ", 1)[1])
                check(step, f"{g}.grad", final, oracle.totals[g])
                claimed[g] = final
    for (c, g), s in pair_sums.items():
        slots = oracle.edge(c, g)
        if slots and not close(np.asarray(s), sum(slots)):
            bad.append(f"the contributions from {c} to {g} add up to {s}, PyTorch: {sum(slots)}")
    for g, want in oracle.totals.items():
        if g != out and g in running and not close(np.asarray(running[g]), want):
            bad.append(f"the gradients reaching {g} add up to {running[g]}, PyTorch: {want}")
    if captions and any("∂" in t for t in captions):
        missing = oracle.grad_attr - set(claimed)
        if missing:
            bad.append(f"no step says what .grad holds for {sorted(missing)}")
    return bad


def _upstream(main: str) -> Optional[Value]:
    """The first factor of a product written out in numbers (``1 · 3``, ``Σ u ⊙ l``)."""
    for seg in main.split(" = ")[1:]:
        seg = seg[2:] if seg.startswith("Σ ") else seg
        a, rest = take_value(seg)
        if a is not None and rest[:3] in (" · ", " ⊙ "):
            return a
    return None


def _product_problem(main: str, result: Value) -> Optional[str]:
    """A product written out (``u · l = v``, ``u ⊙ l = v``, ``Σ u ⊙ l = v``) whose arithmetic is
    wrong, else None."""
    for seg in main.split(" = ")[1:]:
        summed = seg.startswith("Σ ")
        a, rest = take_value(seg[2:] if summed else seg)
        if a is None or rest[:3] not in (" · ", " ⊙ "):
            continue
        b, rest = take_value(rest[3:])
        if b is None or rest or isinstance(a, Summary) or isinstance(b, Summary) \
                or isinstance(result, Summary):
            return None
        product = np.asarray(a) * np.asarray(b)
        if summed:
            ok = np.isclose(product.sum(), np.sum(result), RTOL, ATOL)
        else:
            ok = close(np.asarray(result), product) if product.size == np.size(result) else \
                close(np.asarray(result), product.reshape(np.shape(result)))
        return None if ok else f"{seg} is not {result}"
    return None
