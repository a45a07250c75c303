"""The tests import the reports in bench/report by name, as the reports import their shared
module (tsv_rows) when scripts run them: from that folder."""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "bench" / "report"))
