"""The comment scrubber on very long comments: seconds per comment by length.

Run: ``.venv/bin/python -m bench.scrub_long`` (``--sizes 1000000,100000`` to choose lengths).
Each text is built from a mix of ordinary Danish, a name in name position, a phone number, an
e-mail written with ``(at)``, an ISO date and a CPR number, plus the two shapes that once made
the scrubber slow: a long run of word characters without ``@`` and a long run of digits. The
figure is the median of three runs of ``etl.scrub.scrub_text``; a linear scrubber shows about the
same microseconds per 1,000 characters at every size.
"""

from __future__ import annotations

import argparse
import statistics
import time

from servicemirror.etl import scrub

MIXED = (
    "Tak til Mette Hansen ved skranken, ring 12 34 56 78 eller skriv til mette(at)bib.dk. "
    "Mødet var 2024-01-15, mit cpr er 010190–1234. Jeg kommer to gange per uge i skoven. "
)
SHAPES = {
    "mixed Danish with personal data": MIXED,
    "one long word (no @)": "x",
    "one long number": "7",
}


def median_seconds(text: str, runs: int = 3) -> float:
    """Median wall time of scrubbing ``text`` once."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        scrub.scrub_text(text, ["Birthe", "Jonna"])
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    """Print one line per shape and size: seconds and microseconds per 1,000 characters."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="100000,1000000", help="comment lengths, comma-separated"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{'shape':<34} {'characters':>10} {'seconds':>8} {'µs/1000 chars':>14}")
    for label, unit in SHAPES.items():
        for size in sizes:
            text = (unit * (size // len(unit) + 1))[:size]
            seconds = median_seconds(text)
            print(f"{label:<34} {size:>10,} {seconds:>8.3f} {seconds / size * 1e9:>14.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
