"""Small documents for rule tests: a full model JSON, or a compact fragment expanded to one.

A fragment lists only what a rule reads::

    {"metadata": {"kind": "决算"},
     "tables": [{"key": "three_public", "number": "公开09表", "unit": "万元",
                 "columns": ["预算数/合计", "预算数/因公出国(境)费", ...],
                 "rows": [["10.00", "", ...]],
                 "notes": ["本部门2024年度无…"]}],
     "sections": [{"heading": "一、收入支出决算总体情况说明", "paragraphs": ["…"]}],
     "toc": ["第一部分 概况", "一、部门主要职责"]}

Columns are header paths joined by "/" (``{"path": …, "no": "1", "lane": 1, "role": "label"}``
for more); ``"@code"``, ``"@label"`` and ``"@line"`` name the code, label and 行次 columns. A row is
a list over all columns (a two-lane table yields one model row per lane) or an object
``{"code", "label", "line", "level", "lane", "code_text", "cells": [amounts of its lane]}``. Amounts are
parsed exactly as the parser does (:mod:`linter.core.numbers`), so a fragment is a real document.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from linter.core.model import (
    Cell,
    Column,
    Document,
    Lane,
    Metadata,
    Note,
    Paragraph,
    ParserInfo,
    Row,
    Section,
    Source,
    Table,
    TocEntry,
    iter_sections,
)
from linter.core.numbers import code_kind, code_level, parse_amount
from linter.core.text import normalise_label, normalise_prose

_ROLES = {"@code": "code", "@label": "label", "@line": "line_no"}
_ROLE_HEADERS = {"code": "科目编码", "label": "项目", "line_no": "行次"}
_NUMBER = re.compile(
    r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．])\s*"
)


class FragmentError(ValueError):
    pass


def load_document(data: dict[str, Any]) -> Document:
    """A model JSON document (``Document.to_dict()`` shape) or a fragment."""
    if "source" in data and "schema_version" in data:
        return Document.from_dict(data)
    return _from_fragment(data)


def _from_fragment(data: dict[str, Any]) -> Document:
    md = {"kind": "决算", **data.get("metadata", {})}
    doc = Document(
        metadata=Metadata(**md),
        source=Source("fragment.json", "", 0, None, ParserInfo("fragment", "1")),
    )
    for i, t in enumerate(data.get("tables", [])):
        doc.tables.append(_table(t, page=i + 1))
    doc.sections = [_section(s, page=len(doc.tables) + 1) for s in data.get("sections", [])]
    doc.toc = [_toc_entry(e) for e in data.get("toc", [])]
    return doc


def _toc_entry(e: Any) -> TocEntry:
    """A TOC line: its text (level 1 for 第X部分, else 2) or ``{"text", "level", "page"}``."""
    if isinstance(e, str):
        return TocEntry(e, 1 if e.strip().startswith("第") else 2, 1)
    if isinstance(e, dict) and "text" in e:
        text = str(e["text"])
        return TocEntry(text, int(e.get("level", 1 if text.strip().startswith("第") else 2)), int(e.get("page", 1)))
    raise FragmentError(f"toc: expected a text or {{'text', 'level'}}, got {e!r}")


def _column(spec: Any, index: int) -> Column:
    if isinstance(spec, str):
        role = "amount"
        for prefix, r in _ROLES.items():
            if spec.startswith(prefix):
                role = r
                spec = spec[len(prefix) :].lstrip(":") or _ROLE_HEADERS[r]
        return Column(index, [p for p in spec.split("/") if p], role)
    if isinstance(spec, dict):
        path = spec.get("path", "")
        parts = path if isinstance(path, list) else [p for p in str(path).split("/") if p]
        role = spec.get("role", "amount")
        return Column(index, parts or [_ROLE_HEADERS.get(role, "")], role, int(spec.get("lane", 0)), spec.get("no"))
    raise FragmentError(f"column {index}: expected a string or an object, got {spec!r}")


def _level(code: str | None, label: str | None) -> str | None:
    if code:
        return code_level(code)
    norm = normalise_label(label)
    return "合计" if norm.endswith(("合计", "总计")) else None


def _table(t: dict[str, Any], page: int) -> Table:
    if "key" not in t:
        raise FragmentError("every table needs a 'key'")
    columns = [_column(c, i) for i, c in enumerate(t.get("columns", []))]
    lane_names: list[str | None] = list(t.get("lanes", [])) or [None]
    if len(lane_names) > 1 and all(c.lane == 0 for c in columns):
        raise FragmentError(f"table {t['key']}: a two-lane table must give each column its 'lane'")
    lanes = [Lane(i, name, [c.index for c in columns if c.lane == i]) for i, name in enumerate(lane_names)]
    p = int(t.get("page", page))
    table = Table(
        key=t["key"],
        number=t.get("number"),
        title=t.get("title", t["key"]),
        unit=t.get("unit", "万元"),
        unit_name=t.get("unit_name"),
        page=p,
        page_end=p,
        columns=columns,
        lanes=lanes,
        notes=[],
    )
    table.notes = [Note(text, p) for text in t.get("notes", [])]
    for spec in t.get("rows", []):
        if isinstance(spec, list):
            table.rows.extend(_grid_rows(table, spec, p))
        else:
            table.rows.append(_object_row(table, spec, p))
    return table


def _grid_rows(table: Table, values: list[Any], page: int) -> list[Row]:
    if len(values) != len(table.columns):
        raise FragmentError(f"table {table.key}: a row has {len(values)} cells for {len(table.columns)} columns")
    out: list[Row] = []
    for lane in table.lanes:
        cols = [table.columns[i] for i in lane.columns]
        texts = {c.index: str(values[c.index] or "") for c in cols}
        if len(table.lanes) > 1 and not any(t.strip() for t in texts.values()):
            continue  # this lane has nothing on this printed line
        by_role = {c.role: texts[c.index].strip() or None for c in cols if c.role != "amount"}
        code, label = by_role.get("code"), by_role.get("label")
        cells = [_cell(c, texts[c.index], page) for c in cols]
        out.append(
            Row(
                len(table.rows) + len(out),
                lane.index,
                code,
                code_kind(code) if code else None,
                label,
                by_role.get("line_no"),
                _level(code, label),
                page,
                cells,
            )
        )
    return out


def _object_row(table: Table, spec: dict[str, Any], page: int) -> Row:
    lane = int(spec.get("lane", 0))
    amount_cols = [c for c in table.columns if c.lane == lane and c.role == "amount"]
    values = [str(v or "") for v in spec.get("cells", [])]
    if len(values) != len(amount_cols):
        raise FragmentError(
            f"table {table.key}: row {spec.get('label')!r} has {len(values)} amounts for {len(amount_cols)}"
        )
    code, label = spec.get("code"), spec.get("label")
    cells = [_cell(c, v, page) for c, v in zip(amount_cols, values, strict=True)]
    for c in table.columns:
        if c.lane == lane and c.role in ("code", "label", "line_no"):
            text = {"code": code, "label": label, "line_no": spec.get("line")}[c.role] or ""
            cells.append(Cell(c.index, str(text), None, page))
    cells.sort(key=lambda x: x.column)
    level = spec.get("level", _level(code, label))
    row = Row(
        len(table.rows), lane, code, code_kind(code) if code else None, label, spec.get("line"), level, page, cells
    )
    if spec.get("code_text"):  # code cells printed malformed ("7 11 02"); "code" is then the repaired code or null
        row.code_text = str(spec["code_text"])
        row.code_repaired = code is not None
    return row


def _cell(c: Column, text: str, page: int) -> Cell:
    value = parse_amount(text) if c.role == "amount" else None
    return Cell(c.index, text, str(value) if value is not None else None, page)


def _section(s: dict[str, Any], page: int) -> Section:
    heading = s["heading"]
    m = _NUMBER.match(heading)
    number = m.group(1).rstrip("、.．") if m else None
    title = heading[m.end() :] if m else heading
    level = s.get("level") or _section_level(number)
    p = int(s.get("page", page))
    sec = Section(heading, number, title, level, p)
    sec.paragraphs = [Paragraph(text, text, p, p) for text in s.get("paragraphs", [])]
    sec.children = [_section(c, p) for c in s.get("children", [])]
    return sec


def _section_level(number: str | None) -> int:
    if not number:
        return 2
    if number.startswith("第"):
        return 1
    if number.startswith(("(", "（")):
        return 3
    return 4 if number[0].isdigit() else 2


# ---- patches: "the pass document with one figure changed" -------------------------------------------


def apply_patches(doc: Document, patches: list[dict[str, Any]]) -> Document:
    """Edit a copy: ``{"table", "row": {code|label|index, lane}, "column": "决算数/合计", "text"}``
    sets a cell; ``{"section", "old", "new"}`` rewrites prose; ``{"drop_table": key}`` removes a table;
    ``{"drop_section": heading}`` removes a section (with its subsections); ``{"metadata": {"fiscal_year":
    2024, …}}`` changes the document's particulars (unit_name, fiscal_year, kind, level, profile…)."""
    doc = copy.deepcopy(doc)
    for p in patches:
        if "metadata" in p:
            if not isinstance(p["metadata"], dict):
                raise FragmentError(f"patch: metadata must be a mapping: {p!r}")
            for k, v in p["metadata"].items():
                if not hasattr(doc.metadata, k):
                    raise FragmentError(f"patch: no metadata field {k!r}")
                setattr(doc.metadata, k, v)
        elif "drop_table" in p:
            doc.tables = [t for t in doc.tables if t.key != p["drop_table"]]
        elif "drop_section" in p:
            _drop_section(doc, p["drop_section"])
        elif "table" in p:
            _patch_cell(doc, p)
        elif "section" in p:
            _patch_text(doc, p)
        else:
            raise FragmentError(f"unknown patch {p!r}")
    return doc


def _drop_section(doc: Document, heading: str) -> None:
    want = normalise_prose(heading)

    def keep(sections: list[Section]) -> tuple[list[Section], bool]:
        out, hit = [], False
        for s in sections:
            if normalise_prose(s.heading) == want:
                hit = True
                continue
            s.children, sub = keep(s.children)
            hit = hit or sub
            out.append(s)
        return out, hit

    doc.sections, found = keep(doc.sections)
    if not found:
        raise FragmentError(f"patch: no section {heading!r}")


def _patch_cell(doc: Document, p: dict[str, Any]) -> None:
    table = next((t for t in doc.tables if t.key == p["table"]), None)
    if table is None:
        raise FragmentError(f"patch: no table {p['table']!r}")
    sel = p.get("row", {"index": 0})
    hits = [
        r
        for r in table.rows
        if ("code" not in sel or r.code == sel["code"])
        and ("label" not in sel or normalise_label(r.label) == normalise_label(sel["label"]))
        and ("index" not in sel or r.index == sel["index"])
        and ("lane" not in sel or r.lane == sel["lane"])
    ]
    if len(hits) != 1:
        raise FragmentError(f"patch: row {sel!r} matches {len(hits)} rows of {table.key}")
    row = hits[0]
    want = [normalise_label(x) for x in p["column"].split("/")]
    cols = [c for c in table.columns if c.lane == row.lane and [normalise_label(x) for x in c.path] == want]
    if len(cols) != 1:
        raise FragmentError(f"patch: column {p['column']!r} matches {len(cols)} columns of {table.key}")
    cell = next((c for c in row.cells if c.column == cols[0].index), None)
    if cell is None:
        raise FragmentError(f"patch: row {sel!r} has no cell in column {p['column']!r}")
    cell.text = str(p["text"])
    if cols[0].role == "label":  # the row's label and code are what their cells print, as the parser reads them
        row.label = cell.text.strip() or None
        return
    if cols[0].role == "code":
        row.code = cell.text.strip() or None
        row.level = code_level(row.code) if row.code else row.level
        return
    value = parse_amount(cell.text)
    cell.value = str(value) if value is not None else None


def _patch_text(doc: Document, p: dict[str, Any]) -> None:
    want = normalise_prose(p["section"])
    for s in iter_sections(doc.sections):
        if normalise_prose(s.heading) == want:
            hit = False
            for para in s.paragraphs:
                if p["old"] in para.text:
                    para.text = para.raw_text = para.text.replace(p["old"], p["new"])
                    hit = True
            if not hit:
                raise FragmentError(f"patch: {p['old']!r} not found in section {p['section']!r}")
            return
    raise FragmentError(f"patch: no section {p['section']!r}")
