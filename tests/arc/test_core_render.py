"""Pictures (PNG) and the HTML report."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
from PIL import Image

from synthloop.arc.dataset import load_task
from synthloop.arc.grid import as_grid, to_list
from synthloop.arc.outcome import TaskResult
from synthloop.arc.render import PALETTE, grid_image, grid_png_b64, save_task_png, task_image
from synthloop.arc.report import write_report


def test_grid_image_uses_the_arc_palette_cell_by_cell():
    g = as_grid([[0, 1, 2], [3, 4, 9]])
    img = grid_image(g, cell=10).convert("RGB")
    assert img.size == (31, 21)
    for (r, c), v in np.ndenumerate(np.asarray(g)):
        assert img.getpixel((c * 10 + 5, r * 10 + 5)) == PALETTE[v]
    back = Image.open(io.BytesIO(base64.b64decode(grid_png_b64(g, cell=10))))
    assert back.format == "PNG" and back.size == (31, 21)


def test_task_png_has_train_test_attempts_and_verdict_marks(tmp_path):
    t = load_task("007bbfb7")
    expected = t.test[0][1]
    wrong = t.test[0][0]
    png = save_task_png(t, tmp_path / "x.png", [[wrong, expected]], [True])
    img = Image.open(png)
    assert img.format == "PNG"
    plain = task_image(t)  # no attempts: no attempt column, narrower
    assert img.width > plain.width and img.height == plain.height
    rgb = np.asarray(img.convert("RGB")).reshape(-1, 3)
    colours = {tuple(p) for p in rgb}
    assert (0x1E, 0xA0, 0x3C) in colours and (0xD0, 0x20, 0x20) in colours  # a ✓ and a ✗ were drawn


def test_report_has_summary_verdicts_program_and_embedded_grids(tmp_path):
    t = load_task("007bbfb7")
    res = TaskResult(task_id=t.id, n_test=1, correct=[False], solved=False,
                     attempts=[[to_list(t.test[0][0])]], attempt_programs=[["<tile & mask>"]],
                     program="tile <& mask>", description="tile the grid where it is coloured",
                     winner_source="symbolic", train_correct=4, train_total=5, n_candidates=7, cpu_s=1.25, wall_s=2.5)
    summary = {"tasks": 1, "solved": 0, "accuracy": 0.0, "load_errors": ["bad.json: not valid JSON"]}
    path = write_report(tmp_path / "report.html", [t], {t.id: res}, summary, title="ARC <eval>")
    html = path.read_text()
    assert "<title>ARC &lt;eval&gt;</title>" in html
    assert "tile &lt;&amp; mask&gt;" in html and "tile the grid where it is coloured" in html
    assert "explains 4/5 training pairs" in html and "bad.json: not valid JSON" in html
    assert 'href="#t-007bbfb7"' in html and "✗" in html and "0.0%" in html
    imgs = re.findall(r'data:image/png;base64,([A-Za-z0-9+/=]+)', html)
    assert len(imgs) == 2 * len(t.train) + 3  # train pairs, test input, one attempt, expected
    assert Image.open(io.BytesIO(base64.b64decode(imgs[0]))).format == "PNG"
