"""How well the shipped theme dictionary and tone rule agree with hand-labelled patron comments.

``tests/data/comments_labelled.tsv`` holds 305 Danish and 102 English comments with the themes and
tone a reader gave them (written and committed before the dictionary was tuned). The dictionary
was tuned on the ``tune`` half only; this reports, per split, precision / recall / F1 per theme,
their macro average and the tone agreement. ``tests/test_comment_text.py`` fails when the guarded
half's macro-F1 or tone agreement drops below the figures recorded there.

    .venv/bin/python -m bench.comment_themes [--split guard|tune|all] [--errors]
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import pandas as pd

from servicemirror.etl import comment_tags, comment_themes

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT / "tests" / "data" / "comments_labelled.tsv"
TONE_CODES = {"pos": "positive", "neu": "neutral", "neg": "negative"}


def labelled(split: str = "guard") -> pd.DataFrame:
    """The labelled comments of one split ('tune', 'guard' or 'all'); themes as sets."""
    with LABELLED.open(encoding="utf-8") as fh:
        frame = pd.DataFrame(list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)))
    if split != "all":
        frame = frame[frame["split"] == split]
    frame = frame.reset_index(drop=True)
    frame["expected"] = frame["themes"].map(lambda s: frozenset(t for t in s.split("|") if t))
    frame["expected_tone"] = frame["tone"].map(TONE_CODES)
    return frame


def evaluate(frame: pd.DataFrame, tagger=None) -> dict:
    """Per-theme precision/recall/F1, macro-F1 and tone agreement of the tagger on ``frame``."""
    tagger = tagger or comment_tags.build_tagger(comment_themes.default_dictionary())
    tones, themes = comment_tags.tag(frame["text"], tagger)
    found = themes.groupby("index")["theme"].agg(frozenset)
    frame = frame.assign(
        found=[found.get(i, frozenset()) for i in range(len(frame))], tone_found=tones["tone"]
    )
    pairs = list(zip(frame["expected"], frame["found"], strict=True))
    per_theme = {}
    for theme in comment_tags.THEME_KEYS:
        tp = sum(theme in e and theme in f for e, f in pairs)
        fp = sum(theme not in e and theme in f for e, f in pairs)
        fn = sum(theme in e and theme not in f for e, f in pairs)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_theme[theme] = {"n": tp + fn, "precision": precision, "recall": recall, "f1": f1}
    macro_f1 = sum(v["f1"] for v in per_theme.values()) / len(per_theme)
    agreement = float((frame["tone_found"] == frame["expected_tone"]).mean())
    return {
        "n": len(frame),
        "per_theme": per_theme,
        "macro_f1": macro_f1,
        "tone_agreement": agreement,
        "frame": frame,
    }


def main(argv: list[str] | None = None) -> int:
    """Print the table for one split (and, with --errors, every disagreement)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="guard", choices=["guard", "tune", "all"])
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args(argv)
    result = evaluate(labelled(args.split))
    print(f"split {args.split}: {result['n']} comments")
    print(f"{'theme':<20}{'n':>5}{'precision':>11}{'recall':>8}{'F1':>7}")
    for theme, v in result["per_theme"].items():
        print(f"{theme:<20}{v['n']:>5}{v['precision']:>11.2f}{v['recall']:>8.2f}{v['f1']:>7.2f}")
    print(f"macro-F1 {result['macro_f1']:.3f}   tone agreement {result['tone_agreement']:.3f}")
    if args.errors:
        for row in result["frame"].itertuples():
            if row.expected != row.found or row.expected_tone != row.tone_found:
                print(
                    f"{row.id}: {row.text!r} themes {sorted(row.expected)} -> {sorted(row.found)}"
                    f"; tone {row.expected_tone} -> {row.tone_found}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
