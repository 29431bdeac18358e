"""`mops serve` in a real headless Chromium: the page loads, Home is drawn, `2` opens the
Stack, and a demo tool's name reaches the browser's terminal.

The browser is driven over the Chrome DevTools Protocol (aiohttp, which textual-serve
already brings, speaks the WebSocket). Before the page's scripts run, a small script
taps the page's own WebSocket and keeps the terminal output it receives as text: that
is "the terminal's text" the page draws. Keys go in as real key events on the focused
terminal, so they travel xterm.js → WebSocket → mops like a person's.

Chromium is Debian's `chromium` package; `.ci/run` installs it and sets
`MOPS_REQUIRE_BROWSER=1`, so in CI a missing browser fails instead of skipping.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    if os.environ.get("MOPS_REQUIRE_BROWSER"):
        raise RuntimeError("MOPS_REQUIRE_BROWSER is set but chromium is not installed")
    pytest.skip(
        "chromium is not installed (apt-get install chromium); .ci/run installs it",
        allow_module_level=True,
    )

TAP = """
window.__mopsText = "";
(() => {
  const Original = window.WebSocket;
  function Tapped(url, protocols) {
    const ws = protocols === undefined ? new Original(url) : new Original(url, protocols);
    ws.addEventListener("message", (event) => {
      if (typeof event.data !== "string") {
        window.__mopsText += new TextDecoder().decode(new Uint8Array(event.data));
      }
    });
    return ws;
  }
  Tapped.prototype = Original.prototype;
  Object.assign(Tapped, Original);
  window.WebSocket = Tapped;
})();
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_http(url: str, seconds: float = 30) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return json.loads(response.read()) if url.endswith(("list", "version")) else None
        except (OSError, ValueError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


class Page:
    """Just enough of the DevTools Protocol for this test."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.ids = itertools.count(1)

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        number = next(self.ids)
        await self.ws.send_str(json.dumps({"id": number, "method": method, "params": params}))
        while True:
            message = json.loads((await self.ws.receive()).data)
            if message.get("id") == number:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))

    async def text(self) -> str:
        result = await self.send(
            "Runtime.evaluate", expression="window.__mopsText || ''", returnByValue=True
        )
        return str(result["result"].get("value", ""))

    async def wait_for(self, needle: str, seconds: float = 40) -> str:
        deadline = time.monotonic() + seconds
        while True:
            text = await self.text()
            if needle in text:
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"{needle!r} never reached the page; last: {text[-500:]!r}")
            await asyncio.sleep(0.25)

    async def press(self, key: str) -> None:
        await self.send(
            "Runtime.evaluate",
            expression="document.querySelector('.xterm-helper-textarea').focus()",
        )
        code = f"Digit{key}" if key.isdigit() else f"Key{key.upper()}"
        for kind in ("keyDown", "keyUp"):
            params: dict[str, Any] = {"type": kind, "key": key, "code": code}
            if kind == "keyDown":
                params["text"] = key
            await self.send("Input.dispatchKeyEvent", **params)


async def _drive(debug_port: int, url: str, shot: Path) -> tuple[str, str]:
    import aiohttp

    targets = _wait_http(f"http://127.0.0.1:{debug_port}/json/list")
    page_target = next(t for t in targets if t.get("type") == "page")
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(page_target["webSocketDebuggerUrl"], max_msg_size=0) as ws,
    ):
        page = Page(ws)
        await page.send("Page.enable")
        await page.send("Runtime.enable")
        await page.send("Page.addScriptToEvaluateOnNewDocument", source=TAP)
        await page.send("Page.navigate", url=url)
        home = await page.wait_for("Due / age")  # Home's inbox is drawn
        await page.press("2")
        stack = await page.wait_for("HubSpot Marketing Hub")
        picture = await page.send("Page.captureScreenshot", format="png")
        shot.write_bytes(base64.b64decode(picture["data"]))
        return home, stack


@pytest.mark.slow
def test_the_stack_opens_in_a_browser(demo_db: Path, tmp_path: Path) -> None:
    port, debug_port = _free_port(), _free_port()
    env = {**os.environ, "MOPS_TODAY": "2026-11-29", "MOPS_CONFIG": str(tmp_path / "no.toml")}
    server = subprocess.Popen(
        [sys.executable, "-m", "mops_tui", "--db", str(demo_db), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    browser = subprocess.Popen(
        [
            str(CHROMIUM),
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--window-size=1280,900",
            f"--remote-debugging-port={debug_port}",
            f"--user-data-dir={tmp_path / 'profile'}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_http(f"http://127.0.0.1:{port}/")
        shot = tmp_path / "stack.png"
        home, stack = asyncio.run(_drive(debug_port, f"http://127.0.0.1:{port}/", shot))
    finally:
        _stop(browser)
        _stop(server)
    assert "Due / age" in home
    assert "HubSpot Marketing Hub" in stack
    assert shot.stat().st_size > 10_000  # a real picture of the page
