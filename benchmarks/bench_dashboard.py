"""Speed of the workshop dashboard: months a second while playing, with drawing.

Two measurements:

* **in the browser** (the issue's target, at least 5 months a second): starts the real server
  (``desmig-sim dashboard``), opens the page in Debian's Chromium (Playwright, headless), sets the
  speed slider to its maximum, presses play and times months 10 to 110 as
  the page shows them; repeated ``--repeats`` times (reset in between), median reported. This includes
  stepping, building the village view and the six charts, sending them over the websocket and
  the browser drawing them.
* **server side only**: per month, the model step plus the village view and the live charts as
  the page builds them (no browser), median over a full 120-month run.

Usage: ``python benchmarks/bench_dashboard.py [--repeats 3] [--screenshot PATH]``.
"""

from __future__ import annotations

import argparse
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from desmig_sim.dashboard.headless import CHROMIUM, CHROMIUM_ARGS


def server_side(months: int = 120) -> float:
    """Median seconds per month of step + village view + live charts, without a browser."""
    from desmig_sim import DesmigratifModel, load_scenario
    from desmig_sim.config.scenario import SCENARIO_DIR
    from desmig_sim.dashboard import charts, controls, village

    scenario = controls.live_scenario(load_scenario(SCENARIO_DIR / "full_program.toml"), "Buraen")
    model = DesmigratifModel(scenario, agents=False)
    positions = village.village_layout(model)
    ties = village.ties_path(model, positions)
    times = []
    for _ in range(months):
        t0 = time.perf_counter()
        model.step()
        village.village_svg(village.village_status(model), positions, ties)
        charts.live_charts(model)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _month(page) -> int:
    return int(re.match(r"Month (\d+) of", page.locator(".dm-month").inner_text()).group(1))


def _wait_for_month(page, month: int) -> tuple[int, float]:
    """Poll the month banner until it shows at least ``month``; return it and the time."""
    while (shown := _month(page)) < month:
        time.sleep(0.02)
    return shown, time.perf_counter()


def in_browser(repeats: int, screenshot: Path | None) -> dict[str, list[float]]:
    """Months a second while playing (months 10 to 110) at the default and the maximum speed setting."""
    from playwright.sync_api import sync_playwright

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = Path(sys.executable).parent / "desmig-sim"
    server = subprocess.Popen(
        [str(command), "dashboard", "--port", str(port)], stdout=subprocess.PIPE, text=True
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        print(server.stdout.readline().strip())
        for _ in range(200):
            try:
                urllib.request.urlopen(url, timeout=5)
                break
            except OSError:
                time.sleep(0.3)
        rates: dict[str, list[float]] = {}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.set_default_timeout(60_000)
            page.goto(url)
            page.get_by_text("Month 0 of 120").wait_for()
            speed = page.locator(".v-card", has_text="Speed").get_by_role("slider")
            for setting in ("default", "maximum"):
                if setting == "maximum":
                    speed.focus()
                    speed.press("End")
                for _ in range(repeats):
                    page.get_by_role("button", name="Reset", exact=True).click()
                    page.get_by_text("Month 0 of 120").wait_for()
                    page.get_by_role("button", name="▶").click()
                    start, t0 = _wait_for_month(page, 10)
                    end, t1 = _wait_for_month(page, 110)
                    rate = (end - start) / (t1 - t0)
                    rates.setdefault(setting, []).append(rate)
                    print(
                        f"  {setting} speed: months {start} to {end} in {t1 - t0:.1f} s: {rate:.1f} months/s"
                    )
                    _wait_for_month(page, 120)
            if screenshot is not None:
                page.get_by_role("button", name="Reset", exact=True).click()
                page.get_by_text("Month 0 of 120").wait_for()
                page.get_by_role("button", name="▶").click()
                _wait_for_month(page, 44)
                page.get_by_role("button", name="❚❚").click()
                page.locator(".v-expansion-panel-header", has_text="Village cooperative").click()
                time.sleep(1.5)
                page.screenshot(path=str(screenshot))
                print(f"screenshot: {screenshot}")
            browser.close()
        return rates
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--screenshot", type=Path)
    args = parser.parse_args()
    per_month = server_side()
    print(f"server side: step + village view + charts: median {per_month * 1000:.1f} ms a month")
    rates = in_browser(args.repeats, args.screenshot)
    for setting, values in rates.items():
        print(
            f"in the browser, {setting} speed setting: median {statistics.median(values):.1f} months a second"
        )


if __name__ == "__main__":
    main()
