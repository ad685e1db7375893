"""The HTML report (issue 14), read as HTML: self-contained (no address outside the file, a CSP that allows
only its own script), one finding element per finding grouped by page, one page image per page with
findings with the boxes on it, text from the report escaped, within 5 MB for the seed (47 pages, 74
findings), and the same bytes for the same input. The browser test is tests/test_reviewer_browser.py."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections import Counter
from dataclasses import replace
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest
from lint_reports import BAD_TOTAL, run_in, three_public_report

from linter.core.results import RunResult

FIVE_MB = 5 * 1024 * 1024


class Page(HTMLParser):
    """Every element with its attributes, and the script's text."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)

    def having(self, tag: str, cls: str | None = None) -> list[dict[str, str]]:
        return [a for t, a in self.elements if t == tag and (cls is None or cls in a.get("class", "").split())]


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


@pytest.fixture(scope="module")
def seed_html(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    d = tmp_path_factory.mktemp("html")
    seed = shared / "corpus" / "jianghan-2024" / "jianghan-2024.pdf"
    r = run_in(d, "check", seed, "--format", "html", "-o", "seed.html", "--report", "json=seed.json")
    assert r.returncode == 1, r.stderr
    return {"dir": d, "seed": seed, "html": (d / "seed.html").read_text(encoding="utf-8"),
            "findings": json.loads((d / "seed.json").read_text(encoding="utf-8"))["files"][0]["findings"]}


def test_the_seed_report_fits_in_five_megabytes(seed_html: dict) -> None:
    assert len(seed_html["html"].encode("utf-8")) <= FIVE_MB


def test_one_finding_element_per_finding_grouped_by_page(seed_html: dict) -> None:
    page = parse(seed_html["html"])
    cards = page.having("li", "finding")
    findings = seed_html["findings"]
    assert len(cards) == len(findings) == 74
    assert Counter(c["data-rule"] for c in cards) == Counter(f["rule_id"] for f in findings)
    assert Counter(c["data-severity"] for c in cards) == Counter(f["severity"] for f in findings)
    # the index links every finding
    links = [a for a in page.having("a") if a.get("data-key")]
    assert sorted(a["data-key"] for a in links) == sorted(c["data-key"] for c in cards)
    # one image per page that has findings, each with the boxes of its located findings
    sections = [a for t, a in page.elements if t == "section" and "page" in a.get("class", "").split()]
    assert len(page.having("img")) == len(sections)
    shown = {int(a["id"].rsplit("-p", 1)[1]) for a in sections}
    pages = {f["location"]["page"] for f in findings if f["location"].get("page")}
    cells = {f["location"]["page"] for f in findings if f["location"].get("column")}
    # a sentence is shown on the page it is on, which may be the one after its paragraph's first page
    assert cells <= shown <= pages | {p + 1 for p in pages}
    boxes = [b for b in page.having("div", "box") if "related" not in b["class"].split()]
    assert len({b["data-key"] for b in boxes}) == sum(1 for f in findings if f["location"].get("bbox"))
    for b in boxes:
        style = dict(part.split(":") for part in b["style"].split(";"))
        assert all(0 <= float(style[k].rstrip("%")) <= 100 for k in ("left", "top", "width", "height"))


def test_nothing_is_fetched(seed_html: dict) -> None:
    html = seed_html["html"]
    page = parse(html)
    for tag, attrs in page.elements:
        for name in ("src", "href"):
            value = attrs.get(name)
            if value:
                assert value.startswith(("data:image/png;base64,", "#")), (tag, name, value[:60])
        assert tag not in ("link", "iframe", "object", "embed")
    assert not re.search(r"url\(|@import|https?://", html.replace("http-equiv", ""))
    csp = next(a["content"] for a in page.having("meta") if a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "img-src data:" in csp
    (script,) = page.scripts
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp  # only this script may run


def test_chinese_interface(seed_html: dict) -> None:
    html = seed_html["html"]
    for text in ("fiscal-lint 检查报告", "级别", "类别", "规则", "搜索", "问题索引", "规则结果", "第 19 页",
                 "中共武汉市江汉区委办公室", "实为", "应为", "相差"):
        assert text in html
    assert '<html lang="zh-CN">' in html


def test_numbers_in_the_reviewers_words(seed_html: dict) -> None:
    """The numbers as every other format words them (issue 16): unit, printed precision, the computed value;
    no table's internal key anywhere in the page's text."""
    assert "实为 5.16%，应为 5.15%（计算值 5.1531%），相差 0.01 个百分点" in seed_html["html"]
    text = re.sub(r"<[^>]+>", " ", seed_html["html"].split("<script", 1)[0])
    assert "income_expenditure_summary" not in text and "general_budget_expenditure" not in text


def test_same_input_same_bytes(seed_html: dict) -> None:
    d = seed_html["dir"]
    r = run_in(d, "check", seed_html["seed"], "--format", "html", "-o", "again.html", "--no-cache")
    assert r.returncode == 1
    assert (d / "again.html").read_text(encoding="utf-8") == seed_html["html"]


def test_text_from_a_report_is_escaped(tmp_path: Path, default_packs) -> None:
    from support import session_for

    from linter.core.limits import Limits
    from linter.reporters.html import render_html
    from linter.run.check import run_check

    src = tmp_path / "r.pdf"
    src.write_bytes(three_public_report(BAD_TOTAL))
    run: RunResult = run_check([src], default_packs, session_for(Limits(timeout=0), "warning"))
    fr = run.files[0]
    f = fr.result.findings[0]
    fr.result.findings[0] = replace(f, message='<script>alert("x")</script><img src=x onerror=alert(1)>')
    html = render_html(run, StringIO())
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert len(parse(html).scripts) == 1


def test_a_report_that_cannot_be_checked_is_listed(tmp_path: Path) -> None:
    (tmp_path / "ok.pdf").write_bytes(three_public_report(BAD_TOTAL))
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4\nnot really a PDF\n")
    r = run_in(tmp_path, "check", "ok.pdf", "bad.pdf", "--format", "html", "-o", "out.html")
    assert r.returncode == 2
    html = (tmp_path / "out.html").read_text(encoding="utf-8")
    assert "未检查：" in html and "2 份报告（1 份未检查）" in html
    # to standard output without -o
    r = run_in(tmp_path, "check", "ok.pdf", "--format", "html")
    assert r.returncode == 1 and r.stdout.startswith("<!DOCTYPE html>")
