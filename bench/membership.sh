#!/bin/bash
# SPEC §14 benchmark: bulk membership commands with the audit trail (one audit row per patient changed, written in
# the same transaction). Release build.
#
# Usage: bench/membership.sh [PATIENTS]   (default 100000)
#
# Makes `cparctl sample-data --patients N --panels 1 --seed 1` under bench/out/membership-N (one panel, so one
# provider is every patient's MRP), sets up the site and panel, then times under /usr/bin/time -v:
#   bulk import  — every row of panel-import.csv joins the panel (N audit rows)
#   bulk remove  — the whole panel emptied (N audit rows)
#   bulk assign  — every active patient of the provider joins again (≈0.9·N audit rows)
# and prints wall time, CPU time (user + system), peak RSS and the audit rows each wrote (the machine's load average
# goes to stderr: wall time on a busy machine says little). The target (SPEC §14): under 2 s at 100k patients.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
out=$(pwd)/bench/out/membership-$n
echo "building release…" >&2
swift build -c release >&2
bin=$(swift build -c release --show-bin-path)
export PATH="$bin:$PATH"
rm -rf "$out" && mkdir -p "$out/state" "$out/spool"
cparctl sample-data --out "$out/emr" --patients "$n" --panels 1 --seed 1 > /dev/null
cat > "$out/cpard.conf" <<CONF
emr.data_dir = emr
state.dir = state
spool.dir = spool
blackout.enabled = false
CONF
# The setup script without its final bulk import (timed below).
grep -v ' bulk import ' "$out/emr/setup-panels.sh" > "$out/setup.sh"
sh "$out/setup.sh" --config "$out/cpard.conf" > /dev/null
panel=$(sed -n 's/.* --number \([0-9]*\) .*/\1/p' "$out/setup.sh" | head -1)
audit_rows() { sqlite3 "$out/state/cpard.sqlite" 'SELECT count(*) FROM membership_audit'; }

printf '%-12s %-8s %-8s %-8s %-10s\n' command wall_s cpu_s rss_MB audit_rows
timed() {
    local name=$1 before after status=0
    shift
    before=$(audit_rows)
    /usr/bin/time -v -o "$out/time.txt" cparctl "$@" --config "$out/cpard.conf" > "$out/$name.txt" 2>&1 || status=$?
    # Exit 1 = "ran and found problems" (the sample import names a few unknown patients): expected.
    if [ $status -gt 1 ]; then echo "$name failed ($status):" >&2; cat "$out/$name.txt" >&2; exit 1; fi
    after=$(audit_rows)
    awk -v name="$name" -v rows=$((after - before)) '
        /Elapsed \(wall clock\)/ { n = split($NF, t, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + t[i] }
        /User time \(seconds\)|System time \(seconds\)/ { cpu += $NF }
        /Maximum resident set size/ { rss = $NF / 1024 }
        END { printf "%-12s %-8.2f %-8.2f %-8.0f %-10d\n", name, w, cpu, rss, rows }' "$out/time.txt"
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
timed "bulk-import" bulk import --csv "$out/emr/panel-import.csv"
timed "bulk-remove" bulk remove --panel "$panel"
timed "bulk-assign" bulk assign --provider PR0001 --panel "$panel" --as-of 2026-11-01
