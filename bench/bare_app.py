"""The bare Streamlit page of benchmark 5: one Altair scatter of the Overview's points, no more.

It reads the points that ``bench.browser`` wrote to the CSV named by ``$BENCH_POINTS`` (the
Overview's published scatter points of the latest period: label, staff_index, patron_index) and
draws them as plain circles: the least a page showing the same chart can do. The Overview is
timed against this page.
"""

from __future__ import annotations

import os

import altair as alt
import pandas as pd
import streamlit as st

st.title("Bare chart")
points = pd.read_csv(os.environ["BENCH_POINTS"])
st.altair_chart(
    alt.Chart(points)
    .mark_circle(size=120)
    .encode(
        x=alt.X("staff_index:Q", scale=alt.Scale(zero=False)),
        y=alt.Y("patron_index:Q", scale=alt.Scale(zero=False)),
        tooltip=["label:N"],
    ),
    width="stretch",
)
