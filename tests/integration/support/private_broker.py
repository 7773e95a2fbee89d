"""A private RabbitMQ node for the tests that break the broker (restart, pause, kill).

The machine's shared broker serves every other test run and `make run`: a fault test must never stop it. This
node has its own name, ports, data and log folders (see ../shared/RECIPES.md) and is removed afterwards."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

RABBIT_BIN = Path("/usr/lib/rabbitmq/bin")
BOOT_TIMEOUT_S = 120


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateBroker:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="ic-rabbit-"))
        self.port, self.dist_port = _free_port(), _free_port()
        self.node = f"ic{uuid.uuid4().hex[:8]}@{socket.gethostname().split('.')[0]}"
        (self.folder / "mnesia").mkdir()
        (self.folder / "log").mkdir()
        (self.folder / "enabled_plugins").write_text("[].\n")
        (self.folder / "rabbitmq.conf").write_text(f"listeners.tcp.default = 127.0.0.1:{self.port}\n")
        subprocess.run(["chown", "-R", "rabbitmq:rabbitmq", str(self.folder)], check=True)
        os.chmod(self.folder, 0o755)
        self.env = {
            **os.environ,
            "HOME": "/var/lib/rabbitmq",
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(self.folder / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.folder / "log"),
            "RABBITMQ_CONFIG_FILE": str(self.folder / "rabbitmq.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.folder / "enabled_plugins"),
            "RABBITMQ_PID_FILE": str(self.folder / "node.pid"),
        }

    @property
    def amqp_uri(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/%2F"

    def start(self) -> None:
        server = [str(RABBIT_BIN / "rabbitmq-server"), "-detached"]
        subprocess.run(["runuser", "-u", "rabbitmq", "--", "env", *self._env_args(), *server], check=True)
        self.ctl("wait", "--timeout", str(BOOT_TIMEOUT_S), str(self.folder / "node.pid"), timeout=BOOT_TIMEOUT_S + 30)

    def stop_app(self) -> None:
        self.ctl("stop_app")

    def start_app(self) -> None:
        self.ctl("start_app")
        self.ctl("await_startup")

    def ctl(self, *args: str, timeout: float = 120) -> str:
        command = [str(RABBIT_BIN / "rabbitmqctl"), "-q", "-n", self.node, *args]
        return subprocess.run(command, env=self.env, check=True, capture_output=True, text=True, timeout=timeout).stdout

    def destroy(self) -> None:
        try:
            pid = int((self.folder / "node.pid").read_text().strip())
            os.kill(pid, signal.SIGKILL)
            time.sleep(0.5)
        except (OSError, ValueError):
            pass
        shutil.rmtree(self.folder, ignore_errors=True)

    def _env_args(self) -> list[str]:
        return [f"{k}={v}" for k, v in self.env.items() if k.startswith("RABBITMQ_") or k == "HOME"]
