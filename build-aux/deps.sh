#!/bin/sh
# Install the Debian packages Portcullis needs, saying what it installs.
#   deps.sh build   what `make` needs
#   deps.sh check   what `make check` needs as well
#   deps.sh bench   what `make bench` needs as well (tests/bench/sshbench.py)
# Only missing packages are installed; nothing happens when all are present.
set -eu

# netbase: /etc/services, whose names the TCP wrappers daemon names of
# forwarded ports use (sshdfwd-SERVICE); a runtime need too.
build_pkgs="gcc make autoconf automake pkg-config libc6-dev libsodium-dev
libssl-dev libpam0g-dev libwrap0-dev openssh-sftp-server netbase"
check_pkgs="libcmocka-dev clang openssh-client openssh-server python3
python3-pytest python3-paramiko python3-asyncssh dropbear-bin putty-tools
socat procps iproute2 libpam-wrapper libnss-wrapper fail2ban valgrind xauth"
# The comparison with OpenSSH's sshd: both servers, OpenSSH's client, and
# gnuplot for the chart; passwd for useradd/userdel when run as root.
bench_pkgs="python3 openssh-client openssh-server gnuplot-nox passwd"

case "${1:-build}" in
build) want="$build_pkgs" ;;
check) want="$build_pkgs $check_pkgs" ;;
bench) want="$build_pkgs $bench_pkgs" ;;
*) echo "usage: $0 build|check|bench" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"ok installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

echo "deps: installing missing Debian packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1; then
	sudo="sudo"
else
	echo "deps: not root and no sudo; run as root: apt-get install$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# policy-rc.d 101 keeps openssh-server's postinst from starting a system sshd.
prc=/usr/sbin/policy-rc.d
made_prc=no
if [ ! -e "$prc" ]; then
	printf '#!/bin/sh\nexit 101\n' | $sudo tee "$prc" >/dev/null
	$sudo chmod 755 "$prc"
	made_prc=yes
fi
rc=0
$sudo apt-get update -qq || rc=$?
[ $rc -eq 0 ] && { $sudo apt-get install -y -qq --no-install-recommends $missing \
	>/tmp/portcullis-apt.log 2>&1 || { rc=$?; tail -20 /tmp/portcullis-apt.log >&2; }; }
[ "$made_prc" = yes ] && $sudo rm -f "$prc"
[ $rc -eq 0 ] && echo "deps: installed:$missing"
exit $rc
