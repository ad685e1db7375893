"""``fiscal-lint config``: print the effective configuration and where each value came from."""

from __future__ import annotations

import argparse
import sys

from linter.commands.common import EXIT_USAGE, add_config_options, effective_config
from linter.core.config import ConfigError, render_json, render_toml


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "config",
        help="显示生效的配置及其来源 / show the effective configuration and where each value comes from",
        description="显示生效的配置（默认值、配置文件、命令行）以及每一项的来源。未知的配置项是错误（退出码 2）。 / "
        "Print the effective configuration and the source of each value. An unknown key is an error (exit 2).",
    )
    p.add_argument("--json", action="store_true", help="以 JSON 输出 / print JSON")
    add_config_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        config = effective_config(args)
    except ConfigError as exc:
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(render_json(config) if args.json else render_toml(config))
    return 0
