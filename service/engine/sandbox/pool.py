"""The service's side of the evaluation workers: a few warm processes, one evaluation each at a time.

An evaluation answers within its CPU budget or its worker is killed (SIGKILL) and a fresh one takes its
place at the next evaluation. The thread that asked waits in select(), which releases the GIL: the other
threads of the process (other requests, the scheduler) go on meanwhile. The budget is CPU time, read from
/proc while waiting, so an evaluation is not blamed for a busy machine; past ten times the budget in
elapsed time it is stopped all the same.
"""

from __future__ import annotations

import atexit
import enum
import os
import queue
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from . import wire

_PACKAGE_PARENT = Path(__file__).resolve().parent.parent  # the worker imports `sandbox` from here
_BOOTSTRAP = "import sys; sys.path.insert(0, sys.argv[1]); from sandbox.worker import main; main(sys.argv)"
STARTUP_SECONDS = 30.0
_WAIT_FOR_WORKER_SECONDS = 120.0
_ELAPSED_FACTOR = 10
_RETIRE_AFTER_CPU_SECONDS = 3000.0  # below the worker's own lifetime limit (worker.LIFETIME_CPU_SECONDS)
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class StopKind(enum.Enum):
    CPU = "cpu"
    MEMORY = "memory"
    SIZE = "size"
    RECURSION = "recursion"
    LOST = "lost"


class StoppedError(Exception):
    """The evaluation was stopped: over its CPU time or memory, too big an answer, or its worker lost."""

    def __init__(self, kind: StopKind) -> None:
        super().__init__(kind.value)
        self.kind = kind


class RefusedAtRunError(Exception):
    """The guards refused an access at run time (a name or key the static check could not see)."""


class RaisedError(Exception):
    """The expression raised an ordinary error (a missing name, a division by zero)."""

    def __init__(self, type_name: str, message: str) -> None:
        super().__init__(message)
        self.type_name = type_name
        self.message = message


class _Worker:
    def __init__(self, memory_mib: int) -> None:
        self.owner = os.getpid()
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter, our own bootstrap
            [sys.executable, "-I", "-c", _BOOTSTRAP, str(_PACKAGE_PARENT), str(memory_mib)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={},
            cwd="/",
            close_fds=True,
        )
        if self.process.stdin is None or self.process.stdout is None:  # never: both are PIPE
            raise StoppedError(StopKind.LOST)
        self._requests = self.process.stdin.fileno()
        self._answers = self.process.stdout.fileno()
        self.cpu_seconds = 0.0  # what the worker had used after its last answer
        try:
            ready = self._read(time.monotonic() + STARTUP_SECONDS)
        except StoppedError:
            self.kill()
            raise
        if not ready.get("ready"):
            self.kill()
            raise StoppedError(StopKind.LOST)
        self.cpu_seconds = float(ready["cpu"])

    def usable(self) -> bool:
        return (
            self.owner == os.getpid()  # a forked child must not share its parent's workers
            and self.process.poll() is None
            and self.cpu_seconds < _RETIRE_AFTER_CPU_SECONDS
        )

    def call(self, request: bytes, cpu_seconds: float) -> dict[str, Any]:
        started = time.monotonic()
        ceiling = started + max(cpu_seconds * _ELAPSED_FACTOR, cpu_seconds + 1.0)
        try:
            while request:
                request = request[os.write(self._requests, request) :]
        except OSError as exc:
            raise StoppedError(StopKind.LOST) from exc
        self._await_answer(cpu_seconds, started, ceiling)
        answer = self._read(ceiling, ready=True)
        self.cpu_seconds = float(answer.get("cpu", self.cpu_seconds))
        return answer

    def _await_answer(self, budget: float, started: float, ceiling: float) -> None:
        wait = budget
        while not select.select([self._answers], [], [], max(wait, 0.0))[0]:
            now = time.monotonic()
            used = self._cpu_used(default=now - started)
            if used >= budget or now >= ceiling:
                raise StoppedError(StopKind.CPU)
            wait = min(budget - used, ceiling - now) + 0.005

    def _cpu_used(self, *, default: float) -> float:
        """CPU seconds the worker spent since its last answer, read from /proc (Linux)."""
        try:
            with open(f"/proc/{self.process.pid}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return default
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS - self.cpu_seconds

    def _read(self, deadline: float, *, ready: bool = False) -> dict[str, Any]:
        # One answer per request, and nothing else until the next one: reading ahead takes nothing extra.
        received = self._fill(b"", wire.HEADER_BYTES, deadline, ready=ready)
        length = wire.body_length(received[: wire.HEADER_BYTES])
        if length > wire.MAX_MESSAGE_BYTES:
            raise StoppedError(StopKind.SIZE)
        received = self._fill(received, wire.HEADER_BYTES + length, deadline, ready=False)
        return wire.parse(received[wire.HEADER_BYTES :])

    def _fill(self, received: bytes, size: int, deadline: float, *, ready: bool) -> bytes:
        while len(received) < size:
            if not ready:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not select.select([self._answers], [], [], remaining)[0]:
                    raise StoppedError(StopKind.LOST)
            ready = False
            chunk = os.read(self._answers, 1 << 16)
            if not chunk:
                raise StoppedError(self._why_it_ended())
            received += chunk
        return received

    def _why_it_ended(self) -> StopKind:
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return StopKind.LOST
        # Its own CPU limit (SIGXCPU, then SIGKILL at the hard limit) ends a worker the service lost sight of.
        return StopKind.CPU if code in (-signal.SIGXCPU, -signal.SIGKILL) else StopKind.LOST

    def kill(self) -> None:
        if self.owner != os.getpid():
            return  # a forked child leaves its parent's workers alone
        self.process.kill()
        self.process.wait()
        self._close()

    def retire(self) -> None:
        """Close its requests: the worker ends once it has read them all."""
        if self.owner != os.getpid():
            return
        self._close()
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.kill()

    def _close(self) -> None:
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


class Pool:
    """Up to `size` workers with the same memory budget; a thread takes one for each evaluation."""

    def __init__(self, *, memory_mib: int, size: int) -> None:
        self.memory_mib = memory_mib
        self._slots: queue.LifoQueue[_Worker | None] = queue.LifoQueue()
        for _ in range(size):
            self._slots.put(None)  # started at first use, so a process that never evaluates starts none

    def evaluate(self, request: dict[str, Any], *, cpu_ms: int) -> Any:
        """Send one request; return the value, or raise StoppedError, RefusedAtRunError or RaisedError."""
        try:
            data = wire.frame({**request, "cpu_ms": cpu_ms})
        except ValueError as exc:
            raise StoppedError(StopKind.SIZE) from exc
        worker = self._take()
        try:
            answer = worker.call(data, cpu_ms / 1000)
        except BaseException:
            worker.kill()  # stopped mid-way (or interrupted): its state is unknown, start afresh
            self._slots.put(None)
            raise
        if answer.get("memory") or answer.get("too_big"):
            worker.kill()
            self._slots.put(None)
            raise StoppedError(StopKind.MEMORY if answer.get("memory") else StopKind.SIZE)
        self._slots.put(worker)
        if answer.get("recursion"):
            raise StoppedError(StopKind.RECURSION)
        return _result(answer)

    def warm(self) -> None:
        """Start every worker now (before serving), so that no request waits for one to start."""
        taken = []
        while True:
            try:
                slot = self._slots.get_nowait()
            except queue.Empty:
                break
            taken.append(slot if slot is not None and slot.usable() else self._start())
        for worker in taken:
            self._slots.put(worker)

    def close(self) -> None:
        while True:
            try:
                slot = self._slots.get_nowait()
            except queue.Empty:
                return
            if slot is not None:
                slot.retire()

    def _take(self) -> _Worker:
        try:
            slot = self._slots.get(timeout=_WAIT_FOR_WORKER_SECONDS)
        except queue.Empty as exc:
            raise StoppedError(StopKind.LOST) from exc
        if slot is not None and slot.usable():
            return slot
        if slot is not None:
            slot.retire()
        try:
            return self._start()
        except BaseException:
            self._slots.put(None)
            raise

    def _start(self) -> _Worker:
        return _Worker(self.memory_mib)


def _result(answer: dict[str, Any]) -> Any:
    if "value" in answer:
        return wire.decode(answer["value"])
    if "refused" in answer:
        raise RefusedAtRunError(str(answer["refused"]))
    type_name, message = answer.get("error") or ["RuntimeError", "réponse illisible"]
    raise RaisedError(str(type_name), str(message))


_pools: dict[tuple[int, int], Pool] = {}
_pools_lock = threading.Lock()


def pool(*, memory_mib: int, size: int) -> Pool:
    """The process's pool for this memory budget and size, created at first use."""
    key = (memory_mib, size)
    found = _pools.get(key)
    if found is None:
        with _pools_lock:
            found = _pools.get(key)
            if found is None:
                found = _pools[key] = Pool(memory_mib=memory_mib, size=size)
                atexit.register(found.close)
    return found
