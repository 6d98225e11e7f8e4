"""`make stack` and `make stack-stop`: run the local production-like stack in the foreground, or stop it.

    python -m localplatform.stack_command run     # prints the URL; Ctrl-C stops everything
    python -m localplatform.stack_command stop    # from another shell: stops a running stack by its PIDs

Environment: STACK_PORT (public, default 8000), STACK_SERVICE_PORT (the service, default 8081),
STACK_PG_PORT (default 54339), STACK_MAIL_PORT (the SMTP sink the mail worker sends to, default 8035),
STACK_WORKERS (default 4), STACK_STATE_DIR (default var/stack; mail lands in its mail/ as .eml files).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from localplatform.processes import command_line, process_alive, wait_for_exit
from localplatform.stack import PID_FILES, Stack, StackConfig, StackError


def run_in_foreground(config: StackConfig) -> int:
    stop_requested = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop_requested.set())
    stack = Stack(config)
    try:
        stack.start()
    except StackError as error:
        print(f"stack: {error}", file=sys.stderr)
        return 1
    print(
        f"Stack up: {stack.url}  (logs and PIDs in {config.state_dir}; Ctrl-C or `make stack-stop` stops it)",
        flush=True,
    )
    print(f"Mail: every message the mail worker sends lands in {stack.mail.directory}", flush=True)
    try:
        while not stop_requested.wait(timeout=1.0):
            crashed = stack.crashed_part()
            if crashed:
                print(f"stack: {crashed} stopped unexpectedly; shutting down", file=sys.stderr)
                return 1
        return 0
    finally:
        stack.stop()
        print("Stack stopped.", flush=True)


def stop_by_pid_files(state_dir: Path) -> int:
    """Ask a running supervisor to stop; if it is gone, stop what it left behind."""
    stopped_any = False
    for name, (marker, stop_signal) in PID_FILES.items():
        pid_file = state_dir / name
        if not pid_file.exists():
            continue
        pid = int(pid_file.read_text().strip())
        if process_alive(pid) and marker in command_line(pid):
            os.kill(pid, stop_signal)
            wait_for_exit(pid)
            stopped_any = True
        pid_file.unlink(missing_ok=True)
    print("Stack stopped." if stopped_any else "No stack was running.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["run", "stop"])
    args = parser.parse_args(argv)
    config = StackConfig.from_environ(os.environ)
    if args.command == "run":
        return run_in_foreground(config)
    return stop_by_pid_files(config.state_dir)


if __name__ == "__main__":
    sys.exit(main())
