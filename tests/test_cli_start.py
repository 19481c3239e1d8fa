"""The command line's start is part of every `servicemirror load` (bench 6 times the whole
process): what only some files need is imported when they need it. Parquet (forum packages)
and the Snowball stemmers (comment tagging) must not load with the command line, and both
still work when asked for."""

from __future__ import annotations

import subprocess
import sys

LATE = ("pyarrow.parquet", "snowballstemmer")


def test_the_command_line_starts_without_parquet_or_the_stemmers():
    code = (
        "import sys, servicemirror.cli\n"
        f"print([m for m in {LATE!r} if m in sys.modules])\n"
        "from servicemirror.etl import comment_tags\n"
        "from servicemirror.etl.readers import forum_package\n"
        "assert comment_tags._stems(['bibliotekerne'], 'da') == ['bibliotek']\n"
        "assert forum_package._parquet().__name__ == 'pyarrow.parquet'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
