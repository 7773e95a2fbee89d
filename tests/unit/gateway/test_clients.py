"""The gateway serves the built clients (/ and /m/, single-page apps) and the API docs' assets offline."""

from __future__ import annotations

import pytest


@pytest.fixture
def built(tmp_path, ic_settings):
    (tmp_path / "assets").mkdir()
    (tmp_path / "m").mkdir()
    (tmp_path / "vendor" / "swagger-ui").mkdir(parents=True)
    (tmp_path / "index.html").write_text("<html>网页端</html>", encoding="utf-8")
    (tmp_path / "m" / "index.html").write_text("<html>移动端</html>", encoding="utf-8")
    (tmp_path / "assets" / "web-abc123.js").write_text("console.log(1)")
    (tmp_path / "vendor" / "swagger-ui" / "swagger-ui-bundle.js").write_text("/* swagger */")
    (tmp_path.parent / "secret.txt").write_text("no")
    ic_settings(IC_CLIENTS_DIR=str(tmp_path))
    return tmp_path


PAGE = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}  # what a browser sends when navigating


def test_web_client_at_root_and_its_routes_fall_back_to_the_app(client, built):
    for path in ("/", "/desk/abc", "/dashboard"):
        response = client.get(path, headers=PAGE)
        assert response.status_code == 200 and "网页端" in response.text, path
        assert response.headers["cache-control"] == "no-cache"


def test_mobile_client_at_m(client, built):
    for path in ("/m", "/m/", "/m/task/123"):
        response = client.get(path, headers=PAGE)
        assert response.status_code == 200 and "移动端" in response.text, path


def test_hashed_assets_are_cached_and_missing_ones_are_404(client, built):
    response = client.get("/assets/web-abc123.js")
    assert response.status_code == 200 and "immutable" in response.headers["cache-control"]
    assert client.get("/assets/gone-000.js").status_code == 404
    assert client.get("/../secret.txt").status_code == 404 or "secret" not in client.get("/../secret.txt").text


def test_a_program_asking_for_json_gets_the_json_404_not_the_app(client, built):
    assert client.get("/desk/abc").json()["error"]["code"] == "not_found"


def test_api_paths_stay_the_apis_json_404_for_any_method(client, built):
    for method in ("GET", "POST", "DELETE"):
        response = client.request(method, "/api/v1/nothing-here", headers=PAGE)
        assert response.status_code == 404, method
        assert response.json()["error"]["code"] == "not_found"


def test_docs_load_swagger_and_redoc_from_the_project_not_a_cdn(client, built):
    docs = client.get("/docs").text
    redoc = client.get("/redoc").text
    assert "/vendor/swagger-ui/swagger-ui-bundle.js" in docs and "/vendor/redoc/redoc.standalone.js" in redoc
    for page in (docs, redoc):
        assert "cdn" not in page.lower() and "googleapis" not in page
    assert client.get("/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_without_a_build_the_root_says_how_to_build_in_chinese(client, tmp_path, ic_settings):
    ic_settings(IC_CLIENTS_DIR=str(tmp_path / "none"))
    response = client.get("/")
    assert response.status_code == 503 and "make clients" in response.text
    assert client.get("/healthz").status_code == 200
