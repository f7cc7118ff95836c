"""Pieces shared by the test tools (registry simulator, SMTP sink). Python 3.11 standard library only."""
from __future__ import annotations

import os
import select
import tempfile
import time


def write_atomic(path: str, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def watch_parent(pid: int, stop) -> None:
    """Call stop() when process `pid` exits (pidfd on Linux, polling elsewhere)."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return stop()
    except (AttributeError, OSError):
        fd = None
    if fd is not None:
        select.select([fd], [], [])
        return stop()
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return stop()
        except PermissionError:
            pass
        time.sleep(0.5)
