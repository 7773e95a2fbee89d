"""A nameko service that calls the probe service the way our services call each other: its requests and
replies go through ic_platform's RPC link (importing ic_platform.nameko_platform routes them there)."""

import time

from nameko.exceptions import UnknownService
from nameko.rpc import RpcProxy, rpc

import ic_platform.nameko_platform  # noqa: F401 - the link for requests and replies


class HopService:
    name = "hop"

    probe = RpcProxy("probe")
    nosuch = RpcProxy("nosuch")

    @rpc
    def relay(self, **kwargs):
        return self.probe.echo(**kwargs)

    @rpc
    def relay_context(self):
        return self.probe.context()

    @rpc
    def call_nosuch(self):
        started = time.monotonic()
        try:
            self.nosuch.method()
        except UnknownService as exc:
            return {"unknown_service": exc.args[0], "seconds": time.monotonic() - started}
        return {"answered": True}

    @rpc
    def unencodable(self):
        return object()
