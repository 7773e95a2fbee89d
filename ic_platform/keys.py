"""The system's one signing key (Ed25519): the gateway signs access tokens and the identity it forwards to the
services with it; everyone else holds only its public half and can verify, never sign.

There is no default key anywhere. `make run` generates one on first start into the local state folder (`var/`,
not in git) and reuses it; the test stacks generate their own; every other start must be given the key: a file
(`IC_SIGNING_KEY_FILE` for the gateway, `IC_VERIFY_KEY_FILE` for every service) or, where secrets arrive as
environment variables (compose, Kubernetes), the raw key in base64 (`IC_SIGNING_KEY`, `IC_VERIFY_KEY`). Without
one a process refuses to start, naming the setting.

    python -m ic_platform.keys generate DIR     # DIR/signing.pem (0600), DIR/verify.pem, DIR/service.pem
                                                # (0600), and the same as environment lines IC_SIGNING_KEY=...,
                                                # IC_VERIFY_KEY=..., IC_SERVICE_KEY=...
"""

from __future__ import annotations

import base64
import binascii
import os
import sys
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ic_platform.config import Settings, settings

SIGNING_KEY_SETTING = "IC_SIGNING_KEY_FILE"
VERIFY_KEY_SETTING = "IC_VERIFY_KEY_FILE"
SIGNING_KEY_ENV = "IC_SIGNING_KEY"
VERIFY_KEY_ENV = "IC_VERIFY_KEY"
# The services' own key (another Ed25519 pair, held by every service and not the gateway): what a service signs
# its own calls with (timers, event handlers), accepted only for the listed system calls (ic_platform/identity).
SERVICE_KEY_SETTING = "IC_SERVICE_KEY_FILE"
SERVICE_KEY_ENV = "IC_SERVICE_KEY"
ALGORITHM = "EdDSA"


class MissingKey(RuntimeError):
    """A process was started without the key file its role needs; the message names the setting."""


def generate(folder: str | os.PathLike) -> tuple[Path, Path]:
    """Fresh keys in `folder`: signing.pem (owner-only) and verify.pem, the gateway's pair; service.pem
    (owner-only), the services' key (`service_file`)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    signing, verify = folder / "signing.pem", folder / "verify.pem"
    _write_private(signing, key)
    verify.write_bytes(public_pem(key.public_key()))
    _write_private(service_file(folder), Ed25519PrivateKey.generate())
    return signing, verify


def service_file(folder: str | os.PathLike) -> Path:
    return Path(folder) / "service.pem"


def ensure(folder: str | os.PathLike) -> tuple[Path, Path]:
    """The keys kept in `folder`, generated on first use (make run's local state)."""
    signing, verify = Path(folder) / "signing.pem", Path(folder) / "verify.pem"
    if signing.exists() and verify.exists() and service_file(folder).exists():
        return signing, verify
    return generate(folder)


def _write_private(path: Path, key: Ed25519PrivateKey) -> None:
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(private)


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def signing_key(path: str | None = None, cfg: Settings | None = None) -> Ed25519PrivateKey:
    cfg = cfg or settings()
    return _private(path, cfg.signing_key_file, cfg.signing_key, SIGNING_KEY_SETTING, SIGNING_KEY_ENV)


def service_key(path: str | None = None, cfg: Settings | None = None) -> Ed25519PrivateKey:
    cfg = cfg or settings()
    return _private(path, cfg.service_key_file, cfg.service_key, SERVICE_KEY_SETTING, SERVICE_KEY_ENV)


def _private(path: str | None, file: str | None, raw: str | None, setting: str, env: str) -> Ed25519PrivateKey:
    path = path if path is not None else file
    if not path and raw:
        return Ed25519PrivateKey.from_private_bytes(_raw(raw, env))
    key = _load(path, setting, serialization.load_pem_private_key, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise MissingKey(f"{setting}: {path} is not an Ed25519 private key")
    return key


def verify_key(path: str | None = None, cfg: Settings | None = None) -> Ed25519PublicKey:
    cfg = cfg or settings()
    path = path if path is not None else cfg.verify_key_file
    if not path and cfg.verify_key:
        return Ed25519PublicKey.from_public_bytes(_raw(cfg.verify_key, VERIFY_KEY_ENV))
    key = _load(path, VERIFY_KEY_SETTING, serialization.load_pem_public_key)
    if not isinstance(key, Ed25519PublicKey):
        raise MissingKey(f"{VERIFY_KEY_SETTING}: {path} is not an Ed25519 public key")
    return key


@lru_cache(maxsize=4)
def cached_signing_key(path: str | None) -> Ed25519PrivateKey:
    return signing_key(path or "")


@lru_cache(maxsize=4)
def cached_verify_key(path: str | None) -> Ed25519PublicKey:
    return verify_key(path or "")


@lru_cache(maxsize=4)
def cached_service_key(path: str | None) -> Ed25519PrivateKey:
    return service_key(path or "")


def environment_lines(signing_file: str | os.PathLike) -> list[str]:
    """The key pair as the two environment settings (raw keys, base64)."""
    key, service = signing_key(str(signing_file)), service_key(str(service_file(Path(signing_file).parent)))
    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    values = ((SIGNING_KEY_ENV, _raw_private(key)), (VERIFY_KEY_ENV, public), (SERVICE_KEY_ENV, _raw_private(service)))
    return [f"{name}={base64.b64encode(v).decode()}" for name, v in values]


def _raw_private(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())


def _raw(value: str, setting: str) -> bytes:
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise MissingKey(f"{setting}: expected a raw Ed25519 key of 32 bytes in base64")
    return raw


def _load(path: str | None, setting: str, loader, **kw):  # noqa: ANN001, ANN202
    if not path:
        env = setting.removesuffix("_FILE")
        raise MissingKey(
            f"{setting} (or {env}) is not set: no process signs or verifies with a default key "
            "(generate one: python -m ic_platform.keys generate DIR)"
        )
    try:
        return loader(Path(path).read_bytes(), **kw)
    except (OSError, ValueError) as exc:
        raise MissingKey(f"{setting}: cannot read a key from {path}: {exc}") from None


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "generate":
        print(__doc__)
        raise SystemExit(2)
    signing, verify = generate(sys.argv[2])
    print(signing, verify, service_file(sys.argv[2]), *environment_lines(signing), sep="\n")
