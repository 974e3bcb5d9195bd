"""The animate() widget, driven headless the way a frontend drives it (ipywidgets 7 and 8)."""

import pytest
from _helpers import seed_example

import autograd_tutor as at
from autograd_tutor.viz.widget import Animation, animate

VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture
def seed():
    n = seed_example(at)
    return n["x"], n["y"], n["z"]


def make(seed):
    x, y, z = seed
    return animate(z)  # names come from this frame's locals


def test_slider_changes_highlight_and_narration(seed):
    anim = make(seed)
    assert isinstance(anim, Animation)
    seen = set()
    for k in range(len(anim.frames)):
        anim.slider.value = k
        assert anim.index == k and anim.play.value == k
        assert anim.caption.value == anim.frames[k].html
        assert anim.picture.value.startswith("<svg") or "<svg" in anim.picture.value
        seen.add((anim.caption.value, anim.picture.value))
    assert len(seen) == len(anim.frames)
    highlights = [f.state.highlight for f in anim.frames]
    labels = {g.id: g.label for g in anim.graph.nodes}
    assert labels[highlights[1]] == "y" and labels[highlights[-1]] == "x"


def test_numbers_are_the_engines(seed):
    anim = make(seed)
    anim.step(len(anim.frames) - 1)
    assert "∂z/∂x = ∂z/∂y · ∂y/∂x = 2 · 4 = 8" in anim.caption.value
    forward = [f.text for f in anim.frames if f.phase == "forward"]
    assert forward[-1].endswith("= 11")


def test_buttons(seed):
    anim = make(seed)
    first = anim.caption.value
    assert not anim.prev_button.disabled  # a no-op at the start: focus stays on it
    anim.prev_button.click()
    assert anim.index == 0
    anim.next_button.click()
    assert anim.index == 1 and anim.slider.value == 1 and anim.play.value == 1
    assert anim.caption.value != first
    anim.next_button.click()
    anim.prev_button.click()
    assert anim.index == 1
    anim.reset_button.click()
    assert anim.index == 0 and anim.caption.value == first
    anim.step(10**6)
    assert anim.index == len(anim.frames) - 1 and not anim.next_button.disabled
    anim.next()
    assert anim.index == len(anim.frames) - 1


def test_play_drives_the_slider(seed):
    """The Play widget's timer runs in the browser; each tick arrives as a value change."""
    anim = make(seed)
    captions = []
    for k in range(1, len(anim.frames)):
        anim.play.value = k
        assert anim.slider.value == k and anim.index == k
        captions.append(anim.caption.value)
    assert len(set(captions)) == len(captions)


def test_speed_sets_play_interval(seed):
    anim = make(seed)
    assert anim.play.interval == 800
    slow = dict(anim.speed.options)["slow"]
    anim.speed.value = slow
    assert anim.play.interval == slow == 1600


def test_mimebundle_has_widget_and_static_fallback(seed):
    anim = make(seed)
    bundle = anim._repr_mimebundle_()
    assert bundle[VIEW]["model_id"] == anim.widget.model_id
    assert bundle[VIEW]["version_major"] == 2
    # the static picture is an image (sanitizers drop inline SVG), with every step listed
    assert 'src="data:image/svg+xml;base64,' in bundle["text/html"]
    assert "2 · 4 = 8" in bundle["text/html"]
    assert "∂z/∂x = ∂z/∂y · ∂y/∂x = 2 · 4 = 8" in bundle["text/plain"]
    # deterministic: the same code gives the same static text (what nbval compares)
    again = make(seed)._repr_mimebundle_()
    assert again["text/html"] == bundle["text/html"]
    assert again["text/plain"] == bundle["text/plain"]


def test_user_tensors_untouched(seed):
    x, y, z = seed
    assert x.grad is None
    anim = animate(z)
    for k in range(len(anim.frames)):
        anim.step(k)
    assert x.grad is None
    z.backward()
    anim = animate(z)
    anim.step(len(anim.frames) - 1)
    assert x.grad.tolist() == [8.0]
    assert "= 8" in anim.caption.value


def test_names_from_callers_scope():
    a = at.tensor([3.0], requires_grad=True)
    b = a * a
    anim = animate(b)
    assert {g.label for g in anim.graph.nodes} == {"a", "b"}
    anim = animate(b, names={"u": a, "v": b})
    assert {g.label for g in anim.graph.nodes} == {"u", "v"}


def test_public_api():
    from autograd_tutor import viz

    assert viz.animate is animate


def test_accessible_structure(seed):
    anim = make(seed)
    view = anim.widget
    assert "ag-view" in view._dom_classes
    keys = [w for w in view.children if "ag-keys" in w._dom_classes][0]
    assert "Keyboard" in keys.value and "Home" in keys.value
    assert "aria-label" in widget_js() and "scrollTop" in widget_js()
    anim.step(1)
    assert anim.live.value.startswith("step 2 of ") and "y = x ** 2" in anim.live.value
    assert "ag-live" in anim.live._dom_classes
    # the picture scrolls in its own box, below the controls and the caption
    assert view.children.index(anim.picture) == len(view.children) - 1
    assert anim.picture.layout.overflow == "auto" and anim.picture.layout.max_height
    assert 'class="ag-current"' in anim.picture.value and "onload=" in anim.picture.value
    for b in (anim.reset_button, anim.prev_button, anim.next_button):
        assert b.description.strip() and b.tooltip


def widget_js() -> str:
    from autograd_tutor.viz.widget import VIEW_JS

    return VIEW_JS
