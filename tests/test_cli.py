"""The command line: help with examples everywhere, exit codes, formats, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from admiralty.cli import main
from admiralty.export.json import validate, validate_line

COMMANDS = sorted(main.commands)


def _all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for name, command in sorted(group.commands.items()):
        out.append((*prefix, name))
        if isinstance(command, click.Group):
            out.extend(_all_commands(command, (*prefix, name)))
    return out


@pytest.mark.parametrize("path", _all_commands(main), ids=" ".join)
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output, f"`admiralty {' '.join(path)} --help` shows no example"


def test_main_help_lists_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


def test_usage_error_exits_2() -> None:
    assert CliRunner().invoke(main, ["analyze"]).exit_code == 2
    result = CliRunner().invoke(main, ["analyze", "x.txt", "--set", "nosuch.key=1"])
    assert result.exit_code == 2 and "unknown config section" in result.output


@pytest.fixture(scope="module")
def mixed_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mixed")
    (root / "blob.txt").write_bytes(bytes(range(256)) * 20)
    (root / "empty.txt").write_bytes(b"")
    (root / "legacy.txt").write_bytes("Le ministre a déclaré que la grève était terminée.".encode("cp1252"))
    (root / "valid.txt").write_text(
        "Port reopens\n\nThe port of Norhaven reopened on Friday, the harbour master said.", encoding="utf-8"
    )
    return root


def test_bad_inputs_exit_1_and_are_listed_without_traceback(mixed_dir: Path) -> None:
    result = CliRunner().invoke(main, ["analyze", str(mixed_dir)])
    assert result.exit_code == 1
    out = result.output
    assert "Traceback" not in out
    assert "blob.txt: binary data" in out
    assert "skipped: empty" in out
    assert "skipped: unsupported_language:fr" in out  # decoded, then not analysed as English
    assert "1 analysed, 2 skipped, 1 failed" in out


def test_summary_names_who_says_it_once_per_source(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        "Port talks\n\nHarbour master Ilona Varga said the port would reopen on Friday. "
        "She said the cranes were ready. Some say the strike will go on.", encoding="utf-8")
    out = CliRunner().invoke(main, ["analyze", str(tmp_path)]).output
    who = next(line for line in out.splitlines() if line.startswith("Who says it"))
    assert "Ilona Varga (named_person ×2, F)" in who and "She" not in who  # the pronoun is the person
    assert "Some (anonymous, F)" in who


def test_json_output_validates(mixed_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = CliRunner().invoke(main, ["analyze", str(mixed_dir), "--format", "json", "-o", str(out)])
    assert result.exit_code == 1
    data = json.loads(out.read_text("utf-8"))
    validate(data)
    assert [f["input"].rsplit("/", 1)[-1] for f in data["failures"]] == ["blob.txt"]
    assert {i["locator"].rsplit("/", 1)[-1] for i in data["run"]["inputs"]} == {
        "blob.txt", "empty.txt", "legacy.txt", "valid.txt"}
    assert CliRunner().invoke(main, ["validate", str(out)]).exit_code == 0


def test_jsonl_streams_typed_lines_header_first(mixed_dir: Path) -> None:
    result = CliRunner().invoke(main, ["analyze", str(mixed_dir), "--format", "jsonl"])
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0]["type"] == "header" and lines[0]["run"]["models"]
    assert {line["type"] for line in lines} >= {"header", "article", "failure", "grade"}
    for line in lines:
        validate_line(line)


def test_stdin(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["analyze", "-", "--format", "json"],
                                input="The minister said the port would reopen on Friday.")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["articles"][0]["input"] == "-"


def test_db_show_search_and_pipeline(tmp_path: Path, mixed_dir: Path) -> None:
    db = str(tmp_path / "a.db")
    assert CliRunner().invoke(main, ["analyze", str(mixed_dir), "--db", db]).exit_code == 1
    found = CliRunner().invoke(main, ["search", "harbour", "--db", db])
    assert found.exit_code == 0 and "harbour" in found.output
    article_id = found.output.split()[0]
    shown = CliRunner().invoke(main, ["show", article_id[:6], "--db", db])
    assert shown.exit_code == 0 and "Port reopens" in shown.output
    missing = CliRunner().invoke(main, ["show", "zzzz", "--db", db])
    assert missing.exit_code == 1 and missing.output.startswith("error: no article")
    described = CliRunner().invoke(main, ["pipeline", "--format", "json"])
    assert described.exit_code == 0 and json.loads(described.output)["article_stages"]


