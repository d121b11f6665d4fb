"""PNG pictures of ARC tasks (Pillow): train pairs, test inputs, the attempts with ✓/✗ verdicts, the expected output."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from .grid import ArcTask, Grid

# The standard ARC palette (colours 0..9), as used by the ARC Prize viewer.
PALETTE: list[tuple[int, int, int]] = [
    (0x00, 0x00, 0x00), (0x00, 0x74, 0xD9), (0xFF, 0x41, 0x36), (0x2E, 0xCC, 0x40), (0xFF, 0xDC, 0x00),
    (0xAA, 0xAA, 0xAA), (0xF0, 0x12, 0xBE), (0xFF, 0x85, 0x1B), (0x7F, 0xDB, 0xFF), (0x87, 0x0C, 0x25),
]
LINE = (0x55, 0x55, 0x55)
BACKGROUND = (0xFF, 0xFF, 0xFF)
TEXT = (0x22, 0x22, 0x22)
GOOD = (0x1E, 0xA0, 0x3C)
BAD = (0xD0, 0x20, 0x20)
_LINE_INDEX = 10


def cell_size(grid: Grid, max_px: int = 240) -> int:
    """Pixels per cell so that the larger side fits in about max_px (between 4 and 20)."""
    return int(max(4, min(20, max_px // max(grid.shape))))


def grid_image(grid: Grid, cell: int | None = None) -> Image.Image:
    """A palette image of the grid, one cell = `cell` px square, with 1 px grid lines."""
    cell = cell or cell_size(grid)
    g = np.asarray(grid, dtype=np.uint8)
    h, w = g.shape
    img = np.full((h * cell + 1, w * cell + 1), _LINE_INDEX, dtype=np.uint8)
    block = np.kron(g, np.ones((cell, cell), dtype=np.uint8))
    mask = np.ones((cell, cell), dtype=bool)
    mask[0, :] = mask[:, 0] = False
    inner = np.kron(np.ones((h, w), dtype=bool), mask)
    region = img[: h * cell, : w * cell]
    region[inner] = block[inner]
    out = Image.fromarray(img, mode="P")
    flat = [c for rgb in [*PALETTE, LINE] for c in rgb]
    out.putpalette(flat + [0] * (768 - len(flat)))
    return out


def grid_png_b64(grid: Grid, cell: int | None = None) -> str:
    """The grid as a base64 PNG (for <img src="data:image/png;base64,...">)."""
    buf = io.BytesIO()
    grid_image(grid, cell).save(buf, format="PNG", optimize=True)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _mark(draw: ImageDraw.ImageDraw, x: int, y: int, ok: bool, size: int = 14) -> None:
    """A drawn ✓ (green) or ✗ (red); drawn as lines so no font glyph is needed."""
    if ok:
        draw.line([(x, y + size * 0.55), (x + size * 0.4, y + size), (x + size, y)], fill=GOOD, width=3)
    else:
        draw.line([(x, y), (x + size, y + size)], fill=BAD, width=3)
        draw.line([(x, y + size), (x + size, y)], fill=BAD, width=3)


def task_image(
    task: ArcTask,
    attempts: Sequence[Sequence[Grid]] | None = None,
    correct: Sequence[bool | None] | None = None,
    max_cell_px: int = 200,
) -> Image.Image:
    """One picture: a row per train pair (input → output), then a row per test input with its attempts
    (✓ / ✗ when the expected output is known) and the expected output."""
    pad, label_h = 12, 16
    rows: list[list[tuple[str, Image.Image, bool | None]]] = []
    for k, (i, o) in enumerate(task.train):
        rows.append([(f"train {k + 1} in", grid_image(i, cell_size(i, max_cell_px)), None),
                     ("out", grid_image(o, cell_size(o, max_cell_px)), None)])
    for k, (i, expected) in enumerate(task.test):
        row = [(f"test {k + 1} in", grid_image(i, cell_size(i, max_cell_px)), None)]
        tries = list(attempts[k]) if attempts is not None and k < len(attempts) else []
        for a_idx, a in enumerate(tries):
            verdict = None
            if expected is not None:
                verdict = a.shape == expected.shape and bool(np.array_equal(a, expected))
            row.append((f"attempt {a_idx + 1}", grid_image(a, cell_size(a, max_cell_px)), verdict))
        if attempts is not None and not tries:
            row.append(("no attempt", grid_image(np.zeros((1, 1), np.int8), 8), False if expected is not None else None))
        if expected is not None:
            row.append(("expected", grid_image(expected, cell_size(expected, max_cell_px)), None))
        rows.append(row)
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))

    def slot(label: str, im: Image.Image) -> int:
        return max(im.width, int(measure.textlength(label)) + 20)

    width = max(sum(slot(label, im) + pad for label, im, _ in row) + pad for row in rows)
    width = max(width, 260)
    height = pad + sum(label_h + max(im.height for _, im, _ in row) + pad for row in rows)
    header = 22
    canvas = Image.new("RGB", (width, height + header), BACKGROUND)
    draw = ImageDraw.Draw(canvas)
    title = f"{task.id}"
    if correct is not None and all(c is not None for c in correct) and correct:
        title += "  solved" if all(correct) else f"  {sum(bool(c) for c in correct)}/{len(correct)} outputs right"
    draw.text((pad, 5), title, fill=TEXT)
    y = header + pad
    for row in rows:
        x = pad
        for label, im, verdict in row:
            draw.text((x, y), label, fill=TEXT)
            if verdict is not None:
                _mark(draw, x + int(draw.textlength(label)) + 5, y + 1, verdict, size=11)
            canvas.paste(im.convert("RGB"), (x, y + label_h))
            x += slot(label, im) + pad
        y += label_h + max(im.height for _, im, _ in row) + pad
    return canvas


def save_task_png(
    task: ArcTask,
    path: str | Path,
    attempts: Sequence[Sequence[Grid]] | None = None,
    correct: Sequence[bool | None] | None = None,
) -> Path:
    """Write `task_image(...)` as a PNG file and return its path."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    task_image(task, attempts, correct).save(p, format="PNG", optimize=True)
    return p
