#!/usr/bin/env python3
"""Exact reference for the weekly UPW schedule: the docs/rules/practice.md#the-scheduling-problem model as a MILP.

    python3 exact_milp.py INSTANCE.json [SOLUTION.json]

Builds the model independently of the Rust solver (its own eligibility code) and solves
it with scipy.optimize.milp (HiGHS), printing the optimum objective. Given our solver's
SOLUTION.json as well, it also checks that solution against the same model: every
assignment eligible, no session over capacity, at most one session per person per day,
at most max_sessions per person, every unassigned person listed as unplaced, and the
objective recomputed from the assignments. Output is one JSON object on stdout.
"""

import json
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
FMT = "%Y-%m-%dT%H:%M"


def key(x):
    """Ids may be strings or integers; keep them distinct."""
    return json.dumps(x)


def eligible_pairs(inst):
    """Every (person index, session index, profit) allowed by docs/rules/practice.md#the-scheduling-problem."""
    sessions = inst["sessions"]
    by_project = defaultdict(list)
    for j, s in enumerate(sessions):
        s["_start"] = datetime.strptime(s["start"], FMT)
        s["_end"] = datetime.strptime(s["end"], FMT)
        s["_day"] = DAYS[s["_start"].weekday()]
        by_project[key(s["project"])].append(j)
    index = {key(p["id"]): i for i, p in enumerate(inst["people"])}
    travel = defaultdict(list)
    for t in inst["travel"]:
        travel[index[key(t["person"])]].append((key(t["project"]), t["cost"]))
    pairs = []
    for i, p in enumerate(inst["people"]):
        busy = [(datetime.strptime(a, FMT), datetime.strptime(b, FMT)) for a, b in p["busy"]]
        days = set(p["available_days"])
        for project, cost in travel[i]:
            for j in by_project[project]:
                s = sessions[j]
                if s["_day"] not in days:
                    continue
                if any(s["_start"] < b and a < s["_end"] for a, b in busy):
                    continue
                if s["women_only"] and p["gender"] != "F":
                    continue
                if p["women_only"] and not s["women_only"]:
                    continue
                if p["singleton"] != s["singleton"]:
                    continue
                pairs.append((i, j, p["weight"] * s["hours"] - cost))
    return pairs


def solve_milp(inst, pairs):
    """Maximise total profit. Pairs with profit <= 0 are left out: setting such a
    variable to 0 never breaks a constraint nor lowers the objective, so the optimum
    is unchanged (a standard presolve step that keeps HiGHS quick)."""
    people, sessions = inst["people"], inst["sessions"]
    pairs = [pair for pair in pairs if pair[2] > 0]
    n = len(pairs)
    if n == 0:
        return 0.0, 0.0
    profit = np.array([w for _, _, w in pairs])
    rows, cols, upper = [], [], []

    def add(members, bound):
        r = len(upper)
        for c in members:
            rows.append(r)
            cols.append(c)
        upper.append(bound)

    per_person, per_day, per_session = defaultdict(list), defaultdict(list), defaultdict(list)
    for c, (i, j, _) in enumerate(pairs):
        per_person[i].append(c)
        per_day[(i, sessions[j]["_day"])].append(c)
        per_session[j].append(c)
    for i, cs in per_person.items():
        add(cs, people[i]["max_sessions"])
    for cs in per_day.values():
        add(cs, 1)
    for j, cs in per_session.items():
        add(cs, sessions[j]["capacity"])
    a = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(upper), n))
    started = time.perf_counter()
    res = milp(
        -profit,
        constraints=LinearConstraint(a, -np.inf, np.array(upper, dtype=float)),
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        options={"mip_rel_gap": 0.0},
    )
    seconds = time.perf_counter() - started
    if not res.success:
        sys.exit(f"MILP failed: {res.message}")
    return -res.fun, seconds


def check(inst, pairs, sol):
    people, sessions = inst["people"], inst["sessions"]
    pidx = {key(p["id"]): i for i, p in enumerate(people)}
    sidx = {key(s["id"]): j for j, s in enumerate(sessions)}
    allowed = {(i, j): w for i, j, w in pairs}
    objective, ineligible = 0.0, 0
    load, per_person, per_day = Counter(), Counter(), Counter()
    for a in sol["assignments"]:
        i, j = pidx[key(a["person"])], sidx[key(a["session"])]
        if (i, j) not in allowed:
            ineligible += 1
            continue
        objective += allowed[(i, j)]
        load[j] += 1
        per_person[i] += 1
        per_day[(i, sessions[j]["_day"])] += 1
    unplaced = {key(u["person"]) for u in sol["unplaced"]}
    missing = sum(1 for i, p in enumerate(people) if per_person[i] == 0 and key(p["id"]) not in unplaced)
    return {
        "recomputed_objective": objective,
        "ineligible_assignments": ineligible,
        "sessions_over_capacity": sum(1 for j, n in load.items() if n > sessions[j]["capacity"]),
        "people_double_booked_on_a_day": len({i for (i, _), n in per_day.items() if n > 1}),
        "people_over_max_sessions": sum(1 for i, n in per_person.items() if n > people[i]["max_sessions"]),
        "unassigned_missing_from_unplaced": missing,
        "unplaced_by_reason": dict(sorted(Counter(u["reason"] for u in sol["unplaced"]).items())),
    }


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        inst = json.load(f)
    pairs = eligible_pairs(inst)
    optimum, seconds = solve_milp(inst, pairs)
    out = {"milp_objective": optimum, "milp_seconds": round(seconds, 3), "eligible_pairs": len(pairs)}
    if len(sys.argv) == 3:
        with open(sys.argv[2]) as f:
            sol = json.load(f)
        out.update(check(inst, pairs, sol))
        out["objective"] = sol["objective"]
        out["relative_gap"] = (optimum - sol["objective"]) / max(abs(optimum), 1e-9)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
