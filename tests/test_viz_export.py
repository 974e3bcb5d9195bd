"""Saving an animation: a self-contained HTML page, a GIF, a PNG."""

import json
import re

import pytest

import autograd_tutor as at
from autograd_tutor.viz.widget import animate

PIL = pytest.importorskip("PIL.Image")


@pytest.fixture
def anim():
    x = at.tensor([2.0], requires_grad=True)
    y = x**2
    z = 2 * y + 3
    return animate(z)


def test_html_is_self_contained(anim, tmp_path):
    path = tmp_path / "backprop.html"
    anim.save(path)
    page = path.read_text(encoding="utf-8")
    # nothing is fetched: no external scripts, styles, images or fonts
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "<link" not in page
    frames = json.loads(re.search(r"const FRAMES = (.*);\n", page).group(1).replace("<\\/", "</"))
    assert len(frames) == len(anim.frames)
    assert [f[1] for f in frames] == [f.html for f in anim.frames]
    assert all("<svg" in f[0] for f in frames)
    for control in ('id="prev"', 'id="next"', 'id="play"', 'id="slider"', 'id="start"'):
        assert control in page


def test_gif_has_one_frame_per_step(anim, tmp_path):
    path = tmp_path / "backprop.gif"
    anim.save(str(path))
    with PIL.open(path) as im:
        assert im.format == "GIF"
        assert im.n_frames == len(anim.frames)
        assert im.width > 200 and im.height > 100


def test_png_is_the_current_step(anim, tmp_path):
    anim.step(3)
    anim.save(tmp_path / "step.png")
    with PIL.open(tmp_path / "step.png") as im:
        assert im.format == "PNG" and im.width > 200


def test_unknown_extension(anim, tmp_path):
    with pytest.raises(ValueError, match="Use a name ending in .html, .gif or .png"):
        anim.save(tmp_path / "x.mp4")
