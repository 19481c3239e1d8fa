"""The demo forum: 15 Danish public libraries with a known, documented truth.

One module per part: ``spec`` (the fixed design and the parameters), ``model`` (exact expected
answers on the index scale), ``world`` (the seeded simulation and its realised truth), ``files``
(the upload files and the demo database), ``expected`` (what the product should find, computed
without a database). Everything a caller needs is importable from ``servicemirror.app.demo``.

:func:`generate` draws a forum from a seeded generative model and WRITES the files a library would
upload (the product's generic long CSV, generic aggregates CSV and kiosk counts CSV). :func:`build_demo`
then loads those files through the ordinary load path (``etl.load.load_file``), never a side door.

The model, every parameter and how to read it on the 0-100 index scale are documented in
``data/demo/README.md``; the parameter values live in :data:`PARAMETERS` and are returned, together
with the realised draws, in ``DemoFiles.truth``.

Latent model (all on the 1-5 answer scale; ``rc`` = round to the nearest scale point and clip)::

    staff    S[j,t] = staff_mu + u[j] + w[j,t],   w[j,t] = v[j,t] + gamma_reverse * e[j,t-1]
             u ~ N(0, staff_sd_library), v ~ N(0, staff_sd_year)
             s_i = S[j,t] + N(0, staff_sd_person);  core_wk = rc(s_i + staff_item_offsets[k] + N(0, staff_sd_item))
    patrons  P[j,t] = patron_mu + a[j] + beta_B * u[j] + beta_W * w[j,t] + e[j,t]
             a ~ N(0, patron_sd_library), e ~ N(0, patron_sd_year)
             y_i = P[j,t] + segment effects + N(0, patron_sd_person);  core_sat = rc(y_i)
             tp_x = rc(y_i + touchpoint_offsets[x] + c[j,x] + project effect + N(0, touchpoint_sd_item))
"""

from servicemirror.app.demo.expected import (
    estimates,
    observed_cells,
    published_cells,
    truth_markdown,
)
from servicemirror.app.demo.files import (
    DemoFiles,
    branches_frame,
    build_demo,
    generate,
    libraries_frame,
)
from servicemirror.app.demo.model import (
    _patron_index_true,
    _segment_mixture,
    _staff_index_true,
    expected_answer,
    to_index,
)
from servicemirror.app.demo.spec import (
    AGGREGATE_COLUMNS,
    AGGREGATE_GAPS,
    COMMENTS_NEGATIVE,
    COMMENTS_POSITIVE,
    COMMENTS_TOUCHPOINT,
    DEMO_TARGETS,
    EMAIL_DOMAINS,
    EMAIL_USERS,
    ITEMS,
    KIOSK_COLUMNS,
    KIOSK_QUESTION,
    KIOSK_TERMINALS,
    LIBRARY_SPECS,
    LONG_COLUMNS,
    OPEN_HOURS,
    PARAMETERS,
    PERIODS,
    PII_TEMPLATES,
    PROJECT_SPECS,
    SEGMENT_COLUMNS,
    SMALL_STAFF_CELLS,
    STAFF_FIRST_NAMES,
    STAFF_ITEMS,
    STAFFED_HOURS,
    TOUCHPOINT_ITEMS,
    TOUCHPOINTS,
    VED_IKKE,
)
from servicemirror.app.demo.world import _rc, simulate_world

# the model's private helpers stay reachable here for the tests that check the truth against them
__all__ = [
    "AGGREGATE_COLUMNS",
    "AGGREGATE_GAPS",
    "COMMENTS_NEGATIVE",
    "COMMENTS_POSITIVE",
    "COMMENTS_TOUCHPOINT",
    "DEMO_TARGETS",
    "EMAIL_DOMAINS",
    "EMAIL_USERS",
    "ITEMS",
    "KIOSK_COLUMNS",
    "KIOSK_QUESTION",
    "KIOSK_TERMINALS",
    "LIBRARY_SPECS",
    "LONG_COLUMNS",
    "OPEN_HOURS",
    "PARAMETERS",
    "PERIODS",
    "PII_TEMPLATES",
    "PROJECT_SPECS",
    "SEGMENT_COLUMNS",
    "SMALL_STAFF_CELLS",
    "STAFF_FIRST_NAMES",
    "STAFF_ITEMS",
    "STAFFED_HOURS",
    "TOUCHPOINT_ITEMS",
    "TOUCHPOINTS",
    "VED_IKKE",
    "DemoFiles",
    "_patron_index_true",
    "_rc",
    "_segment_mixture",
    "_staff_index_true",
    "branches_frame",
    "build_demo",
    "estimates",
    "expected_answer",
    "generate",
    "libraries_frame",
    "observed_cells",
    "published_cells",
    "simulate_world",
    "to_index",
    "truth_markdown",
]
