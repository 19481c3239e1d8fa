"""Themes and tone of free-text comments: text in, tags out (pure; no database, no files but the lexicons).

Themes come from a dictionary (``theme, lang, term`` rows; the shipped one is
``etl/templates/comment_themes.csv``, a library may load its own). A term matches on word stems
(Snowball's Danish or English stemmer, by the term's language), so "personalet", "personale" and
"personalets" are one term. A term of several words is a phrase and matches consecutive words
("bogen kommer", "book en bibliotekar"); the words a phrase covers do not also count alone (so
"Book en bibliotekar" is not the staff theme). A term with ``*`` at its start and/or end matches
inside a word, which is how Danish compounds are caught ("*parkering*" finds
"handicapparkeringen"). A comment carries every theme one of its words matches. Negation does not
remove a theme: "personalet var ikke venligt" is about the staff, and its tone says how.

Tone is the sum of word scores from the AFINN lexicons (Danish AFINN-da-32 and English
AFINN-en-165 by Finn Årup Nielsen, Open Database License 1.0; only the data files of the `afinn`
package are read, not its code; looked up by the word, then by its Danish stem) plus a few emoji
and library words (EXTRA_SCORES, DOMAIN_SCORES: our additions, shared on AFINN's terms), adjusted
by our rule:

* negation: a score is multiplied by -0.5 when "ikke", "aldrig", "ingen", "not", "never", "no",
  a "n't" word ... stands up to three words before it in the same clause (a comma, full stop or
  "men"/"but" ends a clause), so "ikke god" is negative and "ikke dårlig" mildly positive;
* intensifiers ("meget", "virkelig", "rigtig", "very", "really" ...) one or two words before a
  scored word multiply it by 1.5, downtoners ("lidt", "slightly" ...) by 0.5;
* "too"-phrases ("alt for", "for lange", "too", "way too") score -2 on the word they qualify
  when the lexicon gives it no score of its own ("for korte åbningstider" is a complaint);
* what stands before "men"/"but" counts half (the point usually comes after it);
* words in a question ("Kan man få hjælp?") do not count;
* irony markers (🙄, 😒, 🙃, "/s", a closing "Not." / "Ikke.", "ja ja", "tak for ingenting",
  a positive word in quotes such as 'venlige') turn the positive scores of the comment negative.

A comment whose total is at least 1 is positive, at most -1 negative, otherwise neutral.
Everything is computed on distinct words once (stems, scores, theme matches) and on arrays of
all words together, not comment by comment, so 100,000 comments take seconds.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

THEME_KEYS = (
    "opening_hours",
    "staff",
    "help",
    "collection",
    "self_service",
    "home_delivery",
    "book_a_librarian",
    "rooms",
    "noise_climate",
    "events",
    "digital",
    "access_parking",
    "children_families",
)
LANGS = ("da", "en")
TONES = ("positive", "neutral", "negative")

TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")

NEGATORS = frozenset(
    "ikke ik ikk aldrig ingen intet ingenting hverken uden not never no nobody nothing none "
    "without cannot dont doesnt dosnt didnt isnt wasnt cant wont couldnt arent werent".split()
)
INTENSIFIERS = frozenset(
    "meget megget virkelig rigtig rigtigt utrolig utroligt enormt særlig særligt vildt mega "
    "totalt helt very really realy so extremely incredibly truly totally absolutely "
    "particularly".split()
)
# Danish negates after the verb ("det passer ikke"); only these words negate what stands before them
POST_NEGATORS = frozenset("ikke ik ikk aldrig".split())
DOWNTONERS = frozenset("lidt smule slightly somewhat fairly".split())
CONTRASTS = frozenset("men but however".split())
CLAUSE_ENDS = frozenset(",.!?;:")
SENTENCE_ENDS = frozenset(".!?")
# "for X" means "too X" in Danish before these words (elsewhere "for" is a preposition)
EXCESS_AFTER_FOR = frozenset(
    "lang lange længe kort korte få lidt dyr dyre dyrt lille små sent langsom langsomt høj højt "
    "varmt koldt stejl tidligt tung tungt svært mange meget".split()
)
IRONY_TOKENS = frozenset("🙄 😒 🙃".split())
QUOTES = frozenset("'\"’‘“”")
# our own additions to AFINN: emoji (AFINN's emoticon list is ASCII only)
EXTRA_SCORES = {
    "😊": 2,
    "🙂": 2,
    "😀": 2,
    "😃": 2,
    "😍": 3,
    "🥰": 3,
    "❤": 3,
    "👍": 2,
    "😡": -3,
    "😠": -3,
    "👎": -2,
    "😞": -2,
    "😢": -2,
    "😤": -2,
}
# library words AFINN lacks (ours): Danish inflections and complaints about things that break
DOMAIN_SCORES = {
    "stykker": -2,  # "i stykker": broken
    "forældet": -2,
    "forkert": -2,
    "forkerte": -2,
    "indelukket": -2,
    "uforståeligt": -2,
    "uforståelig": -2,
    "afvisende": -2,
    "crasher": -2,
    "ustabilt": -2,
    "ustabil": -2,
    "hjælpsom": 2,
    "hjælpsomme": 2,
    "nem": 2,
    "nemt": 2,
    "nemme": 2,
    "velfungerende": 2,
    "fedt": 2,
    "omsorgsfuld": 2,
    "omsorgsfulde": 2,
}
# words that carry no tone although a stem or an English entry says otherwise
NO_SCORE = frozenset("for her hele helt sal fik ønsker please".split())
# "virker ikke", "doesn't work", "passer ikke": a thing that does not work is a complaint
FUNCTION_WORDS = frozenset("virker virkede fungerer passer gider works work worked working".split())
FUNCTION_NEGATED_SCORE = -2.0
# a clause that wishes ("ville være godt", "kunne I ...", "would be nice") states no tone
WISH_WORDS = frozenset("ville would ønsker ønske".split())
NEGATION_FACTOR = -0.5
INTENSIFIER_FACTOR = 1.5
DOWNTONER_FACTOR = 0.5
BEFORE_CONTRAST_FACTOR = 0.5
EXCESS_SCORE = -2.0
TONE_THRESHOLD = 1.0


def _fold(word: str) -> str:
    """Danish letters typed without a Danish keyboard: aa -> å, ae -> æ, oe -> ø."""
    return word.replace("aa", "å").replace("ae", "æ").replace("oe", "ø")


@cache
def _stemmer(lang: str):
    # imported when the first comment is tagged: it loads every language's stemmer, which a
    # load without comments (and the command line's start) need not pay for
    import snowballstemmer

    return snowballstemmer.stemmer("danish" if lang == "da" else "english")


def _stems(words: list[str], lang: str) -> list[str]:
    return _stemmer(lang).stemWords(words)


def _afinn_folder() -> Path:
    """The AFINN data files inside the installed ``afinn`` package (its code is not imported)."""
    spec = importlib.util.find_spec("afinn")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the afinn package (AFINN lexicons) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@cache
def afinn_lexicon() -> dict[str, float]:
    """Word -> score from AFINN-da-32 and AFINN-en-165 (single words; Danish wins a clash)."""
    folder = _afinn_folder()
    scores: dict[str, float] = {}
    for name in ("AFINN-en-165.txt", "AFINN-da-32.txt"):
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            word, _, value = line.rpartition("\t")
            if word and " " not in word:
                scores[word.lower()] = float(value)
    scores.update({k: float(v) for k, v in EXTRA_SCORES.items()})
    scores.update({k: float(v) for k, v in DOMAIN_SCORES.items()})
    for word in NO_SCORE | NEGATORS:
        scores[word] = 0.0
    return scores


@cache
def _stem_scores() -> dict[tuple[str, str], float]:
    """(lang, stem) -> mean score of the Danish lexicon words with that stem (inflections AFINN-da
    lacks; English AFINN lists its inflections itself, and a cross-language stem misleads)."""
    folder = _afinn_folder()
    out: dict[tuple[str, str], float] = {}
    for lang, name in (("da", "AFINN-da-32.txt"),):
        frame = pd.read_csv(
            folder / name, sep="\t", header=None, names=["word", "score"], quoting=3
        )
        frame = frame[~frame["word"].astype(str).str.contains(" ")]
        frame["stem"] = _stems(frame["word"].astype(str).str.lower().tolist(), lang)
        for stem, score in frame.groupby("stem")["score"].mean().items():
            out[(lang, stem)] = float(score)
    return out


@dataclass(frozen=True)
class Tagger:
    """A compiled theme dictionary: what :func:`tag` needs, built once per dictionary."""

    themes: tuple[str, ...]
    single: dict[tuple[str, str], frozenset[str]]  # (lang, stem) -> themes
    wildcards: dict[str, re.Pattern | None]  # theme -> pattern on the lower-case word
    phrases: dict[tuple[str, int], dict[str, str]]  # (lang, words) -> {"stem stem": theme}


def build_tagger(dictionary: pd.DataFrame) -> Tagger:
    """Compile a validated dictionary (columns theme, lang, term) into a :class:`Tagger`."""
    themes = tuple(dict.fromkeys(list(THEME_KEYS) + list(dictionary["theme"])))
    used = tuple(t for t in themes if t in set(dictionary["theme"]))
    single: dict[tuple[str, str], set[str]] = {}
    patterns: dict[str, list[str]] = {t: [] for t in used}
    phrases: dict[tuple[str, int], dict[str, str]] = {}
    for row in dictionary.itertuples(index=False):
        term = str(row.term).strip().lower()
        words = [w for w in TOKEN.findall(term.replace("*", "")) if w.isalnum() or "_" in w]
        if "*" in term and len(words) == 1:
            core = re.escape(words[0])
            start = "" if term.startswith("*") else "^"
            end = "" if term.endswith("*") else "$"
            patterns[row.theme].append(f"{start}{core}{end}")
        elif len(words) == 1:
            single.setdefault((row.lang, _stems(words, row.lang)[0]), set()).add(row.theme)
        elif words:
            key = " ".join(_stems(words, row.lang))
            phrases.setdefault((row.lang, len(words)), {})[key] = row.theme
    return Tagger(
        themes=used,
        single={k: frozenset(v) for k, v in single.items()},
        wildcards={t: re.compile("|".join(p)) if p else None for t, p in patterns.items()},
        phrases=phrases,
    )


# joins all texts into one string for a single regex pass: a private-use character that no
# text contains, matched by TOKEN as a punctuation token and so marking where a text ends
_SEPARATOR = "\ue000"


def _explode(texts: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(comment index, token) for every token of every text, in order (one regex pass)."""
    values = [
        str(v).replace(_SEPARATOR, " ") if v is not None and v == v else "" for v in texts.tolist()
    ]
    tokens = np.array(TOKEN.findall(_SEPARATOR.join(values).lower() + _SEPARATOR), dtype=object)
    ends = tokens == _SEPARATOR
    cid = np.cumsum(ends) - ends  # the separator after text i belongs to text i
    keep = ~ends
    return cid[keep].astype(np.int64), tokens[keep]


def _shift(values: np.ndarray, k: int, fill) -> np.ndarray:
    """values moved k places later (k > 0) or earlier (k < 0), the gap filled."""
    out = np.empty_like(values)
    if k > 0:
        out[:k] = fill
        out[k:] = values[:-k]
    else:
        out[k:] = fill
        out[:k] = values[-k:]
    return out


def tag(texts: pd.Series, tagger: Tagger) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tone and themes of every text.

    Returns (tones, themes): ``tones`` has one row per text in order (columns ``tone`` in
    positive | neutral | negative, ``score``: the rule's total, for tests and tuning, never
    shown); ``themes`` has one row per text x theme (columns ``index``: the text's position,
    ``theme``).
    """
    texts = texts.reset_index(drop=True)
    cid, tokens = _explode(texts)
    n = len(texts)
    if len(tokens) == 0:
        tones = pd.DataFrame({"tone": ["neutral"] * n, "score": [0.0] * n})
        return tones, pd.DataFrame({"index": pd.Series(dtype="int64"), "theme": []})
    codes, uniq = pd.factorize(tokens)
    uniq = list(uniq)
    props = _word_properties(uniq, tagger)
    themes = _themes(cid, codes, props, tagger, n)
    tones = _tone(cid, codes, props, n)
    return tones, themes


def _word_properties(uniq: list[str], tagger: Tagger) -> dict[str, np.ndarray]:
    """Everything about each distinct word, computed once."""
    lex = afinn_lexicon()
    stem_scores = _stem_scores()
    is_word = np.array([w[0].isalnum() or w[0] == "_" for w in uniq])
    words = [w.replace("’", "'") for w in uniq]
    da = _stems(words, "da")
    da_folded = _stems([_fold(w) for w in words], "da")
    en = _stems(words, "en")
    score = np.array(
        [
            lex[w] if w in lex else stem_scores.get(("da", d), 0.0) if ok and len(w) >= 4 else 0.0
            for w, d, ok in zip(words, da, is_word, strict=True)
        ],
        dtype=float,
    )
    theme_hits = np.zeros((len(uniq), len(tagger.themes)), dtype=bool)
    col = {t: i for i, t in enumerate(tagger.themes)}
    for i, (_w, d, df_, e) in enumerate(zip(words, da, da_folded, en, strict=True)):
        if not is_word[i]:
            continue
        for key in (("da", d), ("da", df_), ("en", e)):
            for theme in tagger.single.get(key, ()):
                theme_hits[i, col[theme]] = True
    for theme, pattern in tagger.wildcards.items():
        if pattern is not None:
            hits = [bool(pattern.search(w) or pattern.search(_fold(w))) for w in words]
            theme_hits[:, col[theme]] |= np.array(hits) & is_word
    negator = np.array([w in NEGATORS or w.endswith("n't") for w in words])
    return {
        "word": np.array(words, dtype=object),
        "is_word": is_word,
        "da": np.array(da, dtype=object),
        "en": np.array(en, dtype=object),
        "score": score,
        "theme_hits": theme_hits,
        "negator": negator,
        "post_negator": np.array([w in POST_NEGATORS for w in words]),
        "intensifier": np.array([w in INTENSIFIERS for w in words]),
        "downtoner": np.array([w in DOWNTONERS for w in words]),
        "contrast": np.array([w in CONTRASTS for w in words]),
        "clause_end": np.array([w in CLAUSE_ENDS for w in words]),
        "sentence_end": np.array([w in SENTENCE_ENDS for w in words]),
        "question": np.array([w == "?" for w in words]),
        "irony": np.array([w in IRONY_TOKENS for w in words]),
        "quote": np.array([w in QUOTES for w in words]),
        "excess_after": np.array([w in EXCESS_AFTER_FOR for w in words]),
        "function": np.array([w in FUNCTION_WORDS for w in words]),
        "wish": np.array([w in WISH_WORDS for w in words]),
    }


def _themes(cid, codes, props, tagger: Tagger, n: int) -> pd.DataFrame:
    word_mask = props["is_word"][codes]
    wcid = cid[word_mask]
    wcodes = codes[word_mask]
    hits = props["theme_hits"][wcodes].copy()
    covered = np.zeros(len(wcodes), dtype=bool)
    phrase_hits: list[tuple[np.ndarray, int]] = []
    col = {t: i for i, t in enumerate(tagger.themes)}
    for (lang, size), table in sorted(tagger.phrases.items(), key=lambda kv: -kv[0][1]):
        if len(wcodes) < size:
            continue
        stems = props[lang][wcodes]
        # only words whose stem starts some phrase can start one: few, so a Python look-up is cheap
        firsts = {key.split(" ")[0] for key in table}
        first = np.array([stem in firsts for stem in props[lang]], dtype=bool)
        starts = np.flatnonzero(first[wcodes])
        starts = starts[starts + size - 1 < len(wcodes)]
        if len(starts):
            same = np.ones(len(starts), dtype=bool)
            for k in range(1, size):
                same &= wcid[starts + k] == wcid[starts]
            starts = starts[same]
        keys = [" ".join(stems[i : i + size]) for i in starts]
        found = np.array([table.get(key) for key in keys], dtype=object)
        matched = np.array([f is not None for f in found], dtype=bool)
        starts, found = starts[matched], found[matched]
        for theme in set(found):
            phrase_hits.append((starts[found == theme], col[theme]))
        for k in range(size):
            covered[starts + k] = True
    hits[covered] = False
    for starts, j in phrase_hits:
        hits[starts, j] = True
    rows, cols = np.nonzero(hits)
    pairs = np.unique(wcid[rows] * len(tagger.themes) + cols)
    themes = np.array(tagger.themes, dtype=object)
    return pd.DataFrame(
        {
            "index": (pairs // len(tagger.themes)).astype("int64"),
            "theme": themes[pairs % len(tagger.themes)],
        }
    )


def _tone(cid, codes, props, n: int) -> pd.DataFrame:
    score = props["score"][codes].copy()
    negator = props["negator"][codes]
    intens = props["intensifier"][codes]
    down = props["downtoner"][codes]
    contrast = props["contrast"][codes]
    words = props["word"][codes]
    new_comment = cid != _shift(cid, 1, -1)
    # clauses end at punctuation and at "men"/"but"; negation never reaches across one
    clause_break = props["clause_end"][codes] | contrast
    clause = np.cumsum(new_comment | _shift(clause_break, 1, False))
    sentence = np.cumsum(new_comment | _shift(props["sentence_end"][codes], 1, False))

    # too-phrases: "alt for X", "for <excess word>", "too X" with X unscored
    prev1 = _shift(words, 1, "")
    prev2 = _shift(words, 2, "")
    same1 = _shift(cid, 1, -1) == cid
    same2 = _shift(cid, 2, -1) == cid
    excess = same1 & (
        (prev1 == "too")
        | ((prev1 == "for") & same2 & (prev2 == "alt"))
        | ((prev1 == "for") & props["excess_after"][codes])
    )
    score = np.where(excess & (score == 0) & props["is_word"][codes], EXCESS_SCORE, score)

    factor = np.ones(len(codes))
    negated = np.zeros(len(codes), dtype=bool)
    for k in (1, 2, 3):
        negated |= (_shift(negator, k, False)) & (_shift(clause, k, -1) == clause)
    post_negated = _shift(props["post_negator"][codes], -1, False) & (
        _shift(clause, -1, -1) == clause
    )
    function = props["function"][codes]
    score = np.where(function & (negated | post_negated), FUNCTION_NEGATED_SCORE, score)
    negated = negated & ~function
    # Danish puts "ikke" after the verb: "det passer ikke", "appen virker ikke"
    negated |= post_negated & ~function
    factor = np.where(negated, factor * NEGATION_FACTOR, factor)
    for k in (1, 2):
        same = _shift(clause, k, -1) == clause
        factor = np.where(_shift(intens, k, False) & same, factor * INTENSIFIER_FACTOR, factor)
        factor = np.where(_shift(down, k, False) & same, factor * DOWNTONER_FACTOR, factor)
    # before a "men"/"but" later in the same comment: half weight
    c = pd.Series(contrast.astype(int))
    after = c.groupby(cid).transform("sum").to_numpy() - c.groupby(cid).cumsum().to_numpy()
    factor = np.where(after > 0, factor * BEFORE_CONTRAST_FACTOR, factor)
    # a question's words express no tone of their own
    in_question = pd.Series(props["question"][codes]).groupby(sentence).transform("any").to_numpy()
    factor = np.where(in_question, 0.0, factor)
    in_wish = pd.Series(props["wish"][codes]).groupby(clause).transform("any").to_numpy()
    factor = np.where(in_wish, 0.0, factor)
    weighted = score * factor

    irony_token = props["irony"][codes]
    slash_s = (words == "s") & (prev1 == "/") & same1
    # a closing "Not." / "Ikke." standing alone as a sentence
    sentence_end = props["sentence_end"][codes]
    alone = (
        ((words == "not") | (words == "ikke"))
        & (~same1 | _shift(sentence_end, 1, True))
        & (_shift(sentence_end, -1, True) | (_shift(cid, -1, -1) != cid))
        & ~new_comment
    )
    quoted = (
        (score > 0)
        & props["quote"][_shift(codes, 1, codes[0])]
        & props["quote"][_shift(codes, -1, codes[0])]
        & same1
    )
    ja_ja = (words == "ja") & (prev1 == "ja") & same1
    for_nothing = (words == "ingenting") & (prev1 == "for") & (prev2 == "tak") & same2
    irony_flag = irony_token | slash_s | alone | quoted | ja_ja | for_nothing
    frame = pd.DataFrame({"cid": cid, "w": weighted, "irony": irony_flag})
    per = frame.groupby("cid").agg(irony=("irony", "any"))
    frame = frame.merge(per, left_on="cid", right_index=True, suffixes=("_t", ""))
    frame["w"] = np.where(frame["irony"] & (frame["w"] > 0), -frame["w"], frame["w"])
    total = frame.groupby("cid")["w"].sum().reindex(range(n), fill_value=0.0)
    tone = np.where(
        total >= TONE_THRESHOLD,
        "positive",
        np.where(total <= -TONE_THRESHOLD, "negative", "neutral"),
    )
    irony_any = per["irony"].reindex(range(n), fill_value=False).to_numpy()
    # an ironic comment with no scored word left is still a complaint
    tone = np.where(irony_any & (tone == "neutral"), "negative", tone)
    return pd.DataFrame({"tone": tone, "score": total.to_numpy()})
