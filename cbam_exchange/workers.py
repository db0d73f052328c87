"""Worker processes for batches (validate, collect): one start method that works on every platform."""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing.context import BaseContext


def start_method() -> str:
    """`spawn` by default: the one start method Windows has (and macOS's default), and safe where threads run (fork
    is not). CBAM_START_METHOD may name another the platform offers, e.g. `fork` on Linux, which starts faster."""
    return os.environ.get("CBAM_START_METHOD") or "spawn"


def context() -> BaseContext:
    return multiprocessing.get_context(start_method())
