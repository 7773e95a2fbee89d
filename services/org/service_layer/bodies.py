"""Deciding bodies (议事决策机构) as use cases: org owns them and announces each change
(`org.deciding_body_registered`); approval caches them to check collective decisions."""

from __future__ import annotations

from typing import Any

from ic_platform.context import CallContext
from services.org.domain.bodies import DecidingBody
from services.org.service_layer import commands
from services.org.service_layer.unit_of_work import OrgUnitOfWork


def register_deciding_body(cmd: commands.RegisterDecidingBody, uow: OrgUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    with uow:
        repo = uow.bodies
        body = DecidingBody.of(cmd.code, cmd.name, list(cmd.members), cmd.quorum, repo.known_users(list(cmd.members)))
        if repo.get(body.code) != body:
            repo.save(ctx.org, body)
            uow.publish(ctx.event("org.deciding_body_registered", {"body": body.as_dict()}))
        uow.commit()
    return body.as_dict()
