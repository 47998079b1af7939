"""PerSourcePenalties and PerSourcePenaltyExemptList (OpenSSH 9.8): the
listener charges the source of each unauthenticated connection by how it
ended (failed authentication, none attempted, LoginGraceTime, a crash) and
refuses a penalised source at accept with "Not allowed at this time",
logging "drop connection #N from [ADDR]:PORT on [LADDR]:LPORT penalty: ...".

Sources are told apart by binding the client socket to 127.0.0.2 /
127.0.0.3 before connecting (Linux routes all of 127/8 to loopback).
portcullisd only: Debian 12's sshd (OpenSSH 9.2) has no such keywords.
"""

import os
import re
import signal
import socket
import subprocess
import time

import paramiko
import pytest

import sshtest

pytestmark = pytest.mark.skipif(sshtest.IS_OPENSSH,
                                reason="OpenSSH 9.2 has no PerSourcePenalties")

DROP_RE = (r"drop connection #\d+ from \[%s\]:\d+ on \[127\.0\.0\.1\]:%d "
           r"penalty: %s")


def sock_from(port, src, timeout=5.0):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    return s


def first_bytes(port, src, timeout=5.0):
    """What the server says to a new connection from src before closing
    or within timeout."""
    s = sock_from(port, src, timeout)
    data = b""
    try:
        while not data.endswith(b"\n"):
            b = s.recv(256)
            if not b:
                break
            data += b
    except socket.timeout:
        pass
    finally:
        s.close()
    return data


def failed_login(port, src):
    """One connection from src with a refused password."""
    s = sock_from(port, src)
    t = paramiko.Transport(s)
    try:
        t.start_client(timeout=10)
        with pytest.raises(paramiko.AuthenticationException):
            t.auth_password("pc-no-such-user", "wrong")
    finally:
        t.close()
        s.close()


def wait_reaped(srv, since, count):
    """The listener logs a penalty line per reaped child (VERBOSE or
    INFO); wait until count of them are in."""
    lines = srv.wait_log(r"(ipv4|ipv6): new |activating |penalty for ",
                         since=since, count=count, timeout=10)
    assert len(lines) >= count, srv.log_since(since)


def test_authfail_refuses_the_source_only(server_factory):
    # authfail 14 s, min 15 s: the second failure (well within 13 s;
    # a failed password takes a few seconds) crosses min.
    srv = server_factory(PerSourcePenalties="authfail:14 noauth:0 min:15")
    off = srv.log_offset()
    failed_login(srv.port, "127.0.0.2")
    wait_reaped(srv, off, 1)
    # One failure is still below min: the source may connect.
    assert first_bytes(srv.port, "127.0.0.2").startswith(b"SSH-2.0-")
    failed_login(srv.port, "127.0.0.2")
    assert srv.wait_log(r"127\.0\.0\.2/32: activating ipv4 penalty of "
                        r"\d+\.\d+ seconds for penalty: failed "
                        r"authentication", since=off, timeout=10)
    data = first_bytes(srv.port, "127.0.0.2")
    assert data == b"Not allowed at this time\r\n"
    assert srv.wait_log(DROP_RE % (r"127\.0\.0\.2", srv.port,
                                   "failed authentication"), since=off)
    # Another source is not affected.
    assert first_bytes(srv.port, "127.0.0.1").startswith(b"SSH-2.0-")


def test_exempt_list(server_factory):
    srv = server_factory(PerSourcePenalties="authfail:20 noauth:0 min:15",
                         PerSourcePenaltyExemptList="127.0.0.2,10.0.0.0/8")
    off = srv.log_offset()
    for _ in range(3):
        failed_login(srv.port, "127.0.0.2")
    assert first_bytes(srv.port, "127.0.0.2").startswith(b"SSH-2.0-")
    # The same failure from a source not in the list is penalised.
    failed_login(srv.port, "127.0.0.3")
    assert srv.wait_log(r"ipv4: new 127\.0\.0\.3/32 active penalty",
                        since=off, timeout=10)
    assert first_bytes(srv.port, "127.0.0.3") == \
        b"Not allowed at this time\r\n"
    assert "127.0.0.2/32" not in srv.log_since(off)


def test_noauth(server_factory):
    srv = server_factory(PerSourcePenalties="noauth:16")
    off = srv.log_offset()
    assert first_bytes(srv.port, "127.0.0.2").startswith(b"SSH-2.0-")
    assert srv.wait_log(r"ipv4: new 127\.0\.0\.2/32 active penalty of "
                        r"16\.000 seconds for penalty: connections without "
                        r"attempting authentication", since=off, timeout=10)
    assert first_bytes(srv.port, "127.0.0.2") == \
        b"Not allowed at this time\r\n"
    assert srv.wait_log(DROP_RE % (r"127\.0\.0\.2", srv.port,
                                   "connections without attempting "
                                   "authentication"), since=off)


def test_grace_exceeded(server_factory):
    srv = server_factory(LoginGraceTime="1",
                         PerSourcePenalties="grace-exceeded:20 noauth:0")
    off = srv.log_offset()
    s = sock_from(srv.port, "127.0.0.2", timeout=10)
    try:
        s.sendall(b"SSH-2.0-pctest_penalty\r\n")
        # Wait for the server to give up on us.
        while s.recv(4096):
            pass
    finally:
        s.close()
    assert srv.wait_log(r"ipv4: new 127\.0\.0\.2/32 active penalty of "
                        r"20\.000 seconds for penalty: exceeded "
                        r"LoginGraceTime", since=off, timeout=10)
    assert first_bytes(srv.port, "127.0.0.2") == \
        b"Not allowed at this time\r\n"


def listener_children(pid):
    path = "/proc/%d/task/%d/children" % (pid, pid)
    with open(path) as f:
        return [int(x) for x in f.read().split()]


def server_side_pid(srv, client):
    """The listener's child serving the client socket: the one holding the
    server end (found by inode in /proc/net/tcp)."""
    caddr, cport = client.getsockname()
    want = "%08X:%04X" % (int.from_bytes(socket.inet_aton(caddr), "little"),
                          cport)
    inode = None
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if fields[2] == want and fields[1].endswith(":%04X" % srv.port):
                inode = fields[9]
    assert inode is not None
    for pid in listener_children(srv.proc.pid):
        try:
            fds = os.listdir("/proc/%d/fd" % pid)
        except FileNotFoundError:
            continue
        for fd in fds:
            try:
                if os.readlink("/proc/%d/fd/%s" % (pid, fd)) == \
                        "socket:[%s]" % inode:
                    return pid
            except OSError:
                continue
    return None


def test_crash(server_factory):
    srv = server_factory(PerSourcePenalties="crash:30 noauth:0")
    off = srv.log_offset()
    s = sock_from(srv.port, "127.0.0.3")
    try:
        assert s.recv(64).startswith(b"SSH-2.0-")
        pid = server_side_pid(srv, s)
        assert pid is not None
        os.kill(pid, signal.SIGSEGV)
        while s.recv(4096):
            pass
    finally:
        s.close()
    assert srv.wait_log(r"killed by signal 11", since=off, timeout=10)
    assert srv.wait_log(r"ipv4: new 127\.0\.0\.3/32 active penalty of "
                        r"30\.000 seconds for penalty: caused crash",
                        since=off, timeout=10)
    assert first_bytes(srv.port, "127.0.0.3") == \
        b"Not allowed at this time\r\n"
    assert first_bytes(srv.port, "127.0.0.2").startswith(b"SSH-2.0-")


def test_authenticated_is_never_penalised(server_factory, fwd_user,
                                          fwd_key):
    """A connection that authenticated and then ends does not charge its
    source, even with every charge above min."""
    fwd_user.reset()
    fwd_user.authorize(sshtest.pub_line(fwd_key))
    srv = server_factory(PerSourcePenalties="authfail:30 noauth:30 min:0",
                         AuthorizedKeysFile=".ssh/authorized_keys",
                         StrictModes="no")
    off = srv.log_offset()
    s = sock_from(srv.port, "127.0.0.2")
    c = paramiko.Transport(s)
    try:
        c.start_client(timeout=10)
        c.auth_publickey(fwd_user.name,
                         paramiko.Ed25519Key.from_private_key_file(
                             str(fwd_key)))
        assert c.is_authenticated()
        assert srv.wait_log(r"auth done", since=off)
    finally:
        c.close()
        s.close()
    time.sleep(0.5)
    assert first_bytes(srv.port, "127.0.0.2").startswith(b"SSH-2.0-")
    assert "127.0.0.2/32" not in srv.log_since(off)


def test_dump_defaults_and_values(tmp_path):
    conf = tmp_path / "c"
    conf.write_text("")
    r = subprocess.run([sshtest.server_binary(), "-T", "-f", str(conf)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert ("persourcepenalties crash:90 authfail:5 noauth:1 "
            "grace-exceeded:20 max:600 min:15 max-sources4:65536 "
            "max-sources6:65536 overflow:permissive "
            "overflow6:permissive") in lines
    assert "persourcepenaltyexemptlist none" in lines
    assert "persourcenetblocksize 32:128" in lines
    assert "persourcemaxstartups none" in lines
    conf.write_text("PerSourcePenalties crash:2m overflow6:deny-all\n"
                    "PerSourcePenaltyExemptList 192.0.2.0/24,::1\n"
                    "PerSourceNetBlockSize 24:64\n")
    r = subprocess.run([sshtest.server_binary(), "-T", "-f", str(conf)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert ("persourcepenalties crash:120 authfail:5 noauth:1 "
            "grace-exceeded:20 max:600 min:15 max-sources4:65536 "
            "max-sources6:65536 overflow:permissive "
            "overflow6:deny-all") in lines
    assert "persourcepenaltyexemptlist 192.0.2.0/24,::1" in lines
    assert "persourcenetblocksize 24:64" in lines
    r = subprocess.run([sshtest.server_binary(), "-T", "-f", str(conf),
                        "-o", "PerSourcePenalties=no"],
                       capture_output=True, text=True, timeout=60)
    assert "persourcepenalties no" in r.stdout.splitlines()
    conf.write_text("PerSourcePenalties yes crash:1\n")
    r = subprocess.run([sshtest.server_binary(), "-t", "-f", str(conf)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert "must appear alone" in r.stderr


def test_per_source_max_startups(server_factory):
    srv = server_factory(PerSourceMaxStartups="2")
    # The start-up probe's connection must be over, or it is counted
    # (its monitor and network process take a few milliseconds to end).
    assert srv.wait_log(r"(Connection closed by|Read error from) "
                        r"127\.0\.0\.1 port")
    assert sshtest.wait_until(lambda: not listener_children(srv.proc.pid))
    off = srv.log_offset()
    held = [sock_from(srv.port, "127.0.0.2") for _ in range(2)]
    try:
        for h in held:
            assert h.recv(64).startswith(b"SSH-2.0-")
        assert first_bytes(srv.port, "127.0.0.2") == \
            b"Not allowed at this time\r\n"
        assert srv.wait_log(r"drop connection #2 from \[127\.0\.0\.2\]:\d+ "
                            r"on \[127\.0\.0\.1\]:%d past "
                            r"PerSourceMaxStartups" % srv.port, since=off)
        # Another source still gets in.
        assert first_bytes(srv.port, "127.0.0.3").startswith(b"SSH-2.0-")
    finally:
        for h in held:
            h.close()
