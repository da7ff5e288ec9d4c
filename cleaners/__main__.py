"""Run the command line: ``python -m cleaners PATH... [-o FILE]``."""

import sys

from cleaners.cli import main

sys.exit(main())
