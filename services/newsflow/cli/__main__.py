"""`python -m newsflow.cli`: the `newsflow` command."""

import sys

from newsflow.cli import main

sys.exit(main())
