"""An upload's answers held in DuckDB from the reader to the insert, never as a Python row loop.

A wide export of 200,000 respondents x 25 questions is five million answers but only a few
distinct cells per question. So the answers are two tables of the parsing connection their
reader made (``etl.source``): ``parsed_map``, one row per distinct answer (map_id, column, item,
value, raw_value; value null = a non-answer such as "Ved ikke"), and ``parsed_answers``, one row
per answer (row, map_id, seq: the answers' order, which the problems and the item summary
follow). The loader's steps (keeping the valid respondents, the item scales, the NPS shift, the
summary) are the SQL of ``queries/parsed_*.sql``; a value is changed once per distinct answer.
The writer sends (row, map_id) pairs and the small map to the product database, where
``insert_answers`` joins them. Readers that build a pandas frame of answers (the long and
SurveyXact readers) have it put into the same two tables by :meth:`Answers.of`, so the loader
has one way with answers whatever the reader.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from servicemirror import queries
from servicemirror.etl.source import parsing_connection


class Answers:
    """The tables ``parsed_map`` and ``parsed_answers`` of a parsing connection (see the module
    docstring).

    It reads like the small frame the tests and the dry run look at: ``len()``, ``.empty`` and
    ``answers["column"]`` (one column as a Series, in order).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        # the answered respondents, kept until a step deletes an answer: the wide reader and the
        # loader both ask (a pass over every answer each time), mostly with nothing deleted between
        self._answered: np.ndarray | None = None
        # every row an answer may belong to, where that is known (the wide reader: the records
        # it unpivoted; after a keep_rows: the rows kept); None = unknown
        self.rows: np.ndarray | None = None

    @classmethod
    def of(cls, answers) -> Answers:
        """``answers`` as an :class:`Answers`: itself, or a reader's frame put into the tables."""
        if isinstance(answers, Answers):
            return answers
        con = parsing_connection()
        frame = answers[["row", "column", "item", "value", "raw_value"]].assign(
            value=answers["value"].astype("float64"), seq=np.arange(len(answers), dtype="int64")
        )
        con.register("answer_frame", frame)
        queries.execute(con, "parsed_from_frame")
        queries.execute(con, "parsed_answers_from_frame")
        con.unregister("answer_frame")
        return cls(con)

    # ----------------------------------------------------------------- reading

    def __len__(self) -> int:
        return int(queries.scalar(self.con, "parsed_count"))

    @property
    def empty(self) -> bool:
        """True when there is no answer."""
        return len(self) == 0

    def frame(self) -> pd.DataFrame:
        """The answers as a frame (row, column, item, value, raw_value), in order."""
        return queries.run(self.con, "parsed_rows")

    def __getitem__(self, column: str) -> pd.Series:
        return self.frame()[column]

    def pairs(self) -> pa.Table:
        """Every answer as (row, map_id), an Arrow table of two integer columns: what the writer
        registers in the product database (``insert_answers``), read there in place."""
        return self.con.sql(queries.sql("parsed_pairs")).to_arrow_table()

    def values(self) -> pd.DataFrame:
        """What each map_id stands for: map_id, item, value, raw_value (a few rows per item)."""
        return queries.run(self.con, "parsed_values")

    def item_ranges(self) -> pd.DataFrame:
        """Per item, the lowest and highest value answered (index item; columns min, max)."""
        return queries.run(self.con, "parsed_item_ranges").set_index("item")

    def answered_rows(self) -> np.ndarray:
        """The respondents (row numbers) with at least one valid rating (for ``isin``)."""
        if self._answered is None:
            found = queries.run(self.con, "parsed_answered_rows")["row"]
            self._answered = found.to_numpy(dtype="int64")
        return self._answered

    # ----------------------------------------------------------------- the loader's steps

    def keep_rows(self, rows) -> None:
        """Keep only the answers of these respondents (row numbers)."""
        kept = pd.Series(rows, dtype="int64").to_numpy()
        if self.rows is not None and np.isin(self.rows, kept).all():
            return  # every row an answer may have is kept: no pass over the answers deletes none
        self.con.register("answer_rows", pd.DataFrame({"row": kept}))
        self._deleted(queries.scalar(self.con, "parsed_keep_rows"))
        self.con.unregister("answer_rows")
        self.rows = kept

    def validate(self, items: pd.DataFrame) -> pd.DataFrame:
        """The checks against the file's resolved items (item_code, scale_min, scale_max,
        construct): an NPS item coded 1-11 is shifted to 0-10; answers of an item without a
        scale and answers outside the scale are dropped. Returns the latter (row, column,
        raw_value, item, scale_min, scale_max, in order) for the caller to tell."""
        scale = items[["item_code", "scale_min", "scale_max", "construct"]].drop_duplicates(
            "item_code"
        )
        self.con.register("answer_items", scale)
        try:
            # a shift moves values, never to or from null: who answered stays the same
            queries.execute(self.con, "parsed_nps_shift")
            outside = queries.run(self.con, "parsed_outside_scale")
            self._deleted(queries.scalar(self.con, "parsed_drop_invalid"))
        finally:
            self.con.unregister("answer_items")
        return outside

    def _deleted(self, count) -> None:
        """A delete removed ``count`` answers (DuckDB's count of a delete): the answered
        respondents are asked again when any went."""
        if count:
            self._answered = None

    def summary(self) -> pd.DataFrame:
        """Per item (in order of first answer): column, n, mean, promoters, detractors."""
        return queries.run(self.con, "parsed_item_summary")
