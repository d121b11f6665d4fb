"""Frames for the specialists: solve a task in a transformed view of it and map the answers back.

Many learned families only look one way (extend a pattern to the right, count columns from the left, ...) or
learn fixed colours. A *frame* is a bijection applied to every grid of a task: one of the 7 non-identity dihedral
transforms (rotations, mirrors, transposes; the same for every grid), or the colour-rank frame (each pair recoloured
by a permutation computed from its own input: colours by decreasing frequency become 0, 1, 2, ...), or the
background frame (each pair's background, its input's most common colour, swapped with 0: many families expect a
black background). A specialist
runs on the framed task; its train score carries over exactly (the frame is a bijection per pair), and its test
predictions are mapped back with the inverse transform of their test input. Candidates from a frame say so in their
program, description and meta["frame"].
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from synthloop.arc.dsl.search import inverse_perm, swap_perm
from synthloop.arc.grid import ArcTask, Candidate, as_grid

Specialist = Callable[[ArcTask, float], list[Candidate]]
GridMap = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (grid, the original input of its pair) -> grid

FRAME_RANK_PENALTY = 0.5  # added to a frame candidate's rank penalty: below an identity one at equal train score


@dataclass(frozen=True)
class Frame:
    """A per-pair bijection on grids. `fwd(g, ref)` maps grid g of the pair whose original input is ref into the
    frame; `inv(g, ref)` maps back. `applies(task)` says whether the frame is well defined (and useful) there."""

    name: str
    phrase: str
    fwd: GridMap
    inv: GridMap
    applies: Callable[[ArcTask], bool] = lambda task: True


def _dihedral(name: str, phrase: str, f: Callable[[np.ndarray], np.ndarray],
              finv: Callable[[np.ndarray], np.ndarray]) -> Frame:
    return Frame(name, phrase, lambda g, _ref: f(g), lambda g, _ref: finv(g))


ROTATIONS: tuple[Frame, ...] = (
    _dihedral("rot90", "rotated 90° anticlockwise", lambda g: np.rot90(g, 1), lambda g: np.rot90(g, -1)),
    _dihedral("rot180", "rotated 180°", lambda g: np.rot90(g, 2), lambda g: np.rot90(g, 2)),
    _dihedral("rot270", "rotated 90° clockwise", lambda g: np.rot90(g, -1), lambda g: np.rot90(g, 1)),
)
REFLECTIONS: tuple[Frame, ...] = (
    _dihedral("flip_lr", "mirrored left-right", np.fliplr, np.fliplr),
    _dihedral("flip_ud", "mirrored top-bottom", np.flipud, np.flipud),
    _dihedral("transpose", "transposed (rows become columns)", np.transpose, np.transpose),
    _dihedral("antitranspose", "transposed about the other diagonal", lambda g: np.rot90(g, 2).T,
              lambda g: np.rot90(g, 2).T),
)
DIHEDRAL: tuple[Frame, ...] = ROTATIONS + REFLECTIONS  # the identity is the task as given


def rank_perm(g: np.ndarray) -> np.ndarray | None:
    """Colour permutation p (p[old] = new): g's colours by decreasing frequency become 0, 1, ...; colours absent
    from g take the remaining values in increasing order. None when two of g's colours are equally common."""
    cnt = np.bincount(np.asarray(g, dtype=np.int64).ravel(), minlength=10)
    used = sorted((c for c in range(10) if cnt[c] > 0), key=lambda c: -cnt[c])
    if len({int(cnt[c]) for c in used}) < len(used):
        return None
    p = np.zeros(10, dtype=np.int8)
    for new, old in enumerate(used + [c for c in range(10) if cnt[c] == 0]):
        p[old] = new
    return p


def _rank_applies(task: ArcTask) -> bool:
    """Well defined (no ties in any input) and not a no-op (the inputs do not all share one permutation)."""
    perms = [rank_perm(g) for g in [i for i, _ in task.train] + task.test_inputs]
    return all(p is not None for p in perms) and len({p.tobytes() for p in perms}) > 1  # type: ignore[union-attr]


COLOUR_RANKS = Frame(
    "colour_ranks", "with colours renamed by frequency (most common first) in each grid",
    lambda g, ref: rank_perm(ref)[g],  # type: ignore[index]
    lambda g, ref: inverse_perm(rank_perm(ref))[g],  # type: ignore[arg-type]
    _rank_applies,
)


def frame_task(task: ArcTask, frame: Frame) -> ArcTask:
    """The task seen in `frame` (test outputs are dropped: a specialist must not see them)."""
    return ArcTask(
        id=task.id,
        train=[(as_grid(frame.fwd(i, i)), as_grid(frame.fwd(o, i))) for i, o in task.train],
        test=[(as_grid(frame.fwd(t, t)), None) for t in task.test_inputs],
        source=task.source,
    )


def unframe(c: Candidate, frame: Frame, test_inputs: Sequence[np.ndarray]) -> Candidate:
    """A candidate found in `frame`, with its predictions mapped back and the frame named in its texts."""
    preds = [None if p is None else as_grid(frame.inv(np.asarray(p), t))
             for p, t in zip(c.predictions, test_inputs, strict=False)]
    return replace(
        c,
        program=f"in_frame({frame.name}, {c.program})",
        description=f"in the frame {frame.phrase}: {c.description}",
        predictions=preds,
        size=c.size + 1,
        meta={**(c.meta or {}), "frame": frame.name},
    )


def is_memorising(c: Candidate) -> bool:
    """A lookup-table rule that may only have memorised the demos (weak, unseen test cases left as they are, or a
    rule list with a rule that only one demo uses)."""
    meta = c.meta or {}
    return meta.get("family") == "local_rule" and (bool(meta.get("weak")) or meta.get("covered") is False
                                                   or meta.get("single_demo_rules", 0) > 0)


def is_strong(c: Candidate) -> bool:
    """Explains every demo without merely memorising it."""
    return c.solves_train and not is_memorising(c)


def background_swap(g: np.ndarray) -> np.ndarray | None:
    """The permutation (an involution) that swaps g's most common colour with 0; None when two colours tie."""
    cnt = np.bincount(np.asarray(g, dtype=np.int64).ravel(), minlength=10)
    return None if (cnt == cnt.max()).sum() > 1 else swap_perm(g)


def _background_applies(task: ArcTask) -> bool:
    """Every input has one most common colour, and it is not 0 in at least one of them."""
    inputs = [i for i, _ in task.train] + list(task.test_inputs)
    swaps = [background_swap(g) for g in inputs]
    return all(p is not None for p in swaps) and any(p[0] != 0 for p in swaps)  # type: ignore[index]


BACKGROUND_ZERO = Frame(
    "background_zero", "with each grid's background colour (its input's most common) swapped with 0",
    lambda g, ref: background_swap(ref)[g],  # type: ignore[index]
    lambda g, ref: background_swap(ref)[g],  # type: ignore[index]  (a swap is its own inverse)
    _background_applies,
)

# the background first (cheap to decide, and the commonest reason a family misses), then turns, mirrors, colour ranks
FRAME_ORDER: tuple[Frame, ...] = (BACKGROUND_ZERO,) + DIHEDRAL + (COLOUR_RANKS,)


def _task_key(task: ArcTask) -> bytes:
    grids = [g for pair in task.train for g in pair] + list(task.test_inputs)
    return b"|".join(bytes(g.shape) + np.ascontiguousarray(g, np.int8).tobytes() for g in grids)


def run_frames(specs: Sequence[Specialist], task: ArcTask, deadline: float, *, cpu_deadline: float | None = None,
               frames: Sequence[Frame] = FRAME_ORDER, errors: list[str] | None = None) -> list[Candidate]:
    """Retry the specialists (in their order: cheapest first) in each frame (in order) while the wall-clock
    `deadline` (time.monotonic) and `cpu_deadline` (time.process_time) last, and return the strong candidates of the
    first (frame, specialist) that gives any, mapped back. Frames that are not well defined for the task, or that
    leave it unchanged (or equal to an earlier frame), are skipped. A failing specialist is noted in `errors`."""
    seen = {_task_key(task)}
    for frame in frames:
        if not frame.applies(task):
            continue
        framed = frame_task(task, frame)
        if (key := _task_key(framed)) in seen:
            continue
        seen.add(key)
        for spec in specs:
            if time.monotonic() >= deadline or (cpu_deadline is not None and time.process_time() >= cpu_deadline):
                return []
            try:
                found = spec(framed, deadline)
            except Exception as e:  # a specialist that breaks in a frame must not kill the task
                if errors is not None and type(e).__name__ != "Timeout":
                    errors.append(f"{getattr(spec, '__name__', spec)} in {frame.name}: {type(e).__name__}: {e}")
                continue
            strong = [unframe(c, frame, task.test_inputs) for c in found if is_strong(c)]
            if strong:
                return strong
    return []
