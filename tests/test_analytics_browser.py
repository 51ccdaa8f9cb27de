"""The ``smartcharge analyze --format html`` page in a real browser: headless Chromium driven over the DevTools
protocol (a WebSocket, the `websockets` package) opens the page from a file:// URL, and the test checks the
rendered page: no console error or exception, a screenshot that is a real PNG, every chart present with a width
and a height.

Chromium must be installed (Debian's ``chromium`` package; ``.ci/run`` installs it): without it this test fails,
it does not skip. Nothing leaves the machine: the page is a local file and the browser runs with networking
features off. Every wait is bounded by a timeout and the browser is killed at the end.
"""

from __future__ import annotations

import asyncio
import base64
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

websockets = pytest.importorskip("websockets")

from smartcharge.tools.cli import main  # noqa: E402

TIMEOUT = 30.0
CHARTS = ("withheld-chart", "power-chart", "stack-chart")


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and Path("/usr/bin/chromium").exists():
        found = "/usr/bin/chromium"
    if found is None:
        pytest.fail("chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)")
    return found


class DevTools:
    """One page target of the browser: `call` sends a command and waits for its answer; events are collected."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        number = self.next_id
        await self.socket.send(json.dumps({"id": number, "method": method, "params": params}))
        while True:
            message = json.loads(await asyncio.wait_for(self.socket.recv(), TIMEOUT))
            if message.get("id") == number:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))
            self.events.append(message)

    async def wait_for(self, event: str) -> None:
        if any(e.get("method") == event for e in self.events):
            return
        while True:
            message = json.loads(await asyncio.wait_for(self.socket.recv(), TIMEOUT))
            self.events.append(message)
            if message.get("method") == event:
                return


def page_report(tmp_path: Path) -> Path:
    evening = str(Path(__file__).parent.parent / "docs" / "examples" / "evening.json")
    log, page = tmp_path / "steps.jsonl", tmp_path / "report.html"
    assert main(["simulate", evening, "--connector", "1,2", "--start", "2026-01-08T16:00:00Z", "--duration", "7200",
                 "--interval", "300", "--base-step", "600..1000", "--log", str(log)]) == 0  # fmt: skip
    assert main(["analyze", str(log), "--format", "html", "--output", str(page)]) == 0
    return page


def debugging_url(user_data: Path, process: subprocess.Popen[bytes]) -> str:
    """The browser's DevTools WebSocket address, from the DevToolsActivePort file it writes at start."""
    port_file = user_data / "DevToolsActivePort"
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"chromium exited with {process.returncode}")
        if port_file.exists():
            lines = port_file.read_text().splitlines()
            if len(lines) >= 2:
                return f"ws://127.0.0.1:{lines[0]}{lines[1]}"
        time.sleep(0.05)
    raise AssertionError("chromium did not open its DevTools port in time")


async def render(browser_url: str, page: Path, screenshot: Path) -> tuple[list[str], list[dict[str, float]]]:
    """Opens `page` in a new target, returns the console errors and exceptions and each chart's size."""
    async with websockets.connect(browser_url, max_size=None, open_timeout=TIMEOUT) as browser:
        control = DevTools(browser)
        target = await control.call("Target.createTarget", url="about:blank")
    # a page's own WebSocket: ws://host:port/devtools/page/<targetId>
    host = browser_url.split("/devtools/")[0]
    async with websockets.connect(f"{host}/devtools/page/{target['targetId']}", max_size=None,
                                  open_timeout=TIMEOUT) as socket:  # fmt: skip
        tab = DevTools(socket)
        for domain in ("Runtime", "Log", "Page"):
            await tab.call(f"{domain}.enable")
        await tab.call("Page.navigate", url=page.as_uri())
        await tab.wait_for("Page.loadEventFired")
        shot = await tab.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        script = (
            "JSON.stringify(" + json.dumps(list(CHARTS)) + ".map(id => { const e = document.querySelector('#' + id + "
            "' svg'); if (!e) return {id: id, width: 0, height: 0}; const r = e.getBoundingClientRect(); "
            "return {id: id, width: r.width, height: r.height, shapes: e.querySelectorAll('rect, polyline').length};"
            "}))"
        )
        answer = await tab.call("Runtime.evaluate", expression=script, returnByValue=True)
        sizes = json.loads(answer["result"]["value"])
        errors = []
        for event in tab.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                errors.append(str(params))
            elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                errors.append(str(params.get("args")))
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                errors.append(str(params["entry"]))
        return errors, sizes


def test_the_html_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    binary = chromium()
    page = page_report(tmp_path)
    user_data = Path(tempfile.mkdtemp(dir=tmp_path))
    process = subprocess.Popen(
        [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={user_data}", "--remote-debugging-port=0", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = debugging_url(user_data, process)
        screenshot = tmp_path / "report.png"
        errors, sizes = asyncio.run(asyncio.wait_for(render(url, page, screenshot), 4 * TIMEOUT))
    finally:
        process.kill()
        process.wait(timeout=TIMEOUT)
    assert errors == []
    png = screenshot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    assert [s["id"] for s in sizes] == list(CHARTS)
    for size in sizes:
        assert size["width"] > 0 and size["height"] > 0 and size["shapes"] > 0, size
