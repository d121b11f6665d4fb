"""`synthloop meta` commands: search, archive, show, test, plot."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.syntax import Syntax
from rich.table import Table

from ..errors import UserError
from .common import console, err_console, get_config, start_run

app = typer.Typer(
    help="ADAS-style automated design of agents: search, archive, show, test, plot.\n\n"
         "  synthloop meta search --domain arc --generations 5 --model openai\n\n"
         "  synthloop meta archive RUN_ID · meta show RUN_ID NAME · meta test RUN_ID · meta plot RUN_ID\n\n"
         "A killed search continues with `synthloop runs resume RUN_ID`.",
    no_args_is_help=True,
)

Preset = "openai | vllm | ollama | llama.cpp | local | scripted"


def _pct(f: Any) -> str:
    return f"{100 * f.mean:.1f}% [{100 * f.low:.1f}, {100 * f.high:.1f}]"


def _open(ctx: typer.Context, run_id: str) -> Any:
    from ..memory.runstore import RunStore

    run = RunStore(get_config(ctx).runs_dir).open(run_id)
    if run.info.kind != "meta-search":
        raise UserError(f"run {run.id} is a {run.info.kind!r} run, not a meta search")
    return run


def _progress(msg: str) -> None:
    err_console.print(msg, highlight=False, markup=False)


@app.command("search")
def search_cmd(
    ctx: typer.Context,
    domain: Annotated[str | None, typer.Option("--domain", help="arc | humaneval (default: meta.domain).")] = None,
    generations: Annotated[int | None, typer.Option("--generations", "-g", min=0, help="Designs the meta agent proposes.")] = None,
    model: Annotated[str | None, typer.Option("--model", "-m", help=f"Model the designs call: {Preset}.")] = None,
    meta_model: Annotated[str | None, typer.Option("--meta-model", help=f"Model of the meta agent (default: --model): {Preset}.")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Tasks evaluated in parallel (default: sandbox.pool_workers).")] = None,
    timeout: Annotated[float | None, typer.Option("--timeout", min=0.1, help="A design's own seconds per task, model calls not counted (default: sandbox.timeout_s).")] = None,
    max_calls: Annotated[int, typer.Option("--max-calls", min=1, help="Model calls a design may make per task.")] = 40,
    limit: Annotated[int, typer.Option("--limit", min=0, help="Use only the first N tasks of each split (0 = all).")] = 0,
    split_file: Annotated[str | None, typer.Option("--split-file", help="arc: JSON file with 'validation' and 'test' task ids (default: the ADAS split).")] = None,
    dataset: Annotated[str | None, typer.Option("--dataset", help="arc: arcagi | arcagi2 | a directory of task JSON files.")] = None,
    source_split: Annotated[str | None, typer.Option("--source-split", help="arc: training | evaluation (where the ids live).")] = None,
    seeds: Annotated[str | None, typer.Option("--seeds", help="Comma-separated seed designs (default: all seven).")] = None,
    repeats: Annotated[int | None, typer.Option("--repeats", min=1, help="Evaluations per task (averaged per task).")] = None,
    debug_tries: Annotated[int | None, typer.Option("--debug-tries", min=0, help="Debug tries for a failing design.")] = None,
    reflections: Annotated[int | None, typer.Option("--reflections", min=0, help="Self-reflection rounds per proposal.")] = None,
    executor: Annotated[str | None, typer.Option("--executor", help="local | ray: run the designs' tasks as Ray tasks (meta.executor).")] = None,
    address: Annotated[str | None, typer.Option("--address", help="Ray cluster for --executor ray (default: a local Ray instance).")] = None,
) -> None:
    """Search for agent designs: evaluate the seeds, then let the meta agent propose, reflect, debug."""
    from ..meta_search.domains import available
    from ..meta_search.search import RUN_KIND, SearchParams, run_search

    cfg = get_config(ctx, **{"meta.domain": domain, "meta.generations": generations, "model.preset": model,
                             "meta.repeats": repeats, "meta.debug_tries": debug_tries,
                             "meta.reflections": reflections, "meta.executor": executor, "meta.ray_address": address})
    if cfg.meta.domain not in available():
        raise UserError(f"unknown domain {cfg.meta.domain!r}; choose one of: {', '.join(available())}")
    if meta_model is not None and meta_model not in cfg.model.presets:
        raise UserError(f"unknown --meta-model preset {meta_model!r}; choose one of: {', '.join(cfg.model.presets)}")
    options: dict[str, Any] = {"limit": limit}
    if cfg.meta.domain == "arc":
        options.update({"split_file": split_file, "dataset": dataset, "source_split": source_split})
    elif split_file or dataset or source_split:
        raise UserError("--split-file, --dataset and --source-split are options of the arc domain")
    params = SearchParams(domain=cfg.meta.domain, domain_options={k: v for k, v in options.items() if v},
                          generations=cfg.meta.generations, meta_preset=meta_model or "",
                          workers=workers or cfg.sandbox.pool_workers, timeout_s=timeout or cfg.sandbox.timeout_s,
                          max_calls_per_item=max_calls,
                          seeds=[s.strip() for s in seeds.split(",") if s.strip()] if seeds else None)
    if params.seeds is not None:
        from ..meta_search.seed_designs import load_seeds

        load_seeds(params.seeds)  # unknown names fail before the run starts
    _preflight(cfg, params)
    run = start_run(cfg, RUN_KIND, params=params.to_json())
    result = run_search(run, cfg, progress=_progress)
    chosen = result.get("chosen")
    if chosen:
        f = chosen["validation"]
        console.print(f"chosen on validation: [bold]{chosen['name']}[/bold] ({chosen['id']}): "
                      f"{100 * f['mean']:.1f}% (95% CI {100 * f['low']:.1f}–{100 * f['high']:.1f}%)")
    console.print(f"archive: synthloop meta archive {run.id} · test once: synthloop meta test {run.id}",
                  highlight=False)


def _preflight(cfg: Any, params: Any) -> None:
    """Fail before a run starts when the sandbox cannot run or the validation tasks cannot be loaded."""
    from ..meta_search.domains import make_domain
    from ..meta_search.search import make_sandbox_for

    sandbox = make_sandbox_for(cfg)
    ready = getattr(sandbox, "ensure_ready", None)
    if callable(ready):
        ready()
    domain = make_domain(params.domain, params.domain_options, sandbox=sandbox, workdir=Path(cfg.runs_dir))
    if not domain.tasks("validation"):
        raise UserError(f"the {params.domain} domain has no validation tasks with these options")


@app.command("archive")
def archive_cmd(ctx: typer.Context, run_id: str = typer.Argument(..., help="Run id (or a unique prefix).")) -> None:
    """Every archived design: generation, name, parents, validation mean with 95% CI, test score when known."""
    from ..meta_search.archive import Archive

    run = _open(ctx, run_id)
    archive = Archive(run.path / "archive.jsonl")
    tests = archive.tests()
    chosen = archive.chosen()
    names = {r.id: r.name for r in archive.designs()}
    table = Table("id", "gen", "name", "parents", "validation % [95% CI]", "errors", "test % [95% CI]",
                  title=f"meta archive {run.id}")
    for r in archive.designs():
        res = r.result
        mark = " ★" if chosen is not None and r.id == chosen.id else ("" if r.final else " (superseded by its debug try)")
        table.add_row(r.id, str(r.generation), r.name + mark, ", ".join(names.get(p, p) for p in r.parents) or "-",
                      _pct(res.fitness) if res else "-",
                      f"{len(res.errors)}/{len(res.item_ids)}" if res else "-",
                      _pct(tests[r.id].fitness) if r.id in tests else "-")
    console.print(table)
    if chosen is not None:
        console.print(f"★ chosen on validation: {chosen.name} ({chosen.id})", highlight=False)


@app.command("show")
def show_cmd(ctx: typer.Context, run_id: str = typer.Argument(..., help="Run id (or a unique prefix)."),
             name: str = typer.Argument(..., help="Design id (g3, seed-cot) or name.")) -> None:
    """A design's thought, code, validation result and errors."""
    from ..meta_search.archive import Archive

    run = _open(ctx, run_id)
    archive = Archive(run.path / "archive.jsonl")
    recs = archive.designs()
    match = [r for r in recs if r.id == name] or [r for r in recs if r.name.lower() == name.lower()]
    if not match:
        raise UserError(f"no design {name!r} in run {run.id}; see `synthloop meta archive {run.id}`")
    rec = ([r for r in match if r.final] or match)[-1]
    console.print(f"[bold]{rec.name}[/bold] ({rec.id}, generation {rec.generation}, {rec.origin})")
    console.print(f"thought: {rec.thought}", highlight=False)
    if rec.result:
        console.print(f"validation: {rec.result.fitness}", highlight=False)
        for item, err in list(rec.result.errors.items())[:10]:
            console.print(f"  error on {item}: {err}", highlight=False, markup=False)
    test = archive.tests().get(rec.id)
    if test:
        console.print(f"test: {test.fitness}", highlight=False)
    console.print(Syntax(rec.code, "python", line_numbers=True))


@app.command("test")
def test_cmd(ctx: typer.Context, run_id: str = typer.Argument(..., help="Run id (or a unique prefix)."),
             no_seeds: Annotated[bool, typer.Option("--no-seeds", help="Test only the chosen design.")] = False) -> None:
    """Evaluate the design chosen on VALIDATION (and the seeds) once on the test split."""
    from ..config import load_config
    from ..meta_search.testing import run_test

    run = _open(ctx, run_id)
    cfg = load_config(run.path / "config.toml")
    s = run_test(run, cfg, progress=_progress, include_seeds=not no_seeds)
    from ..meta_search.stats import Fitness

    table = Table("design", "role", "test % [95% CI]", title=f"meta test {run.id}")
    c = s["chosen"]
    table.add_row(f"{c['name']} ({c['id']})", "chosen on validation", _pct(Fitness.from_json(c["test"])))
    for sid, v in s["seeds"].items():
        table.add_row(f"{v['name']} ({sid})", "seed (baseline)", _pct(Fitness.from_json(v["test"])))
    console.print(table)
    console.print(f"result: {c['name']} scores {100 * c['test']['mean']:.1f}% on test "
                  "(chosen on validation; the best test score in the archive is not a result).", highlight=False)


@app.command("plot")
def plot_cmd(ctx: typer.Context, run_id: str = typer.Argument(..., help="Run id (or a unique prefix)."),
             out: Annotated[Path | None, typer.Option("--out", "-o", help="PNG path (default: runs/<id>/fitness.png).")] = None) -> None:
    """Fitness over generations with 95% CIs, as a PNG."""
    from ..meta_search.archive import Archive
    from ..meta_search.plot import plot_fitness

    run = _open(ctx, run_id)
    archive = Archive(run.path / "archive.jsonl")
    if not archive.designs():
        raise UserError(f"run {run.id} has no archived designs yet")
    path = plot_fitness(archive, out or run.path / "fitness.png", title=f"meta search {run.id}")
    console.print(f"wrote {path}", highlight=False)
