"""A private PostgreSQL cluster for the drills to crash (../shared/RECIPES.md): made with pg_createcluster on a
free port, stopped with `-m immediate` (no checkpoint: WAL recovery on the next start, as after a crash) and
dropped afterwards. Durable settings (fsync and synchronous_commit on), unlike the developers' fast clusters:
a drill that counts acknowledged-but-lost writes must not lose them to the settings."""

from __future__ import annotations

import socket
import subprocess
import uuid

VERSION = "15"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivatePostgres:
    def __init__(self, max_connections: int = 200):
        self.name = f"icdrill{uuid.uuid4().hex[:8]}"
        self.port = _free_port()
        self.max_connections = max_connections

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}"

    def create(self) -> None:
        options = ["-o", f"max_connections={self.max_connections}", "-o", "shared_buffers=32MB"]
        command = ["pg_createcluster", VERSION, self.name, "-p", str(self.port), *options]
        subprocess.run([*command, "--", "--auth-local=trust", "--auth-host=trust"], check=True, capture_output=True)
        self.start()

    def start(self) -> None:
        self._ctl("start")

    def crash(self) -> None:
        """Stop at once, as a power cut would stop the server process: no checkpoint, clients cut off."""
        self._ctl("stop", "-m", "immediate")

    def checkpoint(self) -> None:
        command = ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-qc", "CHECKPOINT"]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def drop(self) -> None:
        subprocess.run(["pg_dropcluster", "--stop", VERSION, self.name], capture_output=True, timeout=60)

    def _ctl(self, *args: str) -> None:
        subprocess.run(["pg_ctlcluster", VERSION, self.name, *args], check=True, capture_output=True, timeout=120)
