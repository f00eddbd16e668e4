"""desired.load(): the format by content, one-line errors naming the file, --synth."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from desiredkit import PROD, STATE_FILE

from paymentaudit.api.validation import Options, load_references
from paymentaudit.desired import state as desired
from paymentaudit.desired import synth
from paymentaudit.errors import InputError, SynthError
from paymentaudit.phases import Phases

MINIMAL_TFJSON = {
    "//": {"metadata": {"stackName": f"payment-{PROD}"}},
    "provider": {"aws": [{"region": "us-east-1"}]},
    "resource": {"aws_sns_topic": {"t": {"name": f"payment-alarms-{PROD}"}}},
}


def _write(path: Path, content: Any) -> Path:
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def test_the_format_is_told_by_content_not_by_name(tmp_path: Path) -> None:
    state = _write(tmp_path / "cdk.tf.json", STATE_FILE.read_text())
    assert desired.load(state, suffix=PROD).source == "tfstate"
    config = _write(tmp_path / "terraform.tfstate", MINIMAL_TFJSON)
    loaded = desired.load(config, suffix=PROD)
    assert loaded.source == "cdk.tf.json" and loaded.extra["format"] == "cdk.tf.json"
    assert [r.logical_name for r in loaded.resources] == ["payment-alarms"]
    assert loaded.extra["path"] == str(config)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "not valid JSON"),
        ("", "not valid JSON"),
        ([1, 2], "neither a synthesized cdk.tf.json"),
        ({"hello": "world"}, "neither a synthesized cdk.tf.json"),
        ({"version": 3, "terraform_version": "0.11.14", "modules": []}, "state version 3"),
        ({"version": 4, "terraform_version": "1.9.0", "resources": {}}, "without a resources list"),
    ],
)
def test_bad_files_are_one_line_input_errors(tmp_path: Path, content: Any, reason: str) -> None:
    path = _write(tmp_path / "desired.json", content)
    with pytest.raises(InputError) as info:
        desired.load(path, suffix=PROD)
    message = str(info.value)
    assert "\n" not in message and str(path) in message and reason in message


def test_an_unreadable_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        desired.load(tmp_path / "absent.json", suffix=PROD)
    binary = tmp_path / "binary.tfstate"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(InputError, match="not a text file"):
        desired.load(binary, suffix=PROD)


def test_a_file_of_another_environment_is_refused(tmp_path: Path) -> None:
    doc = {
        **MINIMAL_TFJSON,
        "provider": {"aws": [{"default_tags": [{"tags": {"EnvironmentSuffix": "dev"}}]}]},
    }
    with pytest.raises(InputError, match="declares environment suffix 'dev'"):
        desired.load(_write(tmp_path / "cdk.tf.json", doc), suffix=PROD)
    with pytest.raises(InputError, match="declares environment suffix 'prod-abc123'"):
        desired.load(STATE_FILE, suffix="prod-other")


def test_usage_errors() -> None:
    with pytest.raises(InputError, match="choose one"):
        desired.load(STATE_FILE, synth=True, suffix=PROD)
    with pytest.raises(InputError, match="no desired state"):
        desired.load(None, suffix=PROD)
    with pytest.raises(InputError, match="invalid target suffix"):
        desired.load(STATE_FILE, suffix="Not A Suffix")


def test_the_ssm_prefix_names_the_parameters(tmp_path: Path) -> None:
    loaded = desired.load(STATE_FILE, suffix=PROD, ssm_prefix="/prod/app")
    assert {r.logical_name for r in loaded.of_type("ssm.parameter")} == {"currency", "db-password"}
    assert loaded.ssm_prefix == "/prod/app"


def test_synth_loads_the_cached_json(
    fake_stack: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = synth.synthesize
    monkeypatch.setattr(
        synth,
        "synthesize",
        lambda suffix, **kw: real(suffix, stack_dir=fake_stack, cache_dir=tmp_path, **kw),
    )
    first = desired.load(None, synth=True, suffix=PROD)
    again = desired.load(None, synth=True, suffix=PROD)
    assert first.source == again.source == "synth"
    assert (first.extra["cache"]["hit"], again.extra["cache"]["hit"]) == (False, True)
    assert [r.key for r in first.resources] == [r.key for r in again.resources]
    assert first.extra["path"].startswith(str(tmp_path))


def test_a_synth_failure_reaches_validate_as_a_synth_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(suffix: str, **kw: Any) -> Any:
        raise SynthError("synth of stack/ for prod-abc123 (prod) failed (exit 1): ValueError: boom")

    monkeypatch.setattr(synth, "synthesize", failing)
    with pytest.raises(SynthError, match="ValueError: boom"):
        load_references(Options(target=PROD, synth=True), Phases())


def test_validate_passes_its_options_to_load(tmp_path: Path) -> None:
    phases = Phases()
    loaded, since = load_references(
        Options(target=PROD, desired=str(STATE_FILE), ssm_path="/prod"), phases
    )
    assert since is None and loaded is not None
    assert loaded.suffix == PROD and loaded.ssm_prefix == "/prod"
    assert {"desired", "synth"} <= set(phases.timings)
