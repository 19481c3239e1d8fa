"""The demo generator: deterministic files in the generic formats, with a documented truth."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from servicemirror.app import demo

README = Path(__file__).resolve().parents[1] / "data" / "demo" / "README.md"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
CPR = re.compile(r"(?<!\d)\d{6}-\d{4}(?!\d)")
PHONE_PLUS45 = re.compile(r"\+45 \d\d \d\d \d\d \d\d")
PHONE_8 = re.compile(r"(?<![\d-])\d{8}(?![\d-])")


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> demo.DemoFiles:
    return demo.generate(2011, tmp_path_factory.mktemp("demo2011"))


@pytest.fixture(scope="module")
def frames(files) -> dict[str, pd.DataFrame]:
    def collect(folder: str) -> pd.DataFrame:
        return pd.concat(
            [_read(p) for p in files.paths if p.parent.name == folder], ignore_index=True
        )

    return {
        "staff": collect("staff"),
        "patrons": collect("patrons"),
        "aggregates": collect("aggregates"),
        "kiosk": collect("kiosk"),
    }


@pytest.fixture(scope="module")
def label_to_key(files) -> dict[str, str]:
    out = {}
    for row in files.libraries.itertuples():
        for name in [row.display_name, *row.aliases]:
            out[name] = row.library
    return out


def test_same_seed_same_bytes_other_seed_differs(files, tmp_path):
    again = demo.generate(2011, tmp_path / "again")
    assert [p.relative_to(p.parents[1]) for p in again.paths] == [
        p.relative_to(p.parents[1]) for p in files.paths
    ]
    for a, b in zip(files.paths, again.paths, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert again.truth == files.truth
    other = demo.generate(2012, tmp_path / "other")
    assert [p.name for p in other.paths] == [p.name for p in files.paths]
    differing = [
        a.name
        for a, b in zip(files.paths, other.paths, strict=True)
        if a.read_bytes() != b.read_bytes()
    ]
    assert len(differing) == len(files.paths)
    assert other.truth["library_effects"] != files.truth["library_effects"]


def test_headers_are_the_generic_formats_exactly(files):
    for path in files.paths:
        header = path.read_text(encoding="utf-8").split("\n", 1)[0].split(",")
        expected = {
            "staff": demo.LONG_COLUMNS,
            "patrons": demo.LONG_COLUMNS + demo.SEGMENT_COLUMNS,
            "aggregates": demo.AGGREGATE_COLUMNS,
            "kiosk": demo.KIOSK_COLUMNS,
        }[path.parent.name]
        assert header == expected, path.name
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw
    order = [p.parent.name for p in files.paths]
    assert order == sorted(order, key=["staff", "patrons", "aggregates", "kiosk"].index)


def test_libraries_frame(files):
    libs = files.libraries
    assert list(libs.columns) == [
        "library",
        "display_name",
        "municipality",
        "aliases",
        "consent_named",
    ]
    assert len(libs) == 15 and libs["library"].is_unique
    for name in [
        "Gentofte",
        "Mariagerfjord",
        "Høje-Taastrup",
        "Næstved",
        "Rudersdal",
        "Lyngby-Taarbæk",
    ]:
        assert name in set(libs["municipality"])
    for name in ["Ishøj", "Egedal", "Glostrup", "Gribskov"]:
        assert name in set(libs["municipality"])
    assert (
        libs.loc[libs["library"] == "gentofte", "display_name"].item()
        == "Gentofte Centralbibliotek"
    )
    assert all(isinstance(a, list) and all(isinstance(x, str) for x in a) for a in libs["aliases"])
    assert 2 <= libs["consent_named"].sum() <= 6
    assert libs["consent_named"].map(type).eq(bool).all()
    assert files.branches.groupby("library").size().ge(2).sum() >= 4
    assert "Hellerup Bibliotek" in set(files.branches["branch"])


def test_fifteen_libraries_six_periods(frames, label_to_key):
    pat = frames["patrons"]
    assert set(pat["library"]) <= set(label_to_key)
    assert set(pat["respondent_type"]) == {"patron"}
    keys = pat["library"].map(label_to_key)
    assert keys.nunique() == 15
    cells = pat.assign(key=keys).groupby(["key", "period"])["respondent_id"].nunique()
    assert len(cells) == 90
    assert sorted(pat["period"].unique()) == demo.PERIODS
    assert cells.between(100, 800).all()
    # aliases occur, as in real exports
    assert (pat["library"] != pat["library"].map(label_to_key).map(_display_names())).any()


def _display_names() -> dict[str, str]:
    return {s["library"]: s["display_name"] for s in demo.LIBRARY_SPECS}


def test_staff_sizes_schedules_and_small_cells(frames, label_to_key, files):
    staff = frames["staff"]
    assert set(staff["respondent_type"]) == {"staff"}
    assert (staff["comment"] == "").all() and (staff["item"] != "comment").all()
    n = (
        staff.assign(key=staff["library"].map(label_to_key))
        .groupby(["key", "period"])["respondent_id"]
        .nunique()
    )
    small = n[n < 5]
    assert {(k, p) for k, p in small.index} == set(demo.SMALL_STAFF_CELLS)
    assert n[n >= 5].between(8, 60).all()
    per_library = n.groupby(level=0).size()
    assert (per_library == 6).sum() >= 8  # most survey yearly
    assert set(per_library[per_library <= 3].index) == {"naestved", "herlev", "roskilde"}
    # the aggregates-only libraries deliver no rows
    assert set(files.truth["aggregates_only"]) == {"ballerup", "silkeborg"}
    assert not set(files.truth["aggregates_only"]) & set(n.index.get_level_values(0))


def test_aggregates_only_libraries(frames, label_to_key):
    agg = frames["aggregates"]
    keys = agg["library"].map(label_to_key)
    assert set(keys) == {"ballerup", "silkeborg"}
    assert agg.groupby(keys)["period"].nunique().to_dict() == {"ballerup": 6, "silkeborg": 5}
    assert set(agg["item"]) == {*demo.STAFF_ITEMS, "core_enps"}
    assert agg.duplicated(["library", "period", "item"]).sum() == 0
    num = agg[["n", "mean", "sd", "scale_min", "scale_max", "response_rate"]].astype(float)
    assert (num["n"] >= 5).all()
    assert (num["mean"] >= num["scale_min"]).all() and (num["mean"] <= num["scale_max"]).all()
    assert (num["sd"] > 0).all() and num["response_rate"].between(0.3, 1).all()
    assert (agg["respondent_type"] == "staff").all()


def test_values_on_their_scales(frames):
    for side in ("staff", "patrons"):
        df = frames[side]
        answers = df[df["item"] != "comment"]
        assert set(answers["item"]) <= set(demo.ITEMS)
        for item, (construct, lo, hi, tp) in demo.ITEMS.items():
            rows = answers[answers["item"] == item]
            if rows.empty:
                continue
            assert (rows["construct"] == construct).all()
            assert (rows["scale_min"] == str(lo)).all() and (rows["scale_max"] == str(hi)).all()
            assert (rows["touchpoint"] == (tp or "")).all()
            given = rows.loc[~rows["value"].isin(["", demo.VED_IKKE]), "value"]
            assert given.str.fullmatch(r"\d+").all()
            assert given.astype(int).between(lo, hi).all(), item
        ts = pd.to_datetime(df["submitted_at"], format="%Y-%m-%d %H:%M:%S")
        assert (ts.dt.year.astype(str) == df["period"]).all()
        assert not df.duplicated(["respondent_id", "item"]).any()
    pat = frames["patrons"]
    assert (pat["value"] == demo.VED_IKKE).sum() > 100
    tps = pat[pat["item"].str.startswith("tp_")]
    assert set(tps["touchpoint"]) == set(demo.TOUCHPOINTS)
    # not every patron rates every touchpoint
    per_resp = tps.groupby("respondent_id").size()
    assert per_resp.max() <= 4 and per_resp.mean() < 2.5
    ids = pat["respondent_id"].unique()
    assert not set(ids) & set(frames["staff"]["respondent_id"])
    assert set(pat["age_band"]) - {""} == set(demo.PARAMETERS["segment_shares"]["age_band"])
    assert set(pat["visit_frequency"]) - {""} <= {"Ugentligt", "Månedligt", "Sjældnere"}


def test_ceiling_about_ninety_percent_satisfied(frames):
    sat = frames["patrons"].query("item == 'core_sat' and value not in ['', 'Ved ikke']")["value"]
    share = (sat.astype(int) >= 4).mean()
    assert 0.86 <= share <= 0.94


def test_comments_carry_the_pii_cases(frames, files):
    pat = frames["patrons"]
    com = pat[pat["item"] == "comment"]
    assert (com["construct"] == "comment").all() and (com["value"] == "").all()
    assert (com["scale_min"] == "").all()
    text = com["comment"]
    assert (text != "").all() and len(text) > 1000
    assert text.str.contains(EMAIL).sum() >= 20
    assert text.str.contains(PHONE_PLUS45).sum() >= 5
    assert text.str.contains(PHONE_8).sum() >= 5
    assert text.str.contains(CPR).sum() >= 10
    names = {n for ns in files.truth["staff_first_names"].values() for n in ns}
    assert text.map(lambda t: any(re.search(rf"\b{n}\b", t) for n in names)).sum() >= 20
    assert sum(files.truth["pii_counts"].values()) >= 100
    assert text.str.contains("Bogen Kommer").any()


def test_kiosk_counts(frames, label_to_key):
    k = frames["kiosk"]
    assert set(k["library"].map(label_to_key)) == set(demo.KIOSK_TERMINALS)
    d = pd.to_datetime(k["date"], format="%Y-%m-%d")
    assert d.min() >= pd.Timestamp("2025-01-06") and d.max() <= pd.Timestamp("2025-03-30")
    assert k["hour"].astype(int).between(0, 23).all()
    assert set(k["button"].astype(int)) == {1, 2, 3, 4}
    assert (k["n"].astype(int) > 0).all()
    assert not k.duplicated(["terminal", "date", "hour", "button"]).any()
    assert 5_000 < len(k) < 50_000
    assert (k["branch"] != "").all()


def test_size_budget(files):
    assert sum(p.stat().st_size for p in files.paths) < 20 * 1024 * 1024
    assert len(files.paths) < 60


def test_split_by_year_writes_the_same_rows(files, frames, tmp_path):
    by_year = demo.generate(2011, tmp_path / "year", split="year")
    assert len(by_year.paths) > 150
    for side in ("staff", "patrons"):
        rows = pd.concat([_read(p) for p in by_year.paths if p.parent.name == side])
        cols = [c for c in rows.columns if c != "library"]
        a = rows[cols].sort_values(["respondent_id", "item"]).reset_index(drop=True)
        b = frames[side][cols].sort_values(["respondent_id", "item"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b)
    with pytest.raises(ValueError):
        demo.generate(2011, tmp_path / "bad", split="month")


def test_projects(files):
    pr = files.projects
    assert list(pr.columns) == [
        "library",
        "touchpoint",
        "title",
        "start",
        "description",
        "owner",
        "expected_effect",
        "status",
        "true_effect",
    ]
    assert sorted(pr["library"]) == sorted(files.libraries["library"])
    assert set(pr["touchpoint"]) <= set(demo.TOUCHPOINTS)
    assert all(isinstance(s, date) for s in pr["start"])
    assert (pr["true_effect"] > 2).sum() >= 6 and (pr["true_effect"] == 0).sum() >= 5
    months = {s["library"]: s["month"] for s in demo.LIBRARY_SPECS}
    for row in pr.itertuples():
        # every patron survey is wholly before or wholly after the start
        assert row.start.day == 1 and row.start.month != months[row.library]
        assert "2021" <= str(row.start.year) <= "2023"


def test_truth_cells_and_expected_values(files):
    cells = files.cells
    assert len(cells) == 90
    assert (
        cells["staff_index"].between(40, 95).all() and cells["patron_index"].between(70, 98).all()
    )
    # the exact expectation agrees with simulation of rounded, clipped normals
    rng = np.random.default_rng(0)
    x = demo._rc(rng.normal(4.2, 0.9, 400_000), 1, 5)
    assert abs(x.mean() - demo.expected_answer(np.array([4.2]), 0.9, 1, 5)[0]) < 0.01
    assert files.truth["beta_B"] == demo.PARAMETERS["beta_B"]
    est = demo.estimates(demo.simulate_world(2011))
    assert est["matched_cells"] == 76 and est["matched_libraries"] == 15
    assert 0.17 <= est["r_library"] <= 0.78  # inside the README's 5-95 % range


def test_readme_documents_every_truth_key_and_value(files):
    text = README.read_text(encoding="utf-8")
    for key in files.truth:
        assert f"`{key}`" in text, key
    lines = text.splitlines()
    for name, value in demo.PARAMETERS.items():
        if isinstance(value, int | float):
            row = [ln for ln in lines if ln.startswith(f"| `{name}` |")]
            assert row, name
            cell = row[0].split("|")[2].strip()
            assert float(cell) == value, name
        if isinstance(value, list) and all(isinstance(v, float) for v in value):
            row = [ln for ln in lines if ln.startswith(f"| `{name}` |")]
            assert (
                row and [float(v) for v in re.findall(r"-?\d+\.\d+", row[0].split("|")[2])] == value
            )


def test_readme_realised_block_matches_the_generator(files):
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- truth:begin -->\n", 1)[1].split("<!-- truth:end -->", 1)[0]
    assert block == demo.truth_markdown(files.truth)


@pytest.mark.slow
def test_build_demo_end_to_end(demo_db, files, frames, label_to_key):
    """The shared demo database (built by `servicemirror demo`) against the files it came from."""
    from servicemirror.core import db

    db_path = demo_db
    with db.reading(db_path) as con:
        uploads = con.execute("select status, rows_rejected from uploads").fetchall()
        libs = con.execute("select library_key from libraries order by 1").fetchall()
        responses = con.execute(
            "select library_key, period, respondent_type, count(*) from responses "
            "where superseded_by is null group by all"
        ).fetchdf()
        texts = [t for (t,) in con.execute("select text from comments").fetchall()]
        kiosk = con.execute(
            "select library_key, min(date), max(date), sum(n) from kiosk_counts group by all"
        ).fetchdf()
        n_agg = con.execute("select count(*) from aggregates").fetchone()[0]
        missing = con.execute(
            "select count(*) from answers where value is null and raw_value = 'Ved ikke'"
        ).fetchone()[0]
    assert len(uploads) == len(files.paths)  # every file loaded, none with a rejected row
    assert all(status == "active" and rejected == 0 for status, rejected in uploads)
    assert [k for (k,) in libs] == sorted(files.libraries["library"])

    # every respondent with at least one substantive answer is one response in the database, in
    # its library and period (a respondent who answered "Ved ikke" to everything is not stored)
    rows = pd.concat([frames["staff"], frames["patrons"]])
    substantive = ~rows["value"].isin(["", demo.VED_IKKE]) & (rows["item"] != "comment")
    kept = set(rows.loc[substantive, "respondent_id"])
    stored = rows[rows["respondent_id"].isin(kept)].assign(
        library_key=lambda d: d["library"].map(label_to_key)
    )
    expected = stored.groupby(["library_key", "period", "respondent_type"])[
        "respondent_id"
    ].nunique()
    got = responses.set_index(["library_key", "period", "respondent_type"]).iloc[:, 0]
    pd.testing.assert_series_equal(
        got.sort_index().astype(int), expected.sort_index().astype(int), check_names=False
    )
    assert n_agg == len(frames["aggregates"])
    assert missing == (stored["value"] == demo.VED_IKKE).sum()

    # comments arrive, scrubbed of e-mail addresses, phone and CPR numbers
    assert len(texts) == (frames["patrons"]["item"] == "comment").sum()
    for t in texts:
        assert not EMAIL.search(t) and not CPR.search(t), t
        assert not PHONE_PLUS45.search(t) and not PHONE_8.search(t), t

    # kiosk counts keep their dates and totals
    k = frames["kiosk"].assign(
        key=lambda d: d["library"].map(label_to_key), n=lambda d: d["n"].astype(int)
    )
    kiosk = kiosk.set_index("library_key")
    for key, g in k.groupby("key"):
        assert int(kiosk.loc[key].iloc[2]) == g["n"].sum()
        assert str(kiosk.loc[key].iloc[0])[:10] == g["date"].min()
        assert str(kiosk.loc[key].iloc[1])[:10] == g["date"].max()
