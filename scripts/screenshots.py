#!/usr/bin/env python3
"""Screenshots of the key pages, as each role sees them, at a desk (1366 px) and on a phone (390 px).

Drives a headless Chromium through chromedriver's WebDriver protocol (standard library only) against
a running server, for example `COOP_BIND=127.0.0.1:8099 coop-tracker --data-dir D serve --demo`:

    scripts/screenshots.py --base http://127.0.0.1:8099 --out docs/screenshots

Each page is captured down to --max-height px (not only the first screen), as
`<role>-<page>-<width>.png`. Pages are
found from the demo's data (the PI's first project and indicator, the first item in the review
queue), so the script works on any seeded demo. The exit status is 1 if a page answered with an
error or is wider than the window (a phone user would have to scroll sideways).
"""

import argparse
import base64
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

PASSWORD = "demo-password-2024"
WIDTHS = (1366, 390)


class WebDriver:
    """The few WebDriver commands the script needs, over plain HTTP."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        caps = {
            "capabilities": {
                "alwaysMatch": {
                    "goog:chromeOptions": {
                        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                 "--hide-scrollbars", "--lang=zh-CN"],
                    }
                }
            }
        }
        self.session = self.call("POST", "/session", caps)["sessionId"]

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            return json.load(answer)["value"]

    def command(self, method, path, body=None):
        return self.call(method, f"/session/{self.session}{path}", body)

    def goto(self, url):
        self.command("POST", "/url", {"url": url})

    def script(self, source, *args):
        return self.command("POST", "/execute/sync", {"script": source, "args": list(args)})

    def resize(self, width, height):
        self.command("POST", "/window/rect", {"width": width, "height": height})

    def fill(self, css, text):
        element = self.command("POST", "/element", {"using": "css selector", "value": css})
        key = next(iter(element.values()))
        self.command("POST", f"/element/{key}/clear", {})
        self.command("POST", f"/element/{key}/value", {"text": text})

    def click(self, css):
        element = self.command("POST", "/element", {"using": "css selector", "value": css})
        key = next(iter(element.values()))
        self.command("POST", f"/element/{key}/click", {})

    def full_page_png(self, max_height):
        """The page down to `max_height` px, through the DevTools protocol (WebDriver's own
        screenshot is one screen)."""
        width, height = self.script(
            "return [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        shot = self.command("POST", "/goog/cdp/execute", {
            "cmd": "Page.captureScreenshot",
            "params": {"format": "png", "captureBeyondViewport": True,
                       "clip": {"x": 0, "y": 0, "width": width, "height": min(height, max_height), "scale": 1}},
        })
        return base64.b64decode(shot["data"])

    def quit(self):
        try:
            self.command("DELETE", "")
        except OSError:
            pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_chromedriver():
    port = free_port()
    process = subprocess.Popen(["chromedriver", f"--port={port}"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=1)
            return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    sys.exit("chromedriver did not start")


def log_in(driver, base, email):
    driver.goto(f"{base}/login")
    driver.command("DELETE", "/cookie")
    driver.goto(f"{base}/login")
    driver.fill("#email", email)
    driver.fill("#password", PASSWORD)
    driver.click("#login-submit")
    time.sleep(0.5)


def first_link(driver, pattern):
    """The first link on the page whose path matches `pattern`, or None."""
    links = driver.script("return [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))")
    return next((link for link in links if re.fullmatch(pattern, link.split("?")[0])), None)


def pages_for(driver, base, role):
    """The pages to capture for a role: fixed paths, then ones found by following the demo's links."""
    if role == "pi":
        driver.goto(f"{base}/projects")
        project = first_link(driver, r"/projects/[^/]+") or "/projects"
        driver.goto(base + project)
        indicator = first_link(driver, r"/indicators/\d+")
        pages = [("home", "/"), ("project", project)]
        if indicator:
            pages.append(("indicator", indicator))
        pages += [("history", project + "/history"), ("reports", project + "/reports")]
        return pages
    driver.goto(f"{base}/review")
    evidence = first_link(driver, r"/evidence/\d+")
    driver.goto(f"{base}/projects")
    project = first_link(driver, r"/projects/(?!new$|import$)[^/]+")
    pages = [("home", "/"), ("dashboard", "/dashboard"), ("review", "/review"), ("projects", "/projects")]
    if evidence:
        pages.append(("evidence", evidence))
    if project:
        pages.append(("project", project))
    pages.append(("users", "/admin/users"))
    return pages


def capture(driver, base, out, role, name, path, width, max_height):
    driver.resize(width, 900)
    driver.goto(base + path)
    state = driver.script(
        "return {title: document.title, wide: document.documentElement.scrollWidth,"
        " window: window.innerWidth, error: !!document.querySelector('.error-page')}")
    file = os.path.join(out, f"{role}-{name}-{width}.png")
    with open(file, "wb") as png:
        png.write(driver.full_page_png(max_height))
    problems = []
    if state["error"]:
        problems.append("error page")
    if state["wide"] > state["window"] + 1:
        problems.append(f"{state['wide']} px wide in a {state['window']} px window")
    print(f"{file}: {path} {'; '.join(problems) or 'ok'}")
    return not problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8099")
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--max-height", type=int, default=2400, help="cut long pages at this many px")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    process, port = start_chromedriver()
    driver = WebDriver(port)
    ok = True
    try:
        for role, email in (("pi", "pi@coop.example"), ("staff", "staff@coop.example")):
            log_in(driver, args.base, email)
            for name, path in pages_for(driver, args.base, role):
                for width in WIDTHS:
                    ok &= capture(driver, args.base, args.out, role, name, path, width, args.max_height)
    finally:
        driver.quit()
        process.kill()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
