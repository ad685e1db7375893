"""``--format html``: one self-contained HTML file for a reviewer, for one report or many.

Per report a summary (its particulars, findings by severity and category, the rules' outcomes), then the
findings grouped by page, each page with its image (rendered small by :mod:`linter.reporters.page_images`)
and the findings' boxes drawn on it; filters by severity, category and rule, a search box, and an index that
scrolls to a finding when clicked. The page is built by jinja2 templates (``templates/``), with autoescaping:
everything taken from a report is text, never markup. Nothing is fetched: images are data URIs, the style
and the script are inline, and a Content-Security-Policy allows only that script (by its hash), so the file
works from disk and from an e-mail attachment, and nothing a report contains can run.
"""

from __future__ import annotations

import base64
import hashlib
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from jinja2 import Environment, PackageLoader, StrictUndefined

from linter.core.findings import SEVERITIES
from linter.core.results import RunResult
from linter.reporters.common import CATEGORY_ZH, pack_infos, tool_version
from linter.reporters.geometry import PageFrame
from linter.reporters.marks import Mark
from linter.reporters.outputs import OutputError, refuse_input_as_output, report_bytes, write_atomically
from linter.reporters.page_images import PageImage, RenderError, render_pages
from linter.reporters.review import NO_CATEGORY, SEVERITY_ZH, STATUS_ZH, Item, Report, reports_of


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("linter.reporters", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _box(frame: PageFrame, rect: tuple[float, float, float, float]) -> dict[str, str]:
    left, top, width, height = frame.to_view_fraction(rect)
    return {k: f"{v * 100:.3f}%" for k, v in (("left", left), ("top", top), ("width", width), ("height", height))}


def _boxes(marks: Iterable[Mark], page: int, image: PageImage | None) -> list[dict[str, str]]:
    if image is None:
        return []
    return [_box(image.frame, r) for m in marks if m.page == page for r in m.rects]


def _item(item: Item, images: dict[int, PageImage]) -> dict[str, Any]:
    f = item.finding
    page = item.page
    image = images.get(page) if page else None
    related = []
    for rel in item.related:
        same_page = [m for m in rel.marks if m.page == page]
        related.append({"page": rel.page, "place": rel.place, "boxes": _boxes(same_page, page or 0, image)})
    numbers = item.numbers_zh()
    return {
        "key": item.key,
        "severity": f.severity,
        "severity_zh": SEVERITY_ZH[f.severity],
        "rounding": f.kind == "rounding",
        "rule_id": f.rule_id,
        "title": f.title,
        "message": f.message,
        "category": f.category or "",
        "category_zh": item.category_zh,
        "basis": f.basis,
        "place": item.place,
        "page": page,
        "numbers": numbers,
        "boxes": _boxes(item.marks, page or 0, image),
        "continues": sorted({m.page for m in item.marks if m.page != page}),
        "related": related,
        "search": " ".join(p for p in (f.rule_id, f.title, f.message, item.place, item.category_zh) if p).lower(),
    }


def _report(report: Report, err: TextIO) -> dict[str, Any]:
    fr = report.result
    images: dict[int, PageImage] = {}
    if report.pdf is not None:
        wanted = {m.page for i in report.items for m in i.marks} | {i.page for i in report.items if i.page}
        try:
            images = render_pages(report.pdf, wanted)
        except RenderError as exc:
            err.write(f"{report.path}: 无法绘制页面图像，HTML 中只列出问题 / pages could not be rendered: {exc}\n")
    groups: dict[int | None, list[dict[str, Any]]] = {}
    for item in report.items:
        groups.setdefault(item.page, []).append(_item(item, images))
    for items in groups.values():
        for i in items:
            for rel in i["related"]:
                rel["anchor"] = f"r{report.index}-p{rel['page']}" if rel["page"] in groups else None
    pages = []
    for page in sorted(p for p in groups if p is not None):
        image = images.get(page)
        pages.append({
            "page": page,
            "id": f"r{report.index}-p{page}",
            "image": _data_uri(image.png) if image else None,
            "width": image.width if image else None,
            "height": image.height if image else None,
            "items": groups[page],
        })
    md = report.metadata
    return {
        "index": report.index,
        "id": f"r{report.index}",
        "path": report.path,
        "name": fr.path.name,
        "checked": fr.checked,
        "reason": fr.error.message if fr.error else None,
        "unit": md.get("unit_name"),
        "year": md.get("fiscal_year"),
        "kind": md.get("kind"),
        "level": md.get("level"),
        "profile": md.get("profile"),
        "pages": report.pages,
        "severity_counts": report.severity_counts(),
        "category_counts": report.category_counts(),
        "rule_counts": report.rule_counts(),
        "rules_applied": report.rules_applied,
        "rule_errors": [e.message for e in fr.result.errors],
        "baselined": fr.baselined,
        "page_groups": pages,
        "unplaced": groups.get(None, []),
        "total": len(report.items),
    }


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def render_html(run: RunResult, err: TextIO) -> str:
    env = _environment()
    reports = [_report(r, err) for r in reports_of(run, report_bytes)]
    script = env.get_template("report.js").render()
    style = env.get_template("report.css").render()
    categories = sorted({(i["category"], i["category_zh"]) for r in reports for g in r["page_groups"] + [
        {"items": r["unplaced"]}] for i in g["items"]}, key=lambda c: (c[1] == NO_CATEGORY, c[0]))
    rules = sorted({i["rule_id"] for r in reports for g in r["page_groups"] for i in g["items"]}
                   | {i["rule_id"] for r in reports for i in r["unplaced"]})
    totals = run.severity_counts()
    return env.get_template("report.html.j2").render(
        tool_version=tool_version(),
        packs=pack_infos(run),
        reports=reports,
        severities=[(s, SEVERITY_ZH[s], totals.get(s, 0)) for s in SEVERITIES],
        categories=categories,
        category_names=CATEGORY_ZH,
        rules=rules,
        status_zh=STATUS_ZH,
        total=sum(totals.values()),
        not_checked=sum(1 for fr in run.files if not fr.checked),
        style=style,
        script=script,
        script_hash=base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii"),
    )


class HtmlReporter:
    """Writes to a stream (standard output) or, with ``-o``, to a file whole or not at all."""

    def report(self, run: RunResult, stream: TextIO) -> None:
        stream.write(render_html(run, sys.stderr))

    def check_target(self, target: Path | None) -> None:
        if target is not None and target.is_dir():
            raise OutputError(f"{target} 是目录，HTML 报告应为一个文件", f"{target} is a folder: the HTML report is one file")

    def write_files(self, run: RunResult, target: Path | None, err: TextIO) -> None:
        html = render_html(run, err)
        if target is None:
            sys.stdout.write(html)
            return
        refuse_input_as_output(run, target)
        write_atomically(target, html.encode("utf-8"))
