"""An evaluation worker: a fresh interpreter that runs diagram expressions one at a time, within limits.

pool.py starts it as `python -I -c <bootstrap>`: it imports this package and nothing of the application, so
it holds no database connection, no setting and no secret. Before reading its first request it lowers its
own limits, which it cannot raise again: no core file, no file written, no new process, its address space
capped at what it uses at rest plus the memory budget, and, when started as root, the unprivileged user
"nobody". The service stops an evaluation that overruns its CPU time by killing the worker (a loop in C,
such as sum(range(10**10)), never returns to Python, so nothing inside could interrupt it); the CPU limit
set here before each evaluation is the backstop should the service itself be gone.
"""

from __future__ import annotations

import math
import os
import resource
import sys
import time
from typing import Any, BinaryIO

from . import policy, wire

NOBODY = 65534
LIFETIME_CPU_SECONDS = 3600  # the pool retires a worker before it reaches this
_ERRORS_PASSED_ON = 500  # characters of an error message sent back


def main(argv: list[str]) -> None:
    memory_mib = int(argv[-1])
    requests = sys.stdin.buffer
    answers = os.dup(1)
    # What a script might print, or Python report, must never mix with the answers.
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    os.close(quiet)
    _warm_up()
    _lower_limits(memory_mib, highest_fd=answers)
    _send(answers, {"ready": True, "cpu": time.process_time()})
    while (request := _receive(requests)) is not None:
        answer = _answer(request)
        _send(answers, answer)
        if answer.get("memory"):
            return  # the heap may be left fragmented near the cap: the pool starts a fresh worker


def _warm_up() -> None:
    """Run each code path once before the limits: later evaluations find everything loaded."""
    policy.run(policy.check("len([a]) + 1 > 0 and f'{a:>2}' != ''", "eval"), {"a": 1})
    wire.decode(wire.encode({"d": (1, {2}, 3.0)}))


def _lower_limits(memory_mib: int, *, highest_fd: int) -> None:
    address_space = _address_space() + memory_mib * 1024 * 1024  # measured while a file can still open
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    if os.geteuid() == 0:
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
    resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
    resource.setrlimit(resource.RLIMIT_NOFILE, (highest_fd + 1, highest_fd + 1))
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    resource.setrlimit(resource.RLIMIT_CPU, (LIFETIME_CPU_SECONDS, LIFETIME_CPU_SECONDS))


def _address_space() -> int:
    """The address space in use now, in bytes (Linux); the budget comes on top of it."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 512 * 1024 * 1024


def _answer(request: dict[str, Any]) -> dict[str, Any]:
    cpu_seconds = request.get("cpu_ms", 1000) / 1000
    soft = min(LIFETIME_CPU_SECONDS, math.ceil(time.process_time() + cpu_seconds) + 1)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, LIFETIME_CPU_SECONDS))
    try:
        checked = policy.check(request["source"], request["mode"])
        result = policy.run(checked, wire.decode(request["values"]))
        if checked.mode == "exec":
            result = {name: value for name, value in result.items() if name not in request["external"]}
        answer: dict[str, Any] = {"value": wire.encode(result)}
    except policy.RefusedError as exc:
        answer = {"refused": str(exc)[:_ERRORS_PASSED_ON]}
    except MemoryError:
        answer = {"memory": True}
    except RecursionError:  # data nested beyond Python's limit (a list in a list, a million times)
        answer = {"recursion": True}
    except wire.UnsupportedValueError as exc:
        answer = {"error": ["TypeError", str(exc)[:_ERRORS_PASSED_ON]]}
    except Exception as exc:  # the expression's own error, handed back to the engine as it would see it
        answer = {"error": [type(exc).__name__, _message(exc)]}
    answer["cpu"] = time.process_time()
    return answer


def _message(exc: Exception) -> str:
    try:
        return str(exc)[:_ERRORS_PASSED_ON]
    except Exception:  # an exception whose text itself fails: its type says enough
        return type(exc).__name__


def _receive(stream: BinaryIO) -> dict[str, Any] | None:
    header = stream.read(wire.HEADER_BYTES)
    if len(header) < wire.HEADER_BYTES:
        return None  # the service closed the pipe: it is gone or retiring this worker
    length = wire.body_length(header)
    if length > wire.MAX_MESSAGE_BYTES:
        return None
    return wire.parse(stream.read(length))


def _send(fd: int, answer: dict[str, Any]) -> None:
    try:
        data = wire.frame(answer)
    except (ValueError, TypeError):  # too big, or an integer too long to write out
        data = wire.frame({"too_big": True, "cpu": answer["cpu"]})
    while data:
        data = data[os.write(fd, data) :]
