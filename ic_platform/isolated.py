"""Run a function on untrusted input in a child process, off the service's event loop, with a time and a memory
limit: parsing an uploaded file (a workbook's XML) is CPU work that would otherwise hold the one eventlet hub
of a service, so every other call of every other user waited for it; and a crafted file must not be able to
take more than its share. The parent waits cooperatively (eventlet's green subprocess), so the service keeps
answering while the child works; past the time limit the child is killed.

    rows = run_isolated("services.budget.adapters.excel:read_import_rows", content, {"max_rows": 5000})

The target is `module:function`, called as `function(data: bytes, **kwargs)`; it returns JSON-able data or
raises `Refused(message)` (a Chinese reason the caller can show). Run as `python -m ic_platform.isolated
module:function`: kwargs as JSON in argv[2], the data on stdin, the answer as JSON on stdout."""

from __future__ import annotations

import importlib
import json
import subprocess as std_subprocess
import sys
from typing import Any

DEFAULT_TIMEOUT_S = 20.0
DEFAULT_MEMORY_MB = 1024


class Refused(ValueError):
    """The input cannot be used; the message says why, in Chinese."""


class TimedOut(Refused):
    """The child took longer than it may."""


def run_isolated(
    target: str,
    data: bytes,
    kwargs: dict[str, Any] | None = None,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    memory_mb: int = DEFAULT_MEMORY_MB,
) -> Any:
    """`target(data, **kwargs)` in a child process: its answer, or Refused with its reason (TimedOut when it
    ran out of time, a generic reason when it crashed)."""
    command = [sys.executable, "-m", __name__, target, json.dumps(kwargs or {}), str(memory_mb)]
    out, err, returncode = _run(command, data, timeout_s)
    return _answer(returncode, out, err)


def _run(command: list[str], data: bytes, timeout_s: float) -> tuple[bytes, bytes, int]:
    """The child's output, waited for cooperatively in a service (eventlet patched), plainly elsewhere."""
    from eventlet import patcher

    if not patcher.is_monkey_patched("select"):
        try:
            done = std_subprocess.run(command, input=data, capture_output=True, timeout=timeout_s, check=False)
        except std_subprocess.TimeoutExpired:
            raise _timed_out(timeout_s) from None
        return done.stdout, done.stderr, done.returncode
    import eventlet
    from eventlet.green import subprocess

    child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        with eventlet.Timeout(timeout_s):
            out, err = child.communicate(data)
    except eventlet.Timeout:
        child.kill()
        child.wait()
        raise _timed_out(timeout_s) from None
    return out, err, child.returncode


def _timed_out(timeout_s: float) -> TimedOut:
    return TimedOut(f"处理超时（超过 {timeout_s:g} 秒），文件过大或过于复杂")


def _answer(returncode: int, out: bytes, err: bytes) -> Any:
    try:
        answer = json.loads(out.decode("utf-8")) if returncode == 0 else None
    except ValueError:
        answer = None
    if not isinstance(answer, dict) or not ({"ok", "refused"} & answer.keys()):
        raise Refused("文件无法读取") from RuntimeError(err.decode("utf-8", "replace")[-2000:])
    if "refused" in answer:
        raise Refused(str(answer["refused"]))
    return answer["ok"]


def _limit_memory(memory_mb: int) -> None:
    import resource

    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def main(argv: list[str]) -> int:
    # Run as __main__, this module's Refused is not the one the target raises: take that one.
    from ic_platform.isolated import Refused

    target, kwargs, memory_mb = argv[1], json.loads(argv[2]), int(argv[3])
    _limit_memory(memory_mb)
    module, _, name = target.partition(":")
    function = getattr(importlib.import_module(module), name)
    data = sys.stdin.buffer.read()
    try:
        answer = {"ok": function(data, **kwargs)}
    except Refused as exc:
        answer = {"refused": str(exc)}
    except MemoryError:
        answer = {"refused": "文件过大或过于复杂，无法读取"}
    sys.stdout.write(json.dumps(answer, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
