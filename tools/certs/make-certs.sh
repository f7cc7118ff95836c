#!/usr/bin/env bash
# make-certs.sh OUTDIR — create the TEST PKI used by the cpard integration tests and the demo.
#
#   ca.pem ca.key                        test CA
#   server.pem server.key                signed by ca; CN=localhost, SAN DNS:localhost, IP:127.0.0.1
#   client.pem client.key                signed by ca; clientAuth EKU; CN=cpard-test-client
#   other-ca.pem other-ca.key            an unrelated CA
#   other-client.pem other-client.key    signed by other-ca; CN=cpard-other-client
#   expired-server.pem expired-server.key  signed by ca; valid 2020-01-01 .. 2021-01-01 only
#
# EC P-256 keys, all keys mode 0600. Idempotent: when every file is already present nothing is
# regenerated. Files are generated in a scratch directory and renamed into OUTDIR.
# Quiet unless it fails. Needs only bash and the openssl CLI (works with OpenSSL 3.0).
set -euo pipefail

if [[ $# -ne 1 || -z "$1" ]]; then
    echo "usage: make-certs.sh OUTDIR" >&2
    exit 2
fi
OUT=$1
FILES=(ca.pem ca.key server.pem server.key client.pem client.key other-ca.pem other-ca.key
       other-client.pem other-client.key expired-server.pem expired-server.key)

mkdir -p "$OUT"
complete=1
for f in "${FILES[@]}"; do [[ -s "$OUT/$f" ]] || complete=0; done
if [[ $complete -eq 1 ]]; then
    chmod 600 "$OUT"/*.key
    exit 0
fi

command -v openssl >/dev/null || { echo "make-certs.sh: openssl not found in PATH" >&2; exit 1; }

umask 077
WORK=$(mktemp -d "$OUT/.make-certs.XXXXXX")
LOG="$WORK/openssl.log"
trap 'rm -rf "$WORK"' EXIT

run() {
    if ! "$@" >>"$LOG" 2>&1; then
        echo "make-certs.sh: failed: $*" >&2
        cat "$LOG" >&2
        exit 1
    fi
}

cat >"$WORK/ext.cnf" <<'EOF'
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ server_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyAgreement
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ client_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyAgreement
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF

# Minimal `openssl ca` setup, used only for the expired certificate (OpenSSL 3.0's `x509 -req`
# cannot set a start date).
mkdir -p "$WORK/ca-db/new"
: >"$WORK/ca-db/index.txt"
echo 1000 >"$WORK/ca-db/serial"
cat >"$WORK/ca.cnf" <<EOF
[ ca ]
default_ca = test_ca
[ test_ca ]
database = $WORK/ca-db/index.txt
new_certs_dir = $WORK/ca-db/new
serial = $WORK/ca-db/serial
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
copy_extensions = none
[ policy_any ]
commonName = supplied
EOF

newkey() { run openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/$1.key"; }

serial() { echo "0x7$(openssl rand -hex 15)"; }

# selfsigned NAME CN
selfsigned() {
    newkey "$1"
    run openssl req -new -x509 -config "$WORK/ext.cnf" -key "$WORK/$1.key" -subj "/CN=$2" \
        -days 3650 -sha256 -set_serial "$(serial)" -extensions ca_ext -out "$WORK/$1.pem"
}

# signed NAME CN ISSUER EXTENSIONS
signed() {
    newkey "$1"
    run openssl req -new -config "$WORK/ext.cnf" -key "$WORK/$1.key" -subj "/CN=$2" -out "$WORK/$1.csr"
    run openssl x509 -req -in "$WORK/$1.csr" -CA "$WORK/$3.pem" -CAkey "$WORK/$3.key" \
        -set_serial "$(serial)" -days 3650 -sha256 -extfile "$WORK/ext.cnf" -extensions "$4" \
        -out "$WORK/$1.pem"
}

selfsigned ca "cpard Test CA"
selfsigned other-ca "cpard Unrelated Test CA"
signed server localhost ca server_ext
signed client cpard-test-client ca client_ext
signed other-client cpard-other-client other-ca client_ext

newkey expired-server
run openssl req -new -config "$WORK/ext.cnf" -key "$WORK/expired-server.key" -subj "/CN=localhost" \
    -out "$WORK/expired-server.csr"
run openssl ca -batch -notext -config "$WORK/ca.cnf" -cert "$WORK/ca.pem" -keyfile "$WORK/ca.key" \
    -startdate 20200101000000Z -enddate 20210101000000Z \
    -extfile "$WORK/ext.cnf" -extensions server_ext \
    -in "$WORK/expired-server.csr" -out "$WORK/expired-server.pem"

chmod 600 "$WORK"/*.key
chmod 644 "$WORK"/*.pem
for f in "${FILES[@]}"; do mv -f "$WORK/$f" "$OUT/$f"; done
