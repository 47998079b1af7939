"""The daemon as systemd and administrators run it: sd_notify(3) messages
on start, SIGHUP and SIGTERM, the pid file, -d (one connection), -i
(inetd: through ssh's ProxyCommand and through socat), -E, MaxStartups
under a bounded flood of silent connections, and the unit file checked
by systemd-analyze verify.

Everything listens on and connects to 127.0.0.1 only; every wait is
bounded; every process a test starts is stopped by that test.
"""

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

import sshtest

pytestmark = pytest.mark.skipif(sshtest.IS_OPENSSH,
                                reason="portcullisd's daemon behaviour")

NOTIFY_TIMEOUT = 10.0


class Daemon:
    """portcullisd started by the test with its own arguments."""

    def __init__(self, tmp, host_keys, lines=(), args=("-D", "-e"),
                 env=None):
        self.tmp = Path(tmp)
        self.port = sshtest.free_port()
        self.conf = self.tmp / "portcullisd.conf"
        self.pidfile = self.tmp / "portcullisd.pid"
        self.logpath = self.tmp / "daemon.log"
        # PerSourcePenalties off: the floods and failures here come from
        # 127.0.0.1, the address the tests then log in from (its own
        # tests are in test_penalties.py).
        self.lines = ["ListenAddress 127.0.0.1", "Port %d" % self.port,
                      "PidFile %s" % self.pidfile, "LogLevel DEBUG3",
                      "PerSourcePenalties no"]
        self.lines += ["HostKey %s" % k for k in host_keys]
        self.lines += list(lines)
        self.args = list(args)
        self.env = env
        self.proc = None
        self._log = None

    def write(self, extra=()):
        self.conf.write_text("\n".join(self.lines + list(extra)) + "\n")

    def start(self, wait_port=True):
        self.write()
        self._log = open(self.logpath, "ab")
        cmd = [sshtest.server_binary()] + self.args + ["-f", str(self.conf)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=self._log,
                                     stderr=subprocess.STDOUT,
                                     start_new_session=True, env=self.env)
        if wait_port:
            wait_listening(self.port, self.proc, self.log)
        return self

    def log(self):
        try:
            return self.logpath.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def stop(self):
        if self.proc is None:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=5)
                break
            except subprocess.TimeoutExpired:
                continue
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if self._log is not None:
            self._log.close()
            self._log = None


def wait_listening(port, proc=None, log=lambda: "", timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            raise AssertionError("daemon exited (%s) before listening:\n%s"
                                 % (proc.returncode, log()[-4000:]))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError("nothing listens on port %d:\n%s"
                                 % (port, log()[-4000:]))
        time.sleep(0.05)


def wait_exit(proc, timeout=10.0):
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return None


@pytest.fixture
def daemon(tmp_path, host_keys):
    made = []

    def make(**kw):
        d = Daemon(tmp_path / ("d%d" % len(made)), host_keys, **kw)
        d.tmp.mkdir()
        made.append(d)
        return d
    yield make
    for d in made:
        d.stop()


@pytest.fixture
def notify_socket(tmp_path):
    """A datagram socket standing in for systemd's NOTIFY_SOCKET."""
    path = tmp_path / "notify"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(str(path))
    yield s, str(path)
    s.close()


def recv_notify(sock, timeout=NOTIFY_TIMEOUT):
    sock.settimeout(timeout)
    try:
        return sock.recv(4096).decode()
    except socket.timeout:
        return None


def banner(port, timeout=5.0):
    """The server's identification line on a fresh connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.settimeout(timeout)
        data = b""
        while b"\n" not in data and len(data) < 1024:
            chunk = s.recv(256)
            if not chunk:
                break
            data += chunk
        return data.split(b"\n")[0].decode(errors="replace")


def env_with(**extra):
    env = dict(os.environ)
    env.update(extra)
    return env


# --- systemd notifications, SIGHUP and SIGTERM ----------------------------

def test_notify_reload_and_stop(daemon, notify_socket):
    paramiko = pytest.importorskip("paramiko")
    sock, path = notify_socket
    d = daemon(env=env_with(NOTIFY_SOCKET=path)).start()
    assert recv_notify(sock) == "READY=1"
    pid = d.proc.pid
    assert d.pidfile.read_text().strip() == str(pid)

    # A connection through key exchange, open across the reload.
    t = paramiko.Transport(("127.0.0.1", d.port))
    try:
        t.start_client(timeout=10)
        assert t.is_active()

        # The reload reads the file again: a second port appears.
        port2 = sshtest.free_port()
        d.write(["Port %d" % port2])
        os.kill(pid, signal.SIGHUP)
        assert recv_notify(sock) == "RELOADING=1"
        assert recv_notify(sock) == "READY=1"
        assert d.proc.poll() is None
        # Same process (it re-executes itself), same pid file.
        assert d.pidfile.read_text().strip() == str(pid)
        assert banner(port2).startswith("SSH-2.0-")
        assert banner(d.port).startswith("SSH-2.0-")
        assert "Received SIGHUP; restarting." in d.log()

        # The old connection still works: userauth answers.
        with pytest.raises(paramiko.BadAuthenticationType) as e:
            t.auth_none(sshtest.TEST_USER)
        assert "publickey" in e.value.allowed_types
        assert t.is_active()
    finally:
        t.close()

    os.kill(pid, signal.SIGTERM)
    assert recv_notify(sock) == "STOPPING=1"
    assert wait_exit(d.proc) == 0, d.log()[-4000:]
    assert not d.pidfile.exists()
    assert "Received signal; terminating." in d.log()


def test_bad_config_on_reload_keeps_nothing_half_done(daemon, notify_socket):
    """SIGHUP with a broken file: the restarted daemon refuses it and
    exits 255 without notifying READY (systemd's ExecReload runs -t
    first to avoid exactly this)."""
    sock, path = notify_socket
    d = daemon(env=env_with(NOTIFY_SOCKET=path)).start()
    assert recv_notify(sock) == "READY=1"
    d.write(["MaxSessions lots"])
    r = subprocess.run([sshtest.server_binary(), "-t", "-f", str(d.conf)],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 255 and "line" in r.stderr
    os.kill(d.proc.pid, signal.SIGHUP)
    assert recv_notify(sock) == "RELOADING=1"
    assert wait_exit(d.proc) == 255
    assert recv_notify(sock, timeout=1) is None
    assert "MaxSessions integer value invalid." in d.log()


def test_sigterm_removes_pidfile(daemon):
    d = daemon().start()
    assert d.pidfile.read_text().strip() == str(d.proc.pid)
    os.kill(d.proc.pid, signal.SIGTERM)
    assert wait_exit(d.proc) == 0
    assert not d.pidfile.exists()


def test_pidfile_none(daemon):
    d = daemon()
    d.lines = [l for l in d.lines if not l.startswith("PidFile")]
    d.lines.append("PidFile none")
    d.start()
    assert not Path("none").exists()
    os.kill(d.proc.pid, signal.SIGTERM)
    assert wait_exit(d.proc) == 0


# --- -d, -i, -E ----------------------------------------------------------

def test_d_serves_one_connection(daemon):
    d = daemon(args=["-d"])
    d.start(wait_port=False)
    # -d: no probe connection; wait for the listening line instead.
    deadline = time.monotonic() + 10
    while "Server listening" not in d.log():
        assert d.proc.poll() is None, d.log()
        assert time.monotonic() < deadline, d.log()
        time.sleep(0.05)
    rc, err = sshtest.run_ssh(d.port, timeout=30)
    assert sshtest.reached_auth_failure(rc, err), err[-3000:]
    assert wait_exit(d.proc, timeout=15) == 0, d.log()[-4000:]
    # Nothing listens any more.
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", d.port), timeout=2).close()


def test_i_through_proxycommand(tmp_path, host_keys):
    conf = tmp_path / "inetd.conf"
    conf.write_text("HostKey %s\nLogLevel DEBUG1\n" % host_keys[0])
    log = tmp_path / "inetd.log"
    proxy = "%s -i -f %s -E %s" % (sshtest.server_binary(), conf, log)
    rc, err = sshtest.run_ssh(22, options=("ProxyCommand=" + proxy,),
                              timeout=30)
    assert sshtest.reached_auth_failure(rc, err), err[-3000:]
    # -E: the log went to the file.
    assert "pctest" in log.read_text(errors="replace")


def test_i_through_socat(tmp_path, host_keys):
    socat = shutil.which("socat")
    if socat is None:
        pytest.skip("socat is not installed")
    conf = tmp_path / "inetd.conf"
    conf.write_text("HostKey %s\n" % host_keys[0])
    log = tmp_path / "inetd.log"
    port = sshtest.free_port()
    cmd = [socat, "TCP-LISTEN:%d,bind=127.0.0.1,reuseaddr" % port,
           "EXEC:%s -i -f %s -E %s" % (sshtest.server_binary(), conf, log)]
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         start_new_session=True)
    try:
        wait_listening_socat(port, p)
        rc, err = sshtest.run_ssh(port, timeout=30)
        assert sshtest.reached_auth_failure(rc, err), err[-3000:]
        assert wait_exit(p, timeout=15) == 0
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=5)


def wait_listening_socat(port, proc, timeout=10.0):
    """socat serves one connection: probe with a bind, not a connect."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                return
        time.sleep(0.05)
    raise AssertionError("socat is not listening")


def test_E_logfile(daemon, tmp_path):
    log = tmp_path / "e.log"
    d = daemon(args=["-D", "-E", str(log)]).start()
    rc, err = sshtest.run_ssh(d.port, timeout=30)
    assert sshtest.reached_auth_failure(rc, err), err[-3000:]
    deadline = time.monotonic() + 5
    while "Server listening on 127.0.0.1" not in log.read_text() and \
            time.monotonic() < deadline:
        time.sleep(0.05)
    text = log.read_text()
    assert "Server listening on 127.0.0.1 port %d" % d.port in text
    assert "pctest" in text
    # -E without -e: nothing on stderr.
    assert d.log() == ""


# --- MaxStartups --------------------------------------------------------

FLOOD_CONNECTIONS = 50
FLOOD_SECONDS = 4.0


def _flood(port, stop, opened):
    """Open up to FLOOD_CONNECTIONS connections that send nothing, hold
    them until stop is set (bounded by the caller), then close them."""
    socks = []
    try:
        while not stop.is_set() and len(socks) < FLOOD_CONNECTIONS:
            try:
                socks.append(socket.create_connection(("127.0.0.1", port),
                                                      timeout=1))
                opened.append(1)
            except OSError:
                pass
            time.sleep(0.02)
        stop.wait(FLOOD_SECONDS + 1)
    finally:
        for s in socks:
            s.close()


def test_maxstartups_flood_lets_users_in(daemon, auth_user, user_keys):
    key = user_keys["ed25519"]
    auth_user.authorize(sshtest.pub_line(key))
    d = daemon(lines=["MaxStartups 3:50:6", "LoginGraceTime 3",
                      "PubkeyAuthentication yes", "UsePAM no"]).start()
    stop = threading.Event()
    opened = []
    th = threading.Thread(target=_flood, args=(d.port, stop, opened),
                          daemon=True)
    th.start()
    ok = None
    start = time.monotonic()
    try:
        time.sleep(0.5)
        # Bounded: at most 20 tries, each with its own timeout.
        for _ in range(20):
            res = sshtest.ssh_login(d.port, auth_user.name, key=key,
                                    timeout=10)
            if res.authenticated("publickey"):
                ok = res
                break
            time.sleep(0.25)
    finally:
        if time.monotonic() - start < FLOOD_SECONDS:
            time.sleep(max(0, FLOOD_SECONDS - (time.monotonic() - start)))
        stop.set()
        th.join(timeout=FLOOD_SECONDS + 5)
    assert ok is not None, "never logged in during the flood:\n%s" % \
        d.log()[-4000:]
    assert len(opened) > 6
    # The flood did meet MaxStartups, and the daemon lived through it.
    assert "drop connection" in d.log()
    assert d.proc.poll() is None
    res = sshtest.ssh_login(d.port, auth_user.name, key=key, timeout=20)
    assert res.authenticated("publickey"), res


def test_maxstartups_counts_only_unauthenticated(daemon, auth_user,
                                                 user_keys):
    """MaxStartups limits connections before authentication only (sshd(8)):
    with "MaxStartups 2", four authenticated idle connections do not stop
    a fifth login."""
    key = user_keys["ed25519"]
    auth_user.authorize(sshtest.pub_line(key))
    d = daemon(lines=["MaxStartups 2", "PubkeyAuthentication yes",
                      "UsePAM no"]).start()
    held = []
    try:
        for i in range(4):
            c = sshtest.ForwardClient(d.port, auth_user.name, key, [])
            held.append(c)
            assert c.wait_for(r"Authenticated to|Authentication "
                              r"succeeded", timeout=10), c.stderr()
        res = sshtest.ssh_login(d.port, auth_user.name, key=key,
                                timeout=20)
        assert res.authenticated("publickey"), d.log()[-3000:]
        assert "drop connection" not in d.log()
    finally:
        for c in held:
            c.stop()


# --- systemd unit ------------------------------------------------------

def test_unit_file_verifies(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (apt-get install "
                    "systemd)")
    unit = (sshtest.REPO_ROOT / "etc" / "portcullisd.service").read_text()
    assert "/usr/sbin/portcullisd" in unit
    (tmp_path / "portcullisd.service").write_text(
        unit.replace("/usr/sbin/portcullisd", sshtest.server_binary()))
    # The Documentation= pages are the ones the tree ships.
    for sec, page in (("8", "portcullisd.8"), ("5", "portcullisd_config.5")):
        d = tmp_path / "man" / ("man" + sec)
        d.mkdir(parents=True, exist_ok=True)
        shutil.copy(sshtest.REPO_ROOT / "docs" / page, d / page)
    r = subprocess.run([analyze, "verify",
                        str(tmp_path / "portcullisd.service")],
                       capture_output=True, text=True, timeout=120,
                       env=env_with(MANPATH=str(tmp_path / "man")))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip() == "" and r.stderr.strip() == "", r.stderr
    # The unit as shipped: only the missing /usr/sbin binary may be named.
    r = subprocess.run([analyze, "verify", "--man=no", str(
        sshtest.REPO_ROOT / "etc" / "portcullisd.service")],
        capture_output=True, text=True, timeout=120)
    for line in (r.stdout + r.stderr).splitlines():
        if os.path.exists("/usr/sbin/portcullisd"):
            pytest.fail("unexpected: " + line)
        assert "/usr/sbin/portcullisd is not executable" in line, line


def test_unit_file_matches_the_daemon():
    """Type=notify needs READY=1 (tested above); ExecReload runs -t
    then SIGHUP; the pre-start check is -t."""
    unit = (sshtest.REPO_ROOT / "etc" / "portcullisd.service").read_text()
    lines = [l.strip() for l in unit.splitlines()]
    assert "Type=notify" in lines
    assert "ExecStartPre=/usr/sbin/portcullisd -t" in lines
    assert "ExecReload=/bin/kill -HUP $MAINPID" in lines
    assert "ExecStart=/usr/sbin/portcullisd -D" in lines
