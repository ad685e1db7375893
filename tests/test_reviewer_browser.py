"""The HTML report in a real browser (issue 14): Debian's Chromium, headless, driven by playwright.

The seed's report is opened from a file:// URL with the network cut off. The test asserts no console
message of level error or warning and no uncaught exception; uses the filters and the search box; clicks the
"5.16%" finding in the index and checks that its page image and its box are in view, the box on the
sentence's place on the image; clicks a box and checks its finding is marked; and saves screenshots
(in the test's folder, and in ``FISCAL_LINT_SCREENSHOTS`` when that names a folder).

Without playwright or a Chromium the test is skipped, saying which is missing, unless
``FISCAL_LINT_REQUIRE_BROWSER`` is set (``.ci/run`` sets it): then it fails.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from lint_reports import run_in

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# as the machine's notes advise for a closed network: no background connections, no first-run work
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _browser() -> tuple[object, str]:
    """playwright's sync API and the browser's path, or a skip (a failure where a browser is required)."""
    problem = None
    try:
        from playwright import sync_api
    except ImportError:
        sync_api, problem = None, "playwright is not installed (pip install playwright; it drives the system's Chromium)"
    path = os.environ.get("FISCAL_LINT_CHROMIUM") or next(filter(None, map(shutil.which, BROWSERS)), None)
    if path is None and problem is None:
        problem = "no Chromium found (apt-get install chromium, or FISCAL_LINT_CHROMIUM=/path/to/chrome)"
    if problem is not None:
        if os.environ.get("FISCAL_LINT_REQUIRE_BROWSER"):
            pytest.fail(f"FISCAL_LINT_REQUIRE_BROWSER is set but {problem}")
        pytest.skip(problem)
    return sync_api, path


@pytest.fixture(scope="module")
def report(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("browser")
    seed = shared / "corpus" / "jianghan-2024" / "jianghan-2024.pdf"
    r = run_in(d, "check", seed, "--format", "html", "-o", "seed.html")
    assert r.returncode == 1, r.stderr
    return d / "seed.html"


def _save(page, path: Path) -> None:
    page.screenshot(path=str(path), full_page=False)
    keep = os.environ.get("FISCAL_LINT_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / path.name)


def test_the_report_in_headless_chromium(report: Path, tmp_path: Path) -> None:
    sync_api, executable = _browser()
    messages: list[str] = []
    with sync_api.sync_playwright() as pw:  # type: ignore[attr-defined]
        browser = pw.chromium.launch(executable_path=executable, args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 900}, offline=True)
            page = context.new_page()
            page.on("console", lambda m: messages.append(f"{m.type}: {m.text}") if m.type in ("error", "warning")
                    else None)
            page.on("pageerror", lambda e: messages.append(f"uncaught: {e}"))
            page.goto(report.as_uri())
            page.wait_for_load_state("load")
            assert page.title() == "fiscal-lint 检查报告：jianghan-2024.pdf"
            cards = page.locator("li.finding")
            total = cards.count()
            assert total == 74
            assert page.locator("#shown").inner_text() == f"显示 {total} / {total} 条"
            assert page.locator("img").first.evaluate("i => i.complete && i.naturalWidth > 0")
            _save(page, tmp_path / "reviewer-html-1-opened.png")

            # filters: only errors; then a category; then the search box
            for sev in ("warning", "info"):
                page.locator(f"input[name=severity][value={sev}]").uncheck()
            errors = page.locator("li.finding[data-severity=error]").count()
            assert page.locator("li.finding:visible").count() == errors == 3
            assert page.locator("#shown").inner_text() == f"显示 {errors} / {total} 条"
            for sev in ("warning", "info"):
                page.locator(f"input[name=severity][value={sev}]").check()
            page.select_option("#category", "prose-vs-table")
            visible = page.locator("li.finding:visible")
            assert 0 < visible.count() < total
            assert set(visible.evaluate_all("els => els.map(e => e.dataset.category)")) == {"prose-vs-table"}
            page.select_option("#category", "")
            page.fill("#search", "5.16%")
            assert page.locator("li.finding:visible").count() == 1
            assert page.locator("section.page:visible").count() == 1
            page.fill("#search", "")
            assert page.locator("li.finding:visible").count() == total

            # click the finding in the index: the page scrolls to its box on the page image
            link = page.locator(".index-list a", has_text="占 5.16%")
            assert link.count() == 1
            key = link.get_attribute("data-key")
            link.click()
            page.wait_for_timeout(300)
            card = page.locator(f"li.finding#{key}")
            assert "active" in (card.get_attribute("class") or "")
            box = page.locator(f'.box[data-key="{key}"]:not(.related)')
            assert box.count() == 1 and "active" in (box.get_attribute("class") or "")
            figure = box.locator("xpath=..")
            image = figure.locator("img")
            view = {"width": 1400, "height": 900}
            b, i = box.bounding_box(), image.bounding_box()
            assert b is not None and i is not None and b["width"] > 0 and b["height"] > 0
            assert 0 <= b["y"] and b["y"] + b["height"] <= view["height"]  # the box is in view
            assert i["y"] < view["height"] and i["y"] + i["height"] > 0  # and so is its page
            assert box.is_visible() and image.is_visible()
            # where on the image: the sentence's line on page 19 (x 107.5–395 pt, top ≈ 313 pt of 595 × 842)
            left, top = (b["x"] - i["x"]) / i["width"], (b["y"] - i["y"]) / i["height"]
            assert left == pytest.approx(107.5 / 595.3, abs=0.01) and top == pytest.approx(312.8 / 841.9, abs=0.01)
            assert page.locator(f"#r1-p19 .box[data-key='{key}']").count() == 1
            _save(page, tmp_path / "reviewer-html-2-clicked.png")

            # click a box on an image: its finding is marked
            other = page.locator("#r1-p5 .box").first
            other_key = other.get_attribute("data-key")
            other.scroll_into_view_if_needed()
            other.click()
            assert "active" in (page.locator(f"li.finding#{other_key}").get_attribute("class") or "")
            assert "active" not in (card.get_attribute("class") or "")
            _save(page, tmp_path / "reviewer-html-3-box-clicked.png")
        finally:
            browser.close()
    assert messages == []
    assert (tmp_path / "reviewer-html-2-clicked.png").stat().st_size > 10_000
