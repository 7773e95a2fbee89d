"""A tiny nameko service the RPC client tests call: echo, a failure, a slow call and a context-data mirror."""

import time

from nameko.extensions import DependencyProvider
from nameko.rpc import rpc


class ContextData(DependencyProvider):
    """Hands the worker the context data nameko decoded from the request's ``nameko.*`` headers."""

    def get_dependency(self, worker_ctx):
        return worker_ctx.context_data


class ProbeService:
    name = "probe"

    context_data = ContextData()

    @rpc
    def echo(self, **kwargs):
        return kwargs

    @rpc
    def fail(self):
        raise ValueError("boom")

    @rpc
    def slow(self, seconds):
        time.sleep(seconds)  # `nameko run` monkey-patches time, so this only parks the greenlet
        return seconds

    @rpc
    def context(self):
        return self.context_data
