"""Save a stepped view (an animation or a training view) as HTML, GIF or PNG.

The HTML page is self-contained: every frame's picture is inlined and a few lines of plain
JavaScript step through them, so it opens offline, in slides, or attached to an e-mail. Like
the widget, it keeps the controls and the caption above a picture box that scrolls on its
own (brought to the current node at each step), announces each step to screen readers, and
follows the system's light or dark preference.
"""

from __future__ import annotations

import html
import io
import json
import os
from typing import TYPE_CHECKING, Sequence, Union

if TYPE_CHECKING:
    from .widget import _Stepper

PathLike = Union[str, "os.PathLike[str]"]

# Shared with the widget (widget.py imports them from here: export never imports widget).
KEYS = ("Keyboard: Tab to the controls; Enter or Space presses a button; on the step "
        "slider, ← and → move one step, Home and End go to the first and the last step; "
        "on the picture, the arrow keys scroll it.")

# Plain JavaScript, run with `this` = an <img> inside a view (.ag-view) or the exported page.
VIEW_JS = (
    "var v=this.closest('.ag-view');if(!v)return;"
    "var n=['play','pause','stop','repeat'];"
    "v.querySelectorAll('.widget-play button').forEach(function(b,k){"
    "if(!b.getAttribute('aria-label')){b.setAttribute('aria-label',n[k]||'play');"
    "b.title=n[k]||'play';}});"
    # ipywidgets 7's jQuery UI handle has no role: make it a slider with its values
    "var u=(v.querySelector('.ag-counter')||{}).textContent||'';u=u.match(/(\\d+) \\/ (\\d+)/);"
    "v.querySelectorAll('.ui-slider-handle').forEach(function(h){h.setAttribute('role','slider');"
    "if(u){h.setAttribute('aria-valuemin','1');h.setAttribute('aria-valuemax',u[2]);"
    "h.setAttribute('aria-valuenow',u[1]);}});"
    "v.querySelectorAll('.noUi-handle,.ui-slider-handle,[role=slider]').forEach(function(h){"
    "h.setAttribute('aria-label','step');});"
    "var l=v.querySelector('.ag-live');if(l){l.setAttribute('aria-live','polite');"
    "l.setAttribute('role','status');}"
    "var p=v.querySelector('.ag-picture');if(!p)return;"
    "if(!p.hasAttribute('tabindex')){p.tabIndex=0;p.setAttribute('role','region');"
    "p.setAttribute('aria-label','picture of the step (scrolls)');}"
    "var c=p.querySelector('.ag-current');if(!c)return;"
    # the part of the box that can be seen: clipped by the notebook's scrollers and the window
    "var a=p.getBoundingClientRect(),T=Math.max(a.top,0),B=Math.min(a.top+p.clientHeight,"
    "innerHeight),L=Math.max(a.left,0),R=Math.min(a.left+p.clientWidth,innerWidth);"
    "for(var e=p.parentElement;e&&e!==document.body;e=e.parentElement){"
    "var s=getComputedStyle(e),q=e.getBoundingClientRect(),k=/auto|scroll|hidden|clip/;"
    "if(k.test(s.overflowY)){T=Math.max(T,q.top);B=Math.min(B,q.top+e.clientHeight);}"
    "if(k.test(s.overflowX)){L=Math.max(L,q.left);R=Math.min(R,q.left+e.clientWidth);}}"
    "var r=c.getBoundingClientRect(),m=12;"
    "if(r.left<L+m||r.width+2*m>R-L)p.scrollLeft+=r.left-L-m;"
    "else if(r.right>R-m)p.scrollLeft+=r.right-R+m;"
    "if(r.top<T+m||r.height+2*m>B-T)p.scrollTop+=r.top-T-m;"
    "else if(r.bottom>B-m)p.scrollTop+=r.bottom-B+m;"
)

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
       margin: 1.5em; color: #1f2937; background: #ffffff; }}
@media (prefers-color-scheme: dark) {{
  body {{ color: #f3f4f6; background: #111111; }}
  button, select {{ color: #f3f4f6; background: #374151; border: 1px solid #9ca3af; }}
}}
.keys {{ font-size: .9em; }}
#caption [style*=color] {{ color: inherit !important; }}
.ag-live {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
           white-space: nowrap; }}
h1 {{ font-size: 1.2em; font-weight: 600; }}
.controls {{ display: flex; gap: .4em; align-items: center; flex-wrap: wrap; margin: .5em 0; }}
.controls button {{ font-size: 1em; padding: .25em .7em; cursor: pointer; }}
.controls input[type=range] {{ width: 16em; }}
#picture {{ overflow: auto; max-width: 100%; max-height: 70vh; }}
#picture img {{ max-width: none; }}
#caption {{ margin-top: .5em; min-height: 4em; }}
</style>
</head>
<body>
<main class="ag-view">
<h1>{title}</h1>
<p class="keys">{keys}</p>
<div class="controls">
<button id="start" title="back to start">&#xAB; start</button>
<button id="prev" title="previous step">&#x25C0; prev</button>
<button id="play" title="play / pause">&#x25B6; play</button>
<button id="next" title="next step">next &#x25B6;</button>
<input id="slider" type="range" min="0" max="{last}" value="0" aria-label="step">
<span id="counter"></span>
<label>speed <select id="speed">
<option value="{slow}">slow</option><option value="{normal}" selected>normal</option>
<option value="{fast}">fast</option></select></label>
</div>
<div id="caption"></div>
<div id="live" class="ag-live" role="status" aria-live="polite"></div>
<div id="picture" class="ag-picture" tabindex="0" aria-label="picture of the step"></div>
</main>
<script>
const FRAMES = {frames};
let i = 0, timer = null;
const $ = (id) => document.getElementById(id);
function show(k) {{
  i = Math.max(0, Math.min(FRAMES.length - 1, k));
  $("picture").innerHTML = FRAMES[i][0];
  $("caption").innerHTML = FRAMES[i][1];
  $("slider").value = i;
  $("counter").textContent = "step " + (i + 1) + " / " + FRAMES.length;
  $("live").textContent = "step " + (i + 1) + " of " + FRAMES.length + ": " + FRAMES[i][2];
  (function () {{ {view_js} }}).call($("picture"));
}}
function pause() {{ clearInterval(timer); timer = null; $("play").innerHTML = "&#x25B6; play"; }}
function play() {{
  if (i >= FRAMES.length - 1) show(0);
  $("play").innerHTML = "&#x275A;&#x275A; pause";
  timer = setInterval(() => {{ if (i >= FRAMES.length - 1) pause(); else show(i + 1); }},
                      Number($("speed").value));
}}
$("play").onclick = () => (timer ? pause() : play());
$("prev").onclick = () => show(i - 1);
$("next").onclick = () => show(i + 1);
$("start").onclick = () => {{ pause(); show(0); }};
$("slider").oninput = () => show(Number($("slider").value));
$("speed").onchange = () => {{ if (timer) {{ pause(); play(); }} }};
show(0);
</script>
</body>
</html>
"""


def html_page(pictures: Sequence[str], captions: Sequence[str], sentences: Sequence[str],
              title: str, interval: int) -> str:
    """One HTML page stepping through ``pictures`` (HTML markup) with their ``captions`` and
    the plain ``sentences`` read out to screen readers."""
    frames = json.dumps([list(f) for f in zip(pictures, captions, sentences)],
                        ensure_ascii=False)
    return _PAGE.format(
        title=html.escape(title),
        keys=html.escape(KEYS),
        view_js=VIEW_JS,
        last=len(pictures) - 1,
        # "</" would end the <script> element early when a frame holds markup
        frames=frames.replace("</", "<\\/"),
        slow=interval * 2,
        normal=interval,
        fast=max(interval // 2, 1),
    )


def save(view: _Stepper, path: PathLike) -> None:
    """Write ``view`` to ``path``; the extension picks the format.

    ``.html`` — a self-contained page with every step and prev/next/play controls;
    ``.gif`` — every step as one frame of an animated GIF;
    ``.png`` — the step currently shown.
    """
    ext = os.path.splitext(os.fspath(path))[1].lower()
    if ext in (".html", ".htm"):
        n = len(view.frames)
        page = html_page(
            [view._picture(i) for i in range(n)],
            [view._caption(i) for i in range(n)],
            [view._sentence(i) for i in range(n)],
            view._title(),
            view.play.interval,
        )
        with open(path, "w", encoding="utf-8") as f:
            f.write(page)
    elif ext == ".gif":
        _save_gif(path, [view._png(i) for i in range(len(view.frames))], view.play.interval)
    elif ext == ".png":
        with open(path, "wb") as f:
            f.write(view._png(view.index, scale=2.0))
    else:
        raise ValueError(
            f"cannot save to {os.fspath(path)!r}: unknown extension {ext!r}. "
            "Use a name ending in .html, .gif or .png."
        )


def _save_gif(path: PathLike, pngs: Sequence[bytes], interval: int) -> None:
    from PIL import Image

    images = [Image.open(io.BytesIO(p)).convert("RGBA") for p in pngs]
    # every frame must have the same size: paste each onto a white canvas of the largest
    width = max(im.width for im in images)
    height = max(im.height for im in images)
    frames = []
    for im in images:
        canvas = Image.new("RGB", (width, height), "white")
        canvas.paste(im, (0, 0), im)
        frames.append(canvas)
    frames[0].save(
        path, save_all=True, append_images=frames[1:], duration=interval, loop=0, optimize=False
    )
