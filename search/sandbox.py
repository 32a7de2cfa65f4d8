"""Text extraction in a child process under CPU-time and memory limits.

Why a child process and not limits on the worker itself: the limits must end a runaway
parser, and ending it must leave someone alive to write down what happened. With
``RLIMIT_CPU``/``RLIMIT_AS`` on the worker, a bomb would kill (SIGXCPU) or starve
(MemoryError at random places, also in the database driver) the worker in the middle of a
task: the task would stay "running" for ever, the reason would be lost, and the next task
of that worker would be lost with it. A fresh interpreter per file is also clean: nothing
of one file (fragmented heap, lxml caches) stays for the next, and no database connection
or lock is inherited (no ``fork`` of a Django process).

Protocol: the parent (``run``) starts ``python -m search.sandbox CPU MEMORY`` with the file
name in the environment, writes the file's bytes to its stdin and reads one JSON object from
its stdout: ``{"ok": true, "text": …}`` or ``{"ok": false, "error": "<German reason>"}``.
The child sets its limits before it imports any parser:

* ``RLIMIT_CPU`` soft = the CPU limit (SIGXCPU ends it), hard = one second more (SIGKILL);
* ``RLIMIT_AS`` = the memory limit (allocations fail: MemoryError, or the C parser aborts);
* ``RLIMIT_CORE`` = 0 (a killed child leaves no core file).

The parent adds a wall-clock timeout (a child that sleeps or waits uses no CPU) and turns
every way a child can end into a German reason that names the limit.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from om_pages import archives
from search import parsing

#: Defaults of the settings OM_EXTRACTION_MAX_CPU_SECONDS and OM_EXTRACTION_MAX_MEMORY_BYTES.
DEFAULT_CPU_SECONDS = 30
DEFAULT_MEMORY_BYTES = 768 * 1024 * 1024
#: Exit status of a child that ran out of memory in Python code.
EXIT_MEMORY = 3
_FILENAME_ENV = "OM_EXTRACTION_FILENAME"
_PROJECT_DIR = Path(__file__).resolve().parent.parent


class SandboxFailure(Exception):
    """The child did not deliver a text; the message is the German reason."""


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def run(data: bytes, filename: str, *, cpu_seconds: int, memory_bytes: int,
        timeout: float | None = None, archive_limits=None) -> str:
    """The text of ``data`` extracted in a limited child; raises ``SandboxFailure``.

    A failure of the parser itself (broken file) comes back as ``SandboxFailure`` too, with
    the extractor's own German reason.
    """
    timeout = timeout if timeout is not None else max(10.0, 3.0 * cpu_seconds)
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env[_FILENAME_ENV] = filename
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_PROJECT_DIR), env.get("PYTHONPATH", "")]))
    if archive_limits is not None:
        env["OM_ARCHIVE_LIMITS"] = json.dumps([archive_limits.max_members,
                                               archive_limits.max_unpacked_bytes,
                                               archive_limits.max_ratio])
    command = [sys.executable, "-m", "search.sandbox", str(int(cpu_seconds)), str(int(memory_bytes))]
    try:
        completed = subprocess.run(command, input=data, capture_output=True, timeout=timeout,
                                   env=env, cwd=str(_PROJECT_DIR), check=False)
    except subprocess.TimeoutExpired as error:
        raise SandboxFailure(
            f"Zeitgrenze überschritten: nach {timeout:.0f} s abgebrochen "
            f"(OM_EXTRACTION_MAX_CPU_SECONDS = {cpu_seconds} s CPU-Zeit)"
        ) from error
    code = completed.returncode
    if code == 0:
        try:
            answer = json.loads(completed.stdout)
        except ValueError as error:
            raise SandboxFailure("Auslesen lieferte keine gültige Antwort") from error
        if answer.get("ok"):
            return answer["text"]
        raise SandboxFailure(answer.get("error") or "nicht lesbar")
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        raise SandboxFailure(
            f"Rechenzeit überschritten: Auslesen nach {cpu_seconds} s CPU-Zeit abgebrochen "
            f"(OM_EXTRACTION_MAX_CPU_SECONDS)"
        )
    out_of_memory = (code in (EXIT_MEMORY, -signal.SIGSEGV, -signal.SIGABRT)
                     or b"MemoryError" in completed.stderr)
    if out_of_memory:
        raise SandboxFailure(
            f"Speichergrenze überschritten: Auslesen braucht mehr als {_megabytes(memory_bytes)} "
            f"(OM_EXTRACTION_MAX_MEMORY_BYTES)"
        )
    tail = completed.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
    raise SandboxFailure(f"Auslesen abgebrochen (Status {code}) {tail[0][:200]}".strip())


def _limit(kind: int, soft: int, hard: int) -> None:
    import resource

    current_soft, current_hard = resource.getrlimit(kind)
    if current_hard != resource.RLIM_INFINITY:
        hard = min(hard, current_hard)
        soft = min(soft, hard)
    resource.setrlimit(kind, (soft, hard))


def _peak_address_space() -> int:
    """The child's peak virtual memory (Linux ``VmPeak``), 0 where unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _child(cpu_seconds: int, memory_bytes: int) -> int:
    """Set the limits, extract, answer. Out of memory shows in many guises (MemoryError,
    lxml's "unknown error", a parser's own error wrapping one of them): any failure after
    the address space came within 10 % of the limit counts as the memory limit.
    """
    import resource

    _limit(resource.RLIMIT_CORE, 0, 0)
    _limit(resource.RLIMIT_CPU, cpu_seconds, cpu_seconds + 1)
    _limit(resource.RLIMIT_AS, memory_bytes, memory_bytes)
    near_limit = 0.9 * memory_bytes
    try:
        data = sys.stdin.buffer.read()
        filename = os.environ.get(_FILENAME_ENV, "")
        limits = None
        if os.environ.get("OM_ARCHIVE_LIMITS"):
            members, unpacked, ratio = json.loads(os.environ["OM_ARCHIVE_LIMITS"])
            limits = archives.ArchiveLimits(int(members), int(unpacked), float(ratio))
        try:
            answer = {"ok": True, "text": parsing.extract_bytes(data, filename, archive_limits=limits)}
        except parsing.ExtractionError as error:
            if _peak_address_space() >= near_limit:
                return EXIT_MEMORY
            answer = {"ok": False, "error": str(error)[:500]}
        except Exception as error:
            if isinstance(error, MemoryError) or _peak_address_space() >= near_limit:
                return EXIT_MEMORY
            answer = {"ok": False, "error": f"nicht lesbar ({type(error).__name__}: {error})"[:500]}
        del data
        sys.stdout.write(json.dumps(answer))
        sys.stdout.flush()
        return 0
    except MemoryError:
        return EXIT_MEMORY


if __name__ == "__main__":
    sys.exit(_child(int(sys.argv[1]), int(sys.argv[2])))
