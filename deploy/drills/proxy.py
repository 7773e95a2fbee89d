"""A small TCP fault proxy (asyncio, one background thread) put between the services and PostgreSQL or RabbitMQ.

`cut()` resets every open connection and refuses new ones (each is accepted and reset at once) until `heal()`;
`delay(seconds)` holds every chunk in both directions that long before passing it on, so each round trip costs
twice the delay. Only the services go through it: the drill's own checks talk to the servers directly."""

from __future__ import annotations

import asyncio
import socket
import threading


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FaultProxy:
    def __init__(self, name: str, target_port: int, target_host: str = "127.0.0.1"):
        self.name, self.target = name, (target_host, target_port)
        self.port = _free_port()
        self.delay_s = 0.0
        self.cutting = False
        self.connections = 0  # accepted since start: a drill checks that the services do go through it
        self._writers: set[asyncio.StreamWriter] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=f"proxy-{name}", daemon=True)
        self._server: asyncio.AbstractServer | None = None

    def start(self) -> FaultProxy:
        self._thread.start()
        self._call(self._listen())
        return self

    def stop(self) -> None:
        self._call(self._close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def cut(self) -> int:
        """Reset every open connection and refuse new ones; returns how many were reset."""
        return self._call(self._cut())

    def delay(self, seconds: float) -> None:
        self.delay_s = seconds

    def heal(self) -> None:
        self.cutting, self.delay_s = False, 0.0

    def _call(self, coroutine):  # noqa: ANN001, ANN202
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port, reuse_address=True)

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
        await self._cut()
        self.cutting = False

    async def _cut(self) -> int:
        self.cutting = True
        writers, self._writers = list(self._writers), set()
        for writer in writers:
            writer.transport.abort()  # RST, as a broken network or a dead peer looks to the other side
        return len(writers)

    async def _accept(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        if self.cutting:
            client_w.transport.abort()
            return
        try:
            server_r, server_w = await asyncio.open_connection(*self.target)
        except OSError:
            client_w.transport.abort()
            return
        self.connections += 1
        self._writers |= {client_w, server_w}
        try:
            await asyncio.gather(self._pipe(client_r, server_w), self._pipe(server_r, client_w))
        finally:
            for writer in (client_w, server_w):
                self._writers.discard(writer)
                writer.transport.abort()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while chunk := await reader.read(65536):
                if self.delay_s:
                    await asyncio.sleep(self.delay_s)
                if self.cutting:
                    break
                writer.write(chunk)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            if self.cutting:
                writer.transport.abort()
            else:
                writer.close()
