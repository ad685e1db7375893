"""Turning one input file into a validated document model, through the parser plugins."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pluggy

from linter.core.catalogue import Catalogue
from linter.core.errors import InputError
from linter.core.model import Document, Section
from linter.parse.validation import schema_errors


def catalogue_of(pm: pluggy.PluginManager) -> Catalogue:
    specs = [spec for specs in reversed(pm.hook.fiscal_lint_table_catalogue()) for spec in specs]
    return Catalogue(specs)


def supported_formats(pm: pluggy.PluginManager) -> list[str]:
    return sorted({fmt for fmts in pm.hook.fiscal_lint_parser_formats() for fmt in fmts})


def read_input(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError("not_found", "文件不存在", "no such file") from exc
    except IsADirectoryError as exc:
        raise InputError("is_directory", "这是一个目录，不是文件", "this is a directory, not a file") from exc
    except PermissionError as exc:
        raise InputError("unreadable", "没有读取该文件的权限", "permission denied") from exc
    except OSError as exc:
        raise InputError("unreadable", f"无法读取文件：{exc.strerror}", f"cannot read the file: {exc.strerror}") from exc


# Section titles a disclosure has (部门概况, 情况说明, 名词解释 …): a document with none of them and none of
# the catalogue's tables is not a disclosure, and "no findings" on it would be a lie.
DISCLOSURE_SECTION = re.compile(
    r"概况|主要职责|职能|机构设置|情况说明|名词解释|收入支出|财政拨款|三公|机关运行经费|政府采购|国有资产|绩效|预算|决算"
)


def _walk(sections: list[Section]) -> Iterator[Section]:
    for s in sections:
        yield s
        yield from _walk(s.children)


def check_recognised(document: Document) -> None:
    """Refuse a document in which none of the expected disclosure tables and sections can be found."""
    if any(t.key for t in document.tables):
        return
    if any(DISCLOSURE_SECTION.search(s.title or s.heading) for s in _walk(document.sections)):
        return
    raise InputError(
        "not_disclosure",
        "不是可识别的部门预决算公开文件（找不到任何公开表或说明章节）",
        "not a recognised disclosure (none of the expected tables or sections was found)",
    )


def parse_file(path: Path, pm: pluggy.PluginManager, options: dict[str, Any] | None = None) -> Document:
    """Parse ``path`` with the first parser plugin that claims it; the model is schema-validated."""
    data = read_input(path)
    opts = {"catalogue": catalogue_of(pm), **(options or {})}
    document = pm.hook.fiscal_lint_parse_document(path=path, data=data, options=opts)
    if document is None:
        formats = "、".join(supported_formats(pm)) or "-"
        raise InputError(
            "no_parser",
            f"没有能读取此格式（{path.suffix or '无扩展名'}）的解析器；已安装的解析器支持：{formats}",
            f"no parser for this format ({path.suffix or 'no suffix'}); installed parsers read: {formats}",
        )
    pm.hook.fiscal_lint_postprocess_document(document=document)
    problems = schema_errors(document.to_dict())
    if problems:  # a parser bug, not a user error: still one clear line, and the file is not checked
        raise InputError(
            "invalid_model",
            f"解析结果不符合文档模型：{problems[0]}",
            f"the parsed model does not match the document schema: {problems[0]}",
        )
    check_recognised(document)
    return document
