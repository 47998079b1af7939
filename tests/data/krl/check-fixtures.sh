#!/bin/sh
# Prints what OpenSSH's ssh-keygen -Q says about every key and certificate
# here against every KRL: one line per KRL, the files it revokes, or
# "REFUSED" if ssh-keygen cannot load the KRL.  The tables in
# tests/unit/test_krl.c are this output.  Run from tests/data/krl.
set -u
for krl in krl_*.bin crafted_*.bin; do
	printf '%s:' "$krl"
	ssh-keygen -Q -f "$krl" ca.pub >/dev/null 2>&1
	if [ $? -gt 1 ]; then
		echo " REFUSED"
		continue
	fi
	for k in ./*.pub; do
		if ! ssh-keygen -Q -f "$krl" "$k" >/dev/null 2>&1; then
			printf ' %s' "${k#./}"
		fi
	done
	echo
done
