"""The organisation: units (offices and communities), people and their roles. Pure: no I/O.

Passwords are stored as argon2id hashes (domain/passwords.py); the demo seed sets a shared demo password."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.org.domain.passwords import hash_password, verify_password

__all__ = ["ROLES", "Unit", "User", "hash_password"]

ROLES = (
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
)


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kind: str  # office | community
    leader_in_charge: str | None = None
    responsible_for: tuple[str, ...] = ()


@dataclass(frozen=True)
class User:
    username: str
    full_name: str
    unit: str
    roles: tuple[str, ...]
    title: str = ""
    password_hash: str = field(default="", repr=False)
    active: bool = True

    def check_password(self, password: str) -> bool:
        # The hash is verified even for an inactive account: the answer takes as long either way.
        matches = verify_password(password, self.password_hash)
        return matches and self.active
