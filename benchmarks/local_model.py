"""Benchmark the pulled local models on this machine: load time, prompt and generation tokens/s, server RSS.

    python benchmarks/local_model.py [NAME ...] [--threads N] [--repeats R] [--gen-tokens G] [--out FILE]

Each model runs in its own LocalServer child (the same code path synthloop uses). Prompt speed comes from a ~400-token
prompt with prompt caching off; generation speed from G tokens with EOS ignored; both are llama.cpp's own timings
(median over R repeats). RSS is the server process's VmRSS / VmHWM. Prints one JSON object."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from synthloop.agents.local.catalog import CATALOG, cache_dir
from synthloop.agents.local.registry import Registry
from synthloop.agents.local.server import LocalServer
from synthloop.config import load_config

CODE = '''def merge_intervals(intervals):
    """Merge overlapping [start, end] intervals and return them sorted."""
    out = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return out
'''


def _post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=1800) as resp:  # noqa: S310 (our own 127.0.0.1 server)
        return json.loads(resp.read())


def _rss_mb(pid: int) -> tuple[float, float]:
    fields = dict(ln.split(":", 1) for ln in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in ln)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def bench(name: str, path: str, local: Any, repeats: int, gen_tokens: int) -> dict[str, Any]:
    """One model: start, measure, stop."""
    load0 = os.getloadavg()[0]
    with LocalServer(local, path, name=name) as srv:
        url = srv.base_url + "/chat/completions"
        prompt_runs, gen_runs, prompt_n = [], [], 0
        for i in range(repeats):
            # a distinct prefix each time so no prompt cache can help
            long = f"Review #{i}. Explain what this code does, then list edge cases.\n\n" + CODE * 4
            r = _post(url, {"messages": [{"role": "user", "content": long}], "max_tokens": 1,
                            "temperature": 0, "cache_prompt": False})
            prompt_runs.append(r["timings"]["prompt_per_second"])
            prompt_n = r["timings"]["prompt_n"]
            g = _post(url, {"messages": [{"role": "user", "content": f"Write a long story about robots ({i})."}],
                            "max_tokens": gen_tokens, "temperature": 0, "ignore_eos": True, "cache_prompt": False})
            gen_runs.append(g["timings"]["predicted_per_second"])
        rss, hwm = _rss_mb(srv.pid or 0)
        entry = CATALOG.get(name)
        return {
            "name": name, "file_mb": round(Path(path).stat().st_size / 1e6, 1),
            "load_s": round(srv.load_s, 2), "context_size": srv.context_size,
            "prompt_tokens": prompt_n, "prompt_tok_s": round(statistics.median(prompt_runs), 1),
            "prompt_tok_s_runs": [round(x, 1) for x in prompt_runs],
            "gen_tokens": gen_tokens, "gen_tok_s": round(statistics.median(gen_runs), 1),
            "gen_tok_s_runs": [round(x, 1) for x in gen_runs],
            "rss_mb": round(rss), "rss_peak_mb": round(hwm),
            "loadavg_1m_before": round(load0, 2), "loadavg_1m_after": round(os.getloadavg()[0], 2),
            "idle_reference": ({"gen_tok_s": entry.gen_tok_s, "prompt_tok_s": entry.prompt_tok_s,
                                "rss_gb": entry.rss_gb} if entry else None),
        }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*", help="models to run (default: every installed model)")
    ap.add_argument("--threads", type=int, default=0, help="default: [local].threads")
    ap.add_argument("--context", type=int, default=2048)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--gen-tokens", type=int, default=64)
    ap.add_argument("--out", default="", help="also write the JSON here")
    a = ap.parse_args(argv)
    cfg = load_config()
    local = cfg.local.model_copy(update={"context_size": a.context, **({"threads": a.threads} if a.threads else {})})
    installed = {n: r for n, r in Registry(cache_dir(cfg.local.cache_dir)).all().items() if r.present()}
    names = a.names or sorted(installed, key=lambda n: installed[n].size)
    missing = [n for n in names if n not in installed]
    if missing:
        print(f"not installed: {', '.join(missing)} (synthloop models pull NAME)", file=sys.stderr)
        return 2
    t0 = time.time()
    result = {
        "host": {"cpus": os.cpu_count(), "threads": local.threads, "loadavg_1m_start": round(os.getloadavg()[0], 2)},
        "models": [bench(n, installed[n].path, local, a.repeats, a.gen_tokens) for n in names],
        "wall_s": round(time.time() - t0, 1),
    }
    text = json.dumps(result, indent=2)
    print(text)
    if a.out:
        Path(a.out).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
