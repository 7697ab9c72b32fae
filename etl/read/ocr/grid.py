"""A scanned page's geometry: its skew, and the ruling lines of its tables (OpenCV morphology).

A rule is a long thin run of ink: opening the binarised page with a long horizontal (vertical) kernel keeps
the rules and drops the strokes of characters. The skew of a slightly rotated scan is the median slope of the
long horizontal rules (or, with no table, of nothing: a page without rules is left as it is). Rules are given
in points (pdfplumber's ``line`` objects) so that the PDF reader's table finder rebuilds the cells,
spanning cells included.
"""

from __future__ import annotations

import cv2
import numpy as np

H_RULE_PT = 50.0  # a horizontal run of ink at least this long (pt) is a rule (a bold title's strokes join up to ~40)
V_RULE_PT = 13.0  # a vertical run this long is a rule (rows are ≥ 15 pt high, characters less)
MEET_PT = 3.0  # a vertical rule ending this close to a horizontal one meets it
SKEW_RULE_SHARE = 0.25  # rules at least this share of the page width measure the skew
MAX_SKEW = 5.0  # degrees: a larger estimate is not a slightly rotated scan; left alone
MIN_SKEW = 0.05  # degrees: below this a rotation costs more sharpness than it gains


def binarise(gray: np.ndarray) -> np.ndarray:
    """Ink as 255, paper as 0 (Otsu's threshold)."""
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return ink


def _runs(ink: np.ndarray, length: int, horizontal: bool) -> np.ndarray:
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if horizontal else (1, length))
    return cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)


def skew(gray: np.ndarray, dpi: float) -> float:
    """The angle (degrees, counter-clockwise positive as cv2 rotates) that makes the long rules level."""
    ink = binarise(gray)
    h_rules = _runs(ink, max(8, int(H_RULE_PT * dpi / 72 / 2)), True)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(h_rules, connectivity=8)
    angles, weights = [], []
    for k in range(1, n):
        x, y, w, h, area = stats[k]
        if w < SKEW_RULE_SHARE * gray.shape[1] or h > w / 8:
            continue
        ys, xs = np.nonzero(labels[y : y + h, x : x + w] == k)
        slope = np.polyfit(xs.astype(float), ys.astype(float), 1)[0]
        angles.append(np.degrees(np.arctan(slope)))
        weights.append(w)
    if not angles:
        return 0.0
    order = np.argsort(angles)
    cum = np.cumsum(np.asarray(weights, float)[order])
    angle = float(np.asarray(angles)[order][np.searchsorted(cum, cum[-1] / 2)])  # weighted median
    return angle if MIN_SKEW <= abs(angle) <= MAX_SKEW else 0.0


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)


def rules(ink: np.ndarray, dpi: float) -> tuple[list[dict], np.ndarray]:
    """(the page's rules as pdfplumber line objects in points, the mask of their pixels)."""
    scale = 72.0 / dpi
    out = []
    mask = np.zeros_like(ink)
    for horizontal, length in ((True, H_RULE_PT), (False, V_RULE_PT)):
        runs = _runs(ink, max(8, int(length / scale)), horizontal)
        mask |= runs
        n, _, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
        for x, y, w, h, _area in stats[1:]:
            if horizontal:
                yc = (y + h / 2) * scale
                x0, x1 = x * scale, (x + w) * scale
                out.append(
                    {
                        "object_type": "line",
                        "x0": x0,
                        "x1": x1,
                        "top": yc,
                        "bottom": yc,
                        "width": x1 - x0,
                        "height": 0.0,
                        "orientation": "h",
                    }
                )
            else:
                xc = (x + w / 2) * scale
                top, bottom = y * scale, (y + h) * scale
                out.append(
                    {
                        "object_type": "line",
                        "x0": xc,
                        "x1": xc,
                        "top": top,
                        "bottom": bottom,
                        "width": 0.0,
                        "height": bottom - top,
                        "orientation": "v",
                    }
                )
    hs = [e for e in out if e["orientation"] == "h"]
    out = hs + [v for v in out if v["orientation"] == "v" and _meets(v, hs)]
    return out, cv2.dilate(mask, np.ones((3, 3), np.uint8))


def _meets(v: dict, hs: list[dict]) -> bool:
    """A vertical rule ends on a horizontal one (at the top or the bottom; a table cut by a page break is open
    at one end): the vertical strokes of a large title do not."""
    return any(
        h["x0"] - MEET_PT <= v["x0"] <= h["x1"] + MEET_PT
        and (abs(h["top"] - v["top"]) <= MEET_PT or abs(h["top"] - v["bottom"]) <= MEET_PT)
        for h in hs
    )
