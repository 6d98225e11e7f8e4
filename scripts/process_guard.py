"""Child processes that cannot outlive the process that started them."""
from __future__ import annotations

import ctypes
import signal

PR_SET_PDEATHSIG = 1


def dies_with_parent(sig: int = signal.SIGTERM):
    """A Popen preexec_fn: the kernel sends `sig` to the child when its parent dies, even by kill -9."""

    def set_parent_death_signal() -> None:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(sig))

    return set_parent_death_signal
