"""The drills' TCP fault proxy (deploy/drills/proxy.py) against a local echo server: it passes bytes both ways,
cuts (open connections reset, new ones refused) until healed, and delays each packet."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Iterator

import pytest

from deploy.drills.proxy import FaultProxy


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        while data := self.request.recv(4096):
            self.request.sendall(data)


@pytest.fixture
def proxy() -> Iterator[FaultProxy]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    p = FaultProxy("echo", server.server_address[1]).start()
    try:
        yield p
    finally:
        p.stop()
        server.shutdown()
        server.server_close()


def _connect(p: FaultProxy) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", p.port), timeout=5)
    s.settimeout(5)
    return s


def _echo(s: socket.socket, data: bytes = b"ping") -> bytes:
    s.sendall(data)
    return s.recv(4096)


def test_bytes_pass_both_ways(proxy):
    with _connect(proxy) as s:
        assert _echo(s, "预算".encode()) == "预算".encode()
    assert proxy.connections == 1


def test_a_cut_resets_open_connections_and_refuses_new_ones_until_healed(proxy):
    with _connect(proxy) as s:
        assert _echo(s) == b"ping"
        assert proxy.cut() == 2  # both legs of the one connection
        with pytest.raises((ConnectionError, OSError)):
            for _ in range(3):  # the reset may surface on the send or on the read
                if not _echo(s):
                    raise ConnectionResetError("closed")
    with _connect(proxy) as s, pytest.raises((ConnectionError, OSError)):
        if not _echo(s):
            raise ConnectionResetError("closed")
    proxy.heal()
    with _connect(proxy) as s:
        assert _echo(s) == b"ping"


def test_a_delay_holds_each_packet_back(proxy):
    proxy.delay(0.2)
    with _connect(proxy) as s:
        started = time.monotonic()
        assert _echo(s) == b"ping"
        assert time.monotonic() - started >= 0.4  # there and back
        proxy.heal()
        started = time.monotonic()
        assert _echo(s) == b"ping"
        assert time.monotonic() - started < 0.2
