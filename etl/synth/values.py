"""Numbers for one report that obey every consistency rule (etl.checks.rules), with per-agency state so the
cross-year rules hold too (上年结转 = last year's 结转, 现行有效 and 上一年项目数量 roll forward, 历年累计 chains)."""

from __future__ import annotations

import random

from etl.checks.rules import S3_OUTCOMES
from warehouse.contract import APPLICANTS

CellKey = tuple
PARTIES = APPLICANTS[:-1]
# how busy each kind of applicant column is, relative to 自然人
_PARTY_SCALE = {
    "natural_person": 1.0,
    "business": 0.25,
    "research": 0.02,
    "social_org": 0.03,
    "legal_service": 0.08,
    "other_org": 0.05,
}
# relative frequency of each outcome row
_OUTCOME_W = {
    "outcome.granted": 1.0,
    "outcome.partial": 0.15,
    "outcome.unable.not_held": 0.6,
    "outcome.unable.needs_creation": 0.1,
    "outcome.unable.unclear": 0.08,
    "outcome.unprocessed.petition": 0.2,
    "outcome.unprocessed.repeat": 0.08,
}


def _n(rng: random.Random, scale: float) -> int:
    """A small count, often zero, with a long tail."""
    if scale <= 0 or rng.random() < 0.35:
        return 0
    return int(rng.expovariate(1.0 / scale))


def _y(key, basis="year", applicant=None) -> CellKey:
    return (key, applicant, basis)


def old_national(rng, scale: float, state: dict) -> dict:
    v: dict = {}
    ch = {
        k: _n(rng, scale * w)
        for k, w in (
            ("channel.gazette", 0.3),
            ("channel.website", 20),
            ("channel.weibo", 3),
            ("channel.wechat", 3),
            ("channel.other", 4),
        )
    }
    for k, x in ch.items():
        v[_y(k)] = x
    top, tot = max(ch.values()), sum(ch.values())
    v[_y("active.total")] = rng.randint(top, tot)
    v[_y("active.normative_published")] = _n(rng, scale * 0.5)
    v[_y("active.normative_issued")] = v[_y("active.normative_published")] + _n(rng, 1)
    v[_y("response.hotspots")] = _n(rng, scale * 0.3)
    for k in ("press_conferences", "online_interviews"):
        v[_y(f"response.{k}")] = n = _n(rng, scale * 0.2)
        v[_y(f"response.{k}_head")] = rng.randint(0, n)
    for k, w in (("interpretations", 1.0), ("weibo_wechat", 0.3), ("other", 0.3)):
        v[_y(f"response.{k}")] = _n(rng, scale * w)
    parts = {k: _n(rng, scale * w) for k, w in (("in_person", 0.3), ("fax", 0.02), ("online", 0.5), ("letter", 0.2))}
    for k, x in parts.items():
        v[_y(f"request.received.{k}")] = x
    received = v[_y("request.received")] = sum(parts.values())
    closed = rng.randint(max(0, received - 2), received)
    extended = rng.randint(0, min(closed, 2))
    v[_y("request.closed")], v[_y("request.closed.on_time")], v[_y("request.closed.extended")] = (
        closed,
        closed - extended,
        extended,
    )
    reasons = {
        k: (_n(rng, 0.5) if rng.random() < 0.3 else 0)
        for k in ("state_secret", "commercial_secret", "privacy", "security_stability", "not_gov_info", "other_law")
    }
    for k, x in reasons.items():
        v[_y(f"request.answered.denied.{k}")] = x
    v[_y("request.answered.denied")] = denied = sum(reasons.values())
    ans = {
        "already_public": _n(rng, closed * 0.3 + 0.5),
        "granted": _n(rng, closed * 0.4 + 0.5),
        "partial": _n(rng, 0.5),
        "not_this_agency": _n(rng, 0.5),
        "not_exist": _n(rng, 0.5),
        "correction": _n(rng, 0.3),
        "other_route": _n(rng, 0.3),
    }
    for k, x in ans.items():
        v[_y(f"request.answered.{k}")] = x
    v[_y("request.answered")] = sum(ans.values()) + denied
    for group in ("review", "litigation"):
        p = [_n(rng, 0.6) for _ in range(3)]
        v[_y(f"{group}.upheld")], v[_y(f"{group}.corrected")], v[_y(f"{group}.other")] = p
        v[_y(f"{group}.total")] = sum(p)
    v[_y("complaints.total")] = _n(rng, 0.5)
    v[_y("fees.collected")] = 0 if rng.random() < 0.9 else round(rng.randint(1, 50) / 100, 2)
    v[_y("org.units")] = rng.randint(1, max(1, int(scale / 10)))
    v[_y("org.reading_points")] = rng.randint(0, max(1, int(scale / 8)))
    ft, pt = rng.randint(0, 5), rng.randint(0, int(scale / 3) + 2)
    v[_y("staff.total")], v[_y("staff.full_time")], v[_y("staff.part_time")] = ft + pt, ft, pt
    v[_y("budget.special_funds")] = rng.choice([0, 0, 1, 2, 3.5, 5, 10, 12.8])
    v[_y("meetings.total")] = _n(rng, 3)
    v[_y("training.sessions")] = s = _n(rng, 3)
    v[_y("training.attendees")] = s * rng.randint(10, 80)
    return v


def _fujian_year(rng, scale: float, fields: dict) -> dict:
    """One basis (a year's figures) of a Fujian table; `fields` lists its channel/answer rows."""
    v = {}
    web, gaz = _n(rng, scale * 20), _n(rng, scale * 0.3)
    v["channel.website"], v["channel.gazette"], v["active.total"] = web, gaz, web + gaz
    recv = {k: _n(rng, scale * 0.3) for k in fields["received"]}
    v.update(recv)
    v["request.received"] = total = sum(recv.values())
    answered = rng.randint(max(0, total - 2), total)
    rest = answered
    for k in fields["answered"][1:]:
        x = rng.randint(0, min(rest, 1 if rng.random() < 0.7 else rest))
        v[k], rest = x, rest - x
    v[fields["answered"][0]] = rest
    v["request.answered"] = answered
    for k in ("review.total", "litigation.total", "complaints.total"):
        v[k] = _n(rng, 0.4)
    if "fees" in fields:
        v["fees.collected"] = 0 if rng.random() < 0.85 else rng.randint(1, 3000) * 10  # 元 for now
    return v


FUJIAN_FIELDS = {
    "fujian2009": {
        "received": [f"request.received.{k}" for k in ("in_person", "fax", "email", "online", "letter", "other")],
        "answered": ["request.answered.granted", "request.answered.partial", "request.answered.denied"],
    },
    "fujian2014": {
        "received": [f"request.received.{k}" for k in ("in_person", "online", "letter")],
        "answered": [
            "request.answered.granted",
            "request.answered.partial",
            "request.answered.denied",
            "request.answered.other",
        ],
        "fees": True,
    },
}


def fujian(rng, scale: float, state: dict, spec_name: str) -> dict:
    """本年度 and 历年累计: the cumulative column is last year's cumulative plus this year (chain rule), and on
    the agency's first report a consistent invented history."""
    fields = FUJIAN_FIELDS[spec_name]
    year = _fujian_year(rng, scale, fields)
    prev = state.get("fujian_cum")
    if prev is None or set(prev) != set(year):
        history = _fujian_year(rng, scale * rng.randint(1, 5), fields)
        prev = {k: history[k] for k in year}
    cum = {k: prev[k] + year[k] for k in year}
    state["fujian_cum"] = cum
    out, raw = {}, {}
    for k in year:
        for basis, x in (("year", year[k]), ("cumulative", cum[k])):
            if k == "fees.collected":  # printed in 元 (unit column), kept in 万元
                raw[(k, None, basis)] = str(x)
                x = round(x / 10000, 6)
            out[(k, None, basis)] = x
    return out, raw


def modern(rng, scale: float, state: dict, template: str) -> tuple[dict, dict]:
    v: dict = {}
    raw: dict = {}
    outcomes = S3_OUTCOMES[template]
    carried = state.get("carried_out") or {p: (_n(rng, 0.5) if rng.random() < 0.3 else 0) for p in PARTIES}
    new_carry = {}
    for p in PARTIES:
        s = scale * _PARTY_SCALE[p] * 0.4
        row = {o: _n(rng, s * _OUTCOME_W.get(o, 0.03)) for o in outcomes}
        total = sum(row.values())
        carried_in = carried.get(p, 0)
        carried_out = _n(rng, 0.6) if rng.random() < 0.3 else 0
        new = total + carried_out - carried_in
        if new < 0:
            row["outcome.granted"] += -new
            total += -new
            new = 0
        for o, x in row.items():
            v[(o, p, "year")] = x
        v[("outcome.total", p, "year")] = total
        v[("request.new", p, "year")] = new
        v[("request.carried_in", p, "year")] = carried_in
        v[("request.carried_out", p, "year")] = carried_out
        new_carry[p] = carried_out
    state["carried_out"] = new_carry
    for m in ["request.new", "request.carried_in", *outcomes, "outcome.total", "request.carried_out"]:
        v[(m, "total", "year")] = sum(v[(m, p, "year")] for p in PARTIES)
    for g in ("review", "litigation_direct", "litigation_after_review"):
        parts = [_n(rng, 0.7) for _ in range(4)]
        for r, x in zip(("upheld", "corrected", "other", "pending"), parts):
            v[_y(f"{g}.{r}")] = x
        v[_y(f"{g}.total")] = sum(parts)
    if template == "2019":
        for k in ("rules", "normative"):
            made = _n(rng, scale * 0.1)
            pub = rng.randint(0, made) if made else 0
            total = state.get(f"{k}.public_total", _n(rng, scale * 2)) + pub
            state[f"{k}.public_total"] = total
            v[_y(f"{k}.made")], v[_y(f"{k}.published")], v[_y(f"{k}.public_total")] = made, pub, total
        for k in ("license", "admin_service", "penalty", "coercion", "admin_fees"):
            prev = state.get(f"{k}.next_prev")
            prev = _n(rng, scale * 3) if prev is None else prev
            change = 0 if rng.random() < 0.6 else rng.randint(-min(prev, 20), 20)
            state[f"{k}.next_prev"] = prev + change
            v[_y(f"{k}.prev_items")], v[_y(f"{k}.change")] = prev, change
            if k != "admin_fees":
                v[_y(f"{k}.decisions")] = _n(rng, scale * 20)
        v[_y("procurement.projects")] = _n(rng, scale * 0.3)
        yuan = rng.randint(0, 9_000_000) * 10 if v[_y("procurement.projects")] else 0
        cents = rng.choice([0, 0, rng.randint(1, 99)]) if yuan else 0
        raw[_y("procurement.amount")] = f"{yuan}元" if not cents else f"{yuan}.{cents:02d}元"
        v[_y("procurement.amount")] = round((yuan + cents / 100) / 10000, 6)
    else:
        for k in ("rules", "normative"):
            made, rep = _n(rng, scale * 0.1), _n(rng, scale * 0.05)
            prev = state.get(f"{k}.in_force", _n(rng, scale * 2) + rep)
            rep = min(rep, prev + made)
            v[_y(f"{k}.made")], v[_y(f"{k}.repealed")] = made, rep
            v[_y(f"{k}.in_force")] = state[f"{k}.in_force"] = prev + made - rep
        for k in ("license", "penalty", "coercion"):
            v[_y(f"{k}.decisions")] = _n(rng, scale * 20)
        v[_y("admin_fees.amount")] = 0 if rng.random() < 0.5 else round(rng.randint(1, 10**9) / 10**6, 6)
    return v, raw


def values_for(spec_name: str, rng: random.Random, scale: float, state: dict) -> tuple[dict, dict]:
    """(values in the catalogue unit, printed text of cells that print differently: 元 amounts)."""
    if spec_name == "national":
        return old_national(rng, scale, state), {}
    if spec_name.startswith("fujian"):
        return fujian(rng, scale, state, spec_name)
    return modern(rng, scale, state, spec_name)
