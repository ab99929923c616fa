"""Browser tests of the dashboard: the real server (``desmig-sim dashboard``) driven by Chromium.

Playwright drives Debian's Chromium (``/usr/bin/chromium``); browsers are never downloaded. Without
Chromium these tests are skipped with the reason, except when ``DESMIG_REQUIRE_BROWSER=1`` (CI),
where a missing browser is a failure.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from desmig_sim.dashboard.headless import CHROMIUM, CHROMIUM_ARGS

REQUIRED = os.environ.get("DESMIG_REQUIRE_BROWSER") == "1"
TIMEOUT_MS = 30_000


def _browser_missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed"
    return None


MISSING = _browser_missing()
if MISSING and REQUIRED:
    raise RuntimeError(f"DESMIG_REQUIRE_BROWSER=1 but the browser tests cannot run: {MISSING}")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(MISSING is not None, reason=f"browser tests skipped: {MISSING}"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """The dashboard server started as a subprocess, with the address it printed."""

    def __init__(self) -> None:
        self.port = _free_port()
        command = Path(sys.executable).parent / "desmig-sim"
        self.process = subprocess.Popen(
            [str(command), "dashboard", "--port", str(self.port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert self.process.stdout is not None
        self.first_line = self.process.stdout.readline().strip()
        self.url = f"http://127.0.0.1:{self.port}/"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.url, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the dashboard did not start: {self.first_line}") from None
                time.sleep(0.3)

    def alive(self) -> bool:
        """Whether the server process runs and answers."""
        if self.process.poll() is not None:
            return False
        with urllib.request.urlopen(self.url, timeout=10) as response:
            return response.status == 200

    def stop(self) -> None:
        """Stop the server process."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = Server()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _open(browser, server: Server):
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(server.url)
    page.get_by_text("Month 0 of 120").wait_for()
    return context, page


@pytest.fixture
def page(browser, server):
    context, page = _open(browser, server)
    yield page
    context.close()


def _month(page) -> int:
    text = page.locator(".dm-month").inner_text()
    return int(re.match(r"Month (\d+) of", text).group(1))


def _step(page, times: int = 1) -> None:
    for _ in range(times):
        before = _month(page)
        page.get_by_role("button", name="Step").click()
        page.get_by_text(f"Month {before + 1} of").wait_for()


def _wait_until(condition, what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting: {what}"
        time.sleep(0.1)


def _panel(page, title: str):
    page.locator(".v-expansion-panel-header", has_text=title).click()
    panel = page.locator(".v-expansion-panel--active", has_text=title)
    panel.wait_for()
    return panel


def _choose(page, current: str, option: str) -> None:
    page.locator(".v-select", has_text=current).first.click()
    page.locator(".menuable__content__active .v-list-item", has_text=option).first.click()


def _legend_count(page, label: str) -> int:
    row = page.locator(".dm-legend tr", has_text=label)
    return int(row.locator("b").inner_text())


def test_page_loads_and_the_address_is_printed(server, page, tmp_path):
    assert server.first_line == f"Dashboard running at {server.url} (press Ctrl+C to stop)"
    assert page.title().startswith("Desmigratif village simulator")
    assert "ready to start in January 2017" in page.locator(".dm-month").inner_text()
    for tab in ("Village and charts", "Compare", "About the model"):
        assert page.get_by_role("tab", name=tab).is_visible(), f"the {tab} tab is offered"
    page.screenshot(path=str(tmp_path / "start.png"))


def test_the_about_page_explains_the_month_and_links_to_the_odd(page, server):
    page.get_by_role("tab", name="About the model").click()
    page.get_by_text("Each step of the model is").wait_for()
    link = page.locator("a", has_text="docs/odd.md").first
    assert link.get_attribute("href") == "/docs/odd.md"
    with urllib.request.urlopen(server.url + "docs/odd.md", timeout=10) as response:
        assert "ODD+D" in response.read().decode("utf-8"), "the link serves the model description"
    page.get_by_role("button", name="Read docs/odd.md (the full model description)").click()
    page.get_by_text("1.1 Purpose and patterns").wait_for()


def test_choosing_a_preset_changes_the_controls(page):
    assert page.get_by_text("Information centre (on)").is_visible()
    assert page.get_by_text("All four Desmigratif components", exact=False).first.is_visible()
    _choose(page, "Full programme", "Baseline (no programme)")
    page.get_by_text("Information centre (off)").wait_for()
    panel = _panel(page, "Village cooperative (off)")
    assert panel.get_by_role("switch").get_attribute("aria-checked") == "false"
    assert page.get_by_text("Malaysian minimum-wage steps", exact=False).first.is_visible()
    assert page.get_by_text("All four Desmigratif components", exact=False).count() == 0


def test_a_switch_and_a_slider_change_the_model(page):
    _step(page, 12)
    members_on = _legend_count(page, "Cooperative member")
    assert members_on > 0, "with the cooperative running, households join it within a year"
    panel = _panel(page, "Village cooperative (on)")
    panel.get_by_text("Runs in the village").click()
    page.get_by_text("Village cooperative (off)").wait_for()
    page.get_by_text("Month 0 of 120").wait_for()  # a new model, from month 0
    assert page.get_by_text("Village cooperative: Runs in the village: True → False").is_visible()
    _step(page, 12)
    assert _legend_count(page, "Cooperative member") == 0, "no cooperative without the component"
    panel = page.locator(".v-expansion-panel--active", has_text="Runs in the village")
    thumb = panel.get_by_role("slider").first
    thumb.focus()
    for _ in range(4):
        thumb.press("ArrowRight")
    page.get_by_text(re.compile(r"Village cooperative: Coverage: 0\.5 → 0\.5\d")).wait_for()
    page.get_by_text("Month 0 of 120").wait_for()


def test_step_and_play_advance_the_month_and_the_date(page):
    _step(page)
    assert page.locator(".dm-month").inner_text() == "Month 1 of 120 · January 2017"
    page.get_by_role("button", name="▶").click()
    _wait_until(lambda: _month(page) >= 6, "playing advances the month")
    page.get_by_role("button", name="❚❚").click()
    page.get_by_role("button", name="▶").wait_for()
    time.sleep(0.5)
    month = _month(page)
    assert month >= 6
    time.sleep(1.0)
    assert _month(page) == month, "pause stops the months"
    year, index = divmod(2017 * 12 + month - 1, 12)
    name = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
            "October", "November", "December"][index]  # fmt: skip
    assert page.locator(".dm-month").inner_text() == f"Month {month} of 120 · {name} {year}"
    page.get_by_role("button", name="Reset", exact=True).click()
    page.get_by_text("Month 0 of 120 · ready to start in January 2017").wait_for()


def test_the_village_view_and_the_charts_render(page):
    assert page.locator("svg.village-svg circle").count() == 300, "one dot per household"
    for label in ("Member abroad without papers", "Member abroad with papers", "Cooperative member", "Poor"):
        assert page.locator(".dm-legend", has_text=label).is_visible(), f"legend shows {label}"
    _step(page, 3)
    assert page.locator("svg.dm-chart").count() == 6
    assert page.locator("svg.dm-chart path").count() == 6
    path = page.locator("svg.dm-chart path").first.get_attribute("d")
    assert len(re.findall(r"[ML]", path)) == 3, "one point per month so far"


def test_an_invalid_value_is_refused_and_the_server_stays_up(page, server):
    _step(page, 2)
    panel = _panel(page, "Village cooperative (on)")
    box = panel.locator(".dm-number input").first
    box.fill("1.5")
    box.press("Enter")
    page.get_by_text("Coverage: 1.5 is out of range: input should be less than or equal to 1").wait_for()
    assert page.get_by_text("The model was not changed").first.is_visible()
    assert _month(page) == 2, "the model was not replaced"
    assert page.get_by_text("Your changes to the preset").count() == 0
    _step(page)
    assert server.alive()


def test_two_browser_sessions_have_their_own_model(browser, server):
    first_context, first = _open(browser, server)
    second_context, second = _open(browser, server)
    try:
        _step(first, 3)
        assert _month(second) == 0, "stepping one session leaves the other alone"
        _step(second)
        assert _month(first) == 3
        _choose(first, "Full programme", "Baseline (no programme)")
        first.get_by_text("Information centre (off)").wait_for()
        assert second.get_by_text("Information centre (on)").is_visible(), "presets are per session"
        assert _month(second) == 1
    finally:
        first_context.close()
        second_context.close()


def test_the_compare_view_runs_in_the_background_and_offers_downloads(page, tmp_path):
    page.get_by_role("tab", name="Compare").click()
    card = page.locator(".v-card", has_text="Compare: the programme against no programme")
    sliders = card.get_by_role("slider")
    runs, months = sliders.nth(0), sliders.nth(1)
    runs.focus()
    runs.press("Home")  # 2 runs per side
    months.focus()
    months.press("Home")  # 6 months
    for _ in range(6):
        months.press("ArrowRight")  # 12 months: the programme starts in September 2017
    page.get_by_text("12 months from 2017-01").wait_for()
    _choose(page, "all", "chosen village")
    page.get_by_role("button", name="Run comparison").click()
    page.get_by_text("Results: 2 paired runs, 12 months").wait_for(timeout=90_000)
    assert page.locator(".dm-compare svg").count() == 2, "bands and paired difference side by side"
    assert page.get_by_text("Runs where the programme does better").is_visible()
    with page.expect_download() as download:
        page.get_by_text("Download results (CSV)").click()
    path = tmp_path / "runs.csv"
    download.value.save_as(path)
    lines = path.read_text().splitlines()
    assert lines[0].startswith("arm,scenario,replication,seed,") and len(lines) == 5
    with page.expect_download() as download:
        page.get_by_text("Download manifest (JSON)").click()
    download.value.save_as(tmp_path / "manifest.json")
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert len(manifest["seeds"]) == 2 and set(manifest["scenarios"]) == {"baseline", "policy"}
