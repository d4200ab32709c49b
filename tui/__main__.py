"""`python -m tui` is `afi`."""

import sys

from tui.cli.main import main

sys.exit(main())
