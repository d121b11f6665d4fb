"""Best-first search over DSL states (the icecuber lessons, in numpy).

A state is the tuple of grids obtained by applying one program to every training input in lockstep; identical
states are reached once (deduplicated by their grid keys), so the search enumerates distinct states rather than
programs. Steps are popped in order of total cost (uniform-cost search) up to `max_depth` steps, and evaluated only
when popped. A state explains the task when every training output equals its grid, either exactly or after one
learned colour map (consistent over all pairs; it also resolves the placeholder colour `NEW`). Output-size
reasoning prunes last-level steps that keep a shape that differs from the target. Solutions are then replayed on
the test inputs. Colour normalisation: a task whose background is not 0 is solved with background and 0 swapped
per pair, and mapped back.

Breadth beyond one program and one fixed colour map:
- a colour map may name colours by their role in each input (`colourroles`), so a rule whose colours change from
  pair to pair, or a test input with new colours, is still explained;
- splitters compose with per-piece transforms (`objmap`): every object / cell transformed in place;
- when nothing explains the task, partial states that are right where they paint are overlaid greedily
  (`compose`, icecuber's composition), and failing that the cheapest program that explains every pair but one is
  offered with that lower score;
- optionally (`CANVAS_FALLBACK`, off: measured +3 / -1 training tasks), programs that start on a canvas of the
  predicted output size (`canvasops`) are searched in a reserved share of the budget when nothing plain was found.
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from synthloop.arc.dsl.canvasops import canvas_ops
from synthloop.arc.dsl.colourroles import RoleMap, learn_role_map
from synthloop.arc.dsl.compose import Composer, Part, overlay
from synthloop.arc.dsl.countops import count_ops
from synthloop.arc.dsl.describe import describe_colour_map
from synthloop.arc.dsl.objmap import EACH_SELECTORS
from synthloop.arc.dsl.primitives import (
    NEW,
    SELECTORS,
    SPLITTERS,
    GridOp,
    Selector,
    Splitter,
    task_info,
    task_ops,
)
from synthloop.arc.dsl.prior import StepPrior, default_prior
from synthloop.arc.dsl.refine import Refinement, RuleRefinement, learn_refinement

Pair = tuple[np.ndarray, np.ndarray]
ROLE_MAP_COST = 2  # a colour map by roles ranks below a fixed one (1)
COMPOSE_COST = 2  # on top of the parts' costs
CLOCK_EVERY = 8  # search steps between two reads of the clocks
NEAR_COST = 1  # a program that explains all pairs but one (it also ranks below those that explain every pair)
REFINE_POOL = 16  # the closest states kept for the local-rule refinement (`refine`) ...
REFINE_MAX_ERROR = 0.25  # ... of those whose best colour map leaves at most this share of the cells wrong
REFINE_RESERVE = 0.1  # share of the search's time kept for refining them, when something is kept
CANVAS_FALLBACK = False  # run the canvas pass (`canvasops`) when the main search finds no plain program ...
CANVAS_RESERVE = 0.1  # ... in this share of the budget, kept from the main search when the task has canvas ops
MIN_MORE_STATES = 200  # with `max_states`: the least number of states searched for alternatives after a find ...
MIN_MORE_STATES_ROLE = 400  # ... after a role-map find (the state-count twins of the 0.3 s / 0.6 s wall windows)
MEMO_SIZE = 60_000  # per search: results of (step, grid) kept for other states holding the same grid ...
SPLIT_MEMO_SIZE = 6_000  # ... and splits of a grid kept for other states and selectors (bounds the memory)
_Window = tuple[float, float | None, int | None]  # a pass's own (wall, CPU, state count) ends


@dataclass(frozen=True)
class Step:
    """One program step: a grid op, or a splitter followed by a selector."""

    op: GridOp | None = None
    split: Splitter | None = None
    select: Selector | None = None

    @property
    def name(self) -> str:
        if self.op is not None:
            return self.op.name
        return f"{self.select.name}({self.split.name})"  # type: ignore[union-attr]

    @property
    def phrase(self) -> str:
        if self.op is not None:
            return self.op.phrase
        return f"split it into {self.split.phrase} and {self.select.phrase}"  # type: ignore[union-attr]

    @property
    def cost(self) -> int:
        if self.op is not None:
            return self.op.cost
        return self.split.cost + self.select.cost  # type: ignore[union-attr]

    @property
    def keeps_shape(self) -> bool:
        if self.op is not None:
            return self.op.keeps_shape
        return self.select.keeps_shape  # type: ignore[union-attr]

    def apply(self, g: np.ndarray) -> np.ndarray | None:
        if self.op is not None:
            return self.op.fn(g)
        parts = self.split.fn(g)  # type: ignore[union-attr]
        return None if parts is None else self.select.fn(parts)  # type: ignore[union-attr]


@dataclass
class Solution:
    """A program that explains all training pairs, with its predictions."""

    steps: tuple[Step, ...]
    colour_map: dict[int, int]
    predictions: list[np.ndarray | None]
    cost: int
    frame: str = ""  # "" or "bg<->0"
    train_correct: int = 0
    train_total: int = 0
    role_map: RoleMap | None = None  # colours named by their role in each input, instead of colour_map
    parts: tuple[Part, ...] = ()  # a composed answer: these partial programs overlaid (steps is then empty)
    single_demo_entries: int = 0  # colour-map entries (a recolouring) that only one of 3+ demos uses
    # a local rule learned on top of the steps' state (instead of a colour map)
    refinement: Refinement | RuleRefinement | None = None

    @property
    def program(self) -> str:
        if self.parts:
            text = "overlay(" + "; ".join(_part_text(p) for p in self.parts) + ")"
            return f"[{self.frame}] {text}" if self.frame else text
        names = [s.name for s in self.steps] or ["identity"]
        text = " | ".join(names)
        if self.role_map is not None:
            text += " | " + self.role_map.name
        if self.refinement is not None:
            text += " | " + self.refinement.name
        if self.colour_map:
            text += " | recolour{" + ", ".join(f"{a}->{b}" for a, b in sorted(self.colour_map.items())) + "}"
        if self.frame:
            text = f"[{self.frame}] " + text
        return text

    @property
    def plain(self) -> bool:
        """One program with a fixed colour map (no role map, no composition, no refinement) that explains every pair."""
        return (self.role_map is None and self.refinement is None and not self.parts
                and self.train_correct == self.train_total)

    @property
    def phrases(self) -> list[str]:
        """The English phrases of its steps (of each part, for a composed answer), then of its role map."""
        if self.parts:
            return ["lay these on top of each other, the first on top: " + "; ".join(
                "(" + ", ".join([s.phrase for s in p.program] or ["the input"])
                + (", " + describe_colour_map(p.recolours) if p.recolours else "") + ")"
                for p in self.parts)]
        return ([s.phrase for s in self.steps] + ([self.role_map.phrase] if self.role_map else [])
                + ([self.refinement.phrase] if self.refinement else []))


def _part_text(p: Part) -> str:
    text = " | ".join(s.name for s in p.program) or "identity"
    cmap = p.recolours
    return text + (" | recolour{" + ", ".join(f"{a}->{b}" for a, b in sorted(cmap.items())) + "}" if cmap else "")


@dataclass
class SearchStats:
    states: int = 0
    evaluated: int = 0
    duplicates: int = 0
    timed_out: bool = False
    refine_tries: int = 0  # states offered to the local-rule refinement
    canvas_passes: int = 0  # fallback passes over programs that start on a canvas (`canvasops`)
    track_nearest: bool = False  # set to record the nearest state (analysis; costs time)
    best_error: float = 1.0  # with track_nearest: the smallest share of wrong cells (after the best colour map) over
    best_program: str = ""  # the states of the target shapes, and the program of that nearest state


class RefinePool:
    """The `size` closest states (fewest wrong cells after the best colour map, then cheapest) offered so far."""

    def __init__(self, size: int):
        self.size = size
        self._heap: list[tuple[float, int, int, object]] = []  # max-heap by (error, cost) via negation
        self._tie = itertools.count()

    def offer(self, node: object, error: int, n_cells: int) -> None:
        if self.size <= 0 or error > REFINE_MAX_ERROR * n_cells:
            return
        item = (-error, -node.cost, next(self._tie), node)  # type: ignore[attr-defined]
        if len(self._heap) < self.size:
            heapq.heappush(self._heap, item)
        elif item[:2] > self._heap[0][:2]:
            heapq.heapreplace(self._heap, item)

    def reserve(self, budget: float) -> float:
        """The share of `budget` to keep for refining (nothing while no state is kept)."""
        return REFINE_RESERVE * budget if self._heap else 0.0

    def ordered(self) -> list:
        return [it[3] for it in sorted(self._heap, key=lambda it: (-it[0], -it[1], it[2]))]


@dataclass
class _Node:
    grids: tuple[np.ndarray, ...]
    steps: tuple[Step, ...]
    cost: int
    shapes: tuple[tuple[int, int], ...]
    keys: tuple = ()  # per grid, its key for the search's memo of step results (`_memo_keys`)
    prio: float = 0  # the search priority: `cost`, plus the step prior's penalties when one is given


def _grid_key(g: np.ndarray) -> bytes:
    # tobytes() of a view is already the C-order copy; convert only grids that are not int8
    return bytes((g.shape[0], g.shape[1])) + (
        g.tobytes() if g.dtype == np.int8 else np.ascontiguousarray(g, dtype=np.int8).tobytes())


def _key(grids: Sequence[np.ndarray]) -> bytes:
    return b"".join([_grid_key(g) for g in grids])


def _memo_keys(grids: Sequence[np.ndarray], parts: Sequence[bytes]) -> tuple:
    """Per grid, the memo key: its `_grid_key`, with its dtype when that is not int8 (a step may depend on it)."""
    return tuple(k if g.dtype == np.int8 else (k, g.dtype.str) for g, k in zip(grids, parts, strict=True))


def colour_tables(grids: Sequence[np.ndarray], outputs: Sequence[np.ndarray]) -> np.ndarray | None:
    """Per pair, which (grid colour, output colour) pairs occur: bool (n_pairs, 16, 16); None when shapes differ."""
    tables = np.zeros((len(grids), 256), dtype=bool)
    for k, (g, o) in enumerate(zip(grids, outputs, strict=True)):
        if g.shape != o.shape:
            return None
        tables[k, (g.astype(np.intp) * 16 + o).ravel()] = True
    return tables.reshape(len(grids), 16, 16)


def learn_colour_map(grids: Sequence[np.ndarray], outputs: Sequence[np.ndarray]) -> dict[int, int] | None:
    """A colour map m with m(grid) == output for every pair, or None. Identity entries are left out."""
    tables = colour_tables(grids, outputs)
    return None if tables is None else map_from_tables(tables)


def map_from_tables(tables: np.ndarray) -> dict[int, int] | None:
    """The colour map that `colour_tables` allow over all their pairs (identities left out), or None."""
    union = tables.any(axis=0)
    if (union.sum(axis=1) > 1).any():
        return None
    src, dst = np.nonzero(union)
    return {int(a): int(b) for a, b in zip(src, dst, strict=True) if a != b}


def _error_from_counts(counts: np.ndarray) -> int:
    """Wrong cells after the best single colour map over all pairs (each colour to its most common target), from
    the per-pair (grid colour, output colour) counts (n_pairs, 16, 16)."""
    table = counts.sum(axis=0)
    return int(table.sum() - table.max(axis=1).sum())


def single_demo_entries(cmap: dict[int, int], grids: Sequence[np.ndarray]) -> int:
    """How many recolourings a -> b of the map only one demo state has colour a for (0 with fewer than 3 demos):
    such an entry is learned by rote from that demo."""
    if len(grids) < 3:
        return 0
    return sum(sum(bool((g == a).any()) for g in grids) == 1 for a in cmap if a != NEW)


def apply_colour_map(g: np.ndarray, cmap: dict[int, int]) -> np.ndarray | None:
    if cmap:
        lut = np.arange(16, dtype=np.int8)
        for a, b in cmap.items():
            lut[a] = b
        g = lut[g.astype(np.int64)]
    if (g > 9).any() or (g < 0).any():
        return None
    return g.astype(np.int8)


def _run_program(steps: Sequence[Step], g: np.ndarray) -> np.ndarray | None:
    for s in steps:
        try:
            g = s.apply(g)
        except Exception:  # a primitive that fails on an input simply does not apply
            return None
        if g is None:
            return None
    return g


def _build_steps(train_in: Sequence[np.ndarray], train_out: Sequence[np.ndarray]) -> list[Step]:
    info = task_info(train_in, train_out)
    steps = [Step(op=op) for op in task_ops(info) + count_ops(train_in, train_out)]
    for sp in SPLITTERS:
        for sel in SELECTORS + EACH_SELECTORS:
            if sp.kind in sel.kinds:
                steps.append(Step(split=sp, select=sel))
    steps.sort(key=lambda s: s.cost)
    return steps


def search(
    train: Sequence[Pair],
    test_inputs: Sequence[np.ndarray],
    deadline: float,
    *,
    max_depth: int = 3,
    max_solutions: int = 4,
    stats: SearchStats | None = None,
    cpu_deadline: float | None = None,
    compose: bool = True,
    refine: bool = True,
    max_states: int | None = None,
    canvas: bool | None = None,
    prior: StepPrior | None = None,
) -> list[Solution]:
    """Uniform-cost search for programs that explain every training pair; returns them cheapest first.

    Stops at `deadline` (time.monotonic()) or, when given, at `cpu_deadline` (time.process_time()). When no program
    explains the task and `compose` is set, the partial states are combined (see `compose.Composer`). With `refine`,
    a few states of the output shapes that no colour map explains but that are close (`REFINE_MAX_ERROR`) are offered
    to a learned local rule (`refine.learn_refinement`).
    `max_states` (tests, equivalence checks) stops after that many distinct states of this call instead of a clock:
    the windows for alternatives after a find and the refinement reserve are then counted in states too, so the
    result does not depend on the machine's speed.
    `canvas` (default `CANVAS_FALLBACK`): when the task has canvas ops (`canvasops`: the output size predicted from the
    demos, the grid placed / tiled / windowed on it), `CANVAS_RESERVE` of the budget is kept from the main search and,
    if that found no plain program, spent on programs that start with a canvas op (a fallback: it never displaces
    a plain program, and costs nothing on tasks without canvas ops).
    Steps are pure functions of a grid, so a step's result on a grid (and a splitter's pieces of it) is computed once
    and reused by every other state that holds the same grid (`MEMO_SIZE`, `SPLIT_MEMO_SIZE` entries at most).
    `prior` (`prior.StepPrior`; None: the hand order): steps of one cost are tried most-used first, and states are
    popped by cost plus the prior's fractional penalties (`StepPrior.priorities`); solutions keep the hand cost.
    """
    if max_states is not None and max_states < 1:
        raise ValueError("max_states must be at least 1")
    stats = stats if stats is not None else SearchStats()
    canvas = CANVAS_FALLBACK if canvas is None else canvas
    train_in = [np.asarray(i, dtype=np.int8) for i, _ in train]
    train_out = [np.asarray(o, dtype=np.int8) for _, o in train]
    tests = [np.asarray(t, dtype=np.int8) for t in test_inputs]
    target_shapes = tuple(o.shape for o in train_out)
    steps = _build_steps(train_in, train_out)
    if prior is not None:
        steps = prior.order(steps)

    solutions: list[Solution] = []
    seen_preds: set[bytes] = set()
    seen: set[bytes] = set()
    tie = itertools.count()
    root_parts = [_grid_key(g) for g in train_in]
    root = _Node(tuple(train_in), (), 0, tuple(g.shape for g in train_in), keys=_memo_keys(train_in, root_parts))
    seen.add(b"".join(root_parts))
    memo: dict[tuple[int, object], np.ndarray | None] = {}  # (step index, grid memo key) -> result (None: fails)
    split_memo: dict[tuple[str, object], list | None] = {}  # (splitter name, grid memo key) -> pieces
    best_cost: int | None = None
    started = time.monotonic()
    stop = [deadline]
    state_stop = [max_states]  # with max_states: the state count at which to stop (lowered after a find)
    n_states = [0]  # distinct states of this call (stats may be shared across calls)
    cpu_budget = 0.0 if cpu_deadline is None else cpu_deadline - time.process_time()

    n_cells = sum(o.size for o in train_out)
    # pair k's output codes 256k + colour, all pairs in one array (a state in the target shapes has as many cells)
    out_codes = np.concatenate([o.astype(np.intp).ravel() + 256 * k for k, o in enumerate(train_out)])
    composer = Composer(train_out)

    def fixed_preds(node: _Node, cmap: dict[int, int]) -> list[np.ndarray | None] | None:
        recolours = any(a != NEW for a in cmap)
        known = set(np.unique(np.concatenate([g.ravel() for g in node.grids])).tolist()) if recolours else set()
        preds = []
        for t in tests:
            p = _run_program(node.steps, t)
            if p is not None and recolours and not set(np.unique(p).tolist()) <= known:
                return None  # the learned recolouring says nothing about a colour the test brings
            preds.append(None if p is None else apply_colour_map(p, cmap))
        return preds

    def role_preds(rmap: RoleMap, node: _Node) -> list[np.ndarray | None]:
        preds = []
        for t in tests:
            p = _run_program(node.steps, t)
            preds.append(None if p is None else rmap.apply(p, t))
        return preds

    near: list[Solution] = []  # the cheapest program that explains every pair but one (3 or more pairs)
    pool = RefinePool(REFINE_POOL if refine else 0)  # the closest states no colour map explains, refined at the end

    def note_near(node: _Node, tables: np.ndarray) -> None:
        if len(train) < 3:
            return
        # the union of the tables without pair k, for every k at once: a colour pair occurs in another pair
        uses = tables.sum(axis=0, dtype=np.int16)
        without = (uses[None] - tables) > 0
        consistent = ~(without.sum(axis=2) > 1).any(axis=1)  # pair k left out, one target per colour
        for k in np.flatnonzero(consistent).tolist():
            cmap = map_from_tables(without[k][None])
            if cmap is None:
                continue
            preds = fixed_preds(node, cmap)
            if preds is not None and all(p is not None for p in preds):
                near.append(Solution(node.steps, cmap, preds, node.cost + (1 if cmap else 0) + NEAR_COST,
                                     train_correct=len(train) - 1, train_total=len(train)))
                return

    def consider(node: _Node) -> None:
        nonlocal best_cost
        if node.shapes != target_shapes:
            return
        # one count table per pair (same shapes here), for the colour maps and for the mapped error alike
        codes = np.concatenate([g.ravel() for g in node.grids]).astype(np.intp)
        codes *= 16
        codes += out_codes
        counts = np.bincount(codes, minlength=256 * len(train_out)).reshape(len(train_out), 16, 16)
        tables = counts > 0
        cmap = map_from_tables(tables)
        preds = None if cmap is None else fixed_preds(node, cmap)
        rmap = None
        if preds is None and (tables.sum(axis=2) <= 1).all():
            # every pair has its own colour map: name the colours by their role in each input
            rmap = learn_role_map(node.grids, train_in, train_out)
            if rmap is not None:
                preds, cmap = role_preds(rmap, node), {}
        if preds is None:
            if node.steps:
                pool.offer(node, _error_from_counts(counts), n_cells)
            composer.offer(node.grids, node.steps, node.cost, counts)
            if not near:
                note_near(node, tables)
            if cmap is None and stats.track_nearest:
                err = _error_from_counts(counts) / n_cells
                if err < stats.best_error:
                    stats.best_error, stats.best_program = err, " | ".join(s.name for s in node.steps) or "identity"
            return
        if stats.track_nearest:
            stats.best_error = 0.0
        if any(p is None for p in preds):
            return
        k = _key(preds)  # type: ignore[arg-type]
        if k in seen_preds:
            return
        seen_preds.add(k)
        cost = node.cost + (1 if cmap else 0) + (ROLE_MAP_COST if rmap is not None else 0)
        solutions.append(Solution(node.steps, cmap or {}, preds, cost, train_correct=len(train),
                                  train_total=len(train), role_map=rmap,
                                  single_demo_entries=single_demo_entries(cmap or {}, node.grids)))
        if rmap is not None:  # less sure: keep looking for a plain program (at most twice as long again, >= 0.6 s)
            search_on(2, 0.6, MIN_MORE_STATES_ROLE)
            return
        if best_cost is None:  # found: look for alternatives for at most as long again (>= 0.3 s)
            search_on(1, 0.3, MIN_MORE_STATES)
        best_cost = cost if best_cost is None else min(best_cost, cost)

    def search_on(factor: int, least_s: float, least_states: int) -> None:
        """After a find: search on for `factor` times what was spent so far (at least `least_s`), counted in states
        (at least `least_states`) with max_states, so that the result does not depend on the clock."""
        if state_stop[0] is None:
            now = time.monotonic()
            stop[0] = min(stop[0], now + max(least_s, factor * (now - started)))
        else:
            state_stop[0] = min(state_stop[0], n_states[0] + max(least_states, factor * n_states[0]))

    consider(root)
    costs = [s.cost for s in steps]
    prios = costs if prior is None else prior.priorities(steps)  # what the heap orders by
    keeps = [s.keeps_shape for s in steps]
    n_steps = len(steps)
    last_depth = max_depth - 1  # a parent with this many steps makes last-level children

    def clocks_say_stop(keep: float, window: _Window | None) -> bool:
        """The wall or CPU clock is past its stop less the refine reserve and a `keep` share of the budget, and
        past the window's end (if any)."""
        span, now = deadline - started, time.monotonic()
        past = now > stop[0] - pool.reserve(span) - keep * span or (
            cpu_deadline is not None and time.process_time() > cpu_deadline - pool.reserve(cpu_budget) - keep * cpu_budget)
        return past and (window is None or now > window[0] or (window[1] is not None and time.process_time() > window[1]))

    def states_say_stop(keep: float, window: _Window | None) -> bool:
        """With max_states: the state count is at its stop less the refine reserve and a `keep` share, and at the
        window's end (if any)."""
        if state_stop[0] is None or max_states is None:
            return False
        reserve = int(REFINE_RESERVE * max_states) if pool.reserve(1.0) else 0
        return (n_states[0] >= state_stop[0] - reserve - int(keep * max_states)
                and (window is None or n_states[0] >= (window[2] or 0)))

    def expand(heap: list[tuple[float, int, _Node, int]], keep: float,
               window: _Window | None = None) -> None:
        """Pop, evaluate and push states until the heap runs dry, enough is found, or the clock (less the refine
        reserve and a `keep` share of the budget) or the state limit says stop. `window`: (wall, cpu, state count)
        ends that the pass may run to even past those stops (the canvas pass keeps its share that way)."""
        pops = 0
        while heap:
            pops += 1  # the clocks are system calls (slow in a sandbox): read them every CLOCK_EVERY pops
            if pops % CLOCK_EVERY == 0 and clocks_say_stop(keep, window):
                stats.timed_out = stop[0] == deadline
                break
            if states_say_stop(keep, window):
                break
            prio, _, parent, idx = heapq.heappop(heap)
            if len(solutions) >= 2 * max_solutions or (
                    best_cost is not None and (len(solutions) >= max_solutions or prio > best_cost + 2)):
                break
            if idx + 1 < n_steps:  # the parent's next child, in cost order (lazy expansion)
                heapq.heappush(heap, (parent.prio + prios[idx + 1], next(tie), parent, idx + 1))
            last = len(parent.steps) == last_depth
            if last and keeps[idx] and parent.shapes != target_shapes:
                continue
            step = steps[idx]
            stats.evaluated += 1
            # a last-level state counts only in the target shapes: stop applying at the first grid of another shape
            grids = apply_step(parent, idx, target_shapes if last else None)
            if grids is None:
                continue
            node = add_state(grids, parent.steps + (step,), parent.cost + costs[idx], prio)
            if node is not None and not last:
                heapq.heappush(heap, (prio + prios[0], next(tie), node, 0))

    def apply_step(parent: _Node, idx: int, need: tuple[tuple[int, int], ...] | None) -> tuple[np.ndarray, ...] | None:
        """`_apply_all` of steps[idx], each grid's result taken from the memo when another state had that grid."""
        step = steps[idx]
        out = []
        for i, mk in enumerate(parent.keys):
            key = (idx, mk)
            r = memo.get(key, memo)  # the memo itself marks a miss
            if r is memo:
                r = _apply_one(step, parent.grids[i], mk, split_memo)
                if len(memo) < MEMO_SIZE:
                    memo[key] = r
            if r is None or (need is not None and r.shape != need[i]):
                return None
            out.append(r)
        return tuple(out)

    def add_state(grids: tuple[np.ndarray, ...], program: tuple[Step, ...], cost: int, prio: float) -> _Node | None:
        """The new state (considered as an answer), or None when it was seen before."""
        parts = [_grid_key(g) for g in grids]
        k = b"".join(parts)
        if k in seen:
            stats.duplicates += 1
            return None
        seen.add(k)
        stats.states += 1
        n_states[0] += 1
        node = _Node(grids, program, cost, tuple(g.shape for g in grids), keys=_memo_keys(grids, parts), prio=prio)
        consider(node)
        return node

    canvas_steps = [Step(op=op) for op in canvas_ops(train_in, train_out)] if canvas else []
    expand([(prios[0], next(tie), root, 0)], CANVAS_RESERVE if canvas_steps else 0.0)
    if canvas_steps and not any(sol.plain for sol in solutions):
        # fallback: programs that start on a canvas of the predicted output size, in the time kept for them (it
        # ends at its own clock: the refinement reserve may appear only now, when canvas states reach the pool)
        stats.canvas_passes += 1
        window = (min(stop[0], time.monotonic() + CANVAS_RESERVE * (deadline - started)),
                  None if cpu_deadline is None else min(cpu_deadline, time.process_time() + CANVAS_RESERVE * cpu_budget),
                  None if state_stop[0] is None else min(state_stop[0], n_states[0] + int(CANVAS_RESERVE * max_states)))
        heap = []
        for step in canvas_steps:
            stats.evaluated += 1
            grids = _apply_all(root, step)
            if grids is not None and (node := add_state(grids, (step,), step.cost, step.cost)) is not None and max_depth > 1:
                heap.append((node.prio + prios[0], next(tie), node, 0))
        heapq.heapify(heap)
        expand(heap, 0.0, window)
    if not any(sol.plain for sol in solutions):
        solutions.extend(_refined(pool, train_out, tests, len(train), seen_preds, stats, deadline, cpu_deadline))
    if not solutions and compose:
        solutions.extend(_composed(composer, tests, len(train)))
    if not solutions:
        solutions.extend(near)
    solutions.sort(key=lambda s: s.cost)
    return solutions


def _refined(pool: RefinePool, train_out: Sequence[np.ndarray], tests: Sequence[np.ndarray], n_train: int,
             seen_preds: set[bytes], stats: SearchStats, deadline: float, cpu_deadline: float | None) -> list[Solution]:
    """The kept states, closest first, each refined by a learned local rule while time is left (see `refine`)."""
    out: list[Solution] = []
    for node in pool.ordered():
        if time.monotonic() > deadline or (cpu_deadline is not None and time.process_time() > cpu_deadline):
            stats.timed_out = True
            break
        stats.refine_tries += 1
        found = learn_refinement(node.grids, train_out, lambda n=node: [_run_program(n.steps, t) for t in tests],
                                 cpu_deadline=cpu_deadline)
        if found is None:
            continue
        ref, preds = found
        k = _key(preds)
        if k in seen_preds:
            continue
        seen_preds.add(k)
        out.append(Solution(node.steps, {}, list(preds), node.cost + ref.cost, train_correct=n_train,
                            train_total=n_train, refinement=ref))
        if len(out) >= 2:
            break
    return out


def _composed(composer: Composer, tests: Sequence[np.ndarray], n_train: int) -> list[Solution]:
    """The greedy composition of the search's partial states, as a Solution (or nothing)."""
    parts = composer.combine()
    if parts is None:
        return []
    preds = [overlay(parts, _run_program, t) for t in tests]
    if any(p is None for p in preds):
        return []
    cost = sum(p.cost for p in parts) + COMPOSE_COST
    return [Solution((), {}, preds, cost, train_correct=n_train, train_total=n_train, parts=tuple(parts))]


def _apply_one(step: Step, g: np.ndarray, mk: object, split_memo: dict) -> np.ndarray | None:
    """The step applied to one grid (its pieces from `split_memo` under the grid's memo key `mk`, or stored there);
    None when it fails or gives no valid grid (not 2-D, empty, or a side over 30)."""
    try:
        if step.op is not None:
            r = step.op.fn(g)
        else:
            sk = (step.split.name, mk)  # type: ignore[union-attr]
            parts = split_memo.get(sk, split_memo)  # the memo itself marks a miss
            if parts is split_memo:
                try:
                    parts = step.split.fn(g)  # type: ignore[union-attr]
                except Exception:  # a splitter that fails on a grid fails there for every selector
                    parts = None
                if len(split_memo) < SPLIT_MEMO_SIZE:
                    split_memo[sk] = parts
            if parts is None:
                return None
            r = step.select.fn(parts)  # type: ignore[union-attr]
    except Exception:  # a primitive that fails on an input simply does not apply
        return None
    if r is None or r.ndim != 2 or r.shape[0] == 0 or r.shape[1] == 0 or r.shape[0] > 30 or r.shape[1] > 30:
        return None
    return r


def _apply_all(parent: _Node, step: Step, need: tuple[tuple[int, int], ...] | None = None
               ) -> tuple[np.ndarray, ...] | None:
    """The step applied to every grid of the state (`_apply_one`, no memo); None when it fails on one, or (with
    `need`) when a result's shape differs from the needed one."""
    out = []
    for i, (g, mk) in enumerate(zip(parent.grids, parent.keys, strict=True)):
        r = _apply_one(step, g, mk, {})
        if r is None or (need is not None and r.shape != need[i]):
            return None
        out.append(r)
    return tuple(out)


# ---------------------------------------------------------------------------------------------------------------
# colour normalisation (background swap) around the search


def _bg(g: np.ndarray) -> int:
    return int(np.bincount(np.asarray(g, dtype=np.int64).ravel(), minlength=10).argmax())


def swap_perm(g: np.ndarray) -> np.ndarray:
    """Swap the most common colour with 0."""
    p = np.arange(10, dtype=np.int8)
    b = _bg(g)
    p[0], p[b] = b, 0
    return p


def _freq_perm(g: np.ndarray) -> np.ndarray:
    """0 stays; the other colours of g by decreasing frequency become 1, 2, ...; unused colours fill the rest."""
    cnt = np.bincount(np.asarray(g, dtype=np.int64).ravel(), minlength=10)
    used = [c for c in sorted(range(1, 10), key=lambda c: (-cnt[c], c)) if cnt[c] > 0]
    rest = [c for c in range(1, 10) if cnt[c] == 0]
    p = np.zeros(10, dtype=np.int8)
    for slot, c in enumerate(used + rest, start=1):
        p[c] = slot
    return p


def _in_own_colours(sol: Solution, train: Sequence[Pair], tests: Sequence[np.ndarray]) -> bool:
    """Whether a plain program found in a colour frame also explains every pair in the task's own colours (with a
    colour map of its own); if so, `sol` takes that map and those predictions and stays out of the frame."""
    if not sol.plain:
        return False
    outs = [_run_program(sol.steps, i) for i, _ in train]
    if any(g is None for g in outs):
        return False
    cmap = learn_colour_map(outs, [o for _, o in train])  # type: ignore[arg-type]
    if cmap is None:
        return False
    preds = [None if (g := _run_program(sol.steps, t)) is None else apply_colour_map(g, cmap) for t in tests]
    if any(p is None for p in preds):
        return False
    sol.colour_map, sol.predictions = cmap, preds
    return True


def inverse_perm(p: np.ndarray) -> np.ndarray:
    """The inverse of a colour permutation (inv[p[c]] = c)."""
    inv = np.zeros_like(p)
    inv[p] = np.arange(p.size, dtype=p.dtype)
    return inv


FRAMES = {"bg<->0": swap_perm, "colours by frequency": _freq_perm}


def solve_task(
    train: Sequence[Pair],
    test_inputs: Sequence[np.ndarray],
    deadline: float,
    *,
    max_depth: int = 3,
    stats: SearchStats | None = None,
    cpu_limit_s: float | None = None,
    max_states: int | None = None,
    prior: StepPrior | None | str = "default",
) -> list[Solution]:
    """Search in the task's own colours and (while nothing is found and time is left) in colour-normalised frames.

    Frames (icecuber's colour normalisation): "bg<->0" (searched before the task's own colours) when every input's
    most common colour is not 0; "colours by
    frequency" when the inputs do not all use the same colours. Each pair is recoloured by a permutation computed from
    its input; predictions are mapped back with the test input's inverse permutation.
    `cpu_limit_s` bounds the CPU seconds of this process spent here (on top of the wall-clock deadline).
    `max_states` bounds each frame's search by its number of distinct states (see `search`).
    `prior`: the step prior of every frame's search ("default": `prior.default_prior()`; None: the hand order).
    """
    if isinstance(prior, str):
        if prior != "default":
            raise ValueError(f"prior must be a StepPrior, None or 'default', not {prior!r}")
        prior = default_prior()
    train = [(np.asarray(i, np.int8), np.asarray(o, np.int8)) for i, o in train]
    tests = [np.asarray(t, np.int8) for t in test_inputs]
    # a background that is never 0 is searched with it swapped to 0 first: most primitives treat 0 as background
    frames = ["bg<->0", ""] if all(_bg(i) != 0 for i, _ in train) else [""]
    colour_sets = {tuple(np.unique(i).tolist()) for i, _ in train} | {tuple(np.unique(t).tolist()) for t in tests}
    if len(colour_sets) > 1:
        frames.append("colours by frequency")
    cpu0 = time.process_time()
    sols: list[Solution] = []
    for n, frame in enumerate(frames):
        now, cpu = time.monotonic(), time.process_time()
        if any(s.plain for s in sols) or now >= deadline or (cpu_limit_s is not None and cpu - cpu0 >= cpu_limit_s):
            break  # a role map or a composition is less sure than a plain program: the next frame may find one
        share = 0.6 if n < len(frames) - 1 else 1.0
        wall_end = now + (deadline - now) * share
        cpu_end = None if cpu_limit_s is None else cpu + (cpu0 + cpu_limit_s - cpu) * share
        if not frame:
            sols += search(train, tests, wall_end, max_depth=max_depth, stats=stats, cpu_deadline=cpu_end,
                           max_states=max_states, prior=prior)
            continue
        perm = FRAMES[frame]
        ptrain = []
        for i, o in train:
            p = perm(i)
            ptrain.append((p[i], p[o]))
        tperms = [perm(t) for t in tests]
        found = search(ptrain, [p[t] for p, t in zip(tperms, tests, strict=True)], wall_end, max_depth=max_depth,
                       stats=stats, cpu_deadline=cpu_end, max_states=max_states, prior=prior)
        for s in found:
            if not (frame == "bg<->0" and _in_own_colours(s, train, tests)):
                s.predictions = [None if q is None else inverse_perm(p)[q]
                                 for q, p in zip(s.predictions, tperms, strict=True)]
                s.frame = frame
                s.cost += 1
        sols += found
    sols.sort(key=lambda s: s.cost)
    return sols
