"""``python -m servicemirror.cli``: the command line."""

import sys

from servicemirror.cli import main

sys.exit(main())
