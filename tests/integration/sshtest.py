"""Helpers for the Portcullis integration tests.

Starts a real SSH server (portcullisd, or OpenSSH's sshd when
PC_TEST_SERVER=openssh) on a free loopback port with a config written into a
temporary directory, captures its stderr log to a file, and runs real clients
against it.  Every wait is bounded in count and time; servers are stopped by
the fixtures that started them.
"""

import os
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

SERVER_KIND = os.environ.get("PC_TEST_SERVER", "portcullisd").strip().lower()
if SERVER_KIND not in ("portcullisd", "openssh"):
    raise RuntimeError("PC_TEST_SERVER must be 'portcullisd' or 'openssh', "
                       "not %r" % SERVER_KIND)
IS_OPENSSH = SERVER_KIND == "openssh"

OPENSSH_SSHD = "/usr/sbin/sshd"
SSH = shutil.which("ssh") or "/usr/bin/ssh"
SSH_KEYGEN = shutil.which("ssh-keygen") or "/usr/bin/ssh-keygen"

# A user name no server will let in; portcullisd refuses all auth anyway.
TEST_USER = "pctest"

# The six MACs we test; SHA-1 ones are off by default, so the server gets
# the whole list explicitly (both servers accept an explicit list).
ALL_MACS = ("hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com",
            "hmac-sha2-256", "hmac-sha2-512", "hmac-sha1-etm@openssh.com",
            "hmac-sha1")

# Host key files made once per session: (file stem, ssh-keygen arguments).
HOST_KEY_SPECS = (
    ("ed25519", ["-t", "ed25519"]),
    ("ecdsa256", ["-t", "ecdsa", "-b", "256"]),
    ("ecdsa384", ["-t", "ecdsa", "-b", "384"]),
    ("ecdsa521", ["-t", "ecdsa", "-b", "521"]),
    ("rsa3072", ["-t", "rsa", "-b", "3072"]),
)

READY_TIMEOUT = 10.0        # seconds for the server to accept connections
STOP_TIMEOUT = 5.0          # seconds for it to exit on SIGTERM


def server_binary():
    """PC_TEST_BINARY overrides the path (absolute) of the chosen server."""
    override = os.environ.get("PC_TEST_BINARY")
    if override:
        return os.path.abspath(override)
    if IS_OPENSSH:
        return OPENSSH_SSHD
    return str(REPO_ROOT / "portcullisd")


def server_specific_config_lines():
    """Lines only one of the two servers needs.  Kept in this one place."""
    if IS_OPENSSH:
        # sshd runs as root here: no PAM, no root login, no ownership checks
        # on our tmp files, and only the host keys we hand it.
        return ["UsePAM no", "PermitRootLogin no", "StrictModes no",
                "AuthorizedKeysFile none", "KbdInteractiveAuthentication no"]
    # The machine's own hosts.allow / hosts.deny must not decide a test:
    # empty tables unless a test names its own (with -o, which wins).
    # PerSourcePenalties (on by default, as in OpenSSH 9.8) would refuse
    # 127.0.0.1 after a test's deliberate failures; tests of the
    # penalties turn them on with -o.
    return ["TCPWrappersAllowFile /dev/null", "TCPWrappersDenyFile /dev/null",
            "PerSourcePenalties no"]


def prepare_server_environment():
    if IS_OPENSSH:
        # sshd's privilege separation directory.
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)


def free_port():
    """A loopback TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_host_keys(directory):
    """Generate the session's host keys with OpenSSH's ssh-keygen."""
    directory = Path(directory)
    paths = []
    for stem, args in HOST_KEY_SPECS:
        path = directory / ("ssh_host_%s_key" % stem)
        subprocess.run([SSH_KEYGEN, "-q", "-N", "", "-C", "pctest-" + stem,
                        "-f", str(path)] + args,
                       check=True, timeout=120, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        paths.append(path)
    return paths


def host_key_fingerprints(paths, hash_name="sha256"):
    """Fingerprints of the public halves, e.g. 'SHA256:...'."""
    out = []
    for p in paths:
        r = subprocess.run([SSH_KEYGEN, "-l", "-E", hash_name, "-f",
                            str(p) + ".pub"], check=True, timeout=30,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
        out.append(r.stdout.split()[1])
    return out


class ServerError(Exception):
    pass


class Server:
    """One running server process with its config and captured log."""

    def __init__(self, workdir, host_keys, options=None, name="server",
                 extra_lines=(), env=None):
        """extra_lines go at the end of the config file (Match blocks);
        env, if given, is the daemon's whole environment."""
        self.extra_lines = list(extra_lines)
        self.env = env
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.host_keys = list(host_keys)
        self.options = dict(options or {})
        self.name = name
        self.port = free_port()
        self.config_path = self.workdir / ("%s.conf" % name)
        self.log_path = self.workdir / ("%s.log" % name)
        self.pid_path = self.workdir / ("%s.pid" % name)
        self.proc = None
        self._log_file = None

    def write_config(self):
        lines = ["ListenAddress 127.0.0.1", "Port %d" % self.port]
        lines += ["HostKey %s" % k for k in self.host_keys]
        lines += ["PidFile %s" % self.pid_path, "LogLevel DEBUG3"]
        lines += server_specific_config_lines()
        lines += self.extra_lines
        self.config_path.write_text("\n".join(lines) + "\n")

    def command(self):
        cmd = [server_binary(), "-D", "-e", "-f", str(self.config_path)]
        for key, value in self.options.items():
            cmd += ["-o", "%s=%s" % (key, value)]
        return cmd

    def start(self):
        binary = server_binary()
        if not os.access(binary, os.X_OK):
            raise ServerError("server binary %s is missing; run make" % binary)
        prepare_server_environment()
        self.write_config()
        self._log_file = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL,
                                     stdout=self._log_file,
                                     stderr=subprocess.STDOUT,
                                     start_new_session=True, env=self.env)
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise ServerError("%s exited with status %s before "
                                  "listening; command %s; log:\n%s"
                                  % (self.name, self.proc.returncode,
                                     self.command(), self.log_text()[-8000:]))
            try:
                with socket.create_connection(("127.0.0.1", self.port),
                                              timeout=0.5):
                    return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise ServerError("%s not listening on port %d after %.0f s;"
                                  " log:\n%s" % (self.name, self.port,
                                                 READY_TIMEOUT,
                                                 self.log_text()[-8000:]))
            time.sleep(0.05)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        """Stop the listener and the per-connection children it forked."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=STOP_TIMEOUT)
        # Children in our process group (connection handlers).
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    # --- log access -----------------------------------------------------

    def log_bytes(self):
        try:
            return self.log_path.read_bytes()
        except FileNotFoundError:
            return b""

    def log_text(self):
        return self.log_bytes().decode("utf-8", "replace")

    def log_offset(self):
        return len(self.log_bytes())

    def log_since(self, offset):
        return self.log_bytes()[offset:].decode("utf-8", "replace")

    def wait_log(self, pattern, since=0, timeout=5.0, count=1):
        """Wait (bounded) until `pattern` matches `count` lines of the log
        written after `since`; return the matching lines (maybe fewer)."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            lines = [l for l in self.log_since(since).splitlines()
                     if rx.search(l)]
            if len(lines) >= count or time.monotonic() > deadline:
                return lines
            time.sleep(0.05)


# --- OpenSSH client ------------------------------------------------------

SSH_BASE_OPTIONS = (
    "BatchMode=yes", "StrictHostKeyChecking=no",
    "UserKnownHostsFile=/dev/null", "GlobalKnownHostsFile=/dev/null",
    "IdentitiesOnly=yes", "IdentityFile=none", "IdentityAgent=none",
    "PreferredAuthentications=publickey,password", "ConnectTimeout=10",
    "ConnectionAttempts=1", "ServerAliveInterval=0", "LogLevel=DEBUG1",
)


def ssh_command(port, options=(), user=TEST_USER, host="127.0.0.1"):
    cmd = [SSH, "-F", "/dev/null", "-v", "-p", str(port), "-l", user]
    for opt in SSH_BASE_OPTIONS + tuple(options):
        cmd += ["-o", opt]
    cmd += [host, "true"]
    return cmd


def run_ssh(port, options=(), timeout=60, user=TEST_USER):
    """Run OpenSSH's ssh once; return (exit status, stderr text).  A client
    that does not finish in `timeout` seconds is killed (status None)."""
    try:
        r = subprocess.run(ssh_command(port, options, user),
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        err = e.stderr or b""
        return None, err.decode("utf-8", "replace") + "\n[killed: timeout]"
    return r.returncode, r.stderr.decode("utf-8", "replace")


def reached_auth_failure(rc, stderr):
    return rc == 255 and "Permission denied" in stderr


def negotiated(stderr):
    """What ssh -v says was negotiated: dict with kex, hostkey, and
    cipher/mac for each direction (None where absent)."""
    out = {"kex": None, "hostkey": None, "s2c_cipher": None, "s2c_mac": None,
           "c2s_cipher": None, "c2s_mac": None}
    m = re.search(r"kex: algorithm: (\S+)", stderr)
    if m:
        out["kex"] = m.group(1)
    m = re.search(r"kex: host key algorithm: (\S+)", stderr)
    if m:
        out["hostkey"] = m.group(1)
    for d in ("s2c", "c2s"):
        arrow = "server->client" if d == "s2c" else "client->server"
        m = re.search(r"kex: %s cipher: (\S+) MAC: (\S+)" % arrow, stderr)
        if m:
            out[d + "_cipher"], out[d + "_mac"] = m.group(1), m.group(2)
    return out


# --- raw SSH wire helpers (no library) ----------------------------------

def ssh_string(b):
    if isinstance(b, str):
        b = b.encode()
    return struct.pack(">I", len(b)) + b


def name_list(names):
    """RFC 4251 name-list; items may be bytes to inject invalid names."""
    return ssh_string(b",".join(n if isinstance(n, bytes) else n.encode()
                                for n in names))


def frame(payload, padding=None, block=8, padlen_override=None,
          length_override=None):
    """Unencrypted binary packet (RFC 4253 section 6)."""
    if padding is None:
        pad = block - ((5 + len(payload)) % block)
        if pad < 4:
            pad += block
        padding = bytes(pad)
    padlen = len(padding) if padlen_override is None else padlen_override
    body = bytes([padlen]) + payload + padding
    length = len(body) if length_override is None else length_override
    return struct.pack(">I", length) + body


def kexinit_payload(kex=("curve25519-sha256",), hostkey=("ssh-ed25519",),
                    ciphers=("aes128-ctr",), macs=("hmac-sha2-256",),
                    cookie=b"\x11" * 16):
    p = bytes([20]) + cookie
    p += name_list(kex) + name_list(hostkey)
    p += name_list(ciphers) + name_list(ciphers)
    p += name_list(macs) + name_list(macs)
    p += name_list(["none"]) + name_list(["none"])
    p += name_list([]) + name_list([])
    p += b"\x00" + b"\x00\x00\x00\x00"
    return p


class RawConn:
    """A bounded, library-free client connection for malformed input."""

    def __init__(self, port, timeout=5.0):
        self.sock = socket.create_connection(("127.0.0.1", port),
                                             timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.local_port = self.sock.getsockname()[1]
        self.buf = b""
        self.timeout = timeout

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, data):
        """Send; return False if the peer already closed on us."""
        try:
            self.sock.sendall(data)
            return True
        except (BrokenPipeError, ConnectionResetError):
            return False

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no data from server")
        r, _, _ = select.select([self.sock], [], [], left)
        if not r:
            raise TimeoutError("no data from server")
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            raise EOFError("server closed")
        self.buf += chunk

    def read_line(self, deadline, cap=16384):
        while b"\n" not in self.buf:
            if len(self.buf) > cap:
                raise ValueError("over-long line from server")
            self._fill(deadline)
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r")

    def read_banner(self, deadline):
        """Server identification line; skip (bounded) pre-banner lines."""
        for _ in range(64):
            line = self.read_line(deadline)
            if line.startswith(b"SSH-"):
                return line
        raise ValueError("no SSH- line from server")

    def read_packet(self, deadline):
        """One unencrypted packet's payload."""
        while len(self.buf) < 4:
            self._fill(deadline)
        (length,) = struct.unpack(">I", self.buf[:4])
        if length < 5 or length > 262144:
            raise ValueError("bad packet length %d from server" % length)
        while len(self.buf) < 4 + length:
            self._fill(deadline)
        body, self.buf = self.buf[4:4 + length], self.buf[4 + length:]
        padlen = body[0]
        if padlen >= length:
            raise ValueError("bad padding from server")
        return body[1:length - padlen]

    def handshake(self, client_banner=b"SSH-2.0-pctest_raw_1.0\r\n"):
        """Exchange banners and read the server's KEXINIT payload."""
        deadline = time.monotonic() + self.timeout
        self.send(client_banner)
        self.server_banner = self.read_banner(deadline)
        payload = self.read_packet(deadline)
        if not payload or payload[0] != 20:
            raise ValueError("expected KEXINIT, got %r" % payload[:1])
        self.server_kexinit = payload
        return payload

    def wait_close(self, timeout):
        """Read until EOF within `timeout` seconds.  Returns (closed,
        disconnect reason code or None, disconnect description)."""
        deadline = time.monotonic() + timeout
        raw = b""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False, None, ""
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                return False, None, ""
            try:
                chunk = self.sock.recv(65536)
            except (ConnectionResetError, ConnectionAbortedError):
                chunk = b""
            if not chunk:
                break
            raw += chunk
            if len(raw) > 1 << 20:
                return False, None, "server kept sending"
        code, desc = parse_disconnect(self.buf + raw)
        return True, code, desc


def parse_disconnect(data):
    """Find an unencrypted SSH_MSG_DISCONNECT in `data`, if any."""
    for _ in range(64):
        if len(data) < 6:
            return None, ""
        (length,) = struct.unpack(">I", data[:4])
        if length < 5 or length > 262144 or len(data) < 4 + length:
            return None, ""
        body = data[4:4 + length]
        padlen = body[0]
        payload = body[1:max(1, length - padlen)]
        if payload[:1] == b"\x01" and len(payload) >= 9:
            code = struct.unpack(">I", payload[1:5])[0]
            (dlen,) = struct.unpack(">I", payload[5:9])
            desc = payload[9:9 + dlen].decode("utf-8", "replace")
            return code, desc
        data = data[4 + length:]
    return None, ""


# --- authentication tests: system users, keys, certificates, clients ---
#
# portcullisd has no channels yet: a login that authentication accepts is
# seen as ssh -v's 'Authenticated to 127.0.0.1 ([127.0.0.1]:PORT) using
# "METHOD".' (the session open is refused afterwards, ssh exits 255) and the
# server's "Accepted METHOD for USER from 127.0.0.1 port N ssh2" line.

AUTH_CLIENT_TIMEOUT = 30    # seconds for one client run

# (name, ssh-keygen arguments, the key type word in the server's log line)
USER_KEY_SPECS = (
    ("ed25519", ["-t", "ed25519"], "ED25519"),
    ("ecdsa256", ["-t", "ecdsa", "-b", "256"], "ECDSA"),
    ("ecdsa384", ["-t", "ecdsa", "-b", "384"], "ECDSA"),
    ("ecdsa521", ["-t", "ecdsa", "-b", "521"], "ECDSA"),
    ("rsa3072", ["-t", "rsa", "-b", "3072"], "RSA"),
)


def is_root():
    return os.geteuid() == 0


def keygen(path, args=("-t", "ed25519"), comment="pctest"):
    """A new key pair at path (private) and path.pub; returns Path."""
    path = Path(path)
    for p in (path, Path(str(path) + ".pub"), Path(str(path) + "-cert.pub")):
        if p.exists():
            p.unlink()
    subprocess.run([SSH_KEYGEN, "-q", "-N", "", "-C", comment, "-f",
                    str(path)] + list(args), check=True, timeout=120,
                   stdin=subprocess.DEVNULL, capture_output=True)
    return path


def pub_line(path):
    """The one-line public key of a key (private path or .pub path)."""
    p = Path(path)
    if not str(p).endswith(".pub"):
        p = Path(str(p) + ".pub")
    return p.read_text().strip()


def fingerprint(path):
    """'SHA256:...' of a key, private path or .pub path."""
    p = str(path)
    if not p.endswith(".pub"):
        p += ".pub"
    r = subprocess.run([SSH_KEYGEN, "-l", "-E", "sha256", "-f", p],
                       check=True, timeout=30, capture_output=True, text=True)
    return r.stdout.split()[1]


def sign_cert(ca, key, identity="pctest-id", principals=None, validity=None,
              options=(), serial=None, host=False, sig_alg=None):
    """Sign key's public half with the CA (private key path) using
    ssh-keygen -s; returns the path of KEY-cert.pub.  principals: list or
    None (none given: a certificate valid for every principal)."""
    key = Path(key)
    pub = Path(str(key) + ".pub")
    cmd = [SSH_KEYGEN, "-q", "-s", str(ca), "-I", identity]
    if principals is not None:
        cmd += ["-n", ",".join(principals)]
    if validity is not None:
        cmd += ["-V", validity]
    for o in options:
        cmd += ["-O", o]
    if serial is not None:
        cmd += ["-z", str(serial)]
    if host:
        cmd += ["-h"]
    if sig_alg is not None:
        cmd += ["-t", sig_alg]
    cmd += [str(pub)]
    r = subprocess.run(cmd, timeout=120, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("ssh-keygen -s failed: %s" % r.stderr)
    return Path(str(key) + "-cert.pub")


def make_krl(path, entries=(), ca=None, update=False):
    """ssh-keygen -k: entries are public key / certificate files or, with
    a spec, lines written to a spec file ('serial: 5', 'id: x',
    'hash: SHA256:...', 'key: ...'); ca is the CA .pub for the specs."""
    path = Path(path)
    files = []
    specs = [e for e in entries if isinstance(e, str) and ":" in e and
             not os.path.exists(e)]
    files = [str(e) for e in entries if str(e) not in specs]
    if specs:
        spec = Path(str(path) + ".spec")
        spec.write_text("\n".join(specs) + "\n")
        files.append(str(spec))
    cmd = [SSH_KEYGEN, "-k", "-f", str(path)]
    if update:
        cmd.append("-u")
    if ca is not None:
        cmd += ["-s", str(ca)]
    cmd += files
    r = subprocess.run(cmd, timeout=60, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("ssh-keygen -k failed: %s" % r.stderr)
    return path


class SysUser:
    """A real system user made with useradd for one test session (root
    only), with a password set through chpasswd; remove() deletes it and
    its home with userdel -r."""

    def __init__(self, prefix="pcauth", password=None, groups=(),
                 shell="/bin/sh"):
        self.name = "%s%04d" % (prefix, int.from_bytes(os.urandom(2),
                                                       "big") % 10000)
        self.password = password or ("Pc-" + os.urandom(9).hex())
        self.groups = list(groups)
        cmd = ["useradd", "-m", "-s", shell]
        if self.groups:
            cmd += ["-G", ",".join(self.groups)]
        subprocess.run(cmd + [self.name], check=True, timeout=60,
                       capture_output=True)
        self.set_password(self.password)
        import pwd
        pw = pwd.getpwnam(self.name)
        self.uid, self.gid, self.home = pw.pw_uid, pw.pw_gid, Path(pw.pw_dir)
        os.chmod(self.home, 0o755)
        self.reset()

    def set_password(self, password):
        self.password = password
        subprocess.run(["chpasswd"], input=("%s:%s\n" % (self.name,
                                                          password)).encode(),
                       check=True, timeout=60, capture_output=True)

    @property
    def ssh_dir(self):
        return self.home / ".ssh"

    def reset(self):
        """An empty ~/.ssh with the modes StrictModes wants."""
        if self.ssh_dir.exists():
            shutil.rmtree(self.ssh_dir)
        os.chmod(self.home, 0o755)
        self.ssh_dir.mkdir(mode=0o700)
        os.chown(self.ssh_dir, self.uid, self.gid)
        os.chmod(self.ssh_dir, 0o700)

    def write_file(self, path, text, mode=0o600):
        """A file owned by the user, e.g. ~/.ssh/authorized_keys."""
        path = Path(path)
        if not path.is_absolute():
            path = self.home / path
        path.write_text(text)
        os.chown(path, self.uid, self.gid)
        os.chmod(path, mode)
        return path

    def authorize(self, lines, name="authorized_keys"):
        """Write ~/.ssh/NAME with these lines (strings)."""
        if isinstance(lines, str):
            lines = [lines]
        return self.write_file(self.ssh_dir / name,
                               "\n".join(lines) + "\n")

    def remove(self):
        subprocess.run(["userdel", "-r", "-f", self.name], timeout=60,
                       capture_output=True)


def make_group(prefix="pcgrp"):
    name = "%s%04d" % (prefix, int.from_bytes(os.urandom(2), "big") % 10000)
    subprocess.run(["groupadd", name], check=True, timeout=60,
                   capture_output=True)
    return name


def remove_group(name):
    subprocess.run(["groupdel", name], timeout=60, capture_output=True)


class ClientResult:
    """What one ssh run showed: exit status and -v output."""

    def __init__(self, rc, stderr, port):
        self.rc = rc
        self.stderr = stderr
        self.port = port

    def authenticated(self, method=None):
        """ssh -v's own words that authentication succeeded."""
        m = re.search(r'Authenticated to 127\.0\.0\.1 \(\[127\.0\.0\.1\]:%d\)'
                      r' using "([^"]+)"\.' % self.port, self.stderr)
        if m is None:
            return False
        return method is None or m.group(1) == method

    def denied(self):
        return "Permission denied" in self.stderr

    def __repr__(self):
        return "ClientResult(rc=%r, stderr=...%s)" % (self.rc,
                                                      self.stderr[-3000:])


_ASKPASS = None


def askpass_script():
    """An SSH_ASKPASS program printing $PCTEST_ASKPASS_PW (made once)."""
    global _ASKPASS
    if _ASKPASS is None or not os.path.exists(_ASKPASS):
        import tempfile
        fd, path = tempfile.mkstemp(prefix="pctest-askpass-", suffix=".sh")
        os.write(fd, b'#!/bin/sh\nprintf "%s\\n" "$PCTEST_ASKPASS_PW"\n')
        os.close(fd)
        os.chmod(path, 0o700)
        _ASKPASS = path
    return _ASKPASS


def ssh_login(port, user, key=None, cert=None, password=None, options=(),
              bind=None, verbose=1, timeout=AUTH_CLIENT_TIMEOUT,
              methods=None):
    """Run OpenSSH's ssh as `user` against 127.0.0.1:port with only the
    given key (and certificate) and/or password (through SSH_ASKPASS, no
    tty: a new session).  Returns a ClientResult."""
    if methods is None:
        m = []
        if key is not None:
            m.append("publickey")
        if password is not None:
            m += ["password", "keyboard-interactive"]
        methods = ",".join(m) or "none"
    cmd = [SSH, "-F", "/dev/null", "-" + "v" * verbose, "-p", str(port),
           "-l", user]
    opts = ["StrictHostKeyChecking=no", "UserKnownHostsFile=/dev/null",
            "GlobalKnownHostsFile=/dev/null", "IdentitiesOnly=yes",
            "IdentityAgent=none", "ConnectTimeout=10",
            "ConnectionAttempts=1", "PreferredAuthentications=" + methods,
            "NumberOfPasswordPrompts=1",
            "BatchMode=" + ("no" if password is not None else "yes")]
    if key is None:
        opts.append("IdentityFile=none")
    else:
        cmd += ["-i", str(key)]
        if cert is not None:
            opts.append("CertificateFile=%s" % cert)
    if bind is not None:
        cmd += ["-b", bind]
    # ssh keeps the first value it gets: the caller's options go first.
    for o in list(options) + list(opts):
        cmd += ["-o", o]
    cmd += ["127.0.0.1", "true"]
    env = dict(os.environ)
    env.pop("SSH_AUTH_SOCK", None)
    if password is not None:
        env.update({"SSH_ASKPASS": askpass_script(),
                    "SSH_ASKPASS_REQUIRE": "force", "DISPLAY": ":0",
                    "PCTEST_ASKPASS_PW": password})
    try:
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, env=env, start_new_session=True)
    except subprocess.TimeoutExpired as e:
        err = (e.stderr or b"").decode("utf-8", "replace")
        return ClientResult(None, err + "\n[killed: timeout]", port)
    return ClientResult(r.returncode, r.stderr.decode("utf-8", "replace"),
                        port)


def accepted_re(method, user):
    return (r"Accepted %s for %s from 127\.0\.0\.\d+ port \d+ ssh2"
            % (re.escape(method), re.escape(user)))


def failed_re(method, user, invalid=False):
    return (r"Failed %s for %s%s from 127\.0\.0\.\d+ port \d+ ssh2"
            % (re.escape(method), "invalid user " if invalid else "",
               re.escape(user)))


def expect_accepted(srv, since, res, user, method="publickey", log=None,
                    log_method=None):
    """ssh said it authenticated with method, and the server logged the
    Accepted line (for log_method, default method) and `log`, a regex, if
    given.  Returns the log text."""
    assert res.authenticated(method), res
    lines = srv.wait_log(accepted_re(log_method or method, user),
                         since=since)
    assert lines, "no Accepted line in the log:\n" + srv.log_since(since)
    if log is not None:
        assert srv.wait_log(log, since=since), (
            "%r not in the log:\n%s" % (log, srv.log_since(since)))
    return srv.log_since(since)


def expect_refused(srv, since, res, user, log, method="publickey"):
    """ssh did not authenticate (Permission denied), nothing was Accepted,
    and the server logged `log` (a regex: the refusal's reason)."""
    assert res.rc is not None, res
    assert not res.authenticated(), res
    assert res.denied() or res.rc == 255, res
    assert srv.wait_log(log, since=since), (
        "%r not in the log:\n%s" % (log, srv.log_since(since)))
    text = srv.log_since(since)
    assert not re.search(r"Accepted \S+ for ", text), text
    return text


# --- forwarding tests: local services, ssh -L/-R/-D, socket tables ---------
#
# Services run in a thread of the test process on loopback addresses (or
# Unix sockets); every wait is bounded.  ForwardClient runs OpenSSH's ssh
# with forwardings and -N, its -v output in a file, and is stopped by
# whoever started it.

import hashlib  # noqa: E402
import selectors  # noqa: E402
import threading  # noqa: E402

FWD_TIMEOUT = 10.0          # seconds for one forwarding to come up or fail


class _Service:
    """A single-threaded selector loop serving one listening socket;
    subclasses say what to do with each accepted connection's bytes."""

    MAX_CONNS = 8192        # connections held at once (load tests)

    def __init__(self, family=socket.AF_INET, address=("127.0.0.1", 0),
                 backlog=4096):
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        if family != socket.AF_UNIX:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(address)
        self.sock.listen(backlog)
        self.sock.setblocking(False)
        self.address = self.sock.getsockname()
        self.accepted = 0
        self.peers = []         # source addresses, first 1000
        self._sel = selectors.DefaultSelector()
        self._sel.register(self.sock, selectors.EVENT_READ, None)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._conns = {}
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @property
    def port(self):
        return self.address[1]

    def _run(self):
        while not self._stop.is_set():
            for key, ev in self._sel.select(timeout=0.1):
                if key.data is None:
                    self._accept()
                else:
                    self._ready(key.fileobj, key.data, ev)

    def _accept(self):
        for _ in range(64):
            try:
                c, peer = self.sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            if len(self._conns) >= self.MAX_CONNS:
                c.close()
                continue
            c.setblocking(False)
            with self._lock:
                self.accepted += 1
                if len(self.peers) < 1000:
                    self.peers.append(peer)
            st = {"out": b"", "eof": False}
            self._conns[c] = st
            self.opened(c, st)
            self._sel.register(c, selectors.EVENT_READ, st)

    def _drop(self, c):
        try:
            self._sel.unregister(c)
        except (KeyError, ValueError):
            pass
        self._conns.pop(c, None)
        c.close()

    def _ready(self, c, st, ev):
        if ev & selectors.EVENT_READ and not st["eof"]:
            try:
                data = c.recv(262144)
            except (BlockingIOError, InterruptedError):
                data = None
            except OSError:
                self._drop(c)
                return
            if data == b"":
                st["eof"] = True
                self.eof(c, st)
            elif data:
                self.data(c, st, data)
        if st["out"]:
            try:
                n = c.send(st["out"])
                st["out"] = st["out"][n:]
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                self._drop(c)
                return
        if st["eof"] and not st["out"]:
            self._drop(c)
            return
        want = selectors.EVENT_WRITE if st["out"] else 0
        # Stop reading while a backlog waits to be written (flow control).
        if not st["eof"] and len(st["out"]) < 1 << 20:
            want |= selectors.EVENT_READ
        try:
            self._sel.modify(c, want or selectors.EVENT_WRITE, st)
        except (KeyError, ValueError):
            pass

    def opened(self, c, st):
        pass

    def data(self, c, st, data):
        raise NotImplementedError

    def eof(self, c, st):
        pass

    def close(self):
        self._stop.set()
        self._thread.join(timeout=5)
        for c in list(self._conns):
            self._drop(c)
        self._sel.close()
        if self.sock.family == socket.AF_UNIX:
            try:
                os.unlink(self.address)
            except OSError:
                pass
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class EchoService(_Service):
    """Echoes every byte back; closes after the peer's EOF once the echo
    is written."""

    def data(self, c, st, data):
        st["out"] += data


class HashSink(_Service):
    """Reads to EOF hashing with SHA-256, then answers b"COUNT HEXDIGEST\\n"
    (a half-close test: the answer travels after the client's EOF)."""

    def opened(self, c, st):
        st["h"] = hashlib.sha256()
        st["n"] = 0

    def data(self, c, st, data):
        st["h"].update(data)
        st["n"] += len(data)

    def eof(self, c, st):
        st["out"] += b"%d %s\n" % (st["n"], st["h"].hexdigest().encode())


def unix_echo(path, mode=0o666):
    """An EchoService on a Unix socket at path that anyone may connect
    to (the daemon's side connects as the logged-in user)."""
    svc = EchoService(socket.AF_UNIX, str(path))
    os.chmod(path, mode)
    return svc


def connect_any(target, timeout=5.0, source=None):
    """A connected socket to target: (host, port) or a Unix socket path.
    source: a local (address, port) to bind first."""
    if isinstance(target, (str, Path)):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        target = str(target)
    else:
        fam = socket.AF_INET6 if ":" in target[0] else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_STREAM)
        if source is not None:
            s.bind(source)
    s.settimeout(timeout)
    try:
        s.connect(target)
    except OSError:
        s.close()
        raise
    return s


def exchange(target, payload, timeout=5.0, source=None):
    """Connect, send payload, half-close, read to EOF (bounded).  Returns
    the bytes read, or None if the connection itself failed."""
    try:
        s = connect_any(target, timeout, source)
    except OSError:
        return None
    out = b""
    deadline = time.monotonic() + timeout
    try:
        s.sendall(payload)
        s.shutdown(socket.SHUT_WR)
        while len(out) < 1 << 24:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            s.settimeout(left)
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    except OSError:
        pass
    finally:
        s.close()
    return out


def echo_ok(target, timeout=5.0, source=None):
    """Whether a fresh payload comes back byte for byte through target."""
    payload = b"pc-fwd-" + os.urandom(12).hex().encode() + b"\n"
    return exchange(target, payload, timeout, source) == payload


def stream_hash(target, size, timeout, chunk=1 << 20, seed=None):
    """Send `size` bytes (distinct 1 MiB chunks: an 8-byte counter on a
    random block) to a HashSink through target, streamed, half-close and
    read its answer.  Returns (sent sha256 hex, answer bytes)."""
    block = bytearray(seed or os.urandom(chunk))
    h = hashlib.sha256()
    s = connect_any(target, timeout)
    deadline = time.monotonic() + timeout
    try:
        sent = 0
        i = 0
        while sent < size:
            if time.monotonic() > deadline:
                raise TimeoutError("sent only %d of %d bytes" % (sent, size))
            block[:8] = i.to_bytes(8, "big")
            piece = bytes(block[:min(chunk, size - sent)])
            h.update(piece)
            s.sendall(piece)
            sent += len(piece)
            i += 1
        s.shutdown(socket.SHUT_WR)
        answer = b""
        while b"\n" not in answer and len(answer) < 4096:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from the sink")
            s.settimeout(left)
            c = s.recv(4096)
            if not c:
                break
            answer += c
    finally:
        s.close()
    return h.hexdigest(), answer


# The kernel's socket tables.

def _hex_addr(text, v6):
    raw = bytes.fromhex(text)
    if not v6:
        return socket.inet_ntop(socket.AF_INET, raw[::-1])
    # Four host-order 32-bit words.
    words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
    return socket.inet_ntop(socket.AF_INET6, words)


def tcp_listeners(port):
    """The addresses with a TCP socket in LISTEN on port, e.g.
    {'127.0.0.1', '::1'}; '0.0.0.0' and '::' are the wildcards."""
    out = set()
    for name, v6 in (("/proc/net/tcp", False), ("/proc/net/tcp6", True)):
        try:
            lines = Path(name).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            if len(f) < 4 or f[3] != "0A":
                continue
            addr, p = f[1].split(":")
            if int(p, 16) == port:
                out.add(_hex_addr(addr, v6))
    return out


def wait_not_listening(port, timeout=5.0):
    """Bounded wait until nothing listens on port; returns whether so."""
    deadline = time.monotonic() + timeout
    while tcp_listeners(port):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def unix_listening(path):
    """Whether a Unix socket in LISTEN has this path (/proc/net/unix)."""
    path = str(path)
    try:
        lines = Path("/proc/net/unix").read_text().splitlines()[1:]
    except OSError:
        return False
    for line in lines:
        f = line.split()
        # Num RefCount Protocol Flags Type St Inode Path; flags 00010000
        # is __SO_ACCEPTCON (listening).
        if len(f) >= 8 and f[7] == path and int(f[3], 16) & 0x10000:
            return True
    return False


class ForwardClient:
    """OpenSSH's ssh -N with forwardings (args such as ["-L", "..."]),
    logged in as user with key only, ExitOnForwardFailure=yes; -v output
    goes to a file.  Use as a context manager or call stop()."""

    def __init__(self, port, user, key, args, options=(), verbose=1,
                 command=None, workdir=None):
        import tempfile
        self.port = port
        fd, self.err_path = tempfile.mkstemp(prefix="pcfwd-ssh-",
                                             suffix=".log", dir=workdir)
        self._err = os.fdopen(fd, "wb")
        cmd = [SSH, "-F", "/dev/null", "-" + "v" * verbose, "-p", str(port),
               "-l", user, "-i", str(key)]
        if command is None:
            cmd.append("-N")
        opts = ["ExitOnForwardFailure=yes", "BatchMode=yes",
                "StrictHostKeyChecking=no", "UserKnownHostsFile=/dev/null",
                "GlobalKnownHostsFile=/dev/null", "IdentitiesOnly=yes",
                "IdentityAgent=none", "PreferredAuthentications=publickey",
                "ConnectTimeout=10", "ConnectionAttempts=1",
                "ServerAliveInterval=0", "ControlMaster=no",
                "ControlPath=none"]
        for o in list(options) + opts:
            cmd += ["-o", o]
        cmd += list(args) + ["127.0.0.1"]
        if command is not None:
            cmd.append(command)
        self.cmd = cmd
        env = dict(os.environ)
        env.pop("SSH_AUTH_SOCK", None)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=self._err, env=env,
                                     start_new_session=True)

    def stderr(self):
        try:
            return Path(self.err_path).read_text(errors="replace")
        except OSError:
            return ""

    def wait_for(self, pattern, timeout=FWD_TIMEOUT):
        """Wait until pattern is in the -v output (returns the match) or
        ssh exited / time ran out (returns None)."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.stderr())
            if m:
                return m
            if self.proc.poll() is not None:
                m = rx.search(self.stderr())
                return m
            if time.monotonic() > deadline:
                return None
            time.sleep(0.01)

    def wait_exit(self, timeout=FWD_TIMEOUT):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def local_ready(self, timeout=FWD_TIMEOUT):
        """ssh set up its -L/-D listeners (or failed): match or None."""
        return self.wait_for(r"Local forwarding listening on|"
                             r"Local connections to \S+ forwarded to remote "
                             r"address", timeout)

    def remote_result(self, timeout=FWD_TIMEOUT):
        """'ok' (the server accepted every -R), 'refused' (ssh exited on
        the failure), or None (neither in time)."""
        m = self.wait_for(r"remote forward success for: listen|"
                          r"All remote forwarding requests processed|"
                          r"Error: remote port forwarding failed|"
                          r"remote port forwarding failed for listen",
                          timeout)
        if m is None:
            return None
        if "failed" in m.group(0):
            return "refused"
        return "ok"

    def stop(self):
        """SIGTERM, then SIGKILL after half a second: OpenSSH 9.2's ssh
        now and then sleeps through SIGTERM in its -N loop."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=STOP_TIMEOUT)
        if not self._err.closed:
            self._err.close()

    def cleanup(self):
        self.stop()
        try:
            os.unlink(self.err_path)
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def open_failed_re(reason="administratively prohibited"):
    """ssh's line for a refused channel open (channels.c)."""
    return r"channel \d+: open failed: %s" % re.escape(reason)


# --- paramiko ---------------------------------------------------------

def paramiko_transport(port, user, key, timeout=10.0):
    """An authenticated paramiko Transport as user with key (a private
    key file OpenSSH wrote: ed25519, ecdsa or rsa)."""
    import paramiko
    text = Path(key).read_text()
    pkey = None
    for cls in (paramiko.Ed25519Key, paramiko.ECDSAKey, paramiko.RSAKey):
        try:
            pkey = cls.from_private_key_file(str(key))
            break
        except (paramiko.SSHException, ValueError):
            continue
    if pkey is None:
        raise ValueError("paramiko cannot read %s (%s)" % (key, text[:40]))
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    t = paramiko.Transport(sock)
    t.banner_timeout = timeout
    t.auth_timeout = timeout
    t.start_client(timeout=timeout)
    t.auth_publickey(user, pkey)
    if not t.is_authenticated():
        t.close()
        raise RuntimeError("paramiko did not authenticate as %s" % user)
    return t


def raw_global_request(t, kind, payload, timeout=5.0):
    """Send SSH_MSG_GLOBAL_REQUEST kind with want-reply and exactly these
    bytes after it (may be malformed); wait (bounded) for the reply.
    Returns 'success', 'failure', or 'closed' / 'timeout'."""
    from paramiko.message import Message
    t.completion_event = threading.Event()
    t.global_response = None
    m = Message()
    m.add_byte(bytes([80]))     # SSH_MSG_GLOBAL_REQUEST
    m.add_string(kind)
    m.add_boolean(True)
    m.add_bytes(payload)
    t._send_user_message(m)
    deadline = time.monotonic() + timeout
    while not t.completion_event.wait(0.05):
        if not t.is_active():
            return "closed"
        if time.monotonic() > deadline:
            return "timeout"
    if t.global_response is not None:
        return "success"
    # paramiko also wakes the waiter when the connection dies.
    time.sleep(0.05)
    return "failure" if t.is_active() else "closed"


def paramiko_exec(t, command, timeout=10.0):
    """Run command on a new session channel; return (status, stdout)."""
    ch = t.open_session(timeout=timeout)
    ch.settimeout(timeout)
    ch.exec_command(command)
    out = b""
    while len(out) < 1 << 20:
        c = ch.recv(65536)
        if not c:
            break
        out += c
    status = ch.recv_exit_status()
    ch.close()
    return status, out


def socks5_connect(port, host, dport, timeout=5.0):
    """A socket through a SOCKS5 proxy on 127.0.0.1:port (RFC 1928, no
    authentication) connected to host:dport, or raise OSError."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(b"\x05\x01\x00")
        if _recv_exact(s, 2) != b"\x05\x00":
            raise OSError("SOCKS5: no acceptable method")
        try:
            addr = b"\x01" + socket.inet_aton(host)
        except OSError:
            addr = b"\x03" + bytes([len(host)]) + host.encode()
        s.sendall(b"\x05\x01\x00" + addr + struct.pack(">H", dport))
        head = _recv_exact(s, 4)
        if head[0] != 5 or head[1] != 0:
            raise OSError("SOCKS5: connect refused, reply %d" % head[1])
        alen = {1: 4, 4: 16}.get(head[3])
        if alen is None:
            alen = _recv_exact(s, 1)[0]
        _recv_exact(s, alen + 2)
    except BaseException:
        s.close()
        raise
    return s


def _recv_exact(s, n):
    out = b""
    while len(out) < n:
        c = s.recv(n - len(out))
        if not c:
            raise OSError("SOCKS5: proxy closed")
        out += c
    return out


def wait_until(predicate, timeout=5.0, step=0.02):
    """Bounded wait until predicate() is true; returns whether it was."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(step)
    return True


def wait_for_path(path, timeout=5.0):
    """Bounded wait until a Unix socket at path listens."""
    return wait_until(lambda: unix_listening(path), timeout)
