#!/usr/bin/env bash
# London-scale benchmark of the weekly UPW scheduler against an exact MILP.
#
#   crates/upw/bench/run.sh            # 6,000 people, 400 projects, seed 1
#   PEOPLE=2000 PROJECTS=150 SEED=3 crates/upw/bench/run.sh
#
# Generates a synthetic instance, times our solver (release build, best of 3 runs of
# `solve` alone, parsing excluded), solves the same instance as a MILP with
# scipy.optimize.milp (HiGHS), checks our schedule against the MILP's model and prints
# the figures docs/design.md#performance-targets asks for.
set -euo pipefail

PEOPLE=${PEOPLE:-6000}
PROJECTS=${PROJECTS:-400}
SEED=${SEED:-1}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$here/../../.."

python3 -c "import scipy" 2>/dev/null || pip install --quiet scipy

cargo build --quiet -p upw --release --examples
cargo run --quiet -p upw --release --example instance -- \
    --people "$PEOPLE" --projects "$PROJECTS" --seed "$SEED" > "$work/instance.json"
for run in 1 2 3; do
    cargo run --quiet -p upw --release --example solve -- "$work/instance.json" \
        > "$work/solution.json" 2>> "$work/timings.txt"
done
python3 "$here/exact_milp.py" "$work/instance.json" "$work/solution.json" > "$work/check.json"

python3 - "$work" "$PEOPLE" "$PROJECTS" "$SEED" <<'PY'
import json, sys
work, people, projects, seed = sys.argv[1:]
inst = json.load(open(f"{work}/instance.json"))
check = json.load(open(f"{work}/check.json"))
times = [float(line.split()[3]) for line in open(f"{work}/timings.txt")]
parse = [float(line.split()[1]) for line in open(f"{work}/timings.txt")]
print(f"instance            {people} people, {projects} projects, seed {seed}: "
      f"{len(inst['sessions'])} sessions, {len(inst['travel'])} travel pairs, "
      f"{check['eligible_pairs']} eligible pairs")
print(f"solve time          {min(times):.3f} s (best of {len(times)}; runs {', '.join(f'{t:.3f}' for t in times)}); "
      f"parse {min(parse):.3f} s")
print(f"our objective       {check['objective']:.6f} (recomputed from assignments {check['recomputed_objective']:.6f})")
print(f"MILP objective      {check['milp_objective']:.6f} (HiGHS, {check['milp_seconds']:.1f} s)")
print(f"relative gap        {check['relative_gap']:.2e}")
print(f"over capacity       {check['sessions_over_capacity']} sessions")
print(f"other violations    ineligible {check['ineligible_assignments']}, "
      f"two on a day {check['people_double_booked_on_a_day']}, "
      f"over max_sessions {check['people_over_max_sessions']}, "
      f"unassigned not listed {check['unassigned_missing_from_unplaced']}")
print("unplaced by reason  " + ", ".join(f"{r} {n}" for r, n in check["unplaced_by_reason"].items())
      + f" (total {sum(check['unplaced_by_reason'].values())})")
PY
