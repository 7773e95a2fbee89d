"""RpcClient against the real RabbitMQ on a throwaway vhost: the raw echo server and a real nameko service."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ic_platform.echo_server import EchoServer
from ic_platform.rpc_client import RemoteError, RpcClient, RpcTimeout, ServiceUnavailable

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
NAMEKO = Path(sys.executable).with_name("nameko")


def _rabbitmqctl(*args: str) -> str:
    return subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, text=True, timeout=30).stdout


@pytest.fixture(scope="module")
def vhost():
    name = f"ic_test_rpc_{uuid.uuid4().hex[:10]}"
    _rabbitmqctl("add_vhost", name)
    try:
        _rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
        yield name
    finally:
        _rabbitmqctl("delete_vhost", name)


@pytest.fixture(scope="module")
def amqp_uri(vhost):
    return f"amqp://guest:guest@127.0.0.1:5672/{vhost}"


@pytest.fixture(scope="module")
def echo_server(amqp_uri):
    server = EchoServer(amqp_uri).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def client(amqp_uri):
    rpc = RpcClient(amqp_uri, name="test", default_timeout=5.0)
    rpc.start()
    assert rpc.connected
    yield rpc
    rpc.stop()


def _nameko_service(amqp_uri, client, module: str, name: str, ready: str):
    """A real nameko service in a subprocess; ready once it answers, which is when its queue is bound."""
    log = tempfile.TemporaryFile(mode="w+")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [str(NAMEKO), "run", "--broker", amqp_uri, module],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                client.call(name, ready, {}, timeout=1.0)
                break
            except (ServiceUnavailable, RpcTimeout):
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    pytest.fail(f"nameko {name} service did not come up:\n{log.read()}")
                time.sleep(0.1)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def probe(amqp_uri, client):
    yield from _nameko_service(amqp_uri, client, "tests.integration.support.rpc_probe_service", "probe", "echo")


@pytest.fixture(scope="module")
def hop(amqp_uri, client, probe):
    """A service calling the probe as our services call each other (ic_platform's RPC link)."""
    yield from _nameko_service(amqp_uri, client, "tests.integration.support.rpc_hop_service", "hop", "relay")


def _close_connection_named(name: str) -> None:
    # The plain listing prints pids with their node (<rabbit@host.N.M.0>), which close_connection accepts;
    # the JSON one does not. The unique connection name is in the client properties on the same line.
    listing = _rabbitmqctl("list_connections", "--no-table-headers", "pid", "client_properties")
    pids = [line.split("\t", 1)[0] for line in listing.splitlines() if f'"{name}"' in line]
    assert pids, f"no broker connection named {name}"
    for pid in pids:
        _rabbitmqctl("close_connection", pid, "test: simulated connection loss")


# -- round trips -------------------------------------------------------------------------------------------


def test_round_trip_against_echo_server(client, echo_server):
    payload = {"text": "内部控制", "n": 3, "nested": {"xs": [1, 2, None]}}
    assert client.call("echo", "anything", payload) == payload


def test_round_trip_against_nameko(client, probe):
    assert client.call("probe", "echo", {"a": 1, "b": ["x"]}) == {"a": 1, "b": ["x"]}
    assert client.call("probe", "slow", args=[0]) == 0


def test_context_arrives_as_nameko_context_data(client, probe):
    context = {
        "user_id": "u-42",
        "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "idempotency_key": "k-1",
        "dropped": None,
    }
    data = client.call("probe", "context", context=context)
    assert data["user_id"] == "u-42"
    assert data["traceparent"] == context["traceparent"]
    assert data["idempotency_key"] == "k-1"
    assert "dropped" not in data
    stack = data["call_id_stack"]
    assert stack[0].startswith("test.call.") and stack[-1].startswith("probe.context.")


def test_caller_supplied_call_id_stack_is_extended(client, probe):
    data = client.call("probe", "context", context={"call_id_stack": ["gateway.http.abc"]})
    assert data["call_id_stack"][0] == "gateway.http.abc"
    assert len(data["call_id_stack"]) == 2


# -- failures ----------------------------------------------------------------------------------------------


def test_remote_exception_maps_to_remote_error(client, probe):
    with pytest.raises(RemoteError) as info:
        client.call("probe", "fail")
    assert info.value.exc_type == "ValueError"
    assert info.value.exc_path == "builtins.ValueError"
    assert info.value.exc_args == ["boom"]
    assert info.value.value == "boom"


def test_unknown_method_is_a_remote_error_not_a_timeout(client, probe):
    with pytest.raises(RemoteError) as info:
        client.call("probe", "no_such_method", timeout=2.0)
    assert info.value.exc_type == "MethodNotFound"


def test_timeout_is_prompt_and_late_reply_is_dropped(client, probe):
    started = time.monotonic()
    with pytest.raises(RpcTimeout):
        client.call("probe", "slow", {"seconds": 0.6}, timeout=0.2)
    assert time.monotonic() - started < 0.5
    time.sleep(0.6)  # let the late reply arrive; it must not disturb anything
    assert client.call("probe", "echo", {"after": True}) == {"after": True}
    assert client._pending == {}


def test_unknown_service_is_unavailable_not_a_timeout(client, echo_server):
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable, match="no consumer for nosuch.method"):
        client.call("nosuch", "method", timeout=5.0)
    assert time.monotonic() - started < 0.5


def test_unencodable_context_is_rejected_in_the_caller(client, echo_server):
    with pytest.raises(TypeError):
        client.call("echo", "x", context={"ratio": 0.5})
    assert client.call("echo", "x", {"still": "ok"}) == {"still": "ok"}


def test_call_before_start_fails_fast(amqp_uri):
    with pytest.raises(ServiceUnavailable):
        RpcClient(amqp_uri).call("echo", "x", timeout=5.0)


def test_unreachable_broker_fails_fast():
    rpc = RpcClient("amqp://guest:guest@127.0.0.1:1/%2F", name="nowhere", connect_timeout=1.0)
    started = time.monotonic()
    rpc.start()
    try:
        assert not rpc.connected
        with pytest.raises(ServiceUnavailable):
            rpc.call("echo", "x", timeout=5.0)
        assert time.monotonic() - started < 2.0
    finally:
        rpc.stop()


def test_connection_loss_fails_pending_calls_and_reconnects(amqp_uri, probe):
    name = f"drop-{uuid.uuid4().hex[:8]}"
    rpc = RpcClient(amqp_uri, name=name, default_timeout=30.0)
    rpc.start()
    try:
        outcome: dict[str, object] = {}

        def slow_call():
            try:
                rpc.call("probe", "slow", {"seconds": 20})  # still pending when the connection drops
            except Exception as exc:  # the assertion below says which one is expected
                outcome["error"] = exc
            outcome["failed_at"] = time.monotonic()

        caller = threading.Thread(target=slow_call)
        caller.start()
        time.sleep(0.2)
        _close_connection_named(f"rpc-client:{name}")  # rabbitmqctl: slow on a busy machine, hence 20 s above
        closed_at = time.monotonic()
        caller.join(25)
        assert isinstance(outcome.get("error"), ServiceUnavailable)
        # Failed when the connection went, not when the slow call would have answered or timed out.
        assert outcome["failed_at"] - closed_at < 2.5

        deadline = time.monotonic() + 5
        while not rpc.connected and time.monotonic() < deadline:
            time.sleep(0.05)
        assert rpc.connected
        assert rpc.call("probe", "echo", {"back": 1}) == {"back": 1}
    finally:
        rpc.stop()


# -- concurrency -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("service", ["echo", "probe"])
def test_concurrent_calls_from_threads(client, echo_server, probe, service):
    def one(i: int):
        return client.call(service, "echo", {"i": i, "tag": f"t{i}"})

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(one, range(50)))
    assert results == [{"i": i, "tag": f"t{i}"} for i in range(50)]


def test_call_async_many_concurrent(client, echo_server):
    async def main():
        ticks = 0
        done = asyncio.Event()

        async def ticker():  # keeps running only if call_async never blocks the loop
            nonlocal ticks
            while not done.is_set():
                ticks += 1
                await asyncio.sleep(0)

        tick_task = asyncio.create_task(ticker())
        results = await asyncio.gather(*(client.call_async("echo", "x", {"i": i}) for i in range(100)))
        done.set()
        await tick_task
        return results, ticks

    results, ticks = asyncio.run(main())
    assert results == [{"i": i} for i in range(100)]
    assert ticks > 10


def test_call_async_errors(client, probe):
    async def main():
        with pytest.raises(RpcTimeout):
            await client.call_async("probe", "slow", {"seconds": 0.5}, timeout=0.1)
        with pytest.raises(RemoteError):
            await client.call_async("probe", "fail")
        with pytest.raises(ServiceUnavailable):
            await client.call_async("nosuch", "x")

    asyncio.run(main())
    time.sleep(0.5)
    assert client._pending == {}


# -- a service calling a service (ic_platform/rpc_link.py) -------------------------------------------------


def test_a_service_calls_another_through_its_link(client, hop):
    assert client.call("hop", "relay", {"x": 1, "text": "付款"}) == {"x": 1, "text": "付款"}
    context = client.call("hop", "relay_context", context={"org": "xinqiao", "actor": "clerk"})
    assert context["org"] == "xinqiao" and context["actor"] == "clerk"  # the caller's context travels on
    assert len(context["call_id_stack"]) == 3  # test client → hop → probe


def test_a_call_to_a_service_with_no_queue_is_unknown_service_at_once(client, hop):
    answer = client.call("hop", "call_nosuch", timeout=5.0)
    assert answer["unknown_service"] == "nosuch"
    assert answer["seconds"] < 1.0  # told by the returned request, not by a timeout
    assert client.call("hop", "relay", {"after": True}) == {"after": True}


def test_concurrent_calls_share_the_link(client, hop):
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda i: client.call("hop", "relay", {"i": i}), range(80)))
    assert results == [{"i": i} for i in range(80)]


def test_an_unencodable_answer_is_an_error_reply_and_the_service_lives_on(client, hop):
    with pytest.raises(RemoteError) as raised:
        client.call("hop", "unencodable")
    assert raised.value.exc_type == "UnserializableValueError"
    assert client.call("hop", "relay", {"still": "up"}) == {"still": "up"}


def test_a_lost_link_is_opened_again_by_the_next_call(client, hop):
    assert client.call("hop", "relay", {"before": 1}) == {"before": 1}
    _close_connection_named("rpc-link:hop")  # what a broker restart does to it
    deadline = time.monotonic() + 10
    while True:  # the reply of a call racing the close may be lost (a timeout, as with a broker restart)
        try:
            assert client.call("hop", "relay", {"after": 1}, timeout=2.0) == {"after": 1}
            break
        except RpcTimeout:
            assert time.monotonic() < deadline
