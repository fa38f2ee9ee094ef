#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Test certificates for reel's TLS tests, generated when the tests run and never committed.
#
#   make_certs.sh <outdir>          writes the files below into <outdir> (idempotent: files that
#                                   are complete and valid for at least another day are kept)
#   make_certs.sh --check <outdir>  checks each file's verdict with `openssl verify`
#
# All keys are EC P-256 (PKCS#8 PEM). Every leaf has CN=localhost.
#   ca.pem, ca-key.pem                      the trusted test CA
#   server.pem, server-key.pem              SAN DNS:localhost, IP:127.0.0.1; signed by ca; valid
#                                           from yesterday for 30 days
#   untrusted-ca.pem                        a CA the tests do not trust (its key is not kept)
#   untrusted.pem, untrusted-key.pem        as server.pem, signed by untrusted-ca
#   wronghost.pem, wronghost-key.pem        SAN DNS:wrong.example only; signed by ca
#   expired.pem, expired-key.pem            as server.pem, but valid only 60 to 30 days ago
set -euo pipefail

usage() {
  echo "usage: $0 [--check] <outdir>" >&2
  exit 2
}

check=0
if [[ ${1-} == --check ]]; then
  check=1
  shift
fi
(($# == 1)) || usage
out=$1

files=(ca.pem ca-key.pem server.pem server-key.pem untrusted-ca.pem untrusted.pem untrusted-key.pem
  wronghost.pem wronghost-key.pem expired.pem expired-key.pem)

# expect <ok|fail> <what must appear in the output> <openssl verify arguments...>
failures=0
expect() {
  local verdict=$1 needle=$2
  shift 2
  local output status=0
  output=$(openssl verify "$@" 2>&1) || status=$?
  if [[ ${verdict} == ok && ${status} -ne 0 ]] || [[ ${verdict} == fail && ${status} -eq 0 ]] ||
    [[ ${output} != *"${needle}"* ]]; then
    echo "FAIL: openssl verify $* -> status ${status}, expected ${verdict} with \"${needle}\":" >&2
    echo "${output}" >&2
    failures=$((failures + 1))
  else
    echo "ok: openssl verify $* -> ${verdict} (${needle})"
  fi
}

if ((check)); then
  cd "${out}"
  expect ok ": OK" -CAfile ca.pem server.pem
  expect ok ": OK" -CAfile ca.pem -verify_hostname localhost server.pem
  expect ok ": OK" -CAfile ca.pem -verify_ip 127.0.0.1 server.pem
  expect fail "unable to get local issuer certificate" -CAfile ca.pem untrusted.pem
  expect ok ": OK" -CAfile untrusted-ca.pem untrusted.pem
  expect fail "certificate has expired" -CAfile ca.pem expired.pem
  expect ok ": OK" -CAfile ca.pem wronghost.pem
  expect fail "hostname mismatch" -CAfile ca.pem -verify_hostname localhost wronghost.pem
  for key in server untrusted wronghost expired; do
    if [[ "$(openssl pkey -in "${key}-key.pem" -pubout)" != "$(openssl x509 -in "${key}.pem" -noout -pubkey)" ]]; then
      echo "FAIL: ${key}-key.pem does not belong to ${key}.pem" >&2
      failures=$((failures + 1))
    fi
  done
  ((failures == 0)) || exit 1
  echo "all certificates have the expected verdicts"
  exit 0
fi

# Idempotent: keep a complete set whose certificates stay valid for at least another day.
complete=1
for f in "${files[@]}"; do
  [[ -s "${out}/${f}" ]] || complete=0
done
if ((complete)) && openssl x509 -in "${out}/server.pem" -noout -checkend 86400 >/dev/null &&
  openssl x509 -in "${out}/ca.pem" -noout -checkend 86400 >/dev/null; then
  echo "certificates in ${out} are up to date"
  exit 0
fi

mkdir -p "${out}"
work=$(mktemp -d "${out}/.make_certs.XXXXXX")
trap 'rm -rf "${work}"' EXIT
cd "${work}"

stamp() { date -u -d "$1" +%Y%m%d%H%M%SZ; }
yesterday=$(stamp "1 day ago")
in_29_days=$(stamp "29 days")
long_ago=$(stamp "60 days ago")
not_long_ago=$(stamp "30 days ago")

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# A throwaway `openssl ca` database: `openssl x509 -req` cannot set a start date in OpenSSL 3.0.
mkdir db db/new
: >db/index.txt
echo 1000 >db/serial
cat >ca.cnf <<'CNF'
[ca]
default_ca = test_ca

[test_ca]
database = db/index.txt
new_certs_dir = db/new
serial = db/serial
default_md = sha256
policy = any_name
unique_subject = no
copy_extensions = none
email_in_dn = no

[any_name]
commonName = supplied

[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $ENV::REEL_CERT_SAN

[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
CNF

# make_ca <name> <common name>: a self-signed CA, valid from yesterday for 30 days.
make_ca() {
  new_key "$1-key.pem"
  openssl req -new -key "$1-key.pem" -subj "/CN=$2" -out "$1.csr"
  REEL_CERT_SAN=DNS:unused openssl ca -batch -config ca.cnf -selfsign -keyfile "$1-key.pem" -in "$1.csr" \
    -out "$1.pem" -notext -startdate "${yesterday}" -enddate "${in_29_days}" -extensions ca_ext 2>/dev/null
}

# make_leaf <name> <ca> <subjectAltName> <start> <end>
make_leaf() {
  new_key "$1-key.pem"
  openssl req -new -key "$1-key.pem" -subj "/CN=localhost" -out "$1.csr"
  REEL_CERT_SAN=$3 openssl ca -batch -config ca.cnf -cert "$2.pem" -keyfile "$2-key.pem" -in "$1.csr" \
    -out "$1.pem" -notext -startdate "$4" -enddate "$5" -extensions leaf 2>/dev/null
}

make_ca ca "reel test CA"
make_ca untrusted-ca "reel untrusted test CA"
make_leaf server ca "DNS:localhost,IP:127.0.0.1" "${yesterday}" "${in_29_days}"
make_leaf untrusted untrusted-ca "DNS:localhost,IP:127.0.0.1" "${yesterday}" "${in_29_days}"
make_leaf wronghost ca "DNS:wrong.example" "${yesterday}" "${in_29_days}"
make_leaf expired ca "DNS:localhost,IP:127.0.0.1" "${long_ago}" "${not_long_ago}"

chmod 600 ./*-key.pem
for f in "${files[@]}"; do
  mv -f "${f}" "${out}/${f}"
done
echo "wrote ${#files[@]} files to ${out}"
