"""How long tagging comments takes at load time: 100,000 comments in under 30 s on the 2-core
machine.

The comments are the labelled set's texts recombined (two or three sentences each, with
random numbers and names so that distinct words keep growing as in real data). Two figures:
``tag``: ``etl.comment_tags.tag`` alone (text in, tags out); ``store``: the whole step inside a
write transaction (``servicemirror.app.comments.tag_untagged``: read the untagged comments, tag,
insert tones and themes) on a database holding only those comments. Each is the median of
``--repeat`` runs; set-up is outside the timed part.

    nice -n 10 .venv/bin/python -m bench.comment_speed [--n 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bench.comment_themes import labelled
from servicemirror.app import comments
from servicemirror.core import db
from servicemirror.etl import comment_tags, comment_themes

TARGET_SECONDS = 30.0


def make_comments(n: int, seed: int = 17) -> pd.Series:
    """``n`` comments built from the labelled sentences (deterministic)."""
    rng = np.random.default_rng(seed)
    pool = labelled("all")["text"].to_numpy()
    picks = rng.integers(len(pool), size=(n, 3))
    sizes = rng.integers(1, 4, size=n)
    numbers = rng.integers(1, 5000, size=n)
    return pd.Series(
        [" ".join(pool[picks[i, : sizes[i]]]) + f" (sag {numbers[i]})" for i in range(n)]
    )


def time_tag(texts: pd.Series, repeat: int) -> float:
    tagger = comment_tags.build_tagger(comment_themes.default_dictionary())
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        comment_tags.tag(texts, tagger)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def time_store(texts: pd.Series, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.duckdb"
            frame = pd.DataFrame(
                {
                    "response_id": np.arange(len(texts), dtype=np.int64),
                    "upload_id": np.ones(len(texts), dtype=np.int32),
                    "item_code": "comment",
                    "text": texts,
                }
            )
            with db.writing(path, create=True) as con:
                con.register("bench_comments", frame)
                con.execute("insert into comments select * from bench_comments")
                con.unregister("bench_comments")
            with db.writing(path) as con:
                start = time.perf_counter()
                tagged = comments.tag_untagged(con)
                runs.append(time.perf_counter() - start)
            assert tagged == len(texts)
    return statistics.median(runs)


def run(n: int = 100_000, repeat: int = 3) -> dict:
    """Both timings for ``n`` comments; a dict with n, tag_s, store_s, target_s, ok."""
    texts = make_comments(n)
    tag_s = time_tag(texts, repeat)
    store_s = time_store(texts, repeat)
    return {
        "n": n,
        "tag_s": round(tag_s, 2),
        "store_s": round(store_s, 2),
        "target_s": TARGET_SECONDS,
        "ok": store_s < TARGET_SECONDS,
    }


def main(argv: list[str] | None = None) -> int:
    """Print the figures; exit 1 when the store step misses the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    result = run(args.n, args.repeat)
    print(
        f"{result['n']:,} comments: tag {result['tag_s']} s, tag and store in the transaction "
        f"{result['store_s']} s (target < {result['target_s']:.0f} s): "
        f"{'ok' if result['ok'] else 'TOO SLOW'}"
    )
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
