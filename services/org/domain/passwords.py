"""Password hashes: argon2id for every new hash; the PBKDF2-SHA256 hashes of before are still verified, and
replaced by argon2id at the next successful sign-in. Pure: no I/O.

A sign-in for a username nobody has does the same work (one argon2id verify against a dummy hash), so how
long the answer takes does not tell whether the account exists."""

from __future__ import annotations

import hashlib
import hmac
import re
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP's argon2id minimum (19 MiB, 2 passes): ~20 ms here, cheap enough for the seed of 72 people.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

# The demo organisation's shared password (deploy/seed/demo_org.py): accepted only where IC_DEMO=1.
DEMO_PASSWORDS = frozenset({"demo1234"})
MIN_LENGTH = 10


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(password: str, encoded: str) -> bool:
    if encoded.startswith("pbkdf2_sha256$"):
        return _verify_pbkdf2(password, encoded)
    try:
        return HASHER.verify(encoded, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(encoded: str) -> bool:
    if not encoded.startswith("$argon2id$"):
        return True
    try:
        return HASHER.check_needs_rehash(encoded)
    except InvalidHashError:
        return True


def dummy_verify(password: str) -> None:
    """The work a real verify does, for a username that has no account."""
    verify_password(password, _dummy_hash())


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return HASHER.hash("no account has this password: only its cost matters")


def _verify_pbkdf2(password: str, encoded: str) -> bool:
    try:
        _, iterations, salt, digest = encoded.split("$")
        candidate = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), int(iterations))
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)


def weaknesses(password: str, username: str) -> list[str]:
    """Why a new password is too weak, in Chinese; empty when it will do."""
    reasons = []
    if len(password) < MIN_LENGTH:
        reasons.append(f"至少 {MIN_LENGTH} 个字符")
    if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
        reasons.append("须同时包含字母和数字")
    if password in DEMO_PASSWORDS or username.lower() in password.lower():
        reasons.append("不能使用演示密码或包含用户名")
    return reasons
