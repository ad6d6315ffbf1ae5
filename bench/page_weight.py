"""Page weight: bytes transferred (compressed) for HTML, CSS and JavaScript of public pages.

Reads a running site (``scripts/run`` serves the demo on 127.0.0.1:8000), asks
for every stylesheet and script a page links, with ``Accept-Encoding: gzip, br``
as a phone would, and prints a table. Images and map tiles are not counted:
the budget in docs/PERFORMANCE.md is for HTML + CSS + JS.

Usage: .venv/bin/python bench/page_weight.py [--base http://127.0.0.1:8000]
"""

from __future__ import annotations

import argparse
import re
import urllib.request
from urllib.parse import urljoin

PAGES = {
    "home (de)": "/de/",
    "results (de, text + filter)": "/de/angebote/?q=deutsch&category=language-education",
    "results (ar, list)": "/ar/angebote/",
    "results (de, map view)": "/de/angebote/?view=map",
    "offer page (ar)": "/ar/angebote/sprachcafe-weilheim-mehrgenerationenhaus/",
    "submission form (de)": "/de/submit/what/",
}
BUDGET = 60 * 1024
ASSET = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')


def transferred(url: str) -> tuple[int, str]:
    """Bytes on the wire for one response, and its content encoding."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip, br"})  # noqa: S310
    with urllib.request.urlopen(request) as response:  # noqa: S310 - our own local server
        body = response.read()
        return len(body), response.headers.get("Content-Encoding", "identity")


def page_weight(base: str, path: str) -> dict:
    url = base + path
    with urllib.request.urlopen(url) as response:  # noqa: S310
        html_text = response.read().decode()
    html_bytes, encoding = transferred(url)
    assets = [urljoin(url, href) for href in ASSET.findall(html_text)]
    sizes = {asset: transferred(asset) for asset in assets}
    css = sum(size for asset, (size, _e) in sizes.items() if asset.split("?")[0].endswith(".css"))
    js = sum(size for asset, (size, _e) in sizes.items() if asset.split("?")[0].endswith(".js"))
    foreign = [asset for asset in assets if not asset.startswith(base)]
    return {
        "html": html_bytes,
        "encoding": encoding,
        "css": css,
        "js": js,
        "total": html_bytes + css + js,
        "foreign": foreign,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    args = parser.parse_args()
    print(f"| page | HTML | CSS | JS | total (budget {BUDGET // 1024} KB) | third-party |")
    print("|---|---:|---:|---:|---:|---|")
    for name, path in PAGES.items():
        weight = page_weight(args.base, path)
        verdict = "ok" if weight["total"] <= BUDGET else "OVER"
        print(
            f"| {name} | {weight['html'] / 1024:.1f} KB ({weight['encoding']}) "
            f"| {weight['css'] / 1024:.1f} KB | {weight['js'] / 1024:.1f} KB "
            f"| {weight['total'] / 1024:.1f} KB {verdict} | {len(weight['foreign'])} |"
        )


if __name__ == "__main__":
    main()
