"""Paging bounds on every list, and the dead-letter operations that only admins may use."""

from __future__ import annotations

import pytest

from ic_platform.config import SERVICES

from .conftest import ADMIN, assert_error, bearer, fields

LISTS = [
    "/api/v1/units",
    "/api/v1/budget-lines",
    "/api/v1/matter-applications",
    "/api/v1/approval/tasks",
    "/api/v1/approval/decided",
    "/api/v1/ops/dead-letters/budget",
]
PAGE = {"items": [], "total": 0, "page": 1, "page_size": 20}


def _answer_everything(fake) -> None:
    for service, method in [
        ("org", "list_units"),
        ("budget", "list_lines"),
        ("payment", "list_matter_applications"),
        ("approval", "my_tasks"),
        ("approval", "decided_by_me"),
    ]:
        fake.on(service, method, PAGE)
    fake.on("budget", "dead_letters", {"total": 0, "items": [], "limit": 20, "offset": 0})


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize(
    ("query", "field", "reason"),
    [
        ("page=0", "page", "不能小于1"),
        ("page_size=0", "page_size", "不能小于1"),
        ("page_size=201", "page_size", "不能大于200"),
        ("page=abc", "page", "必须是整数"),
    ],
)
def test_paging_out_of_bounds_is_refused(client, fake, url, query, field, reason):
    response = client.get(f"{url}?{query}", headers=bearer(ADMIN))
    assert_error(response, 422, "invalid_input")
    assert fields(response) == {field: reason}
    assert fake.calls == []


@pytest.mark.parametrize("url", LISTS)
def test_paging_within_bounds_is_passed_on(client, fake, url):
    _answer_everything(fake)
    assert client.get(f"{url}?page=3&page_size=200", headers=bearer(ADMIN)).status_code == 200
    (call,) = fake.calls
    sent = call.kwargs
    if call.method == "dead_letters":
        assert sent == {"limit": 200, "offset": 400}
    else:
        assert (sent["page"], sent["page_size"]) == (3, 200)


def test_dead_letters_are_paged_like_every_other_list(client, fake):
    fake.on("risk", "dead_letters", {"total": 41, "items": [{"event_id": "e"}], "limit": 20, "offset": 20})
    response = client.get("/api/v1/ops/dead-letters/risk?page=2", headers=bearer(ADMIN))
    assert response.json() == {"items": [{"event_id": "e"}], "total": 41, "page": 2, "page_size": 20}
    assert fake.calls[0].kwargs == {"limit": 20, "offset": 20}


def test_ops_are_for_admins_only(client, fake):
    response = client.get("/api/v1/ops/dead-letters/budget", headers=bearer())
    assert assert_error(response, 403, "forbidden")["details"] == {"required_roles": ["admin"]}
    response = client.post("/api/v1/ops/dead-letters/budget/replay", json={}, headers=bearer())
    assert_error(response, 403, "forbidden")
    assert_error(client.get("/api/v1/ops/dead-letters/budget"), 401, "unauthenticated")
    assert fake.calls == []


def test_an_unknown_service_is_404(client, fake):
    for url in ("/api/v1/ops/dead-letters/gateway", "/api/v1/ops/dead-letters/payroll/replay"):
        call = client.post if url.endswith("replay") else client.get
        kwargs = {"json": {}} if url.endswith("replay") else {}
        response = call(url, headers=bearer(ADMIN), **kwargs)
        assert assert_error(response, 404, "service_not_found")["details"]["services"] == list(SERVICES)
    assert fake.calls == []


def test_replay_passes_only_what_was_asked(client, fake):
    fake.on("approval", "replay_dead_letters", {"replayed": 1})
    event_id = "6f1c1a52-1d38-4b4e-9a44-8d7f0f7c5b21"
    url = "/api/v1/ops/dead-letters/approval/replay"
    response = client.post(url, json={"event_id": event_id}, headers=bearer(ADMIN))
    assert response.json() == {"replayed": 1}
    client.post(url, json={"handler": "handlers.on_submitted"}, headers=bearer(ADMIN))
    assert [c.kwargs for c in fake.calls] == [{"event_id": event_id}, {"handler": "handlers.on_submitted"}]
    assert fake.calls[0].context["actor"] == "admin"


def test_replay_refuses_a_malformed_event_id(client, fake):
    response = client.post(
        "/api/v1/ops/dead-letters/approval/replay", json={"event_id": "1; drop"}, headers=bearer(ADMIN)
    )
    assert fields(response) == {"event_id": "必须是有效的 UUID"}
    assert fake.calls == []
