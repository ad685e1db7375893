"""Help text wrapped by display width: a Chinese character takes two terminal columns.

argparse wraps with :mod:`textwrap`, which counts characters, so a help line in Chinese runs to twice the
terminal's width. These formatters break lines by columns (a CJK character or full-width mark is two), between
words or between any two CJK characters, never before a closing mark such as "，" or "）".
"""

from __future__ import annotations

import argparse
import re
import unicodedata

# a run of non-space Latin text, one wide character, or a run of spaces; the pattern is compiled when help is
# first printed (3 ms that every command would otherwise pay at start-up)
_TOKENS = (r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]"
           r"|[^\s\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]+"
           r"|\s+")
_NO_LINE_START = set("，。、；：！？）】》」』”’%％,.;:!?)]")
_NO_LINE_END = set("（【《「『“‘")


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    """``text`` (whitespace collapsed) in lines of at most ``width`` columns, the first indented by ``first``,
    the others by ``rest``; a word longer than a line stands alone."""
    lines: list[str] = []
    line, used = first, display_width(first)
    pending_space = False
    for token in re.findall(_TOKENS, " ".join(text.split())):
        if token.isspace():
            pending_space = line.strip() != ""
            continue
        w = display_width(token) + (1 if pending_space else 0)
        starts_badly = token[0] in _NO_LINE_START
        if used + w > width and line.strip() and not starts_badly:
            carried = ""
            if line[-1] in _NO_LINE_END and line[:-1].strip():  # an opening mark goes with what it opens
                line, carried = line[:-1], line[-1]
            lines.append(line)
            line = rest + carried + token
            used = display_width(line)
        else:
            line += (" " if pending_space else "") + token
            used += w
        pending_space = False
    if line.strip():
        lines.append(line)
    return lines


class WidthHelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, wrapping by display width."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(wrap(text, width, indent, indent))


class LineHelpFormatter(WidthHelpFormatter):
    """Keeps the line breaks of a description or epilog (each line wrapped on its own, continuation lines
    indented), so that a table stays one row per line."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        lines = []
        for line in text.splitlines():
            lead = " " * (len(line) - len(line.lstrip()))
            hang = lead + "    " if lead else ""
            lines.append("\n".join(wrap(line, width, indent + lead, indent + hang)) if line.strip() else "")
        return "\n".join(lines)


def use_width_formatter(parser: argparse.ArgumentParser) -> None:
    """Give this parser and every sub-command's parser the width-aware formatter, unless one chose its own."""
    if parser.formatter_class is argparse.HelpFormatter:
        parser.formatter_class = WidthHelpFormatter
    for action in parser._actions:  # argparse keeps sub-commands there; there is no public accessor
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                use_width_formatter(sub)
