"""Running a script over the core the way the `afi` command runs: errors as one line,
a closed pipe (`| head`) ending quietly, ctrl+c as exit 130. See scripts/ for examples."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from tui.core.errors import AfiError, InvalidItem
from tui.core.safe_text import visible

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn


def run(main: Callable[[], int], name: str) -> NoReturn:
    """Call `main` and exit with its status; AfiError -> `NAME: error: ...` and 1."""
    try:
        code = main()
        sys.stdout.flush()
    except InvalidItem as err:
        for problem in err.problems:
            print(f"{name}: error: {visible(problem.render())}", file=sys.stderr)
        code = 1
    except AfiError as err:
        print(f"{name}: error: {visible(err)}", file=sys.stderr)
        code = 1
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        # The reader went away: stop writing, without a traceback at exit either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    sys.exit(code)
