"""Agent and X11 forwarding (OpenSSH PROTOCOL auth-agent-req@openssh.com,
RFC 4254 s. 6.3) against the real daemon, run as root, logging in a real
user with OpenSSH's ssh:

agent: a private ssh-agent holding a test key, `ssh -A` and `ssh-add -l`
remotely; the socket in a 0700 directory owned by the user, gone after
logout; AllowAgentForwarding no, DisableForwarding yes and the key options
no-agent-forwarding and restrict leave SSH_AUTH_SOCK unset.

X11: a fake X server on the client side (a listener on 127.0.0.1:6000+K
with a known cookie in a private XAUTHORITY), `ssh -Y`; remotely DISPLAY is
localhost:N.0 (N >= X11DisplayOffset) and `xauth list` has the entry sshd
wrote; a remote X client sending the fake cookie reaches the fake server
with the real cookie substituted by ssh.  X11Forwarding no,
no-X11-forwarding, X11DisplayOffset 20 and X11UseLocalhost no (wildcard
listener, the DISPLAY host name in the xauth entry).

Also run against OpenSSH's sshd (PC_TEST_SERVER=openssh) to check the
tests themselves.  Every client run and wait has a timeout."""

import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

import sshtest

RUN_TIMEOUT = 30
XAUTH = shutil.which("xauth")
AGENT_SOCK_RE = re.compile(r"^/tmp/ssh-[A-Za-z0-9]{10}/agent\.\d+$")
REAL_COOKIE = "5ca1ab1e0ddba11c0ffee0123456789a"


# --- fixtures --------------------------------------------------------------

@pytest.fixture(scope="module")
def fwd_user():
    if not sshtest.is_root():
        pytest.skip("needs root: creates a user and runs the daemon as root")
    u = sshtest.SysUser(prefix="pcfwd", shell="/bin/sh")
    yield u
    u.remove()


@pytest.fixture(scope="module")
def fwd_key(tmp_path_factory, fwd_user):
    d = tmp_path_factory.mktemp("fwdkey")
    key = sshtest.keygen(d / "id_ed25519")
    restore(fwd_user, key)
    return key


@pytest.fixture(scope="module")
def agent_key(tmp_path_factory):
    """The key the forwarded agent holds (not used to log in)."""
    d = tmp_path_factory.mktemp("agentkey")
    return sshtest.keygen(d / "id_agent", comment="pctest-agent-key")


def start_server(factory, **options):
    # OpenSSH's test config says AuthorizedKeysFile none; -o comes first.
    opts = {"AuthorizedKeysFile": ".ssh/authorized_keys"}
    opts.update(options)
    return factory(**opts)


@pytest.fixture(scope="module")
def srv(module_server_factory, fwd_key):
    """Forwarding allowed (X11Forwarding is off by default)."""
    return start_server(module_server_factory, X11Forwarding="yes")


@pytest.fixture(scope="module")
def agent(agent_key):
    """A private ssh-agent (its socket in a 0700 temp dir) holding
    agent_key; killed at the end of the module."""
    d = tempfile.mkdtemp(prefix="pcfwd-agent-")
    sock = os.path.join(d, "agent.sock")
    proc = subprocess.Popen(["ssh-agent", "-D", "-a", sock],
                            stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not os.path.exists(sock):
            assert proc.poll() is None, "ssh-agent exited"
            assert time.monotonic() < deadline, "no agent socket"
            time.sleep(0.02)
        env = dict(os.environ, SSH_AUTH_SOCK=sock)
        r = subprocess.run(["ssh-add", str(agent_key)], env=env,
                           capture_output=True, timeout=RUN_TIMEOUT,
                           stdin=subprocess.DEVNULL)
        assert r.returncode == 0, r.stderr
        yield sock
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        shutil.rmtree(d, ignore_errors=True)


def restore(user, key, options=None):
    """authorized_keys: the login key alone, with key options if given."""
    user.reset()
    line = sshtest.pub_line(key)
    if options:
        line = options + " " + line
    user.authorize(line)


def ssh(srv, user, key, command, extra=(), env=None, agent=None,
        timeout=RUN_TIMEOUT):
    """Run `ssh host command`; return the CompletedProcess (text).  With
    agent (a socket path), ForwardAgent=yes with SSH_AUTH_SOCK set to it:
    the client forwards the agent of its environment, and only with the
    default IdentityAgent (IdentityAgent=none turns forwarding off)."""
    opts = ["BatchMode=yes", "StrictHostKeyChecking=no",
            "UserKnownHostsFile=/dev/null", "GlobalKnownHostsFile=/dev/null",
            "IdentitiesOnly=yes", "IdentityFile=%s" % key,
            "PreferredAuthentications=publickey",
            "ConnectTimeout=10", "LogLevel=ERROR"]
    if env is None:
        env = dict(os.environ)
        env.pop("DISPLAY", None)
    env = dict(env)
    env.pop("SSH_AUTH_SOCK", None)
    if agent is not None:
        env["SSH_AUTH_SOCK"] = agent
        opts.append("ForwardAgent=yes")
    else:
        opts.append("IdentityAgent=none")
    cmd = [sshtest.SSH, "-F", "/dev/null", "-p", str(srv.port),
           "-l", user.name]
    # ssh keeps the first value: the test's options go first.
    for o in list(extra) + opts:
        cmd += ["-o", o]
    cmd += ["127.0.0.1", command]
    return subprocess.run(cmd, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout,
                          env=env)


def values(text):
    """KEY=value lines of a remote command's output."""
    out = {}
    for line in text.splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            out.setdefault(k, v)
    return out


# --- agent forwarding --------------------------------------------------------

AGENT_PROBE = ('echo "sock=$SSH_AUTH_SOCK"; ssh-add -l; echo "addrc=$?"; '
               'if [ -n "$SSH_AUTH_SOCK" ]; then '
               'echo "dir=$(stat -c "%a %U" "$(dirname "$SSH_AUTH_SOCK")")"; '
               'echo "file=$(stat -c "%U %F" "$SSH_AUTH_SOCK")"; fi')


def test_agent_forwarded(srv, fwd_user, fwd_key, agent, agent_key):
    r = ssh(srv, fwd_user, fwd_key, AGENT_PROBE,
            agent=agent)
    assert r.returncode == 0, r.stderr
    v = values(r.stdout)
    sock = v["sock"]
    assert AGENT_SOCK_RE.match(sock), r.stdout
    # The agent's key, listed through the forwarded socket.
    assert sshtest.fingerprint(agent_key) in r.stdout, r.stdout
    assert v["addrc"] == "0"
    # A private directory, the user's; the socket is the user's too.
    assert v["dir"] == "700 %s" % fwd_user.name, r.stdout
    assert v["file"] == "%s socket" % fwd_user.name, r.stdout
    # Gone after logout: socket and directory.
    deadline = time.monotonic() + 5
    while os.path.exists(os.path.dirname(sock)):
        assert time.monotonic() < deadline, "%s left behind" % sock
        time.sleep(0.05)
    assert not os.path.exists(sock)


def test_agent_not_requested(srv, fwd_user, fwd_key, agent):
    r = ssh(srv, fwd_user, fwd_key, AGENT_PROBE,
            extra=["ForwardAgent=no"], agent=agent)
    assert r.returncode == 0, r.stderr
    v = values(r.stdout)
    assert v["sock"] == ""
    assert v["addrc"] == "2"


def expect_no_agent(r):
    assert r.returncode == 0, r.stderr
    v = values(r.stdout)
    assert v["sock"] == "", r.stdout
    # ssh-add: 2 when it cannot reach an agent.
    assert v["addrc"] == "2", r.stdout


@pytest.mark.parametrize("option", ["AllowAgentForwarding",
                                    "DisableForwarding"])
def test_agent_refused_by_config(server_factory, fwd_user, fwd_key, agent,
                                 option):
    value = "no" if option == "AllowAgentForwarding" else "yes"
    s = start_server(server_factory, **{option: value})
    expect_no_agent(ssh(s, fwd_user, fwd_key, AGENT_PROBE,
                        agent=agent))


@pytest.mark.parametrize("keyopt", ["no-agent-forwarding", "restrict"])
def test_agent_refused_by_key(srv, fwd_user, fwd_key, agent, keyopt):
    restore(fwd_user, fwd_key, keyopt)
    try:
        expect_no_agent(ssh(srv, fwd_user, fwd_key, AGENT_PROBE,
                            agent=agent))
    finally:
        restore(fwd_user, fwd_key)


def test_agent_restrict_with_permit(srv, fwd_user, fwd_key, agent, agent_key):
    """restrict,agent-forwarding turns it back on (sshd(8))."""
    restore(fwd_user, fwd_key, "restrict,agent-forwarding")
    try:
        r = ssh(srv, fwd_user, fwd_key, AGENT_PROBE,
                agent=agent)
    finally:
        restore(fwd_user, fwd_key)
    assert r.returncode == 0, r.stderr
    assert AGENT_SOCK_RE.match(values(r.stdout)["sock"]), r.stdout
    assert sshtest.fingerprint(agent_key) in r.stdout


# --- X11 forwarding ------------------------------------------------------------

need_xauth = pytest.mark.skipif(
    XAUTH is None, reason="xauth is not installed (Debian package xauth; "
    "build-aux/deps.sh check installs it)")


class FakeX:
    """A listener on 127.0.0.1:6000+K that reads X11 connection setups
    (X Window System Protocol, "Connection Setup": byte order, version,
    authorization protocol name and data) and answers a fixed line."""

    REPLY = b"PCTEST-FAKE-X\n"

    def __init__(self):
        self.sock = None
        for _ in range(200):
            k = 300 + int.from_bytes(os.urandom(2), "big") % 600
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                s.bind(("127.0.0.1", 6000 + k))
            except OSError:
                s.close()
                continue
            self.sock, self.number = s, k
            break
        assert self.sock is not None, "no free X display port"
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.setups = []
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _read(self, c, n):
        buf = b""
        while len(buf) < n:
            chunk = c.recv(n - len(buf))
            if not chunk:
                raise EOFError
            buf += chunk
        return buf

    def _run(self):
        while not self._stop:
            try:
                c, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                c.settimeout(5)
                head = self._read(c, 12)
                order = "<" if head[0:1] == b"l" else ">"
                major, minor, nlen, dlen = struct.unpack(
                    order + "xxHHHH", head[:10])
                name = self._read(c, (nlen + 3) & ~3)[:nlen]
                data = self._read(c, (dlen + 3) & ~3)[:dlen]
                self.setups.append((major, minor, name, data))
                c.sendall(self.REPLY)
            except (EOFError, OSError):
                pass
            finally:
                c.close()

    def close(self):
        self._stop = True
        self._thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def fake_x(tmp_path):
    """The fake X server, and the client's environment for it: DISPLAY
    over TCP and an XAUTHORITY holding the real cookie."""
    x = FakeX()
    try:
        xa = tmp_path / "Xauthority"
        subprocess.run([XAUTH, "-f", str(xa), "add",
                        "127.0.0.1:%d" % x.number, "MIT-MAGIC-COOKIE-1",
                        REAL_COOKIE], check=True, capture_output=True,
                       timeout=RUN_TIMEOUT)
        env = dict(os.environ, DISPLAY="127.0.0.1:%d.0" % x.number,
                   XAUTHORITY=str(xa))
        env.pop("SSH_AUTH_SOCK", None)
        x.env = env
        yield x
    finally:
        x.close()


# The remote X client: the cookie xauth has for $DISPLAY, a connection
# setup with it to the display's port, then the fake server's answer.
X11_PROBE = r'''
import os, socket, struct, subprocess, sys
disp = os.environ.get("DISPLAY", "")
print("display=" + disp)
if not disp:
    sys.exit(0)
out = subprocess.run(["xauth", "list", disp], capture_output=True,
                     text=True).stdout.split()
print("xauth=" + " ".join(out))
if len(out) < 3:
    sys.exit(3)
num = int(disp.rsplit(":", 1)[1].split(".")[0])
name, data = out[1].encode(), bytes.fromhex(out[2])
pad = lambda b: b + b"\0" * (-len(b) % 4)
setup = struct.pack("<cxHHHHxx", b"l", 11, 0, len(name), len(data))
s = socket.create_connection(("127.0.0.1", 6000 + num), timeout=10)
s.sendall(setup + pad(name) + pad(data))
reply = b""
while True:
    chunk = s.recv(4096)
    if not chunk:
        break
    reply += chunk
print("reply=" + reply.decode().strip())
'''

X11_OPTS = ["ForwardX11=yes", "ForwardX11Trusted=yes",
            "XAuthLocation=%s" % (XAUTH or "/usr/bin/xauth")]


def x11_probe(s, user, key, fake_x, extra=()):
    user.write_file("x11probe.py", X11_PROBE, mode=0o644)
    return ssh(s, user, key, "python3 ~/x11probe.py",
               extra=list(extra) + X11_OPTS, env=fake_x.env)


def display_number(disp, host="localhost"):
    m = re.match(r"^%s:(\d+)\.0$" % re.escape(host), disp)
    assert m, disp
    return int(m.group(1))


@need_xauth
def test_x11_forwarded(srv, fwd_user, fwd_key, fake_x):
    r = x11_probe(srv, fwd_user, fwd_key, fake_x)
    assert r.returncode == 0, r.stdout + r.stderr
    v = values(r.stdout)
    n = display_number(v["display"])
    assert n >= 10
    # sshd's entry, for unix:N (xauth lists it with the host name).
    x = v["xauth"].split()
    assert re.match(r"^\S*/unix:%d$" % n, x[0]), v["xauth"]
    assert x[1] == "MIT-MAGIC-COOKIE-1"
    fake_cookie = x[2]
    assert re.match(r"^[0-9a-f]{32}$", fake_cookie)
    # The session saw a fake cookie, the X server got the real one.
    assert fake_cookie != REAL_COOKIE
    assert v["reply"] == FakeX.REPLY.decode().strip(), r.stdout
    assert len(fake_x.setups) == 1
    major, minor, name, data = fake_x.setups[0]
    assert (major, minor, name) == (11, 0, b"MIT-MAGIC-COOKIE-1")
    assert data == bytes.fromhex(REAL_COOKIE)


@need_xauth
def test_x11_user_rc(srv, fwd_user, fwd_key, fake_x):
    """With ~/.ssh/rc, sshd does not run xauth: the rc file gets
    "PROTO COOKIE" on its input (sshd(8) SSHRC)."""
    xauthority = fwd_user.home / ".Xauthority"
    if xauthority.exists():
        xauthority.unlink()
    fwd_user.write_file(".ssh/rc", 'read proto cookie\n'
                        'echo "rc=$proto $cookie" > "$HOME/rc.got"\n',
                        mode=0o644)
    try:
        r = ssh(srv, fwd_user, fwd_key, 'echo "display=$DISPLAY"; '
                'cat "$HOME/rc.got"; echo "xauth=$(xauth list 2>&1)"',
                extra=X11_OPTS, env=fake_x.env)
    finally:
        restore(fwd_user, fwd_key)
    assert r.returncode == 0, r.stdout + r.stderr
    v = values(r.stdout)
    display_number(v["display"])
    assert re.match(r"^MIT-MAGIC-COOKIE-1 [0-9a-f]{32}$", v["rc"]), r.stdout
    assert v["rc"].split()[1] != REAL_COOKIE
    # No entry: xauth did not run (and made no ~/.Xauthority).
    assert "MIT-MAGIC-COOKIE-1" not in v["xauth"], r.stdout
    assert not xauthority.exists()


def expect_no_x11(r, fake_x):
    assert r.returncode == 0, r.stdout + r.stderr
    assert values(r.stdout)["display"] == "", r.stdout
    assert fake_x.setups == []


@need_xauth
def test_x11_refused_by_config(server_factory, fwd_user, fwd_key, fake_x):
    s = start_server(server_factory, X11Forwarding="no")
    expect_no_x11(x11_probe(s, fwd_user, fwd_key, fake_x), fake_x)


@need_xauth
def test_x11_disable_forwarding(server_factory, fwd_user, fwd_key, fake_x):
    s = start_server(server_factory, X11Forwarding="yes",
                     DisableForwarding="yes")
    expect_no_x11(x11_probe(s, fwd_user, fwd_key, fake_x), fake_x)


@need_xauth
@pytest.mark.parametrize("keyopt", ["no-X11-forwarding", "restrict"])
def test_x11_refused_by_key(srv, fwd_user, fwd_key, fake_x, keyopt):
    restore(fwd_user, fwd_key, keyopt)
    try:
        r = x11_probe(srv, fwd_user, fwd_key, fake_x)
    finally:
        restore(fwd_user, fwd_key)
    expect_no_x11(r, fake_x)


@need_xauth
def test_x11_display_offset(server_factory, fwd_user, fwd_key, fake_x):
    s = start_server(server_factory, X11Forwarding="yes",
                     X11DisplayOffset="20")
    r = x11_probe(s, fwd_user, fwd_key, fake_x)
    assert r.returncode == 0, r.stdout + r.stderr
    assert display_number(values(r.stdout)["display"]) >= 20
    assert len(fake_x.setups) == 1
    assert fake_x.setups[0][3] == bytes.fromhex(REAL_COOKIE)


@need_xauth
def test_x11_not_localhost(server_factory, fwd_user, fwd_key, fake_x):
    """X11UseLocalhost no: DISPLAY names this host, the listener takes
    every address, the xauth entry is for the DISPLAY string."""
    s = start_server(server_factory, X11Forwarding="yes",
                     X11UseLocalhost="no")
    host = socket.gethostname()
    probe = ("python3 ~/x11probe.py; "
             "ss -Hltn 2>/dev/null | awk '{print \"listen=\" $4}'")
    fwd_user.write_file("x11probe.py", X11_PROBE, mode=0o644)
    r = ssh(s, fwd_user, fwd_key, probe, extra=X11_OPTS, env=fake_x.env)
    assert r.returncode == 0, r.stdout + r.stderr
    v = values(r.stdout)
    n = display_number(v["display"], host)
    x = v["xauth"].split()
    # xauth stores this host's own name as a local display ("host/unix").
    assert x[0] in ("%s:%d" % (host, n), "%s/unix:%d" % (host, n)), x
    listens = [l.split("=", 1)[1] for l in r.stdout.splitlines()
               if l.startswith("listen=")]
    assert "0.0.0.0:%d" % (6000 + n) in listens, listens
    assert "127.0.0.1:%d" % (6000 + n) not in listens, listens
    assert v["reply"] == FakeX.REPLY.decode().strip(), r.stdout
    assert fake_x.setups[0][3] == bytes.fromhex(REAL_COOKIE)
