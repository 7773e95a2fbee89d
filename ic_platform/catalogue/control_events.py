"""Segregation-of-duties refusals (不相容岗位分离) as events: `<service>.segregation_refused`.

A refusal rolls back the request's transaction, so nothing it touched can carry it; the platform publishes it
afterwards in a transaction of its own (nameko_platform.ServicePlatform.worker_result), for every service that
refuses on the conflict matrix. Risk counts them per unit in the scorecards (内控评价)."""

from __future__ import annotations

from typing import Any

from ic_platform.catalogue.fragments import DOCUMENT, USERNAME, obj

# The services whose use cases refuse on the conflict matrix: approval (self-approval, one step per person,
# incompatible positions), contract (acceptor against drafter or purchaser), payment (executor against approver).
SOD_PRODUCERS = ("approval", "contract", "payment")


def event_type(service: str) -> str:
    return f"{service}.segregation_refused"


def _spec(service: str) -> dict[str, Any]:
    return dict(
        type=event_type(service),
        version=1,
        producer=service,
        summary="不相容岗位分离：某人被拒绝以不相容的身份办理单据（请求已回滚，此事件单独记录拒绝本身）",
        payload=obj(
            ["person", "rule", "code", "entrypoint", "message"],
            person=USERNAME,
            unit={"type": ["string", "null"], "description": "被拒绝者所在单位代码"},
            rule={
                "type": "string",
                "minLength": 1,
                "description": "如 self_approval、incompatible_roles:drafter/acceptor",
            },
            code={"type": "string", "pattern": "^sod_"},
            entrypoint={"type": "string", "minLength": 1},
            message={"type": "string"},
            document={**DOCUMENT, "description": "被拒绝办理的单据（拒绝时已知的）"},
        ),
    )


CONTROL_SPECS: list[dict[str, Any]] = [_spec(s) for s in SOD_PRODUCERS]


def merge_into(specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [*specs, *CONTROL_SPECS]


__all__ = ["CONTROL_SPECS", "SOD_PRODUCERS", "event_type", "merge_into"]
