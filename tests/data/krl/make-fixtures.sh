#!/bin/sh
# Regenerates the KRL fixtures with OpenSSH's ssh-keygen (see README).
# Run from tests/data/krl.  Keys are random: re-running changes every file,
# and the expected outcomes in tests/unit/test_krl.c must be re-checked with
# check-fixtures.sh.
set -eu
rm -f ./*.pub ca ca2 k_* cu ct *.bin *.spec revoked*.txt
kg() { ssh-keygen -q -N '' "$@"; }
kg -t ed25519 -C krl-ca -f ca
kg -t ecdsa -b 256 -C krl-ca2 -f ca2
kg -t ed25519 -C k_ed -f k_ed
kg -t ecdsa -b 256 -C k_ec -f k_ec
kg -t rsa -b 2048 -C k_rsa -f k_rsa
kg -t ed25519 -C k_sha1 -f k_sha1
kg -t ecdsa -b 384 -C k_sha256 -f k_sha256
kg -t ed25519 -C k_hash -f k_hash
kg -t ed25519 -C k_plain -f k_plain
kg -t ed25519 -C k_text -f k_text
kg -t ed25519 -C cu -f cu
kg -t ed25519 -C ct -f ct
# Certificates of cu: serial N, key id user-N, by ca ("c") or ca2 ("d").
cert() { # prefix ca serial id [key]
	key=${5:-cu}
	cp "$key.pub" "$1.pub"
	ssh-keygen -q -s "$2" -I "$4" -n alice -z "$3" "$1.pub"
	rm "$1.pub"
}
for n in 1 2 3 4 5 6 7 8 9 10 15 20 21 64 65 200 999 1000 100000 100001; do
	cert "c$n" ca "$n" "user-$n"
done
cert c0 ca 0 user-0
cert cbob ca 30 bob
cert cmax ca 18446744073709551615 user-max
cert d3 ca2 3 user-3
cert d5 ca2 5 user-5
cert ct1 ca 50 ct-50 ct
rm -f ./*.spec
# 1. explicit keys
ssh-keygen -k -f krl_keys.bin k_ed.pub k_ec.pub k_rsa.pub
# 2. one serial
echo 'serial: 5' > serial.spec
ssh-keygen -k -f krl_serial.bin -s ca.pub serial.spec
# 3. a range
printf 'serial: 10-20\nserial: 1000-100000\n' > range.spec
ssh-keygen -k -f krl_range.bin -s ca.pub range.spec
# 4. scattered serials (ssh-keygen encodes them as a bitmap) and the
#    largest serial
printf 'serial: 1\nserial: 3\nserial: 4\nserial: 6\nserial: 8\nserial: 64\nserial: 200\nserial: 18446744073709551615\n' > bitmap.spec
ssh-keygen -k -f krl_bitmap.bin -z 7 -s ca.pub bitmap.spec
# 5. key ids under ca
printf 'id: user-7\nid: bob\n' > id.spec
ssh-keygen -k -f krl_id.bin -s ca.pub id.spec
# 6. key id for any CA ("-s none": empty CA key)
echo 'id: user-3' > wild.spec
ssh-keygen -k -f krl_wild.bin -s none wild.spec
# 7. SHA-1 of a key
echo "sha1: $(cat k_sha1.pub)" > sha1.spec
ssh-keygen -k -f krl_sha1.bin sha1.spec
# 8. SHA-256 of a key, and a SHA256 fingerprint
{ echo "sha256: $(cat k_sha256.pub)"
  echo "hash: $(ssh-keygen -l -E sha256 -f k_hash.pub | cut -d' ' -f2)"; } \
	> sha256.spec
ssh-keygen -k -f krl_sha256.bin sha256.spec
# 9. the CA itself, as a plain key
ssh-keygen -k -f krl_ca.bin ca.pub
# 10. the certified key of the cu certificates
ssh-keygen -k -f krl_certkey.bin cu.pub
# 11. krl_serial.bin updated with -u
cp krl_serial.bin krl_updated.bin
printf 'serial: 8\nid: bob\n' > update.spec
ssh-keygen -k -u -f krl_updated.bin -z 42 -s ca.pub update.spec
ssh-keygen -k -u -f krl_updated.bin k_plain.pub
# 12. an empty KRL
: > empty.spec
ssh-keygen -k -f krl_empty.bin empty.spec
# Plain text lists (RevokedKeys as a public key file)
{ echo '# revoked keys'; echo; cat k_text.pub; echo '   '
  echo '  # indented comment'; cat ca2.pub; } > revoked.txt
{ echo '# a certificate line revokes its certified key'
  cat ct1-cert.pub; } > revoked_cert.txt
# Only ca2's private half is kept: craft.py signs a KRL with it.
rm -f ca k_ed k_ec k_rsa k_sha1 k_sha256 k_hash k_plain k_text cu ct
./craft.py make
