"""政府信息公开工作年度报告 — comparison dashboard. The router: app/router.py sets up every run (warehouse check,
login, global filters, navigation), then the chosen page of pages/ runs.

streamlit run dashboard.py          # reads data/warehouse (built from data/samples when missing)
WAREHOUSE_DIR=/path streamlit run dashboard.py
python -m etl demo && WAREHOUSE_DIR=data/demo/warehouse streamlit run dashboard.py   # marked 演示数据
"""

from __future__ import annotations

from app import router  # `streamlit run` puts this folder on sys.path itself

if __name__ == "__main__":
    router.run()
