"""Help text fits the terminal: wrapped by display width, a Chinese character being two columns."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from linter.commands.help_format import display_width, wrap

COMMANDS = [["check"], ["parse"], ["sets"], ["rules", "test"], ["rules", "list"], ["explain"], ["cache"], ["config"]]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_help_line_fits_80_columns(command: list[str]) -> None:
    env = {**os.environ, "COLUMNS": "80"}
    r = subprocess.run([sys.executable, "-m", "linter", *command, "--help"], capture_output=True, text=True,
                       encoding="utf-8", env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    wide = [line for line in r.stdout.splitlines() if display_width(line) > 80]
    # a usage line or a single unbreakable token (a long option list) may run over; prose may not
    assert not [line for line in wide if any(display_width(c) == 2 for c in line)], wide


def test_wrap_breaks_between_chinese_characters_and_keeps_marks_with_their_text() -> None:
    text = "续查：跳过合规日志 LOG（JSON Lines，--log 或 --report jsonl= 写出）中已完整记录的报告。"
    lines = wrap(text, 20, "  ", "  ")
    assert all(display_width(line) <= 20 or line.lstrip()[0] in "，。）" for line in lines)
    assert "".join(line.strip() for line in lines).replace(" ", "") == text.replace(" ", "")
    assert not any(line.strip()[0] in "，。、）" for line in lines)  # no line starts with a closing mark
    assert not any(line.rstrip()[-1] in "（“" for line in lines)  # nor ends with an opening one
