"""Config resolution: defaults < -c file < SYNTHLOOP_* env < flags; clear errors; TOML round trip."""

from __future__ import annotations

import tomllib

import pytest

from synthloop.config import DEFAULT_FILE, Config, ConfigError, load_config, to_toml


def write(tmp_path, text: str, name: str = "user.toml"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_defaults_come_from_the_default_file():
    cfg = load_config(environ={})
    raw = tomllib.loads(DEFAULT_FILE.read_text())
    assert cfg.model.preset == raw["model"]["preset"]
    assert cfg.arc.workers == raw["arc"]["workers"]
    assert cfg.prices["gpt-4o-mini"] == tuple(raw["prices"]["gpt-4o-mini"])
    assert set(cfg.model.presets) >= {"openai", "vllm", "ollama", "llama.cpp", "local", "scripted"}


def test_precedence_default_file_env_flags(tmp_path):
    f = write(tmp_path, "[arc]\nworkers = 2\ntime_limit_s = 7.5\n[model]\nname = \"from-file\"\n")
    assert load_config(f, environ={}).arc.workers == 2
    env = {"SYNTHLOOP_ARC__WORKERS": "3", "SYNTHLOOP_MODEL__TEMPERATURE": "0.9", "UNRELATED": "1"}
    cfg = load_config(f, environ=env)
    assert (cfg.arc.workers, cfg.arc.time_limit_s, cfg.model.temperature, cfg.model.name) == (3, 7.5, 0.9, "from-file")
    cfg = load_config(f, {"arc.workers": 4, "model.name": None}, environ=env)
    assert cfg.arc.workers == 4 and cfg.model.name == "from-file"  # None = flag not given


def test_env_values_parse_as_toml_scalars_or_strings():
    cfg = load_config(environ={"SYNTHLOOP_MODEL__CACHE": "false", "SYNTHLOOP_MODEL__NAME": "qwen2.5:7b",
                               "SYNTHLOOP_RUNS_DIR": "/tmp/x"})
    assert cfg.model.cache is False and cfg.model.name == "qwen2.5:7b" and cfg.runs_dir == "/tmp/x"


def test_endpoint_applies_overrides_to_the_preset():
    cfg = load_config(overrides={"model.preset": "ollama", "model.base_url": "http://h:1/v1"}, environ={})
    ep = cfg.model.endpoint()
    assert ep.base_url == "http://h:1/v1" and ep.name == cfg.model.presets["ollama"].name and ep.n is False


def test_bad_value_names_key_and_file(tmp_path):
    f = write(tmp_path, "[arc]\nworkers = -1\n")
    with pytest.raises(ConfigError) as ei:
        load_config(f, environ={})
    msg = str(ei.value)
    assert "arc.workers" in msg and str(f) in msg and "\n" not in msg


def test_bad_env_value_names_the_environment():
    with pytest.raises(ConfigError, match=r"budget\.max_tokens.*environment"):
        load_config(environ={"SYNTHLOOP_BUDGET__MAX_TOKENS": "lots"})


def test_bad_flag_value_names_the_flags():
    with pytest.raises(ConfigError, match=r"model\.preset.*command-line"):
        load_config(overrides={"model.preset": "nonsense"}, environ={})


def test_unknown_key_and_bad_toml_and_missing_file(tmp_path):
    with pytest.raises(ConfigError, match=r"arc\.wrokers"):
        load_config(write(tmp_path, "[arc]\nwrokers = 2\n"), environ={})
    bad = write(tmp_path, "[arc\nworkers = ", "bad.toml")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad, environ={})
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "missing.toml", environ={})


def test_to_toml_round_trips(tmp_path):
    f = write(tmp_path, '[model]\nname = "a \\"quoted\\" name"\n[prices]\n"my/model:7b" = [1.5, 2]\n')
    cfg = load_config(f, {"arc.workers": 3}, environ={})
    text = to_toml(cfg)
    again = Config.model_validate(tomllib.loads(text))
    assert again == cfg
    # and the rendered file works as a user config on its own
    assert load_config(write(tmp_path, text, "round.toml"), environ={}) == cfg
