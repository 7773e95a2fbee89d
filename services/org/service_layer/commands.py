from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ic_platform.commands import Code, Command, PageNumber, PageSize, Text


class RegisterUnit(Command):
    code: Code
    name: Text
    kind: Literal["office", "community"]
    leader_in_charge: Code | None = None
    responsible_for: tuple[Code, ...] = ()


class RegisterUser(Command):
    username: Code
    full_name: Text
    unit: Code
    roles: tuple[
        Literal[
            "clerk",
            "unit_head",
            "finance_reviewer",
            "accountant",
            "leader_in_charge",
            "principal",
            "inspector",
            "auditor",
            "admin",
            "cashier",
        ],
        ...,
    ] = Field(min_length=1)
    title: Annotated[str, Field(max_length=100)] = ""
    password: str = Field(min_length=8, max_length=128)


class RegisterDecidingBody(Command):
    code: Code
    name: Text
    members: tuple[Code, ...] = Field(min_length=1, max_length=100)
    quorum: int = Field(ge=1, le=100)


class Authenticate(Command):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=128)


class ListUnits(Command):
    kind: Literal["office", "community"] | None = None
    page: PageNumber = 1
    page_size: PageSize = 50


class ListUsers(Command):
    unit: Code | None = None
    role: Code | None = None
    page: PageNumber = 1
    page_size: PageSize = 50


class Refresh(Command):
    refresh_token: str = Field(min_length=16, max_length=200)


class EndSession(Command):
    session: str = Field(min_length=1, max_length=64)


class ChangePassword(Command):
    old_password: str = Field(min_length=1, max_length=128)
    new_password: str = Field(min_length=1, max_length=128)


class DeactivateUser(Command):
    username: Code


# ── administration (组织机构管理; admin only) ──
class AddUser(Command):
    username: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_.-]{1,31}$")]
    full_name: Text
    unit: Code
    roles: tuple[Code, ...] = Field(min_length=1, max_length=10)
    title: Annotated[str, Field(max_length=100)] = ""


class ChangeRoles(Command):
    username: Code
    roles: tuple[Code, ...] = Field(min_length=1, max_length=10)
    title: Annotated[str, Field(max_length=100)] | None = None


class ResetPassword(Command):
    username: Code


class AssignUnitHead(Command):
    unit: Code
    post: Literal["unit_head", "leader_in_charge"]
    username: Code


class ChangeDecidingBody(Command):
    code: Code
    members: tuple[Code, ...] = Field(min_length=1, max_length=100)
    quorum: int = Field(ge=1, le=100)


class SearchUsers(Command):
    q: Annotated[str, Field(max_length=64)] | None = None
    unit: Code | None = None
    role: Code | None = None
    active: bool | None = None
    page: PageNumber = 1
    page_size: PageSize = 50
