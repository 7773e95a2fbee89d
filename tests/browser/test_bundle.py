"""The production build's initial JavaScript (what a page loads before its first route) stays small: routes are
split and Element Plus / Vant components are imported on demand, so the office PC and the phone start fast."""

from __future__ import annotations

import gzip
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "clients" / "web" / "dist"
BUDGET_GZ = 400 * 1024  # issue 14: at most 400 KB gzipped


@pytest.fixture(scope="module")
def dist() -> Path:
    subprocess.run(["make", "-s", "clients"], cwd=ROOT, check=True, timeout=900)
    return DIST


def initial_js(page: Path) -> list[Path]:
    html = page.read_text(encoding="utf-8")
    paths = re.findall(r'<script[^>]+src="([^"]+\.js)"', html) + re.findall(
        r'<link rel="modulepreload"[^>]+href="([^"]+\.js)"', html
    )
    return [DIST / p.lstrip("/") for p in paths]


@pytest.mark.parametrize("entry", ["index.html", "m/index.html"])
def test_initial_javascript_is_at_most_400_kb_gzipped(dist, entry):
    files = initial_js(dist / entry)
    assert files, f"no script found in {entry}"
    size = sum(len(gzip.compress(f.read_bytes(), compresslevel=9)) for f in files)
    print(f"\n{entry}: initial JS {size / 1024:.1f} KB gzipped in {len(files)} files")
    assert size <= BUDGET_GZ
