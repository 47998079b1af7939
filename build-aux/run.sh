#!/bin/sh
# `make run`: serve SSH on 127.0.0.1:2222 from the build tree.
#
# Everything lives in ./state (ignored by git): host keys made once with
# ./portcullis-keygen, a generated sshd_config and the pid file.  The
# daemon stays in the foreground (-D) and logs to standard error (-e);
# stop it with Ctrl-C.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
state="$top/state"
daemon="$top/portcullisd"
keygen="$top/portcullis-keygen"
port=2222
user=${USER:-$(id -un)}

for prog in "$daemon" "$keygen"; do
	if [ ! -x "$prog" ]; then
		echo "run: $prog is missing; run make first" >&2
		exit 1
	fi
done

umask 077
mkdir -p "$state"
chmod 700 "$state"

# Host keys, made only when missing (ecdsa and rsa at the keygen's
# default sizes).
for type in ed25519 ecdsa rsa; do
	key="$state/ssh_host_${type}_key"
	[ -s "$key" ] && continue
	echo "run: making $type host key $key"
	rm -f "$key" "$key.pub"
	"$keygen" -t "$type" -f "$key" -N "" -q
	if [ ! -s "$key" ]; then
		echo "run: $keygen did not write $key" >&2
		exit 1
	fi
done

cfg="$state/sshd_config"
cat >"$cfg.tmp" <<EOF
# Written by build-aux/run.sh for \`make run\`; rewritten on every run.
ListenAddress 127.0.0.1
Port $port
HostKey $state/ssh_host_ed25519_key
HostKey $state/ssh_host_ecdsa_key
HostKey $state/ssh_host_rsa_key
PidFile $state/portcullisd.pid
LogLevel INFO
Subsystem sftp /usr/lib/openssh/sftp-server
X11Forwarding yes
EOF
mv "$cfg.tmp" "$cfg"

cat <<EOF
run: starting portcullisd on 127.0.0.1:$port (config $cfg)
run: connect with:  ssh -p $port $user@127.0.0.1
run: shells, commands, sftp, scp and forwarding (-L, -R, -D, -A, -X)
run: work (see README.md, "Status"); stop the server with Ctrl-C.
EOF
exec "$daemon" -D -e -f "$cfg"
