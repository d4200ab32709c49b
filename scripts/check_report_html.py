#!/usr/bin/env python3
"""Check that a board pack (afi report --format html) renders in a real browser.

    python3 scripts/check_report_html.py pack.html [--screenshot pack.png] [--pdf pack.pdf]

Runs headless Chromium on the file three times, each with a fresh profile and no network
use of its own: --dump-dom must show the pack's title and its chart, the screenshot must
hold a drawn page (not a blank one), and the PDF must have A4 pages. Exit 0 when all hold,
1 with one line saying what failed. Needs only the standard library and Chromium
(`apt-get install chromium`, or CHROMIUM=/path/to/chrome).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from html.parser import HTMLParser
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run")
A4_POINTS = (595, 842)  # the MediaBox of an A4 page, rounded


class Failed(Exception):
    """What went wrong, in one line."""


class Heading(HTMLParser):
    """The text of the page's first <h1>: the pack's title."""

    def __init__(self) -> None:
        super().__init__()
        self.depth, self.parts, self.done = 0, [], False

    def handle_starttag(self, tag, attrs):
        if tag == "h1" and not self.done:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag == "h1" and self.depth:
            self.depth, self.done = 0, True

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def title_of(html: str) -> str:
    parser = Heading()
    parser.feed(html)
    return " ".join("".join(parser.parts).split())


def find_browser() -> str:
    named = os.environ.get("CHROMIUM")
    found = named or next(filter(None, map(shutil.which, BROWSERS)), None)
    if not found or not shutil.which(found):
        raise Failed("chromium not found: install it (apt-get install chromium) or set CHROMIUM")
    return found


def run_browser(browser: str, page: Path, *extra: str) -> str:
    """One headless run with a profile of its own; its stdout."""
    with tempfile.TemporaryDirectory(prefix="afi-chromium-") as profile:
        command = [browser, *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=120,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise Failed(f"chromium did not finish within 120 s: {' '.join(extra)}") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise Failed(f"chromium failed ({done.returncode}) on {' '.join(extra)}: {last}")
    return done.stdout


def check_dom(browser: str, page: Path) -> str:
    expected = title_of(page.read_text(encoding="utf-8", errors="replace"))
    if not expected:
        raise Failed(f"{page}: no <h1> title; is this an afi board pack?")
    dom = run_browser(browser, page, "--dump-dom")
    if title_of(dom) != expected:
        raise Failed(f"the rendered page does not show the title {expected!r}")
    if "<svg" not in dom:
        raise Failed("the rendered page has no progress chart (<svg>)")
    return expected


def png_colours(data: bytes) -> int:
    """How many byte values the decoded image holds: a blank page has two or three."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise Failed("the screenshot is not a PNG")
    chunks, pos = [], 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            chunks.append(data[pos + 8:pos + 8 + length])
        pos += 12 + length
    return len(set(zlib.decompress(b"".join(chunks))))


def check_screenshot(browser: str, page: Path, png: Path) -> None:
    png.unlink(missing_ok=True)
    run_browser(browser, page, f"--screenshot={png}", "--window-size=1280,1800")
    if not png.is_file() or png.stat().st_size < 2000:
        raise Failed(f"no screenshot was written to {png}")
    if png_colours(png.read_bytes()) < 32:
        raise Failed(f"the screenshot {png} is blank: the page did not render")


def check_pdf(browser: str, page: Path, pdf: Path) -> int:
    pdf.unlink(missing_ok=True)
    run_browser(browser, page, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    data = pdf.read_bytes() if pdf.is_file() else b""
    if not data.startswith(b"%PDF"):
        raise Failed(f"no PDF was written to {pdf}")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    if not boxes:
        raise Failed(f"{pdf} has no pages")
    sizes = {(round(float(w)), round(float(h))) for w, h in boxes}
    if sizes != {A4_POINTS}:
        raise Failed(f"{pdf} pages are not A4 portrait: {sorted(sizes)} points")
    return len(boxes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path, help="the pack: afi report --format html -o FILE")
    parser.add_argument("--screenshot", type=Path, help="keep the screenshot here (PNG)")
    parser.add_argument("--pdf", type=Path, help="keep the printed PDF here")
    args = parser.parse_args()
    page = args.html.resolve()
    try:
        if not page.is_file():
            raise Failed(f"{args.html}: no such file")
        browser = find_browser()
        with tempfile.TemporaryDirectory(prefix="afi-check-") as scratch:
            title = check_dom(browser, page)
            png = (args.screenshot or Path(scratch, "pack.png")).resolve()
            check_screenshot(browser, page, png)
            pages = check_pdf(browser, page, (args.pdf or Path(scratch, "pack.pdf")).resolve())
    except Failed as failure:
        print(f"check_report_html.py: {failure}", file=sys.stderr)
        return 1
    print(f"ok: {args.html} renders: title {title!r}, a drawn screenshot, {pages} A4 page(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
