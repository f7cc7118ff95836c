#!/usr/bin/env bash
# SPEC §12: boots a real systemd as PID 1 in Linux namespaces on this machine (boot.sh), installs the .deb in it
# with the Swift toolchain hidden, follows README's "Install on a host" step by step, and checks every item SPEC §12
# lists against the registry simulator running inside over mutual TLS. Tears everything down on any exit (PID 1
# killed, so the namespaces and their mounts go; the test's cgroup removed; the scratch directory deleted) and never
# touches the host's own services. Fails loudly, never skips, when systemd cannot boot. Needs root.
#   Tests/system/run.sh [dist/cpard_VERSION_ARCH.deb]      (default: the newest in dist/)
# Prints one PASS/FAIL line per check and a closing "N passed, N failed"; exits 1 when anything failed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+: $2}"; failed=$((failed + 1)); }
check() { local name=$1; shift; local out; if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$(echo "$out" | tail -5)"; fi; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; }
# A step everything after depends on: when it fails, say so and stop (the trap tears down).
critical() { local name=$1; shift; local out; if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$(echo "$out" | tail -8)"; finish; exit 1; fi; }
cannot() { echo "systemd test: CANNOT RUN: $*" >&2; failed=$((failed + 1)); finish; exit 1; }

# --- preconditions: every missing piece is a failure with its reason, never a skip
[ "$(id -u)" -eq 0 ] || cannot "must run as root (it mounts, makes namespaces and a cgroup)"
for tool in unshare nsenter findmnt mount pivot_root; do
  command -v "$tool" >/dev/null || cannot "$tool is not installed (util-linux)"
done
[ -x /lib/systemd/systemd ] || cannot "/lib/systemd/systemd is missing (apt-get install systemd)"
deb=${1:-$(ls -t "$repo"/dist/cpard_*.deb 2>/dev/null | head -1)}
[ -n "$deb" ] && [ -f "$deb" ] || cannot "no package: run scripts/package first"
cgroot=$(findmnt -n -t cgroup2 -o TARGET | head -1)
[ -n "$cgroot" ] || cannot "no cgroup2 hierarchy is mounted on this host (see /proc/self/mountinfo)"

# A run killed outright (SIGKILL: no trap) leaves its systemd and cgroup behind; its run.sh PID is in the name.
for stale in "$cgroot"/cpard-systemd-test.*; do
  [ -d "$stale" ] || continue
  kill -0 "${stale##*.}" 2>/dev/null && continue
  echo "systemd test: removing $stale left by a killed run"
  echo 1 > "$stale/cgroup.kill" 2>/dev/null
  for _ in $(seq 50); do
    grep -q "populated 0" "$stale/cgroup.events" 2>/dev/null && find "$stale" -depth -type d -exec rmdir {} + 2>/dev/null
    [ -d "$stale" ] || break
    sleep 0.1
  done
  rm -rf /tmp/cpard-systemd."${stale##*.}".*
done

scratch=$(mktemp -d "/tmp/cpard-systemd.$$.XXXXXX")
cg=$cgroot/cpard-systemd-test.$$
launcher=""
pid1=""
leftover=""
teardown() {
  set +e
  [ -n "$pid1" ] && kill -KILL "$pid1" 2>/dev/null
  [ -n "$launcher" ] && { kill -KILL "$launcher" 2>/dev/null; wait "$launcher" 2>/dev/null; }
  # Killing a pid namespace's init kills every process in it; once the cgroup is empty (dying tasks included:
  # cgroup.events says populated 0), remove it bottom-up, retrying while the kernel finishes the exits.
  if [ -d "$cg" ]; then
    for _ in $(seq 100); do
      grep -q "populated 0" "$cg/cgroup.events" 2>/dev/null && find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null
      [ -d "$cg" ] || break
      sleep 0.1
    done
    [ -d "$cg" ] && leftover+="cgroup $cg; "
  fi
  findmnt -rn -o TARGET | grep -q "^$scratch" && leftover+="mounts under $scratch; "
  rm -rf "$scratch"
  [ -n "$leftover" ] && echo "systemd test: left behind: $leftover" >&2
  pid1=""; launcher=""
}
trap teardown EXIT
trap 'exit 130' INT TERM

mkdir -p "$scratch/state" "$scratch/payload/tools"
cp "$deb" "$scratch/payload/"
cp -r "$repo/tools/certs" "$repo/tools/registry-sim" "$repo/tools/helperlib.py" "$scratch/payload/tools/"
cp "$repo/README.md" "$here/sim_posts.py" "$scratch/payload/"
mkdir "$cg" || cannot "cannot create the test cgroup $cg"

# --- boot
started=$(date +%s)
( echo "$BASHPID" > "$cg/cgroup.procs" \
  && exec unshare --pid --mount --uts --ipc --net --cgroup --fork --kill-child -- \
       "$here/boot.sh" "$scratch/state" "$scratch/payload" ) > "$scratch/boot.log" 2>&1 < /dev/null &
launcher=$!
for _ in $(seq 100); do
  pid1=$(cat "/proc/$launcher/task/$launcher/children" 2>/dev/null | awk '{print $1}')
  [ -n "$pid1" ] && break
  sleep 0.1
done
[ -n "$pid1" ] || cannot "unshare did not start PID 1: $(cat "$scratch/boot.log")"

# in_ct CMD…: runs CMD inside the container (all its namespaces, its root), as root with a clean environment.
in_ct() {
  nsenter -t "$pid1" -m -u -i -n -p -C -r -w -- \
    /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root "$@"
}
sh_ct() { in_ct /bin/bash -c "cd / && $1"; }
ctl() { in_ct runuser -u cpard -- cparctl --config /etc/cpard/cpard.conf "$@"; }

booted=""
for _ in $(seq 120); do
  if [ "$(cat "/proc/$pid1/comm" 2>/dev/null)" = systemd ]; then
    state=$(in_ct systemctl is-system-running 2>/dev/null)
    case "$state" in running|degraded) booted=$state; break ;; esac
  elif ! kill -0 "$pid1" 2>/dev/null; then
    break
  fi
  sleep 0.5
done
if [ -z "$booted" ]; then
  echo "--- boot log" >&2; tail -n 40 "$scratch/boot.log" >&2
  cannot "systemd did not boot in the namespaces (state: ${state:-none}; see the boot log above)"
fi
pass "systemd boots as PID 1 in namespaces ($booted in $(( $(date +%s) - started )) s)"
[ "$booted" = degraded ] && { echo "note: failed units:"; in_ct systemctl --failed --no-legend; }

# --- README "Install on a host", step by step
check "the Swift toolchain is hidden" sh_ct '! command -v swift && [ ! -e /opt/swift/usr ]'
critical "apt-get install ./cpard_*.deb (offline)" sh_ct 'cd /srv/cpard-test && apt-get install -y -q ./cpard_*.deb'
for tool in cpard cparctl; do
  libs=$(in_ct ldd /usr/bin/$tool 2>&1)
  if [ $? -ne 0 ] || echo "$libs" | grep -Eq 'swift|/opt/|not found'; then fail "ldd $tool: only Debian libraries" "$libs"
  else pass "ldd $tool: only Debian libraries"; fi
done
check "cpard --version runs without the toolchain" sh_ct 'cpard --version | grep -q "^cpard "'
check "nothing started on install" sh_ct '! systemctl is-active --quiet cpard.service && [ "$(systemctl is-enabled cpard.service)" = disabled ]'
check "postinst made user, groups and directories" sh_ct '
  id cpard && getent group cpard-submit | grep -q cpard &&
  [ "$(stat -c %U:%a /var/lib/cpard)" = cpard:750 ] &&
  [ "$(stat -c %U:%G:%a /var/spool/cpard/incoming)" = cpard:cpard-submit:2770 ]'
# The postinst without systemd (a chroot or container without it): the same user, groups and directories by
# adduser and install. Run with no /run/systemd and a PATH without systemd-* tools, after removing what it made.
check "postinst without systemd makes the same user, groups and directories" sh_ct '
  userdel cpard && groupdel cpard-submit && { groupdel cpard 2>/dev/null || true; } && rm -rf /var/lib/cpard /var/spool/cpard &&
  mkdir /tmp/nosd && for f in /usr/bin/* /usr/sbin/*; do case ${f##*/} in systemd-*) ;; *) ln -sf "$f" /tmp/nosd/ ;; esac; done &&
  unshare -m sh -c "mount -t tmpfs none /run && PATH=/tmp/nosd /var/lib/dpkg/info/cpard.postinst configure" &&
  rm -r /tmp/nosd &&
  id cpard && getent group cpard-submit | grep -q cpard &&
  [ "$(stat -c %U:%G:%a /var/lib/cpard)" = cpard:cpard:750 ] &&
  [ "$(stat -c %U:%G:%a /var/spool/cpard)" = cpard:cpard-submit:750 ] &&
  [ "$(stat -c %U:%G:%a /var/spool/cpard/incoming)" = cpard:cpard-submit:2770 ] &&
  [ "$(stat -c %U:%G:%a /var/spool/cpard/active)" = cpard:cpard:750 ] &&
  [ "$(stat -c %U:%G:%a /var/spool/cpard/rejected)" = cpard:cpard-submit:2750 ]'
check "cpard.conf is a conffile" sh_ct 'dpkg-query -W -f="\${Conffiles}" cpard | grep -q /etc/cpard/cpard.conf'

# Test PKI, sample EMR export, and the registry simulator (mutual TLS) inside the container.
critical "test certificates" sh_ct 'bash /srv/cpard-test/tools/certs/make-certs.sh /srv/cpard-test/certs'
critical "sample EMR export" sh_ct 'install -d -o root -g cpard -m 0750 /srv/emr-export &&
       cparctl sample-data --out /srv/emr-export --patients 300 --panels 2 --seed 7 >/dev/null &&
       chgrp -R cpard /srv/emr-export && chmod -R g+rX /srv/emr-export'
critical "start the registry simulator" sh_ct 'install -d /srv/sim && systemd-run --quiet --unit=registry-sim -p Restart=no \
  /usr/bin/python3 /srv/cpard-test/tools/registry-sim/registry_sim.py \
  --cert /srv/cpard-test/certs/server.pem --key /srv/cpard-test/certs/server.key \
  --client-ca /srv/cpard-test/certs/ca.pem --port 18443 --port-file /run/registry-sim.port \
  --record-dir /srv/sim --faults /srv/sim/faults.json --xsd /usr/share/cpard/cpar-submission.xsd'

# Edit the config (README: registry URL and files, EMR directory; here also short intervals for the test).
critical "edit cpard.conf" sh_ct 'c=/etc/cpard/cpard.conf && sed -i \
  -e "s#^registry.url = .*#registry.url = https://localhost:18443/submissions#" \
  -e "s#^emr.data_dir = .*#emr.data_dir = /srv/emr-export#" \
  -e "s#^registry.poll_interval = .*#registry.poll_interval = 1s#" \
  -e "s#^retry.min_backoff = .*#retry.min_backoff = 1s#" \
  -e "s#^retry.max_backoff = .*#retry.max_backoff = 2s#" \
  -e "s#^spool.rescan_interval = .*#spool.rescan_interval = 1h#" \
  -e "s#^blackout.enabled = .*#blackout.enabled = false#" \
  -e "s#^shutdown_timeout = .*#shutdown_timeout = 5s#" $c'
# The client certificate and CA, and the key where LoadCredential= reads it (root only).
critical "install the client certificate, CA and key" sh_ct 'install -m 0644 /srv/cpard-test/certs/client.pem /etc/cpard/client.pem &&
       install -m 0644 /srv/cpard-test/certs/ca.pem /etc/cpard/registry-ca.pem &&
       install -m 0600 /srv/cpard-test/certs/client.key /etc/cpard/client.key'
check "cpard --check-config (as root) accepts it" in_ct cpard --check-config

# Before cpard ever started: site and panels as the cpard user.
if out=$(ctl site set --name "Test Clinic" --site-id 480123 2>&1); then pass "cparctl site set before cpard first starts"
else fail "cparctl site set before cpard first starts" "$out"; fi
check "the state database belongs to cpard" sh_ct '[ "$(stat -c %U /var/lib/cpard/cpard.sqlite)" = cpard ]'
if out=$(in_ct runuser -u cpard -- sh /srv/emr-export/setup-panels.sh --config /etc/cpard/cpard.conf 2>&1); then
  pass "panels set up as cpard (no access to the key)"
else fail "panels set up as cpard (no access to the key)" "$out"; fi
critical "the registry simulator listens" sh_ct 'for i in $(seq 100); do [ -s /run/registry-sim.port ] && exit 0; sleep 0.1; done
  journalctl -q -u registry-sim.service -o cat; exit 1'

critical "systemctl enable --now" in_ct systemctl enable --now cpard.service cpard-monthly.timer cpard-nudge.path

check "systemd-analyze verify on the installed units" in_ct systemd-analyze verify --man=no /lib/systemd/system/cpard.service \
  /lib/systemd/system/cpard-monthly.service /lib/systemd/system/cpard-monthly.timer /lib/systemd/system/cpard-nudge.path \
  /lib/systemd/system/cpard-nudge.service
exposure=$(in_ct systemd-analyze security cpard.service 2>&1 | sed -n 's/.*Overall exposure level for cpard.service: \([0-9.]*\).*/\1/p')
if [ -n "$exposure" ] && awk "BEGIN { exit !($exposure <= 2.0) }"; then pass "systemd-analyze security cpard.service: $exposure"
else fail "systemd-analyze security cpard.service at most 2.0" "${exposure:-no score}"; fi
check "the monthly timer is waiting for its next run" sh_ct '[ "$(systemctl show -P ActiveState cpard-monthly.timer)" = active ] &&
  systemctl list-timers --no-legend cpard-monthly.timer | grep -q cpard-monthly.timer'

# --- SPEC §12 checks
show() { in_ct systemctl show -P "$1" cpard.service; }
# signal_main SIG: sends SIG to cpard's main process (never to a PID 0 or empty: that would be our own group).
main_pid() { local p; p=$(show MainPID); [[ "$p" =~ ^[1-9][0-9]*$ ]] && echo "$p"; }
state=$(in_ct systemctl show -p ActiveState -p SubState -p StatusText cpard.service)
if echo "$state" | grep -q "SubState=running" && echo "$state" | grep -q "StatusText=.*queued="; then
  pass "active (running) via READY=1 with a status text"
else fail "active (running) via READY=1 with a status text" "$state"; fi

# wait_for DESCRIPTION SECONDS SHELL-CONDITION (run inside)
wait_for() {
  local what=$1 seconds=$2 condition=$3 deadline=$(( $(date +%s) + $2 ))
  while [ "$(date +%s)" -le "$deadline" ]; do
    sh_ct "$condition" >/dev/null 2>&1 && { pass "$what"; return 0; }
    sleep 0.3
  done
  fail "$what" "not within $seconds s"
  return 1
}
status_of() {  # the status of panel $1 in cparctl status --json
  echo "import json,sys; d=json.load(sys.stdin); print(*[p.get('status') for p in d['panels'] if p['panel'] in ('$1',) or p.get('number')=='$1'])"
}
json_status='runuser -u cpard -- cparctl --config /etc/cpard/cpard.conf status --json | python3 -c'
ctl submit --panel 7000001013 > /dev/null || fail "cparctl submit"
wait_for "a submission over mutual TLS with the key from LoadCredential=" 60 \
  "$json_status \"$(status_of 7000001013)\" | grep -q Submitted"
check "the key was read from \$CREDENTIALS_DIRECTORY, not /etc/cpard" sh_ct \
  'grep -q "^registry.client_key = %d/client.key" /etc/cpard/cpard.conf && ! runuser -u cpard -- test -r /etc/cpard/client.key'

check "... every POST with the client certificate" in_ct python3 /srv/cpard-test/sim_posts.py /srv/sim mtls

# systemctl stop with a send in flight (the simulator holds its answer): within shutdown_timeout (5 s here) plus the
# time to exit, cleanly; after the restart the attempt is re-sent under the same Idempotency-Key with the same bytes.
posts=$(in_ct python3 /srv/cpard-test/sim_posts.py /srv/sim count)
sh_ct 'echo "{\"slow_seconds\": 60}" > /srv/sim/faults.json'
ctl submit --panel 7000002026 > /dev/null || fail "cparctl submit (second panel)"
if wait_for "a send in flight" 30 "[ \$(python3 /srv/cpard-test/sim_posts.py /srv/sim count) -gt $posts ]"; then
  t0=$(date +%s%N)
  in_ct systemctl stop cpard.service
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  if [ "$ms" -lt 8000 ] && [ "$(show Result)" = success ]; then pass "systemctl stop mid-send within shutdown_timeout (${ms} ms)"
  else fail "systemctl stop mid-send within shutdown_timeout" "${ms} ms, Result=$(show Result)"; fi
  check "... said so in the journal" sh_ct 'journalctl -q -u cpard.service -o cat | grep -q "event=service.shutdown_timeout"'
  # The registry now rejects it at the poll: the panel ends Failed, for SIGUSR1 below.
  sh_ct 'echo "{\"mode\": \"reject\"}" > /srv/sim/faults.json'
  in_ct systemctl start cpard.service || fail "start cpard again"
  wait_for "... and the attempt is re-sent under the same key after the restart" 60 \
    "python3 /srv/cpard-test/sim_posts.py /srv/sim resent"
fi
wait_for "a rejected submission ends Failed" 60 "$json_status \"$(status_of 7000002026)\" | grep -q Failed"
wait_for "... with a failure notice in the Maildir (0600)" 30 \
  '[ "$(stat -c %a /var/lib/cpard/maildir/panel-2@clinic.example/new/* 2>/dev/null | sort -u)" = 600 ]'
check "the state database is 0600" sh_ct '[ "$(stat -c %a /var/lib/cpard/cpard.sqlite)" = 600 ]'
sh_ct 'echo "{}" > /srv/sim/faults.json'

# SIGUSR1 from systemctl kill re-queues the Failed panel.
in_ct systemctl kill -s USR1 --kill-whom=main cpard.service
wait_for "systemctl kill -s USR1 reaches cpard" 20 'journalctl -q -u cpard.service -o cat | grep -q "event=service.signal signal=USR1"'
check "... and is not ignored as sent from inside" sh_ct '! journalctl -q -u cpard.service -o cat | grep -q "event=service.signal_ignored"'
wait_for "... which re-queues the Failed panel and sends it" 60 \
  "journalctl -q -u cpard.service -o cat | grep -q event=queue.requeued && $json_status \"$(status_of 7000002026)\" | grep -q Submitted"

# The monthly service queues every panel.
if in_ct systemctl start cpard-monthly.service; then pass "cpard-monthly.service runs"
else fail "cpard-monthly.service runs" "$(in_ct journalctl -q -u cpard-monthly.service | tail -5)"; fi
check "the monthly service queued every CPAR panel" sh_ct "runuser -u cpard -- cparctl --config /etc/cpard/cpard.conf history --json |
  python3 -c 'import json,sys; h=json.load(sys.stdin)[\"submissions\"]; s={x[\"panel\"] for x in h if x[\"trigger\"]==\"scheduled\"}; sys.exit(0 if len(s)==2 else 1)'"

# A dropped request, taken through the .path unit (the rescan is 1 h away).
sh_ct 'cd /var/spool/cpard/incoming && printf "panel = 7000002026\nrequested_by = test\n" > .drop && mv .drop drop.request' \
  || fail "drop a request"
wait_for "a dropped request is taken through the .path unit within 3 s" 3 '[ ! -e /var/spool/cpard/incoming/drop.request ]'
check "... by cpard-nudge.service" sh_ct 'journalctl -q -u cpard-nudge.service | grep -q .'


# Reload: a good config, then a bad one; the same process throughout.
pid=$(main_pid)
sh_ct 'sed -i "s/^log.level = .*/log.level = debug/" /etc/cpard/cpard.conf && systemctl reload cpard.service'
wait_for "reload with a good config" 20 'journalctl -q -u cpard.service -o cat | grep -q "event=config.reloaded"'
sh_ct 'cp /etc/cpard/cpard.conf /root/good.conf && echo "bogus.key = 1" >> /etc/cpard/cpard.conf && systemctl reload cpard.service'
wait_for "reload with a bad config keeps the running one" 20 'journalctl -q -u cpard.service -o cat | grep -q "event=config.reload_failed"'
sh_ct 'cp /root/good.conf /etc/cpard/cpard.conf'
if [ "$(show MainPID)" = "$pid" ] && [ "$(show SubState)" = running ]; then pass "same MainPID after both reloads"
else fail "same MainPID after both reloads" "was $pid, now $(show MainPID) $(show SubState)"; fi

# The watchdog kills a stopped cpard and systemd restarts it (a short WatchdogSec for the test).
sh_ct 'mkdir -p /etc/systemd/system/cpard.service.d && printf "[Service]\nWatchdogSec=2s\nRestartSec=1s\n" \
  > /etc/systemd/system/cpard.service.d/test.conf && systemctl daemon-reload && systemctl restart cpard.service'
pid=$(main_pid) || { fail "cpard runs after the drop-in"; finish; exit 1; }
restarts=$(show NRestarts)
in_ct kill -STOP "$pid"
wait_for "the watchdog kills a stopped cpard" 20 "journalctl -q -u cpard.service | grep -q 'Watchdog timeout'"
wait_for "... and systemd restarts it" 30 "[ \"\$(systemctl show -P NRestarts cpard.service)\" -gt $restarts ] &&
  [ \"\$(systemctl show -P SubState cpard.service)\" = running ] && [ \"\$(systemctl show -P MainPID cpard.service)\" != $pid ]"

# SIGABRT ends it at once (no backtracer under MemoryDenyWriteExecute=).
pid=$(main_pid) || { fail "cpard runs after the watchdog restart"; finish; exit 1; }
in_ct systemctl kill -s ABRT --kill-whom=main cpard.service
wait_for "SIGABRT ends cpard at once" 5 "! kill -0 $pid"
check "... by the signal" sh_ct "journalctl -q -u cpard.service -o cat | grep -q 'Main process exited, code=\(dumped\|killed\), status=6/ABRT'"
wait_for "... and systemd restarts it" 30 "[ \"\$(systemctl show -P SubState cpard.service)\" = running ]"
sh_ct 'rm -r /etc/systemd/system/cpard.service.d && systemctl daemon-reload'

# systemctl stop when idle: at once, cleanly.
t0=$(date +%s%N)
in_ct systemctl stop cpard.service
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
if [ "$ms" -lt 5000 ] && [ "$(show Result)" = success ]; then pass "systemctl stop (idle) within shutdown_timeout (${ms} ms)"
else fail "systemctl stop (idle) within shutdown_timeout" "${ms} ms, Result=$(show Result)"; fi

# The nudge does not fail while cpard is stopped; the request is taken at the next start.
sh_ct 'cd /var/spool/cpard/incoming && printf "panel = all\n" > .later && mv .later later.request'
wait_for "cpard-nudge.service ran (skipped) while cpard is down" 10 \
  "journalctl -q -u cpard-nudge.service | grep -qi 'condition\|skipped'"
check "... and did not fail" sh_ct '! systemctl is-failed --quiet cpard-nudge.service && [ -z "$(systemctl --failed --no-legend)" ]'

# A broken config: start fails naming the line; fixed, it starts.
sh_ct 'sed -i "s/^schedule.day = .*/schedule.day = 99/" /etc/cpard/cpard.conf'
line=$(sh_ct 'grep -n "^schedule.day" /etc/cpard/cpard.conf | cut -d: -f1')
if in_ct systemctl start cpard.service 2>/dev/null; then fail "a broken config makes systemctl start fail"
else pass "a broken config makes systemctl start fail"; fi
check "... with the config line in the journal" sh_ct "journalctl -q -u cpard.service -o cat | grep -q 'cpard.conf:$line:'"
sh_ct 'cp /root/good.conf /etc/cpard/cpard.conf'
if in_ct systemctl start cpard.service && [ "$(show SubState)" = running ]; then pass "fixed, it starts again"
else fail "fixed, it starts again" "$(in_ct journalctl -q -u cpard.service -n 5 -o cat)"; fi
wait_for "the request dropped while it was down is taken" 20 '[ ! -e /var/spool/cpard/incoming/later.request ]'

# Privacy and priorities.
phns=$(sh_ct "tail -n +2 /srv/emr-export/patients.csv | python3 -c 'import csv,sys; [print(r[2]) for r in csv.reader(sys.stdin) if len(r)>2 and len(r[2])>=9]'")
count=$(echo "$phns" | grep -c .)
leaks=$(in_ct journalctl -q -o cat | grep -Fwof <(echo "$phns") | sort -u | head -3)
if [ "$count" -gt 100 ] && [ -z "$leaks" ]; then pass "no PHN from the sample data in the journal ($count checked)"
else fail "no PHN from the sample data in the journal" "checked $count, found: $leaks"; fi
expected='event=(submission\.failed|config\.reload_failed|config\.invalid|service\.start_failed)|cpard\.service: (Watchdog timeout|Main process exited|Failed with result|Killing process)|Failed to start cpard\.service'
errors=$(in_ct journalctl -q -p err -o cat)
echo "note: error-priority journal lines: $(echo "$errors" | grep -c .), by kind:"
echo "$errors" | sed -E 's/.*(event=[a-z_.]+).*/\1/; s/^(cpard\.service: [A-Za-z ]+).*/\1/' | sort | uniq -c | sed 's/^/  /'
unexpected=$(echo "$errors" | grep -Ev "$expected")
if [ -z "$unexpected" ]; then pass "journalctl -p err holds only expected events"
else fail "journalctl -p err holds only expected events" "$unexpected"; fi

# Removing the package stops the units; purging keeps the clinic's records (state and spool).
check "apt-get purge cpard" sh_ct 'apt-get purge -y -q cpard'
check "... stopped cpard and its path unit" sh_ct '! systemctl is-active --quiet cpard.service && ! systemctl is-active --quiet cpard-nudge.path'
check "... removed the binaries and the conffile" sh_ct '[ ! -e /usr/bin/cpard ] && [ ! -e /etc/cpard/cpard.conf ]'
check "... and kept the state (submission history)" sh_ct '[ -s /var/lib/cpard/cpard.sqlite ]'
teardown
trap - EXIT
if [ -z "$leftover" ]; then pass "torn down: no processes, mounts or cgroup left"
else fail "torn down: no processes, mounts or cgroup left" "$leftover"; fi
echo "(systemd test took $(( $(date +%s) - started )) s)"
finish
