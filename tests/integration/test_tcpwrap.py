"""TCP wrappers on the daemon's own listener: hosts_access(5) tables given
by TCPWrappersAllowFile / TCPWrappersDenyFile, checked under the daemon
name "portcullisd" in the connection process before the version banner.

A refused peer gets no byte at all -- the connection is closed -- and the
log has "refused connect from ADDR (ADDR) (TCP wrappers)", which fail2ban's
stock sshd filter reads as libwrap's own refusal line.  The second peer
address is 127.0.0.2: a socket bound to it before connect (Linux routes all
of 127/8 to loopback).  portcullisd only: sshd has no such keywords.
"""

import os
import re
import shutil
import socket
import subprocess
import time

import pytest

import sshtest

pytestmark = pytest.mark.skipif(sshtest.IS_OPENSSH,
                                reason="TCPWrappers* are portcullisd's")

REFUSED_RE = (r"refused connect from 127\.0\.0\.2 \(127\.0\.0\.2\) "
              r"\(TCP wrappers\)")
F2B = shutil.which("fail2ban-regex")
F2B_FILTER = "/etc/fail2ban/filter.d/sshd.conf"


def built_with_libwrap():
    r = subprocess.run([sshtest.server_binary(), "-T", "-f", "/dev/null"],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return "tcpwrappers yes" in r.stdout.splitlines()


needs_libwrap = pytest.mark.skipif(
    not sshtest.IS_OPENSSH and not built_with_libwrap(),
    reason="built without libwrap (configure --without-libwrap)")


def tables(tmp_path, allow, deny):
    a = tmp_path / "hosts.allow"
    d = tmp_path / "hosts.deny"
    a.write_text(allow)
    d.write_text(deny)
    return {"TCPWrappersAllowFile": str(a), "TCPWrappersDenyFile": str(d)}


def raw_from(port, src, timeout=5.0):
    """Connect from src to the server; return every byte it sends within
    `timeout` seconds, and whether it closed the connection."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.bind((src, 0))
        s.connect(("127.0.0.1", port))
        data = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(4096)
            except ConnectionResetError:
                return data, True
            except socket.timeout:
                return data, False
            if not chunk:
                return data, True
            data += chunk
            if b"\n" in data:
                return data, False      # a banner: it is talking
        return data, False
    finally:
        s.close()


def banner_from(port, src):
    data, _ = raw_from(port, src)
    return data.startswith(b"SSH-2.0-")


def refused_from(port, src):
    data, closed = raw_from(port, src)
    return data == b"" and closed


@needs_libwrap
def test_deny_one_address(server_factory, tmp_path):
    """hosts.deny refuses 127.0.0.2 for portcullisd: no banner, the log
    line; 127.0.0.1 logs in as far as authentication."""
    srv = server_factory(**tables(tmp_path, "", "portcullisd: 127.0.0.2\n"))
    since = srv.log_offset()
    assert refused_from(srv.port, "127.0.0.2")
    lines = srv.wait_log(REFUSED_RE, since=since)
    assert lines, srv.log_since(since)
    # Refused before anything else happened on that connection.
    assert "Connection from 127.0.0.2" not in srv.log_since(since)
    rc, err = sshtest.run_ssh(srv.port)
    assert sshtest.reached_auth_failure(rc, err), err
    assert banner_from(srv.port, "127.0.0.1")
    # Every refusal is logged.
    since = srv.log_offset()
    for _ in range(3):
        assert refused_from(srv.port, "127.0.0.2")
    assert len(srv.wait_log(REFUSED_RE, since=since, count=3)) == 3
    assert srv.alive()


@needs_libwrap
def test_allow_before_deny(server_factory, tmp_path):
    """hosts.allow is read first: ALL: ALL in hosts.deny refuses all but
    the allowed address."""
    srv = server_factory(**tables(tmp_path, "portcullisd: 127.0.0.2\n",
                                  "ALL: ALL\n"))
    assert banner_from(srv.port, "127.0.0.2")
    since = srv.log_offset()
    assert refused_from(srv.port, "127.0.0.1")
    assert srv.wait_log(r"refused connect from 127\.0\.0\.1 \(127\.0\.0\.1\)"
                        r" \(TCP wrappers\)", since=since)
    rc, err = sshtest.run_ssh(srv.port)
    assert rc == 255 and "Permission denied" not in err, err


@needs_libwrap
def test_other_daemon_names(server_factory, tmp_path):
    """Rules for sshd and for the forwarding names do not touch the
    daemon's own connections."""
    srv = server_factory(**tables(
        tmp_path, "", "sshd: ALL\nsshdfwd-ssh: ALL\nsshdfwd-22: ALL\n"))
    since = srv.log_offset()
    assert banner_from(srv.port, "127.0.0.2")
    assert banner_from(srv.port, "127.0.0.1")
    assert "refused connect" not in srv.log_since(since)


def test_tcpwrappers_no(server_factory, tmp_path):
    """TCPWrappers no: the tables are not read; 127.0.0.2 gets in."""
    opts = tables(tmp_path, "", "ALL: ALL\n")
    opts["TCPWrappers"] = "no"
    srv = server_factory(**opts)
    since = srv.log_offset()
    assert banner_from(srv.port, "127.0.0.2")
    rc, err = sshtest.run_ssh(srv.port)
    assert sshtest.reached_auth_failure(rc, err), err
    assert "refused connect" not in srv.log_since(since)


@needs_libwrap
def test_refusal_line_for_fail2ban(server_factory, tmp_path):
    """fail2ban's stock sshd filter finds the refused address."""
    if F2B is None or not os.path.exists(F2B_FILTER):
        pytest.skip("fail2ban is not installed (build-aux/deps.sh check)")
    srv = server_factory(**tables(tmp_path, "", "portcullisd: 127.0.0.2\n"))
    since = srv.log_offset()
    assert refused_from(srv.port, "127.0.0.2")
    lines = srv.wait_log(REFUSED_RE, since=since)
    assert lines, srv.log_since(since)
    msg = re.sub(r"^.*?(refused connect)", r"\1", lines[0])
    stamp = time.strftime("%b %d %H:%M:%S")
    log = tmp_path / "f2b.log"
    log.write_text("%s pchost sshd[1234]: %s\n" % (stamp, msg))
    r = subprocess.run([F2B, "-o", "row", str(log), F2B_FILTER],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "'127.0.0.2'" in r.stdout, r.stdout


@pytest.mark.skipif(sshtest.IS_OPENSSH or built_with_libwrap(),
                    reason="only without libwrap")
def test_tcpwrappers_yes_without_libwrap(tmp_path):
    """Without libwrap, asking for TCP wrappers is a configuration error
    naming the line, not a silently unprotected daemon."""
    conf = tmp_path / "c.conf"
    conf.write_text("Port 2222\nTCPWrappers yes\n")
    r = subprocess.run([sshtest.server_binary(), "-t", "-f", str(conf)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert "%s line 2: TCPWrappers yes" % conf in r.stderr, r.stderr
