"""Fitness over generations as a PNG, drawn with Pillow: one point per archived design at its generation with its
95 % CI as an error bar (seeds at generation 0), failed debug attempts in grey, and the best-so-far line."""

from __future__ import annotations

from pathlib import Path

from .archive import Archive, DesignRecord

W, H = 900, 540
LEFT, RIGHT, TOP, BOTTOM = 70, 30, 50, 60
BLUE, GREY, RED, BLACK, LIGHT = (31, 119, 180), (170, 170, 170), (214, 39, 40), (20, 20, 20), (225, 225, 225)


def _points(recs: list[DesignRecord]) -> list[tuple[DesignRecord, float, float, float]]:
    out = []
    for r in recs:
        res = r.result
        if res is not None:
            out.append((r, res.fitness.mean, res.fitness.low, res.fitness.high))
    return out


def plot_fitness(archive: Archive, path: Path, title: str = "") -> Path:
    """Draw the archive's validation fitness per generation into `path` (PNG)."""
    from PIL import Image, ImageDraw, ImageFont

    recs = archive.designs()
    pts = _points(recs)
    max_gen = max([r.generation for r, *_ in pts] + [1])
    img = Image.new("RGB", (W, H), "white")
    d = ImageDraw.Draw(img)
    font = ImageFont.load_default()
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM

    def x(gen: float) -> float:
        return LEFT + pw * (gen + 0.5) / (max_gen + 1)

    def y(v: float) -> float:
        return TOP + ph * (1.0 - v)

    for k in range(0, 11):  # grid and y labels every 10 %
        yy = y(k / 10)
        d.line([(LEFT, yy), (W - RIGHT, yy)], fill=LIGHT)
        d.text((LEFT - 40, yy - 6), f"{10 * k}%", fill=BLACK, font=font)
    for g in range(0, max_gen + 1):
        d.text((x(g) - 4, H - BOTTOM + 8), str(g), fill=BLACK, font=font)
    d.rectangle([LEFT, TOP, W - RIGHT, H - BOTTOM], outline=BLACK)
    d.text((LEFT + pw / 2 - 90, H - 28), "generation (0 = seeds)", fill=BLACK, font=font)
    d.text((10, TOP - 30), "validation score, mean with 95% bootstrap CI", fill=BLACK, font=font)
    if title:
        d.text((LEFT + pw / 2 - 3 * len(title), 12), title, fill=BLACK, font=font)
    per_gen: dict[int, int] = {}
    for r, *_ in pts:
        per_gen[r.generation] = per_gen.get(r.generation, 0) + 1
    seen: dict[int, int] = {}
    for r, mean, low, high in pts:  # spread points of one generation horizontally
        n = per_gen[r.generation]
        i = seen.get(r.generation, 0)
        seen[r.generation] = i + 1
        xx = x(r.generation) + (i - (n - 1) / 2) * min(14.0, 0.7 * pw / (max_gen + 1) / max(n, 1))
        colour = BLUE if r.final else GREY
        d.line([(xx, y(low)), (xx, y(high))], fill=colour, width=2)
        d.line([(xx - 4, y(low)), (xx + 4, y(low))], fill=colour, width=2)
        d.line([(xx - 4, y(high)), (xx + 4, y(high))], fill=colour, width=2)
        d.ellipse([xx - 4, y(mean) - 4, xx + 4, y(mean) + 4], fill=colour)
    best: list[tuple[float, float]] = []  # best-so-far mean of the kept designs, by generation
    running = -1.0
    for g in range(0, max_gen + 1):
        gen_means = [m for r, m, _, _ in pts if r.generation == g and r.final]
        if gen_means:
            running = max(running, *gen_means)
        if running >= 0:
            best.append((x(g), y(running)))
    if len(best) > 1:
        d.line(best, fill=RED, width=2)
    d.text((W - RIGHT - 250, TOP + 6), "red: best so far   grey: failed debug tries", fill=BLACK, font=font)
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, format="PNG")
    return path
