"""The process supervisor, with real subprocesses."""

from __future__ import annotations

import io
import os
import signal
import sys
import threading
import time

import pytest

from ic_platform.supervisor import ProcessSpec, Supervisor

PY = sys.executable
SLEEPER = [PY, "-c", "print('hi'); import time; time.sleep(30)"]


class Stream(io.StringIO):
    """A thread-safe enough StringIO whose content the test can poll."""

    def lines(self) -> list[str]:
        return self.getvalue().splitlines()


def wait_for(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


def pid_alive(pid: int) -> bool:
    """True while the process exists and is not a zombie (an orphan may stay unreaped here)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.fixture
def stream() -> Stream:
    return Stream()


def test_lines_are_prefixed_with_padded_name_and_logged(stream, tmp_path):
    specs = [
        ProcessSpec("a", SLEEPER),
        ProcessSpec("budget", [PY, "-c", "print('one'); print('two')"], restart=True),
    ]
    with Supervisor(specs, log_stream=stream, log_dir=str(tmp_path)):
        wait_for(lambda: "a          | hi" in stream.lines() and "budget     | two" in stream.lines())
    assert "\033[" not in stream.getvalue()  # StringIO is no TTY: no colours
    assert (tmp_path / "a.log").read_text() == "hi\n"
    assert (tmp_path / "budget.log").read_text().startswith("one\ntwo\n")


def test_colors_can_be_forced(stream):
    with Supervisor([ProcessSpec("a", SLEEPER)], log_stream=stream, color=True):
        wait_for(lambda: "hi" in stream.getvalue())
    assert "\033[" in stream.getvalue()


def test_env_and_cwd_are_passed(stream, tmp_path):
    code = "import os; print(os.environ['IC_X'], os.getcwd()); import time; time.sleep(30)"
    with Supervisor([ProcessSpec("a", [PY, "-c", code], env={"IC_X": "42"}, cwd=str(tmp_path))], log_stream=stream):
        wait_for(lambda: f"42 {tmp_path}" in stream.getvalue())


def test_stop_kills_the_whole_group_and_is_idempotent(stream):
    code = "import subprocess as sp, time; print('child', sp.Popen(['sleep', '30']).pid); time.sleep(30)"
    sup = Supervisor([ProcessSpec("parent", [PY, "-c", code])], log_stream=stream)
    sup.start()
    wait_for(lambda: "child " in stream.getvalue())
    child = int(stream.getvalue().split("child ")[1].split()[0])
    assert pid_alive(child) and sup.alive("parent")
    sup.stop(timeout=2)
    sup.stop(timeout=2)
    assert not sup.alive("parent")
    wait_for(lambda: not pid_alive(child), timeout=2)


def test_stop_escalates_to_sigkill(stream):
    code = "import signal as s, time; s.signal(s.SIGTERM, s.SIG_IGN); print('ready'); time.sleep(30)"
    sup = Supervisor([ProcessSpec("stubborn", [PY, "-c", code])], log_stream=stream)
    sup.start()
    wait_for(lambda: "ready" in stream.getvalue())
    t0 = time.monotonic()
    sup.stop(timeout=0.5)
    assert not sup.alive("stubborn") and time.monotonic() - t0 < 3


def test_restart_true_restarts_a_crashing_process(stream):
    code = "print('run'); raise SystemExit(3)"
    with Supervisor([ProcessSpec("crashy", [PY, "-c", code], restart=True)], log_stream=stream):
        wait_for(lambda: stream.getvalue().count("| run") >= 2, timeout=5)
    assert "crashy exited with status 3; restarting in 1s" in stream.getvalue()


def test_kill_and_restart_by_name(stream):
    with Supervisor([ProcessSpec("a", SLEEPER), ProcessSpec("b", SLEEPER)], log_stream=stream) as sup:
        wait_for(lambda: stream.getvalue().count("| hi") == 2)
        old_pid = sup.pid("a")
        sup.kill("a")
        assert not sup.alive("a") and sup.alive("b")
        time.sleep(0.3)  # a deliberately killed restart=False process stays down
        assert not sup.alive("a")
        sup.restart("a")
        assert sup.alive("a") and sup.pid("a") != old_pid


def test_kill_of_restart_true_process_is_recovered(stream):
    with Supervisor([ProcessSpec("svc", SLEEPER, restart=True)], log_stream=stream) as sup:
        old_pid = sup.pid("svc")
        sup.kill("svc")
        assert not sup.alive("svc")
        wait_for(lambda: sup.alive("svc") and sup.pid("svc") != old_pid, timeout=4)


def test_wait_returns_when_a_non_restart_process_fails(stream):
    failing = [PY, "-c", "import time; time.sleep(0.3); raise SystemExit(4)"]
    sup = Supervisor([ProcessSpec("long", SLEEPER), ProcessSpec("failing", failing)], log_stream=stream)
    sup.start()
    t0 = time.monotonic()
    assert sup.wait() == 4
    assert time.monotonic() - t0 < 5
    assert not sup.alive("long")
    assert "failing exited unexpectedly with status 4" in stream.getvalue()


def test_wait_returns_zero_on_sigterm(stream):
    sup = Supervisor([ProcessSpec("long", SLEEPER)], log_stream=stream)
    sup.start()
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        assert sup.wait() == 0
    finally:
        timer.cancel()
    assert not sup.alive("long")
    assert signal.getsignal(signal.SIGTERM) is not None  # the previous handler is back


def test_output_lines_are_never_interleaved(stream):
    code = "for i in range(300): print('x' * 200)"
    specs = [ProcessSpec(f"p{i}", [PY, "-c", code], restart=True) for i in range(4)]
    with Supervisor(specs, log_stream=stream):
        wait_for(lambda: stream.getvalue().count("x" * 200) >= 1200, timeout=5)
    for line in stream.lines():
        assert line.startswith(("p", "supervisor")), line
        if "| x" in line:
            assert line.split(" | ", 1)[1] == "x" * 200


def test_another_process_can_be_added_while_running_and_is_watched_like_the_others(stream):
    with Supervisor([ProcessSpec("svc", SLEEPER)], log_stream=stream, color=False) as sup:
        sup.add(ProcessSpec("svc#2", SLEEPER, restart=True))
        wait_for(lambda: sup.alive("svc#2"))
        first = sup.pid("svc#2")
        sup.kill("svc#2")
        wait_for(lambda: sup.alive("svc#2") and sup.pid("svc#2") != first, timeout=10)
        with pytest.raises(ValueError):
            sup.add(ProcessSpec("svc", SLEEPER))
    assert sup.names() == ["svc", "svc#2"]


def test_replicas_are_named_and_given_their_own_metrics_ports():
    from deploy.stack import parse_replicas, process_specs, replica_names

    assert replica_names("payment", 3) == ["payment", "payment#2", "payment#3"]
    assert parse_replicas("payment=2, approval=3") == {"payment": 2, "approval": 3}
    with pytest.raises(ValueError):
        parse_replicas("paymnet=2")
    specs = {s.name: s for s in process_specs({"IC_METRICS_PORT_BASE": "9100"}, replicas={"payment": 2})}
    assert specs["payment"].env.get("IC_METRICS_PORT") is None  # the service's own port (9106)
    assert specs["payment#2"].env["IC_METRICS_PORT"] == "9116"
    assert specs["payment#2"].argv[-1] == "payment" and "gateway" in specs
