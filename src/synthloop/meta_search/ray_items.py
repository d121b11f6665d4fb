"""Design items as Ray tasks: `evaluate_design(..., item_executor=RayItems(gateway_model, sandbox_args))`.

Each Ray task rebuilds the design directory in a private temporary folder of its node (removed afterwards), makes
its own sandbox from plain arguments, runs the design on one item with a ModelChannel over a `GatewayModel` (so the
run's single budget, cache and accounting apply to every call), and returns the ItemOutcome as JSON text. The
driver scores the answers and calls `on_item` as outcomes stream in. `ray` is imported only when `run` is used.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..agents.ray_gateway import open_gateway
from ..agents.ray_map import ray_map
from ..errors import UserError
from ..tools.factory import make_sandbox
from .channel import ModelChannel
from .domains.base import Domain, Item
from .runner import ItemOutcome, prepare_design_dir, run_item


def run_item_job(job_text: str, *, model: Any) -> str:
    """The Ray task body: one design on one item, in this node's sandbox; the ItemOutcome as JSON text."""
    from .evaluate import EvalSettings  # evaluate does not import this module; no cycle at run time either

    job = json.loads(job_text)
    settings = EvalSettings(**job["settings"])
    root = Path(tempfile.mkdtemp(prefix="synthloop-ray-item-"))
    try:
        os.chmod(root, 0o755)  # the sandbox user must reach the design dir
        design_dir = prepare_design_dir(root / "design", job["code"], job["helper_files"])
        channel = ModelChannel(model, max_calls=settings.max_calls_per_item, repeat=job["repeat"],
                               max_tokens=settings.max_tokens)
        out = run_item(make_sandbox(**job["sandbox"]), design_dir, job["helper_module"], job["item_id"],
                       job["payload"], channel=channel, timeout_s=settings.timeout_s, limits=settings.limits(),
                       log_dir=root / "logs", repeat=job["repeat"])
        return json.dumps(asdict(out), default=str)
    finally:
        shutil.rmtree(root, ignore_errors=True)


class RayItems:
    """Runs a design's items as Ray tasks. `model`: a GatewayModel (agents.ray_gateway.open_gateway(...).model);
    `sandbox`: make_sandbox keyword arguments (backend, python, uid, image) for the workers' nodes."""

    def __init__(self, model: Any, sandbox: dict[str, Any], *, address: str | None = None, in_flight: int = 8,
                 local_cpus: int = 2):
        self.model = model
        self.sandbox = dict(sandbox)
        self.address = address or None
        self.in_flight = max(1, in_flight)
        self.local_cpus = local_cpus

    def run(self, code: str, domain: Domain, jobs: list[tuple[int, Item]], settings: Any) -> Iterator[
            tuple[int, ItemOutcome]]:
        """Yield (job index, outcome) as items finish; scoring is the caller's."""
        helper_files = domain.helper_files()
        texts = [json.dumps({"code": code, "helper_files": helper_files, "helper_module": domain.helper_module,
                             "item_id": item.id, "payload": item.payload, "repeat": repeat,
                             "settings": asdict(settings), "sandbox": self.sandbox})
                 for repeat, item in jobs]
        fn = functools.partial(run_item_job, model=self.model)
        for index, text in ray_map(fn, texts, address=self.address, in_flight=self.in_flight,
                                   local_cpus=self.local_cpus):
            yield index, ItemOutcome(**json.loads(text))


def open_ray_models(cfg: Any, params: Any, run: Any, stack: contextlib.ExitStack) -> tuple[Any, Any, RayItems]:
    """For meta.executor = "ray": one gateway for the run (closed with `stack`); the design and meta models are its
    proxies, so the run keeps a single budget and cache; and the RayItems that run the designs' items."""
    if params.meta_preset and params.meta_preset != cfg.model.preset:
        raise UserError("meta.executor = \"ray\" serves one model through one gateway (one budget); a separate "
                        "meta preset is not supported with it: drop the meta preset or use meta.executor = \"local\"")
    address = cfg.meta.ray_address or None
    gw = stack.enter_context(open_gateway(cfg, run, role="design", address=address, local_cpus=params.workers))
    sb = cfg.sandbox
    items = RayItems(gw.model, {"backend": sb.backend, "python": sb.python, "uid": sb.uid, "image": sb.docker_image},
                     address=address, in_flight=params.workers, local_cpus=params.workers)
    return gw.model.with_role("design"), gw.model.with_role("meta"), items
