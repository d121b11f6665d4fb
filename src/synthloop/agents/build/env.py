"""Everything the build graph's nodes share: run, config, model, sandbox, registry, workspace, observer."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...config import Config
from ...memory.filestore import DiskFileStore
from ...memory.registry import SATISFIED, InstructionRegistry
from ...memory.runstore import Run
from .given import GIVEN_DIR, given_paths
from .progress import Observer, quiet

MAX_REPLANS = 2
MAX_NEW_PER_REPLAN = 3


def subagent_protocol(cfg: Config) -> str:
    """See BuildEnv.protocol."""
    proto = cfg.build.tool_protocol
    return "files" if proto == "auto" and cfg.model.preset == "local" else proto


@dataclass
class BuildEnv:
    run: Run
    cfg: Config
    model: Any
    sandbox: Any
    observer: Observer = quiet
    installer: Any = None  # install.Installer when --allow-install
    mode: str = "code"  # code | text (chapters instead of modules; see build/text.py)
    extend: Any = None  # extend.ExtendSession when changing an existing repository (--repo)
    lock: threading.RLock = field(default_factory=threading.RLock)
    registry: InstructionRegistry = field(init=False)
    workspace: DiskFileStore = field(init=False)
    given: list[str] = field(init=False)  # the user's given tests (build/given.py), read-only for sub-agents

    def __post_init__(self) -> None:
        self.registry = InstructionRegistry.load(self.registry_path)
        self.workspace = DiskFileStore(self.run.path / "workspace", snapshots_dir=self.run.path / "snapshots")
        self.given = given_paths(self.run.path)

    @property
    def protocol(self) -> str:
        """build.tool_protocol, with "auto" meaning whole files for the embedded (small) model; otherwise the
        sub-agent picks native tool calls or JSON from the endpoint's capabilities."""
        return subagent_protocol(self.cfg)

    @property
    def registry_path(self) -> Path:
        return self.run.path / "registry.json"

    @property
    def task_path(self) -> Path:
        return self.run.path / "task.md"

    @property
    def plan_path(self) -> Path:
        return self.run.path / "user_plan.json"

    def scratch(self, iid: str) -> Path:
        return self.run.path / "scratch" / iid

    def task(self) -> str:
        return self.task_path.read_text()

    def role(self, name: str) -> Any:
        """The model labelled with a role in the event log (where the model supports it)."""
        with_role = getattr(self.model, "with_role", None)
        return with_role(name) if callable(with_role) else self.model

    def given_due(self, iid: str) -> bool:
        """Whether instruction `iid` must pass the given tests: it is the last unfinished one of the plan."""
        return all(it.status in (*SATISFIED, "failed") for it in self.registry.all() if it.id != iid)

    def check(self, store: DiskFileStore, *, with_given: bool = True) -> Any:
        """Syntax check + (requirements install) + the whole test suite in the sandbox (without the given tests
        when `with_given` is False, unless they are the only tests: an instruction never passes on no tests)."""
        if self.mode == "text":  # acceptance: every chapter written, within its length bounds
            from .text import document_check

            return document_check(store)
        if not with_given and self.given:
            from .checks import is_test_file

            with_given = not any(is_test_file(p) and not p.startswith(GIVEN_DIR + "/") for p in store.list())
        ignore = [] if with_given or not self.given else [GIVEN_DIR]
        if self.extend is not None:  # the repository's tests, judged against the baseline
            return self.extend.check(store, self.sandbox, timeout_s=self.cfg.build.test_timeout_s, ignore=ignore)
        from .checks import run_checks

        return run_checks(store, self.sandbox, timeout_s=self.cfg.build.test_timeout_s,
                          prepare=self.installer.sync if self.installer is not None else None, ignore=ignore)

    def check_instruction(self, store: DiskFileStore, *, with_given: bool = True,
                          excused: dict[str, str] | None = None, lint_excused: frozenset[str] = frozenset()) -> Any:
        """check(), less the `excused` known failures (partial.py), plus serious lint findings (undefined names and
        the like) beyond the baseline's, outside the `lint_excused` files (partly done work the instruction does not
        own): a bug the tests miss goes back to the sub-agent that wrote it instead of waiting for acceptance."""
        rep = self.check(store, with_given=with_given)
        if excused:
            from .partial import excuse

            rep = excuse(rep, excused)
        if self.mode == "text" or not rep.ok:
            return rep
        from .checks import lint

        found = lint(store.root, excused=lint_excused)
        allowed = self.extend.baseline_lint_errors() if self.extend is not None else 0
        if (found.get("serious") or 0) > allowed:
            rep.lint_errors = list(found.get("serious_shown") or [])
        return rep

    def emit(self, kind: str, **data: Any) -> None:
        """An event in events.jsonl and on the progress display."""
        self.run.event(kind, **data)
        try:
            self.observer(kind, **data)
        except Exception:  # noqa: BLE001 - a display problem must never stop the build
            pass
