"""A raw pika RPC server that answers every ``echo.*`` call with the kwargs it was sent.

It is the benchmark's floor: the same wire protocol as a nameko service (request on the ``nameko-rpc``
exchange, reply to the same exchange with routing key = reply_to) with none of nameko's per-call cost, so
the difference between it and a real service is the framework's overhead.

    python -m ic_platform.echo_server amqp://guest:guest@127.0.0.1:5672/%2F
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading

import pika
import pika.exceptions

_log = logging.getLogger(__name__)

RPC_EXCHANGE = "nameko-rpc"


def _malformed(detail: str) -> dict:
    # Shaped like nameko's serialised MalformedRequest so clients map it the same way.
    return {
        "exc_type": "MalformedRequest",
        "exc_path": "nameko.exceptions.MalformedRequest",
        "exc_args": [detail],
        "value": detail,
    }


class EchoServer:
    def __init__(self, amqp_uri: str, *, service: str = "echo"):
        self._params = pika.URLParameters(amqp_uri)
        self._params.client_properties = {"connection_name": f"echo-server:{service}"}
        self.queue = f"rpc-{service}"
        self.routing_key = f"{service}.*"
        self._stopping = threading.Event()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._conn: pika.BlockingConnection | None = None
        self.handled = 0

    def start(self, timeout: float = 10.0) -> EchoServer:
        """Serve on a background thread; returns once the queue is consumed, so calls made next succeed."""
        self._stopping.clear()
        self._ready.clear()
        self._error = None
        self._thread = threading.Thread(target=self._serve_guarded, name="echo-server", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError("echo server did not become ready")
        if self._error is not None:
            raise RuntimeError("echo server failed to start") from self._error
        return self

    def request_stop(self) -> None:
        """Signal-handler safe: only sets a flag that the poll loop checks every 0.5s."""
        self._stopping.set()

    def stop(self) -> None:
        self._stopping.set()
        conn = self._conn
        if conn is not None:
            try:
                conn.add_callback_threadsafe(lambda: None)  # cut the current poll short
            except pika.exceptions.AMQPError:
                pass
        if self._thread is not None:
            self._thread.join(5.0)
            self._thread = None

    def serve_forever(self) -> None:
        self._stopping.clear()
        self._serve()

    def _serve_guarded(self) -> None:
        try:
            self._serve()
        except BaseException as exc:  # reported to start() or logged; a thread has nowhere else to raise
            self._error = exc
            if self._ready.is_set():
                _log.exception("echo server stopped on error")
            self._ready.set()

    def _serve(self) -> None:
        conn = pika.BlockingConnection(self._params)
        try:
            channel = conn.channel()
            channel.exchange_declare(RPC_EXCHANGE, exchange_type="topic", durable=True)
            # Not durable, auto-deleted: once the floor is gone calls must fail as "no consumer", not pile up.
            channel.queue_declare(self.queue, auto_delete=True)
            channel.queue_bind(self.queue, RPC_EXCHANGE, routing_key=self.routing_key)
            channel.basic_consume(self.queue, self._on_request, auto_ack=True)
            self._conn = conn
            self._ready.set()
            while not self._stopping.is_set():
                conn.process_data_events(time_limit=0.5)
        finally:
            self._conn = None
            if conn.is_open:
                conn.close()

    def _on_request(self, channel, _method, props: pika.BasicProperties, body: bytes) -> None:
        if not props.reply_to:
            return  # a fire-and-forget publish: nobody to answer
        try:
            payload = {"result": json.loads(body)["kwargs"], "error": None}
        except (ValueError, KeyError, TypeError) as exc:
            payload = {"result": None, "error": _malformed(f"cannot decode request: {exc!r}")}
        channel.basic_publish(
            RPC_EXCHANGE,
            props.reply_to,
            json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode(),
            pika.BasicProperties(
                content_type="application/json",
                content_encoding="utf-8",
                correlation_id=props.correlation_id,
                delivery_mode=1,
            ),
        )
        self.handled += 1


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m ic_platform.echo_server AMQP_URI", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    server = EchoServer(argv[0])
    signal.signal(signal.SIGTERM, lambda *_: server.request_stop())
    _log.info("echo server consuming %s (routing key %s)", server.queue, server.routing_key)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    _log.info("echo server stopped after %d calls", server.handled)
    return 0


if __name__ == "__main__":
    sys.exit(main())
