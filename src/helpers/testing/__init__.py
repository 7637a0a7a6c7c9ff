"""What the tests and the benchmarks share: the repository's base period, temporary layouts built
from it, and realistic later months (`months`, `synthetic`).

Nothing here writes into the repository: every layout is a copy under a folder the caller gives
(a test's tmp_path, a benchmark's temporary folder). The pipeline never imports this package
(freshness counts it as command-line-only code, so editing it reruns no stage).
"""

from __future__ import annotations

from ..io.paths import project_root

ROOT = project_root()
# The one real period every test and benchmark builds from: the first report we have.
PERIOD = "2021-10"
BASE_RAW = ROOT / "data" / "raw" / PERIOD
REFERENCE = ROOT / "data" / "reference"
