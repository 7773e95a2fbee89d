"""A small process supervisor, used by `make run` and by the integration-test harness.

Each process runs in its own process group, so stopping or killing it also reaches whatever it spawned. Its
stdout and stderr are merged and written line by line to one stream, prefixed with its padded name
("budget     | ..."), and optionally appended raw to <log_dir>/<name>.log. Standard library only.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

_COLORS = ("36", "33", "32", "35", "34", "91", "92", "93", "94", "95", "96")
_ME = "supervisor"
_BACKOFF_MAX_S = 10.0
_STABLE_AFTER_S = 30.0  # a restart=True process that ran this long starts its backoff at 1 s again


@dataclass
class ProcessSpec:
    name: str
    argv: list[str]
    env: dict[str, str] | None = None
    cwd: str | None = None
    restart: bool = False


@dataclass
class _Proc:
    spec: ProcessSpec
    color: str
    popen: subprocess.Popen | None = None
    reader: threading.Thread | None = None
    started_at: float = 0.0
    backoff: float = 1.0
    restart_at: float | None = None  # a dead restart=True process is due to start again at this time
    held: bool = False  # deliberately down, or handled by restart()/stop(): not watched for crashes


def _killpg(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _wait(popen: subprocess.Popen, timeout: float) -> None:
    try:
        popen.wait(max(0.0, timeout))
    except subprocess.TimeoutExpired:
        pass


def _status(rc: int) -> int:
    return 128 - rc if rc < 0 else rc  # killed by signal N -> 128+N, as a shell reports it


class Supervisor:
    def __init__(
        self,
        specs: list[ProcessSpec],
        *,
        log_stream=sys.stdout,
        color: bool | None = None,
        log_dir: str | None = None,
    ):
        names = [s.name for s in specs]
        if len(set(names)) != len(names):
            raise ValueError(f"process names must be unique: {names}")
        self._procs = {s.name: _Proc(s, _COLORS[i % len(_COLORS)]) for i, s in enumerate(specs)}
        self._stream, self._log_dir = log_stream, log_dir
        if color is None:
            isatty = getattr(log_stream, "isatty", None)
            color = bool(isatty and not getattr(log_stream, "closed", False) and isatty())
        self._color = color
        self._width = max([len(n) for n in names] + [len(_ME)])
        self._lock = threading.RLock()  # process state
        self._out_lock = threading.Lock()  # one whole line at a time on the stream
        self._stopping, self._done = threading.Event(), threading.Event()
        self._exit_code = 0
        self._monitor: threading.Thread | None = None
        self._stopped = False

    def _emit(self, name: str, text: str, color: str = "1") -> None:
        prefix = f"{name:<{self._width}} | "
        if self._color:
            prefix = f"\033[{color}m{prefix}\033[0m"
        with self._out_lock:
            try:
                self._stream.write(prefix + text + "\n")
                self._stream.flush()
            except (ValueError, OSError):  # stream closed under us (e.g. at interpreter exit)
                pass

    def _read(self, p: _Proc, popen: subprocess.Popen) -> None:
        path = os.path.join(self._log_dir, f"{p.spec.name}.log") if self._log_dir else None
        log = open(path, "a", encoding="utf-8") if path else None
        try:
            for raw in iter(popen.stdout.readline, b""):
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                self._emit(p.spec.name, line, p.color)
                if log:
                    log.write(line + "\n")
                    log.flush()
        finally:
            popen.stdout.close()
            if log:
                log.close()

    def _spawn(self, p: _Proc) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **(p.spec.env or {})}
        p.popen = subprocess.Popen(
            p.spec.argv,
            cwd=p.spec.cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        p.started_at, p.restart_at, p.held = time.monotonic(), None, False
        p.reader = threading.Thread(target=self._read, args=(p, p.popen), name=f"sup-{p.spec.name}", daemon=True)
        p.reader.start()
        self._emit(_ME, f"started {p.spec.name} (pid {p.popen.pid})")

    @staticmethod
    def _terminate(popens: list[subprocess.Popen], timeout: float) -> None:
        """SIGTERM each group, wait for the leaders up to `timeout`, then SIGKILL what is left of them."""
        for pp in popens:
            _killpg(pp.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for pp in popens:
            _wait(pp, deadline - time.monotonic())
        for pp in popens:
            _killpg(pp.pid, signal.SIGKILL)
            _wait(pp, 5)

    def _watch(self) -> None:
        while not self._stopping.wait(0.1):
            with self._lock:
                now = time.monotonic()
                for p in self._procs.values():
                    if self._stopping.is_set() or p.held or p.popen is None:
                        continue
                    if p.restart_at is not None:
                        if now >= p.restart_at:
                            try:
                                self._spawn(p)
                            except OSError as exc:
                                self._schedule_restart(p, f"could not start {p.spec.name}: {exc}")
                        continue
                    rc = p.popen.poll()
                    if rc is None:
                        continue
                    _killpg(p.popen.pid, signal.SIGKILL)  # leftovers of its group
                    if p.spec.restart:
                        if now - p.started_at >= _STABLE_AFTER_S:
                            p.backoff = 1.0
                        self._schedule_restart(p, f"{p.spec.name} exited with status {_status(rc)}")
                    else:
                        p.held = True
                        self._emit(_ME, f"{p.spec.name} exited unexpectedly with status {_status(rc)}")
                        self._finish(_status(rc) or 1)

    def _schedule_restart(self, p: _Proc, why: str) -> None:
        p.restart_at = time.monotonic() + p.backoff
        self._emit(_ME, f"{why}; restarting in {p.backoff:g}s")
        p.backoff = min(p.backoff * 2, _BACKOFF_MAX_S)

    def _finish(self, code: int) -> None:
        if not self._done.is_set():
            self._exit_code = code
            self._done.set()

    def start(self) -> None:
        if self._log_dir:
            os.makedirs(self._log_dir, exist_ok=True)
        with self._lock:
            try:
                for p in self._procs.values():
                    self._spawn(p)
            except BaseException:
                self.stop(timeout=2)
                raise
            self._monitor = threading.Thread(target=self._watch, name="sup-monitor", daemon=True)
            self._monitor.start()

    def stop(self, timeout: float = 10) -> None:
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            self._stopping.set()
            self._finish(0)  # a wait() in another thread returns too
            for p in self._procs.values():
                p.held = True
            popens = [p.popen for p in self._procs.values() if p.popen is not None]
        if self._monitor is not None and self._monitor is not threading.current_thread():
            self._monitor.join()
        self._terminate(popens, timeout)
        for p in self._procs.values():
            if p.reader is not None:
                p.reader.join(2)

    def add(self, spec: ProcessSpec) -> None:
        """Start one more process under supervision (e.g. another replica of a service)."""
        with self._lock:
            if spec.name in self._procs:
                raise ValueError(f"process names must be unique: {spec.name}")
            p = _Proc(spec, _COLORS[len(self._procs) % len(_COLORS)])
            self._procs[spec.name] = p
            self._width = max(self._width, len(spec.name))
            self._spawn(p)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Signal one process's group. A restart=True process is then restarted as after a crash; any other
        stays down, without ending wait(), until restart(name)."""
        with self._lock:
            p = self._procs[name]
            popen, p.held = p.popen, p.held or not p.spec.restart
            if popen is not None:
                _killpg(popen.pid, sig)
        if popen is not None and sig == signal.SIGKILL:
            _wait(popen, 5)

    def restart(self, name: str, timeout: float = 10) -> None:
        with self._lock:
            p = self._procs[name]
            p.held, popen = True, p.popen
        if popen is not None:
            self._terminate([popen], timeout)
        with self._lock:
            if not self._stopping.is_set():
                p.backoff = 1.0
                self._spawn(p)

    def alive(self, name: str) -> bool:
        popen = self._procs[name].popen
        return popen is not None and popen.poll() is None

    def names(self) -> list[str]:
        return list(self._procs)

    def pid(self, name: str) -> int | None:
        popen = self._procs[name].popen
        return popen.pid if popen is not None else None

    def wait(self) -> int:
        """Block until SIGINT/SIGTERM (returns 0) or until a restart=False process exits on its own (returns
        its status, 1 if that was 0); then stop everything."""
        previous = {}
        if threading.current_thread() is threading.main_thread():
            for s in (signal.SIGINT, signal.SIGTERM):
                previous[s] = signal.signal(s, lambda signum, frame: self._finish(0))
        try:
            while not self._done.wait(0.2):
                pass
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
            if not self._stopped:
                self._emit(_ME, "stopping all processes")
            self.stop()
        return self._exit_code

    def __enter__(self) -> Supervisor:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
