"""The `afi` command's entry point (and `python -m tui`'s): ctrl+c at any moment prints
one line, `afi: interrupted`, and exits 130; never a traceback.

Python turns ctrl+c into KeyboardInterrupt wherever the program is. `main()` catches it
around a command, but one that arrives while the modules are still being imported, or
after the command while its output is flushed, would end in a traceback. So this module,
the first of afi's the command imports and small on purpose, replaces Python's handler
at once with one that prints the line and leaves: nothing has been written yet, and
nothing is left to write once the command is over. While a command runs, `main()` puts
KeyboardInterrupt back (`interruptible`), so that a write in progress unwinds through its
`finally` blocks (commit.py puts files back) before the line is printed.

Only the interpreter's own start, before any of afi's code runs, is out of reach.
"""

import os
import signal


def _leave(signum: int, frame: object) -> None:
    try:
        os.write(2, b"afi: interrupted\n")
    finally:
        os._exit(130)


signal.signal(signal.SIGINT, _leave)  # first, before anything slow is imported


def interruptible() -> None:
    """While a command runs: ctrl+c raises KeyboardInterrupt, which `main()` reports.
    (Only where this module set the handler: a program calling `main()` keeps its own.)"""
    if signal.getsignal(signal.SIGINT) is _leave:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def run() -> None:
    """The `afi` console command: `main()`, then leave without tearing the interpreter
    down. Freeing a 10,000-item plan object by object costs 40 ms the user waits for and
    gains nothing at exit (commands keep their plan alive until here for that reason).

    A command runs without the cyclic garbage collector: it exits long before cyclic
    garbage matters, and loading 10,000 cached items trips the collector dozens of times
    (60 ms). The terminal UI, which runs for hours, turns it back on (run_app)."""
    import contextlib
    import gc
    import sys

    gc.disable()
    try:
        from tui.cli.main import main

        code = main()
        signal.signal(signal.SIGINT, _leave)  # the command is over: only output is left
    except KeyboardInterrupt:  # a second ctrl+c while the first was being reported
        _leave(signal.SIGINT, None)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BrokenPipeError, ValueError):
            stream.flush()
    os._exit(code)
