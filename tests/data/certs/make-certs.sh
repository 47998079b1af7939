#!/bin/sh
# Regenerate the certificate fixtures (see README).  Run in this directory
# with OpenSSH's ssh-keygen.  Keys and nonces are random: after a rerun the
# expected values in tests/unit/test_cert.c (serials, key ids, principals,
# validity and options are fixed; fingerprints are not) must be updated.
set -eu
# ssh-keygen -V takes local time: the tests expect UTC.
export TZ=UTC
rm -f ca_* user_* host_* *-cert.pub

# Certificate authorities.
ssh-keygen -q -t ed25519 -N '' -C 'fixture-ca-ed25519' -f ca_ed25519
ssh-keygen -q -t ecdsa -b 384 -N '' -C 'fixture-ca-ecdsa384' -f ca_ecdsa384
ssh-keygen -q -t rsa -b 2048 -N '' -C 'fixture-ca-rsa' -f ca_rsa

# Keys to certify: users, one of every type, and hosts.
ssh-keygen -q -t ed25519 -N '' -C 'fixture-user-ed25519' -f user_ed25519
ssh-keygen -q -t ecdsa -b 256 -N '' -C 'fixture-user-ecdsa256' \
    -f user_ecdsa256
ssh-keygen -q -t ecdsa -b 384 -N '' -C 'fixture-user-ecdsa384' \
    -f user_ecdsa384
ssh-keygen -q -t ecdsa -b 521 -N '' -C 'fixture-user-ecdsa521' \
    -f user_ecdsa521
ssh-keygen -q -t rsa -b 2048 -N '' -C 'fixture-user-rsa' -f user_rsa
ssh-keygen -q -t ed25519 -N '' -C 'fixture-host-ed25519' -f host_ed25519
ssh-keygen -q -t rsa -b 2048 -N '' -C 'fixture-host-rsa' -f host_rsa

# sign CA KEY ID SERIAL OUT [ssh-keygen options...]: certify KEY.pub into
# OUT-cert.pub (through a copy OUT.pub, so that no KEY-cert.pub is
# overwritten).
sign() {
	ca=$1 key=$2 id=$3 serial=$4 out=$5
	shift 5
	if [ "$key" != "$out" ]; then
		cp "$key.pub" "$out.pub"
	fi
	ssh-keygen -q -s "$ca" -I "$id" -z "$serial" "$@" "$out.pub"
	if [ "$key" != "$out" ]; then
		rm "$out.pub"
	fi
}

# Valid user certificates, one for every key type; the ECDSA and RSA
# ones signed by the ECDSA and RSA CAs.
sign ca_ed25519 user_ed25519 alice@example 42 user_ed25519 \
    -n alice,bob -V 20200101:20991231
sign ca_ed25519 user_ecdsa256 ecdsa256-user 256 user_ecdsa256 \
    -n alice -V 20200101:20991231
sign ca_ecdsa384 user_ecdsa384 ecdsa384-user 384 user_ecdsa384 \
    -n alice -V 20200101:20991231
sign ca_ecdsa384 user_ecdsa521 ecdsa521-user 521 user_ecdsa521 \
    -n alice -V 20200101:20991231
# RSA CA, default signature algorithm (rsa-sha2-512).
sign ca_rsa user_rsa rsa-user 7 user_rsa \
    -n alice -V 20200101:20991231
# RSA CA with the rsa-sha2-256 and SHA-1 ssh-rsa signature algorithms.
sign ca_rsa user_ed25519 rsa256-ca 8 user_ed25519_rsa256 \
    -t rsa-sha2-256 -n alice -V 20200101:20991231
sign ca_rsa user_ed25519 sha1-ca 9 user_ed25519_sha1 \
    -t ssh-rsa -n alice -V 20200101:20991231

# Outcomes of the checks.
sign ca_ed25519 user_ed25519 expired 10 user_ed25519_expired \
    -n alice -V 20200101:20200102
sign ca_ed25519 user_ed25519 notyet 11 user_ed25519_notyet \
    -n alice -V 20980101:20991231
sign ca_ed25519 user_ed25519 forever 12 user_ed25519_forever \
    -n alice -V always:forever
sign ca_ed25519 user_ed25519 noprincipals 13 user_ed25519_noprinc \
    -V 20200101:20991231
sign ca_ed25519 user_ed25519 force 14 user_ed25519_force \
    -n alice -V 20200101:20991231 -O force-command=/usr/bin/true
sign ca_ed25519 user_ed25519 source 15 user_ed25519_source \
    -n alice -V 20200101:20991231 \
    -O source-address=10.0.0.0/8,192.0.2.1
sign ca_ed25519 user_ed25519 clear 16 user_ed25519_clear \
    -n alice -V 20200101:20991231 -O clear -O permit-pty
sign ca_ed25519 user_ed25519 unknown-critical 17 user_ed25519_crit \
    -n alice -V 20200101:20991231 -O critical:foo@example.com=bar
sign ca_ed25519 user_ed25519 custom-ext 18 user_ed25519_ext \
    -n alice -V 20200101:20991231 -O extension:zz@example.com=data

# Host certificates.
sign ca_ed25519 host_ed25519 host.example.com 100 host_ed25519 \
    -h -n host.example.com,192.0.2.10 -V 20200101:20991231
sign ca_rsa host_rsa rsa-host 101 host_rsa \
    -h -n host.example.com -V 20200101:20991231
# A host key with a user certificate (not a HostCertificate).
sign ca_ed25519 host_ed25519 host-as-user 102 host_ed25519_user \
    -n alice -V 20200101:20991231

# What OpenSSH reads from each certificate: tests/unit/test_cert.c
# expects the same values.
for f in *-cert.pub; do
	echo "== $f"
	ssh-keygen -L -f "$f"
done > ssh-keygen-L.txt
