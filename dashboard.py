"""政府信息公开工作年度报告 — comparison dashboard. The router: app/router.py sets up every run (warehouse check,
login, global filters, navigation), then the chosen page of pages/ runs.

streamlit run dashboard.py          # reads data/warehouse (built from data/samples when missing)
WAREHOUSE_DIR=/path streamlit run dashboard.py
python -m etl demo && WAREHOUSE_DIR=data/demo/warehouse streamlit run dashboard.py   # marked 演示数据
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app import router  # noqa: E402

if __name__ == "__main__":
    router.run()
