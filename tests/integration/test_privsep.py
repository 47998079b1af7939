"""Privilege separation (issue 7; docs/privsep.md): the processes of one
connection, seen from /proc.

  listener -> monitor (root when the daemon is)
     monitor -> network process: before authentication; the privsep user,
                chrooted to the empty directory, seccomp filter, no new
                privileges, rlimits
     monitor -> post-auth process: after authentication; the user

A forbidden system call is provoked with the test-only daemon
(build/test-hooks/portcullisd, built with -DPC_TEST_HOOKS: the environment
variable PC_TEST_HOOK=forbidden-syscall makes its network process call
getppid(2), which the filter does not allow, after the first bytes from
the client); the normal portcullisd has no such hook.  The monitor's
request table is tested in tests/unit/test_monitor.c.
"""

import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

import sshtest

REPO = Path(__file__).resolve().parents[2]
HOOKS_BINARY = REPO / "build" / "test-hooks" / "portcullisd"

pytestmark = pytest.mark.skipif(sshtest.IS_OPENSSH,
                                reason="portcullisd's process layout")


def config_h(name, default=None):
    """A #define from config.h: its string value, True, or default."""
    try:
        text = (REPO / "config.h").read_text()
    except OSError:
        return default
    m = re.search(r"^#define %s(?: (.*))?$" % re.escape(name), text, re.M)
    if m is None:
        return default
    v = m.group(1)
    return True if v is None else v.strip().strip('"')


SECCOMP = not config_h("PC_SANDBOX_NO_SECCOMP", False)
PRIVSEP_USER = config_h("PRIVSEP_USER", "sshd")
PRIVSEP_PATH = config_h("PC_PRIVSEP_PATH", "/run/portcullisd/empty")


# --- /proc -------------------------------------------------------------------

def status(pid):
    """/proc/PID/status as a dict of lists of fields."""
    out = {}
    for line in Path("/proc/%d/status" % pid).read_text().splitlines():
        k, _, v = line.partition(":")
        out[k] = v.split()
    return out


def children(pid):
    kids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = Path("/proc/%s/stat" % d).read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            kids.append(int(d))
    return sorted(kids)


def limits(pid):
    """Soft limits by name from /proc/PID/limits."""
    out = {}
    for line in Path("/proc/%d/limits" % pid).read_text().splitlines()[1:]:
        name = line[:26].strip()
        out[name] = line[26:47].strip()
    return out


def wait_for(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = predicate()
        if v:
            return v
        time.sleep(0.02)
    return predicate()


def monitor_and_network(srv):
    """The monitor of the one connection and its one child."""
    def find():
        mons = children(srv.proc.pid)
        if len(mons) != 1:
            return None
        nets = children(mons[0])
        return (mons[0], nets[0]) if len(nets) == 1 else None
    found = wait_for(find)
    assert found, "no monitor with one child under %d" % srv.proc.pid
    return found


def banner_only(port):
    """A raw TCP connection that has sent only its version line."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(b"SSH-2.0-pctest_privsep\r\n")
    assert s.recv(256).startswith(b"SSH-2.0-")
    return s


# --- before authentication --------------------------------------------------

def check_network_process(net, uid, gid, root):
    st = status(net)
    assert st["Uid"] == [str(uid)] * 4, st["Uid"]
    assert st["Gid"] == [str(gid)] * 4, st["Gid"]
    if os.geteuid() == 0:
        assert st["Groups"] == [], st["Groups"]
    assert st["NoNewPrivs"] == ["1"]
    if SECCOMP:
        assert st["Seccomp"] == ["2"]
    assert os.readlink("/proc/%d/root" % net) == root
    lim = limits(net)
    assert lim["Max file size"] == "0"
    assert lim["Max processes"] == "0"
    assert lim["Max open files"] == "2"
    # The client, the monitor and the log socket, and /dev/null fillers
    # below RLIMIT_NOFILE: nothing of the daemon's.
    assert len(os.listdir("/proc/%d/fd" % net)) <= 5


def test_network_process_sandboxed(server_factory):
    srv = server_factory()
    s = banner_only(srv.port)
    try:
        mon, net = monitor_and_network(srv)
        if os.geteuid() == 0:
            assert status(mon)["Uid"] == ["0"] * 4
            pw = pwd.getpwnam(PRIVSEP_USER)
            root = os.path.realpath(PRIVSEP_PATH)
            check_network_process(net, pw.pw_uid, pw.pw_gid, root)
            assert os.listdir(root) == []
            st = os.stat(root)
            assert st.st_uid == 0 and st.st_mode & 0o022 == 0
        else:
            check_network_process(net, os.getuid(), os.getgid(), "/")
        # The monitor itself is not sandboxed.
        assert status(mon)["Seccomp"] == ["0"]
    finally:
        s.close()
    # The client gone: both processes end.
    assert wait_for(lambda: children(srv.proc.pid) == [])


def test_network_process_dies_with_its_monitor(server_factory):
    """A monitor gone (crash, kill) takes the network process along: the
    client sees the connection end at once, not at LoginGraceTime."""
    srv = server_factory()
    s = banner_only(srv.port)
    try:
        mon, net = monitor_and_network(srv)
        os.kill(mon, signal.SIGKILL)
        s.settimeout(5)
        try:
            while s.recv(4096):
                pass
        except ConnectionResetError:
            pass
        assert wait_for(lambda: not os.path.exists("/proc/%d" % net) or
                        "Z" in Path("/proc/%d/stat" % net).read_text()
                        .rsplit(")", 1)[1].split()[0])
    finally:
        s.close()


def test_log_lines_relayed_with_preauth_suffix(server_factory):
    srv = server_factory()
    since = srv.log_offset()
    s = banner_only(srv.port)
    mon, net = monitor_and_network(srv)
    s.close()
    # Logged by the network process, written by the monitor.
    lines = srv.wait_log(r"(Connection closed by|Read error from) "
                         r"127\.0\.0\.1 port \d+.* \[preauth\]", since=since)
    assert lines, srv.log_since(since)
    assert "debug: peer version: SSH-2.0-pctest_privsep" in \
        srv.log_since(since)


@pytest.mark.skipif(not SECCOMP, reason="built --disable-seccomp-filter")
def test_forbidden_syscall_kills_network_process(server_factory,
                                                 monkeypatch):
    if not os.access(HOOKS_BINARY, os.X_OK):
        pytest.skip("%s not built (make test-bins)" % HOOKS_BINARY)
    monkeypatch.setenv("PC_TEST_BINARY", str(HOOKS_BINARY))
    env = dict(os.environ, PC_TEST_HOOK="forbidden-syscall")
    srv = server_factory(_env=env)
    since = srv.log_offset()
    c = sshtest.RawConn(srv.port)
    try:
        c.send(b"SSH-2.0-pctest_privsep\r\n")
        closed, _, _ = c.wait_close(10)
        assert closed, "the connection outlived its network process"
    finally:
        c.close()
    lines = srv.wait_log(r"monitor: network process \d+ for 127\.0\.0\.1 "
                         r"port %d killed by the sandbox \(SIGSYS: a "
                         r"forbidden system call\)" % c.local_port,
                         since=since)
    assert lines, srv.log_since(since)
    assert wait_for(lambda: children(srv.proc.pid) == [])
    # The listener goes on serving.
    assert srv.alive()


@pytest.mark.skipif(not SECCOMP, reason="built --disable-seccomp-filter")
def test_forbidden_syscall_penalised_as_crash(server_factory, monkeypatch):
    """The listener charges the source with a crash (PerSourcePenalties):
    the monitor reports its network process's death so."""
    if not os.access(HOOKS_BINARY, os.X_OK):
        pytest.skip("%s not built (make test-bins)" % HOOKS_BINARY)
    monkeypatch.setenv("PC_TEST_BINARY", str(HOOKS_BINARY))
    env = dict(os.environ, PC_TEST_HOOK="forbidden-syscall")
    srv = server_factory(_env=env, PerSourcePenalties="crash:30 noauth:0")
    since = srv.log_offset()
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(10)
    s.bind(("127.0.0.3", 0))
    s.connect(("127.0.0.1", srv.port))
    try:
        s.sendall(b"SSH-2.0-pctest_privsep\r\n")
        while s.recv(4096):
            pass
    except ConnectionResetError:
        pass
    finally:
        s.close()
    assert srv.wait_log(r"ipv4: new 127\.0\.0\.3/32 active penalty of "
                        r"30\.000 seconds for penalty: caused crash",
                        since=since, timeout=10), srv.log_since(since)


def test_hook_absent_from_normal_daemon(server_factory):
    """PC_TEST_HOOK means nothing to the installed daemon."""
    assert b"PC_TEST_HOOK" not in Path(sshtest.server_binary()).read_bytes()
    env = dict(os.environ, PC_TEST_HOOK="forbidden-syscall")
    srv = server_factory(_env=env)
    c = sshtest.RawConn(srv.port)
    try:
        assert c.handshake()[0] == 20
    finally:
        c.close()


# --- after authentication ---------------------------------------------------

@pytest.fixture(scope="module")
def ps_user():
    if not sshtest.is_root():
        pytest.skip("needs root: creates a user")
    u = sshtest.SysUser(prefix="pcpsep")
    yield u
    u.remove()


@pytest.fixture(scope="module")
def ps_key(tmp_path_factory):
    d = tmp_path_factory.mktemp("psepkey")
    return sshtest.keygen(d / "id_ed25519", comment="pctest-privsep")


def test_after_auth_user_processes(server_factory, ps_user, ps_key):
    ps_user.authorize(sshtest.pub_line(ps_key))
    srv = server_factory()
    cmd = [sshtest.SSH, "-F", "/dev/null", "-p", str(srv.port), "-l",
           ps_user.name, "-i", str(ps_key), "-o", "IdentitiesOnly=yes",
           "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
           "-o", "UserKnownHostsFile=/dev/null", "127.0.0.1",
           "echo ready; exec sleep 30"]
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         start_new_session=True)
    try:
        assert p.stdout.readline() == b"ready\n"

        def tree():
            mons = children(srv.proc.pid)
            if len(mons) != 1:
                return None
            posts = children(mons[0])
            if len(posts) != 1:
                return None
            shells = children(posts[0])
            return (mons[0], posts[0], shells) if shells else None
        found = wait_for(tree)
        assert found
        mon, post, shells = found
        # The monitor stays root; the network process is gone.
        assert status(mon)["Uid"] == ["0"] * 4
        pw = pwd.getpwnam(PRIVSEP_USER)
        for pid in children(mon):
            assert status(pid)["Uid"][0] != str(pw.pw_uid)
        # The connection's process and the session's are the user's,
        # every id, for good.
        for pid in [post] + shells:
            st = status(pid)
            assert st["Uid"] == [str(ps_user.uid)] * 4, (pid, st["Uid"])
            assert st["Gid"] == [str(ps_user.gid)] * 4, (pid, st["Gid"])
        assert status(post)["Seccomp"] == ["0"]
        assert os.readlink("/proc/%d/root" % post) == "/"
    finally:
        os.killpg(p.pid, signal.SIGTERM)
        p.wait(timeout=10)
    assert wait_for(lambda: children(srv.proc.pid) == [], timeout=10)


def test_pty_session_records_through_monitor(server_factory, ps_user,
                                             ps_key):
    """A pty comes from the monitor: owned by the user, group tty."""
    ps_user.authorize(sshtest.pub_line(ps_key))
    srv = server_factory()
    cmd = [sshtest.SSH, "-F", "/dev/null", "-tt", "-p", str(srv.port), "-l",
           ps_user.name, "-i", str(ps_key), "-o", "IdentitiesOnly=yes",
           "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
           "-o", "UserKnownHostsFile=/dev/null", "127.0.0.1",
           "stat -c '%U %G %a' $(tty); id -u"]
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode().replace("\r", "").split("\n")
    assert out[0] == "%s tty 620" % ps_user.name
    assert out[1] == str(ps_user.uid)


# --- not root ----------------------------------------------------------------

def test_unprivileged_daemon(tmp_path, ps_user, ps_key):
    """The same split for a daemon run by a user for that user: no chroot
    and no uid change, but the sandbox's filter, flags and limits."""
    d = Path(shutil.copytree(tmp_path, ps_user.home / "psep",
                             dirs_exist_ok=True))
    os.chown(d, ps_user.uid, ps_user.gid)
    hk = sshtest.keygen(d / "hostkey", comment="pctest-psep-host")
    for f in (hk, Path(str(hk) + ".pub")):
        os.chown(f, ps_user.uid, ps_user.gid)
    port = sshtest.free_port()
    conf = d / "psep.conf"
    conf.write_text("ListenAddress 127.0.0.1\nPort %d\nHostKey %s\n"
                    "PidFile none\nLogLevel DEBUG1\nUsePAM no\n"
                    "TCPWrappersAllowFile /dev/null\n"
                    "TCPWrappersDenyFile /dev/null\n" % (port, hk))
    os.chown(conf, ps_user.uid, ps_user.gid)
    ps_user.authorize(sshtest.pub_line(ps_key))
    log = open(d / "psep.log", "wb")
    daemon = subprocess.Popen([sshtest.server_binary(), "-D", "-e", "-f",
                               str(conf)], stdin=subprocess.DEVNULL,
                              stdout=log, stderr=subprocess.STDOUT,
                              user=ps_user.uid, group=ps_user.gid,
                              extra_groups=[], start_new_session=True,
                              cwd=str(d))
    try:
        def listening():
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                return True
            except OSError:
                return daemon.poll() is not None
        assert wait_for(listening, 10) and daemon.poll() is None, \
            (d / "psep.log").read_text()
        s = banner_only(port)
        try:
            def pair():
                mons = children(daemon.pid)
                nets = children(mons[0]) if len(mons) == 1 else []
                return (mons[0], nets[0]) if len(nets) == 1 else None
            found = wait_for(pair)
            assert found
            mon, net = found
            assert status(mon)["Uid"] == [str(ps_user.uid)] * 4
            check_network_process(net, ps_user.uid, ps_user.gid, "/")
        finally:
            s.close()
        res = sshtest.ssh_login(port, ps_user.name, key=ps_key)
        assert res.authenticated("publickey"), res
        text = (d / "psep.log").read_text()
        assert re.search(r"Accepted publickey for %s from 127\.0\.0\.1 "
                         % ps_user.name, text), text
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        daemon.wait(timeout=10)
        log.close()
