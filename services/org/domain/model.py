"""The organisation: units (offices and communities), people and their roles. Pure: no I/O.

Passwords are stored as PBKDF2-SHA256 hashes; the demo seed sets a shared demo password."""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, field

ROLES = ("clerk", "unit_head", "finance_reviewer", "leader_in_charge", "principal", "inspector", "auditor", "admin")
_ITERATIONS = 60_000


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
        return self.active and verify_password(password, self.password_hash)


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, _ITERATIONS)
    return f"pbkdf2_sha256${_ITERATIONS}${salt.hex()}${digest.hex()}"


def verify_password(password: str, encoded: str) -> bool:
    try:
        scheme, iterations, salt, digest = encoded.split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2_sha256":
        return False
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), int(iterations))
    return hmac.compare_digest(candidate.hex(), digest)
