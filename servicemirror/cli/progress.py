"""A text progress bar for ``servicemirror load``: files x stages, on stderr, no dependency.

``etl.load.load_file`` calls a ``progress(stage)`` callback as each of ``etl.load.STAGES``
begins (reading, checking, writing, done). :class:`LoadProgress` turns those calls into a bar over
all files of one command::

    [1/3] trivsel.csv  [#######.............]  33% checking

On a terminal the line is redrawn in place (carriage return) and ends with a newline when the
file is done. Anywhere else (a log file, CI, a pipe) every stage gets its own line, because a
carriage return there leaves one unreadable line. stdout is never touched, so ``--json`` output
stays clean (the CLI does not show the bar with ``--json`` at all).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from servicemirror.core import labels, safety
from servicemirror.etl.load import STAGES

WIDTH = 20


def bar(fraction: float, width: int = WIDTH) -> str:
    """``[#####...............]`` for a fraction in [0, 1] (clamped).

    >>> bar(0.5, 10)
    '[#####.....]'
    """
    fraction = min(max(float(fraction), 0.0), 1.0)
    filled = round(fraction * width)
    return "[" + "#" * filled + "." * (width - filled) + "]"


class LoadProgress:
    """Progress of one ``load`` command over ``total`` files, written to ``stream``."""

    def __init__(self, total: int, stream: TextIO | None = None, lang: str = "en") -> None:
        self.total = max(int(total), 1)
        self.lang = lang  # the stage's word (læser, kontrollerer, ...) is the label table's
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.inplace = bool(isatty and isatty())

    def fraction(self, number: int, stage: str) -> float:
        """Share of the whole command done when ``stage`` of file ``number`` (1-based) begins."""
        step = STAGES.index(stage) / (len(STAGES) - 1)
        return ((number - 1) + step) / self.total

    def line(self, number: int, name: str, stage: str) -> str:
        """One rendered line: ``[i/n] name  [bar]  pct% stage``."""
        fraction = self.fraction(number, stage)
        word = labels.t(f"load_stage_{stage}", self.lang)
        return f"[{number}/{self.total}] {name}  {bar(fraction)} {fraction:4.0%} {word}"

    def for_file(self, number: int, name: str) -> Callable[[str], None]:
        """The ``progress`` callback for file ``number`` of this command."""

        def show(stage: str) -> None:
            text = self.line(number, name, stage)
            if self.inplace:
                end = "\n" if stage == STAGES[-1] else ""
                # the bar's own CR and line erase pass the CLI's control-character filter; the
                # file name in the text does not (servicemirror.core.safety.TerminalSafe)
                raw = getattr(self.stream, "unfiltered", self.stream)
                raw.write("\r\x1b[2K" + safety.strip_controls(text) + end)
            else:
                self.stream.write(text + "\n")
            self.stream.flush()

        return show

    def refused(self, number: int, name: str) -> None:
        """End a file's line after a refusal (on a terminal the bar would stay half drawn)."""
        if self.inplace:
            self.stream.write("\n")
            self.stream.flush()
