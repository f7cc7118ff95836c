#!/usr/bin/env bash
# sim-selftest.sh — quick end-to-end self-test of the test tools (certs, registry simulator, SMTP sink).
# Uses curl, openssl, xmllint, python3 (+ aiosmtpd). Prints "N passed, N failed"; exits 1 on any failure.
#
# The schema check uses a tiny built-in XSD and payload. To exercise a real schema instead:
#   SIM_XSD=schema/cpar-submission.xsd SIM_PAYLOAD=some-valid-payload.xml tools/sim-selftest.sh
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SIM="$HERE/registry-sim/registry_sim.py"
SINK="$HERE/smtp-sink/smtp_sink.py"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sim-selftest.XXXXXX")
PIDS=()
PASSED=0
FAILED=0

cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT

ok() { PASSED=$((PASSED + 1)); }
bad() { FAILED=$((FAILED + 1)); echo "FAIL: $*"; }
# check NAME COMMAND...   — passes when the command succeeds
check() { local name=$1; shift; if "$@"; then ok; else bad "$name"; fi; }
not() { ! "$@"; }
# expect_eq NAME ACTUAL EXPECTED
expect_eq() { if [[ "$2" == "$3" ]]; then ok; else bad "$1: got '$2', expected '$3'"; fi; }

wait_file() {  # wait_file PATH — up to 10 s for a port file to appear
    local i
    for i in $(seq 100); do [[ -s "$1" ]] && return 0; sleep 0.1; done
    return 1
}
wait_exit() {  # wait_exit PID — up to 10 s for a process to exit
    local i
    for i in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
    return 1
}
start_sim() {  # start_sim NAME ARGS... — sets PORT and REC
    REC="$TMP/$1"
    rm -f "$TMP/$1.port"
    python3 "$SIM" --port-file "$TMP/$1.port" --record-dir "$REC" "${@:2}" 2>"$TMP/$1.log" &
    SIM_PID=$!
    PIDS+=("$SIM_PID")
    if ! wait_file "$TMP/$1.port"; then
        cat "$TMP/$1.log" >&2
        bad "simulator '$1' did not start"
        return 1
    fi
    PORT=$(cat "$TMP/$1.port")
}
record() {  # record N KEY — a field of request N (1-based; -1 = last) from requests.jsonl
    python3 -c 'import json,sys; lines=open(sys.argv[1]).read().splitlines(); n=int(sys.argv[2]);
v=json.loads(lines[n-1 if n>0 else n])[sys.argv[3]]; print(json.dumps(v) if not isinstance(v,str) else v)' \
        "$REC/requests.jsonl" "$1" "$2"
}
count() { [[ -f "$REC/requests.jsonl" ]] && wc -l <"$REC/requests.jsonl" | tr -d ' ' || echo 0; }
faults() { printf '%s' "$1" >"$TMP/.faults.tmp" && mv "$TMP/.faults.tmp" "$TMP/faults.json"; }

CERTS="$TMP/certs"
TOKEN=selftest-token
CURL=(curl -sS --max-time 20 --cacert "$CERTS/ca.pem" --cert "$CERTS/client.pem" --key "$CERTS/client.key")
# post KEY FILE [curl args...] — sets CODE, BODY (file), HDRS (file), RC.
# CTYPE and BEARER override the Content-Type and the token for one call.
post() {
    BODY="$TMP/resp.body" HDRS="$TMP/resp.hdrs"
    CODE=$("${CURL[@]}" -o "$BODY" -D "$HDRS" -w '%{http_code}' -X POST \
        -H "Content-Type: ${CTYPE:-application/xml}" -H "Idempotency-Key: $1" \
        -H "Authorization: Bearer ${BEARER:-$TOKEN}" \
        --data-binary "@$2" "${@:3}" "https://127.0.0.1:$PORT/submissions" 2>"$TMP/curl.err")
    RC=$?
}
poll() {  # poll TRACKING_ID — sets CODE, BODY, RC, ACK (status attribute)
    BODY="$TMP/resp.body"
    CODE=$("${CURL[@]}" -o "$BODY" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
        "https://127.0.0.1:$PORT/submissions/$1" 2>"$TMP/curl.err")
    RC=$?
    ACK=$(sed -n 's/.*status="\([a-z]*\)".*/\1/p' "$BODY")
}
tracking() { sed -n 's/.*<TrackingId>\([^<]*\)<\/TrackingId>.*/\1/p' "$BODY"; }

# --- certificates -------------------------------------------------------------------------------
check "make-certs.sh runs" "$HERE/certs/make-certs.sh" "$CERTS"
for f in ca server client other-ca other-client expired-server; do
    check "$f.pem and $f.key exist" test -s "$CERTS/$f.pem" -a -s "$CERTS/$f.key"
    expect_eq "$f.key mode" "$(stat -c %a "$CERTS/$f.key")" 600
done
SUM=$(cat "$CERTS"/*.pem | sha256sum)
check "make-certs.sh is idempotent" "$HERE/certs/make-certs.sh" "$CERTS"
expect_eq "second run keeps the certificates" "$(cat "$CERTS"/*.pem | sha256sum)" "$SUM"
check "server and client chain to ca" openssl verify -CAfile "$CERTS/ca.pem" "$CERTS/server.pem" "$CERTS/client.pem" >/dev/null
check "other-client chains to other-ca" openssl verify -CAfile "$CERTS/other-ca.pem" "$CERTS/other-client.pem" >/dev/null
check "other-client does not chain to ca" not openssl verify -CAfile "$CERTS/ca.pem" "$CERTS/other-client.pem" >/dev/null 2>&1
check "expired-server is expired" not openssl x509 -checkend 0 -noout -in "$CERTS/expired-server.pem" >/dev/null
check "server SAN" bash -c "openssl x509 -noout -ext subjectAltName -in '$CERTS/server.pem' | grep -q 'DNS:localhost, IP Address:127.0.0.1'"
check "client clientAuth EKU" bash -c "openssl x509 -noout -ext extendedKeyUsage -in '$CERTS/client.pem' | grep -q 'Client Authentication'"

# --- payloads -----------------------------------------------------------------------------------
if [[ -n "${SIM_XSD:-}" ]]; then
    XSD=$SIM_XSD GOOD=$SIM_PAYLOAD
else
    XSD="$TMP/mini.xsd" GOOD="$TMP/good.xml"
    cat >"$XSD" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:sim-selftest"
           xmlns="urn:sim-selftest" elementFormDefault="qualified">
  <xs:element name="Submission"><xs:complexType><xs:sequence>
    <xs:element name="PHN" maxOccurs="unbounded"><xs:simpleType><xs:restriction base="xs:string">
      <xs:pattern value="[0-9]{9}"/></xs:restriction></xs:simpleType></xs:element>
  </xs:sequence></xs:complexType></xs:element>
</xs:schema>
EOF
    echo '<Submission xmlns="urn:sim-selftest"><PHN>123456789</PHN></Submission>' >"$GOOD"
fi
BADXML="$TMP/bad.xml"
echo '<Submission xmlns="urn:sim-selftest"><PHN>98765</PHN><Nope/></Submission>' >"$BADXML"

# --- registry simulator: protocol ---------------------------------------------------------------
start_sim main --cert "$CERTS/server.pem" --key "$CERTS/server.key" --client-ca "$CERTS/ca.pem" \
    --xsd "$XSD" --faults "$TMP/faults.json" --token "$TOKEN" --parent-pid $$ || exit 1

post key-1 "$GOOD"
expect_eq "valid POST -> 202" "$CODE" 202
T1=$(tracking)
check "receipt carries a tracking ID" test -n "$T1"
check "receipt is namespaced" grep -q 'Receipt xmlns="urn:cpard:registry:1"' "$BODY"
expect_eq "record: client cert CN" "$(record 1 client_cert_cn)" cpard-test-client
expect_eq "record: xsd_valid" "$(record 1 xsd_valid)" true
expect_eq "record: idempotency key" "$(record 1 idempotency_key)" key-1
expect_eq "record: sha256" "$(record 1 sha256)" "$(sha256sum <"$GOOD" | cut -d' ' -f1)"
check "record: body stored" cmp -s "$REC/bodies/1.xml" "$GOOD"
poll "$T1"
expect_eq "poll -> 200" "$CODE" 200
expect_eq "poll -> accepted" "$ACK" accepted

post key-1 "$GOOD"
expect_eq "duplicate key -> same tracking ID" "$(tracking)" "$T1"
expect_eq "duplicate recorded" "$(record -1 duplicate)" true

CTYPE=text/plain post key-2 "$GOOD"
expect_eq "wrong content type -> 415" "$CODE" 415
post "" "$GOOD"
expect_eq "missing Idempotency-Key -> 400" "$CODE" 400
BEARER=wrong post key-3 "$GOOD"
expect_eq "wrong token -> 401" "$CODE" 401
CODE=$("${CURL[@]}" -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/xml' \
    -H 'Idempotency-Key: key-4' --data-binary "@$GOOD" "https://127.0.0.1:$PORT/submissions")
expect_eq "no token -> 401" "$CODE" 401
expect_eq "record: authorization false" "$(record -1 authorization)" false
post key-5 "$BADXML"
expect_eq "schema-invalid -> 400" "$CODE" 400
check "schema-invalid -> rejected with SCHEMA" grep -q 'status="rejected".*<Error code="SCHEMA">' "$BODY"
check "SCHEMA message does not echo payload values" not grep -q 98765 "$BODY"
expect_eq "record: xsd_valid false" "$(record -1 xsd_valid)" false
poll no-such-id
expect_eq "unknown tracking ID -> 404" "$CODE" 404

N=$(count)
curl -sS --max-time 20 --cacert "$CERTS/ca.pem" -o /dev/null "https://127.0.0.1:$PORT/submissions/$T1" 2>/dev/null
check "no client certificate -> handshake fails" test $? -ne 0
curl -sS --max-time 20 --cacert "$CERTS/ca.pem" --cert "$CERTS/other-client.pem" --key "$CERTS/other-client.key" \
    -o /dev/null "https://127.0.0.1:$PORT/submissions/$T1" 2>/dev/null
check "client cert from another CA -> handshake fails" test $? -ne 0
expect_eq "failed handshakes are not recorded as requests" "$(count)" "$N"
check "failed handshakes are logged in tls_errors.jsonl" test "$(wc -l <"$REC/tls_errors.jsonl")" -ge 2

# --- registry simulator: faults -----------------------------------------------------------------
faults '{"mode": "accept", "ack_after_polls": 2}'
post f-1 "$GOOD"; T=$(tracking)
poll "$T"; A1=$ACK; poll "$T"; A2=$ACK; poll "$T"; A3=$ACK; poll "$T"; A4=$ACK
expect_eq "accept + ack_after_polls 2" "$A1 $A2 $A3 $A4" "processing processing accepted accepted"

faults '{"mode": "accept_sync"}'
post f-2 "$GOOD"
expect_eq "accept_sync -> 200 accepted" "$CODE $(sed -n 's/.*status="\([a-z]*\)".*/\1/p' "$BODY")" "200 accepted"

faults '{"mode": "reject", "errors": [{"code": "E1", "message": "Bad panel & more"}]}'
post f-3 "$GOOD"; T=$(tracking)
expect_eq "reject -> 202 first" "$CODE" 202
poll "$T"
expect_eq "reject -> poll rejected" "$ACK" rejected
check "reject -> error code and escaped message" grep -q '<Error code="E1">Bad panel &amp; more</Error>' "$BODY"

faults '{"mode": "reject_sync", "errors": [{"code": "E2", "message": "No"}]}'
post f-4 "$GOOD"
expect_eq "reject_sync -> 200" "$CODE" 200
check "reject_sync -> rejected E2" grep -q 'status="rejected".*code="E2"' "$BODY"

faults '{"mode": "never_ack"}'
post f-5 "$GOOD"; T=$(tracking)
poll "$T"; A1=$ACK; poll "$T"; A2=$ACK; poll "$T"; A3=$ACK
expect_eq "never_ack -> always processing" "$A1 $A2 $A3" "processing processing processing"

faults '{"fail_status": 503, "fail_count": 2}'
post f-6 "$GOOD"; C1=$CODE; post f-6 "$GOOD"; C2=$CODE; post f-6 "$GOOD"; C3=$CODE
expect_eq "fail_status 503 x2" "$C1 $C2 $C3" "503 503 202"
expect_eq "record: fault outcome" "$(record -2 outcome)" fault:status
faults '{"fail_status": 503, "fail_count": 1}'
post f-7 "$GOOD"; C1=$CODE; post f-7 "$GOOD"; C2=$CODE
expect_eq "counters reset when the faults file changes" "$C1 $C2" "503 202"

faults '{"fail_status": 429, "fail_count": 1, "retry_after": 7}'
post f-8 "$GOOD"
expect_eq "429 fault" "$CODE" 429
check "429 carries Retry-After: 7" grep -qi '^Retry-After: 7' "$HDRS"

faults '{"mode": "accept_sync", "tracking_id": "T-SHARED", "pad_header_bytes": 5000}'
post hostile-1 "$GOOD"; C1=$CODE; H1=$(tracking); post hostile-2 "$GOOD"; H2=$(tracking)
expect_eq "tracking_id: two keys answered with one tracking ID" "$C1 $H1 $H2" "200 T-SHARED T-SHARED"
check "pad_header_bytes adds a 5000-byte X-Pad header" grep -qE '^X-Pad: x{5000}' "$HDRS"
faults '{"tracking_id": ""}'
post hostile-3 "$GOOD"
expect_eq "an empty tracking_id is refused (500)" "$CODE" 500

faults '{"slow_seconds": 2}'
post f-9 "$GOOD" --max-time 1
expect_eq "slow_seconds -> client times out (curl 28)" "$RC" 28
expect_eq "slow request is recorded" "$(record -1 idempotency_key)" f-9

faults '{"drop_count": 1}'
post f-10 "$GOOD"
expect_eq "drop -> empty reply (curl 52)" "$RC" 52
expect_eq "record: fault:drop" "$(record -1 outcome)" fault:drop
check "dropped body is stored" cmp -s "$REC/bodies/$(count).xml" "$GOOD"
post f-10 "$GOOD"
expect_eq "after the drop -> 202" "$CODE" 202

faults '{"garbage_count": 1}'
post f-11 "$GOOD"
expect_eq "garbage -> 202" "$CODE" 202
check "garbage body is not XML" not xmllint --noout "$BODY" 2>/dev/null

faults '{"huge_count": 1}'
post f-12 "$GOOD"
expect_eq "huge -> 202 with a 2 MiB body" "$CODE $(stat -c %s "$BODY")" "202 2097152"

faults '{"poll_fail_status": 500, "poll_fail_count": 1}'
poll "$T1"; C1=$CODE; poll "$T1"; C2=$CODE
expect_eq "poll_fail_count 1" "$C1 $C2" "500 200"

faults '{"mode": "sometimes"}'
post f-13 "$GOOD"
expect_eq "invalid faults file -> 500" "$CODE" 500
check "invalid faults file is explained on stderr" grep -q "'mode' must be one of" "$TMP/main.log"
rm -f "$TMP/faults.json"
post f-14 "$GOOD"
expect_eq "missing faults file -> defaults" "$CODE" 202

# --- lifecycle ----------------------------------------------------------------------------------
kill -TERM "$SIM_PID"
check "SIGTERM stops the simulator" wait_exit "$SIM_PID"
wait "$SIM_PID" 2>/dev/null
expect_eq "exit status after SIGTERM" "$?" 0
start_sim main --cert "$CERTS/server.pem" --key "$CERTS/server.key" --client-ca "$CERTS/ca.pem" --token "$TOKEN" || exit 1
poll "$T1"
expect_eq "restart with the same record dir keeps submissions" "$CODE $ACK" "200 accepted"
post key-1 "$GOOD"
expect_eq "restart keeps idempotency keys" "$(tracking)" "$T1"
N=$(count)
check "request numbering continues after restart" test "$(record -1 n)" -eq "$N"
kill -INT "$SIM_PID"
check "SIGINT stops the simulator" wait_exit "$SIM_PID"

sleep 60 & PARENT=$!
PIDS+=("$PARENT")
start_sim orphan --insecure-http --parent-pid "$PARENT" || exit 1
kill "$PARENT"
check "exits when --parent-pid dies" wait_exit "$SIM_PID"

# --- TLS variants -------------------------------------------------------------------------------
start_sim plain --insecure-http || exit 1
CODE=$(curl -sS --max-time 20 -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/xml' \
    -H 'Idempotency-Key: p-1' --data-binary "@$GOOD" "http://127.0.0.1:$PORT/submissions")
expect_eq "--insecure-http serves plain HTTP" "$CODE" 202
curl -sS --max-time 20 --cacert "$CERTS/ca.pem" -o /dev/null "https://127.0.0.1:$PORT/submissions/x" 2>/dev/null
check "--insecure-http does not speak TLS" test $? -ne 0
kill "$SIM_PID"

start_sim expired --cert "$CERTS/expired-server.pem" --key "$CERTS/expired-server.key" || exit 1
curl -sS --max-time 20 --cacert "$CERTS/ca.pem" -o /dev/null "https://127.0.0.1:$PORT/submissions/x" 2>/dev/null
expect_eq "expired server certificate -> verification failure (curl 60)" "$?" 60
curl -sS --max-time 20 --cacert "$CERTS/other-ca.pem" -o /dev/null "https://127.0.0.1:$PORT/submissions/x" 2>/dev/null
expect_eq "server cert from an untrusted CA -> verification failure (curl 60)" "$?" 60
kill "$SIM_PID"

# --- SMTP sink ----------------------------------------------------------------------------------
python3 "$SINK" --port 0 --port-file "$TMP/smtp.port" --out "$TMP/mail" --parent-pid $$ 2>"$TMP/smtp.log" &
SINK_PID=$!
PIDS+=("$SINK_PID")
if wait_file "$TMP/smtp.port"; then
    SPORT=$(cat "$TMP/smtp.port")
    printf 'From: cpard@example.org\r\nTo: ops@example.org\r\nSubject: CPAR submission failed\r\n\r\nPanel 123 failed.\r\n.leading dot\r\n' >"$TMP/msg.eml"
    curl -sS --max-time 20 "smtp://127.0.0.1:$SPORT" --mail-from cpard@example.org \
        --mail-rcpt ops@example.org --mail-rcpt second@example.org --upload-file "$TMP/msg.eml"
    expect_eq "curl sends mail to the sink" "$?" 0
    check "sink stores the raw message" cmp -s "$TMP/mail/1.eml" "$TMP/msg.eml"
    expect_eq "messages.jsonl entry" \
        "$(python3 -c 'import json,sys; e=json.loads(open(sys.argv[1]).readline()); print(e["n"], e["mail_from"], ",".join(e["rcpt_tos"]), e["bytes"])' "$TMP/mail/messages.jsonl")" \
        "1 cpard@example.org ops@example.org,second@example.org $(stat -c %s "$TMP/msg.eml")"
    kill -TERM "$SINK_PID"
    check "SIGTERM stops the SMTP sink" wait_exit "$SINK_PID"
else
    cat "$TMP/smtp.log" >&2
    bad "SMTP sink did not start"
fi

echo "$PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
