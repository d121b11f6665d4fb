"""The HTML report of an eval run: summary on top, one row per task, then each task's grids (embedded PNGs),
its attempts with verdicts, the winning program with its natural-language description, and its timing."""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..memory.runstore import atomic_write
from .grid import ArcTask, as_grid
from .outcome import TaskResult
from .render import grid_png_b64

_CSS = """
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}
th{background:#f3f3f3}.ok{color:#1a8f35;font-weight:bold}.bad{color:#c62020;font-weight:bold}.unk{color:#888}
.grids{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start;margin:.4em 0}
.grids figure{margin:0}.grids figcaption{font-size:12px;color:#444}
pre{background:#f7f7f7;padding:6px;overflow-x:auto;max-height:24em}details{margin:.3em 0 1em}
summary{cursor:pointer}.err{color:#c62020}
"""


def _e(x: Any) -> str:
    return html.escape(str(x))


def _verdict(solved: bool | None) -> str:
    if solved is None:
        return '<span class="unk">?</span>'
    return '<span class="ok">✓</span>' if solved else '<span class="bad">✗</span>'


def _fig(grid: Any, caption: str) -> str:
    g = as_grid(grid)
    return (f'<figure><img alt="{_e(caption)}" src="data:image/png;base64,{grid_png_b64(g)}">'
            f"<figcaption>{caption} ({g.shape[0]}×{g.shape[1]})</figcaption></figure>")


def _summary_table(summary: dict[str, Any]) -> str:
    rows = []
    for k, v in summary.items():
        if k == "load_errors":
            continue
        if isinstance(v, float):
            v = f"{v:.1%}" if k.endswith("accuracy") or k == "arc_prize_score" else f"{v:g}"
        rows.append(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>")
    errs = summary.get("load_errors") or []
    if errs:
        items = "".join(f"<li>{_e(e)}</li>" for e in errs)
        rows.append(f'<tr><th>load errors</th><td class="err"><ul>{items}</ul></td></tr>')
    return "<table>" + "".join(rows) + "</table>"


def _task_section(task: ArcTask, res: TaskResult) -> str:
    parts = [f'<details id="t-{_e(task.id)}"><summary>{_verdict(res.solved)} <b>{_e(task.id)}</b> '
             f"— {sum(bool(c) for c in res.correct)}/{res.n_test} outputs right, cpu {res.cpu_s:.2f}s, "
             f"wall {res.wall_s:.2f}s, {res.n_candidates} candidates</summary>"]
    if res.error:
        parts.append(f'<p class="err">{_e(res.error)}</p>')
    if res.program:
        parts.append(f"<p><b>Hypothesis</b> ({_e(res.winner_source)}, explains {res.train_correct}/"
                     f"{res.train_total} training pairs): {_e(res.description)}</p><pre>{_e(res.program)}</pre>")
    if res.hypotheses:
        items = []
        for h in res.hypotheses:
            progs = "".join(
                f'<details><summary>{"✓ passed" if p["passed"] else "✗"} {p["train_correct"]}/{p["train_total"]} '
                f"train pairs</summary><pre>{_e(p['program'])}</pre></details>" for p in h["programs"])
            items.append(f"<li>[{_e(h['source'])}] {_e(h['description'])}{progs}</li>")
        parts.append(f"<details><summary>{len(res.hypotheses)} hypotheses and their programs</summary>"
                     f"<ol>{''.join(items)}</ol></details>")
    train = "".join(_fig(i, f"train {k + 1} in") + _fig(o, "out") for k, (i, o) in enumerate(task.train))
    parts.append(f'<div class="grids">{train}</div>')
    for k, (inp, expected) in enumerate(task.test):
        figs = [_fig(inp, f"test {k + 1} in")]
        tries = res.attempts[k] if k < len(res.attempts) else []
        progs = res.attempt_programs[k] if k < len(res.attempt_programs) else []
        for a, grid in enumerate(tries):
            ok = None
            if expected is not None:
                g = as_grid(grid)
                ok = g.shape == expected.shape and bool((g == expected).all())
            mark = "" if ok is None else (' <span class="ok">✓</span>' if ok else ' <span class="bad">✗</span>')
            title = f' title="{_e(progs[a])}"' if a < len(progs) else ""
            figs.append(f"<span{title}>" + _fig(grid, f"attempt {a + 1}{mark}") + "</span>")
        if not tries:
            figs.append('<p class="bad">no attempt</p>')
        if expected is not None:
            figs.append(_fig(expected, "expected"))
        parts.append(f'<div class="grids">{"".join(figs)}</div>')
    parts.append("</details>")
    return "".join(parts)


def render_report(tasks: Iterable[ArcTask], results: dict[str, TaskResult], summary: dict[str, Any],
                  title: str = "ARC eval") -> str:
    """The report as one self-contained HTML page."""
    tasks = [t for t in tasks if t.id in results]
    rows = []
    for t in tasks:
        r = results[t.id]
        note = "timed out" if r.timed_out else ("error" if r.error else "")
        rows.append(f'<tr><td><a href="#t-{_e(t.id)}">{_e(t.id)}</a></td><td>{_verdict(r.solved)}</td>'
                    f"<td>{sum(bool(c) for c in r.correct)}/{r.n_test}</td><td>{r.train_correct}/{r.train_total}</td>"
                    f"<td>{r.cpu_s:.2f}</td><td>{r.wall_s:.2f}</td><td>{_e(note)}</td>"
                    f"<td>{_e(r.description[:120])}</td></tr>")
    body = [
        f"<h1>{_e(title)}</h1>",
        "<h2>Summary</h2>", _summary_table(summary),
        "<h2>Tasks</h2><table><tr><th>task</th><th>solved</th><th>outputs</th><th>train</th><th>cpu s</th>"
        "<th>wall s</th><th>note</th><th>hypothesis</th></tr>" + "".join(rows) + "</table>",
        "<h2>Details</h2>", *(_task_section(t, results[t.id]) for t in tasks),
    ]
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>{_e(title)}</title><style>{_CSS}</style>'
            f"</head><body>{''.join(body)}</body></html>")


def write_report(path: str | Path, tasks: Iterable[ArcTask], results: dict[str, TaskResult],
                 summary: dict[str, Any], title: str = "ARC eval") -> Path:
    """Write the HTML report atomically and return its path."""
    p = Path(path)
    atomic_write(p, render_report(tasks, results, summary, title))
    return p
