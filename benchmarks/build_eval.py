"""Evaluate the build loop and print the figures as JSON.

    python benchmarks/build_eval.py --suite humaneval --limit 5 --preset local
    python benchmarks/build_eval.py --suite design --tasks url_shortener --preset openai

HumanEval: pass@1 of the build loop (one-step prompt program, sub-agent with tests and fix rounds) vs one direct
completion of the same model; hidden tests run in the sandbox. Design tasks: hidden-test pass %, features % judged
by the model over the whole repo in chunks, lint errors, LOC, generated tests passed. The run directory
(runs/<id>/eval.json, children/ with every build) keeps all details.
"""

from __future__ import annotations

import argparse
import json
import sys


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--suite", choices=["humaneval", "design", "all"], default="humaneval")
    ap.add_argument("--limit", type=int, default=5, help="HumanEval problems from the start")
    ap.add_argument("--tasks", default=None, help="design tasks, comma-separated")
    ap.add_argument("--preset", default=None, help="model preset (openai | vllm | ollama | llama.cpp | local)")
    ap.add_argument("--he-tests", choices=["examples", "own"], default="examples",
                    help="HumanEval loop: the docstring's examples as given tests, or the sub-agent's own tests")
    ap.add_argument("-c", "--config", default=None, help="a TOML config file")
    args = ap.parse_args(argv)

    from synthloop.agents.build.evaluate import run_eval
    from synthloop.cli.common import start_run
    from synthloop.config import load_config

    cfg = load_config(args.config, {"model.preset": args.preset})
    run = start_run(cfg, "build-eval", {"suite": args.suite, "limit": args.limit, "tasks": args.tasks})
    try:
        result = run_eval(cfg, run, suite=args.suite, limit=args.limit,
                          tasks=args.tasks.split(",") if args.tasks else None, he_tests=args.he_tests)
    except KeyboardInterrupt:
        print(f"interrupted: the eval run {run.id} and its builds are kept under {cfg.runs_dir}", file=sys.stderr)
        return 130
    print(json.dumps({"run": run.id, "model": cfg.model.endpoint().name, **result["metrics"],
                      "items": result["items"]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
