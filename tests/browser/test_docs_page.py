"""The /docs page, rendered by a real browser: headless Chromium (Debian's chromium) loads it from
a running service and every route of docs/openapi.yaml must be on the rendered page.

Environment: COFFEEHOUSE_CONTRACT_BASE_URL, the running service (http://127.0.0.1:PORT);
COFFEEHOUSE_DOCS_SCREENSHOT, optional: where to write a PNG of the page."""

import os
import pathlib
import shutil
import subprocess
import tempfile
import urllib.request

import pytest
import yaml

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Redoc renders after its script ran; virtual time lets the page settle without a fixed sleep.
RENDER_BUDGET_MS = "10000"


def base_url() -> str:
    url = os.environ.get("COFFEEHOUSE_CONTRACT_BASE_URL")
    if not url:
        pytest.fail("COFFEEHOUSE_CONTRACT_BASE_URL is not set (scripts/test sets it)")
    return url.rstrip("/")


def chromium(*arguments: str, profile: pathlib.Path) -> subprocess.CompletedProcess:
    # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    command = [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               f"--user-data-dir={profile}", f"--virtual-time-budget={RENDER_BUDGET_MS}", *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def profile():
    with tempfile.TemporaryDirectory(prefix="coffeehouse-chromium.") as directory:
        yield pathlib.Path(directory)


@pytest.fixture(scope="module")
def spec() -> dict:
    return yaml.safe_load((REPO_ROOT / "docs" / "openapi.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def rendered(profile) -> str:
    result = chromium("--dump-dom", f"{base_url()}/docs", profile=profile)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_the_page_is_served_as_html_and_fetches_nothing_from_elsewhere():
    with urllib.request.urlopen(f"{base_url()}/docs", timeout=10) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/html")
        page = response.read().decode("utf-8")
    # Self-contained: no script or stylesheet from a CDN at run time.
    assert "<script src=\"http" not in page
    assert "<link rel=\"stylesheet\" href=\"http" not in page


def test_every_route_of_the_document_is_on_the_rendered_page(spec, rendered):
    # Redoc lists each operation with its method and path in the rendered DOM.
    missing = [path for path in spec["paths"] if path not in rendered]
    assert not missing, f"not on the rendered page: {missing}"
    assert spec["info"]["title"] in rendered


def test_a_screenshot_of_the_page(profile, tmp_path):
    target = pathlib.Path(os.environ.get("COFFEEHOUSE_DOCS_SCREENSHOT") or tmp_path / "docs.png")
    target.parent.mkdir(parents=True, exist_ok=True)
    result = chromium(f"--screenshot={target}", "--window-size=1280,1000", "--hide-scrollbars",
                      f"{base_url()}/docs", profile=profile)
    assert result.returncode == 0, result.stderr[-2000:]
    # A PNG, and not a blank one: a rendered page compresses to well over a few kilobytes.
    data = target.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 20_000, f"{target} is only {len(data)} bytes: was anything rendered?"
