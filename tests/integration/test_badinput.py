"""Malformed input from a raw-socket client (no SSH library): the server
must drop the connection promptly, log something about it, and keep
serving.  Also: a corrupted MAC after NEWKEYS, and half-open connections."""

import os
import re
import select
import socket
import struct
import threading
import time
import warnings

import pytest

import sshtest
from sshtest import frame, kexinit_payload, ssh_string

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import paramiko

# The server must close within CLOSE_TIMEOUT; its LoginGraceTime is much
# longer so that a server ignoring the bad input cannot pass by timing out.
CLOSE_TIMEOUT = 5.0
GRACE = 60
LOG_TIMEOUT = 5.0

# A new log line about the failure mentions an error of some kind ...
ERROR_WORDS = re.compile(
    r"(?i)(bad|invalid|corrupt|error|violation|fail|illegal|too long|"
    r"too large|too big|incomplete|disconnect|closed|reset|refus|protocol|"
    r"mac|padding|length|banner|identification|unexpected|malformed|"
    r"strict|truncat|oversize|incorrect|fatal|timeout|timed out)")
PEER = "127.0.0.1"

MSG_DISCONNECT, MSG_IGNORE, MSG_KEXINIT = 1, 2, 20
MSG_KEX_ECDH_INIT, MSG_KEX_ECDH_REPLY = 30, 31
STRICT_C = "kex-strict-c-v00@openssh.com"


@pytest.fixture(scope="module")
def bad_server(module_server_factory):
    return module_server_factory(LoginGraceTime=str(GRACE))


def ignore_msg(data=b"x"):
    return bytes([MSG_IGNORE]) + ssh_string(data)


def raw_body(padlen, rest):
    """A packet with an explicit padding_length byte and raw remainder."""
    body = bytes([padlen]) + rest
    return struct.pack(">I", len(body)) + body


def truncated_kexinit():
    p = kexinit_payload()
    # Cut in the middle of the first name-list (the kex algorithms).
    return frame(p[:1 + 16 + 4 + 7])


def kexinit_with_names(extra):
    return frame(kexinit_payload(kex=("curve25519-sha256", extra)))


# name -> (phase, bytes to send, regex for the log line about this error)
# phase "pre": sent instead of a client banner; "post": after banners and
# the server's KEXINIT.
CASES = {
    "banner-garbage": ("pre", b"HELLO-2.0-not-ssh\r\n",
                       r"(?i)ident|banner|version|protocol"),
    "banner-overlong": ("pre", b"SSH-2.0-" + b"A" * 9000 + b"\r\n",
                        r"(?i)ident|banner|version|long"),
    "banner-many-prebanner-lines": ("pre", b"not a banner\r\n" * 1100,
                                    r"(?i)ident|banner|version|lines"),
    "banner-nul": ("pre", b"SSH-2.0-pc\x00test\r\n",
                   r"(?i)ident|banner|version|invalid|nul"),
    "length-0x7fffffff": ("post", struct.pack(">I", 0x7FFFFFFF) + bytes(12),
                          r"(?i)length|size|large"),
    "length-300000": ("post", struct.pack(">I", 300000) + bytes(12),
                      r"(?i)length|size|large"),
    # 4 + 1 + (1 + 4 + 3) + 3 = 16 bytes: aligned, but padding_length 3.
    "padding-lt-4": ("post", raw_body(3, ignore_msg(b"abc") + bytes(3)),
                     r"(?i)pad"),
    # packet_length 12, padding_length 20.
    "padding-ge-length": ("post", raw_body(20, bytes(11)),
                          r"(?i)pad|length|incomplete|corrupt"),
    # 4 + 11 = 15 bytes: not a multiple of the block size 8.
    "length-not-multiple-of-8": ("post", raw_body(4, ignore_msg(b"x")[:6] +
                                                  bytes(4)),
                                 r"(?i)pad|length|block|multiple|corrupt"),
    "kexinit-truncated": ("post", truncated_kexinit(),
                          r"(?i)kex|incomplete|truncat|short|invalid"),
    "kexinit-namelist-nul": ("post",
                             kexinit_with_names(b"\x00\x7f\xffjunk"),
                             r"(?i)kex|name|invalid|format"),
    "kexinit-namelist-nonprintable": ("post",
                                      kexinit_with_names(b"\x01\x02\xfe\x1b"),
                                      r"(?i)kex|name|invalid|format"),
    "strict-ignore-before-kexinit": (
        "post", frame(ignore_msg()) + frame(kexinit_payload(
            kex=("curve25519-sha256", STRICT_C))),
        r"(?i)strict|kexinit|first|unexpected"),
    "strict-ignore-after-kexinit": (
        "post", frame(kexinit_payload(kex=("curve25519-sha256", STRICT_C))) +
        frame(ignore_msg()), r"(?i)strict|unexpected|type 2"),
}

# OpenSSH takes no issue with control characters inside a name (it only
# refuses NULs, via sshbuf_get_cstring); RFC 4251 section 6 says names are
# printable US-ASCII, and portcullisd is held to that.
OPENSSH_DIVERGES = {
    "kexinit-namelist-nonprintable":
        "OpenSSH's sshd does not check that names are printable US-ASCII "
        "(RFC 4251 section 6); it negotiates the valid name and goes on",
}


DEBUG_LINE = re.compile(r"(?i)\bdebug\d?:")


def assert_logged(server, since, local_port, case_rx):
    """The log grew by a non-debug line about this failure: it has an error
    word, and it names this connection (peer address and our port) or the
    case-specific error."""
    rx = re.compile(case_rx)
    me = re.compile(r"%s\D.*\b%d\b" % (re.escape(PEER), local_port))

    other = re.compile(r"%s\D{1,8}(\d+)" % re.escape(PEER))

    def about_another_connection(line):
        m = other.search(line)
        return m is not None and int(m.group(1)) not in (local_port,
                                                         server.port)

    def relevant(line):
        return (not DEBUG_LINE.search(line) and ERROR_WORDS.search(line)
                and not about_another_connection(line)
                and (me.search(line) or rx.search(line)))

    deadline = time.monotonic() + LOG_TIMEOUT
    while True:
        new = server.log_since(since).splitlines()
        hits = [l for l in new if relevant(l)]
        if hits or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert hits, ("no log line about the failure; new log:\n%s"
                  % "\n".join(new[-60:]))
    print("log lines:", *hits[:4], sep="\n  ")
    return hits


def assert_still_serving(server):
    assert server.alive(), server.log_text()[-4000:]
    rc, err = sshtest.run_ssh(server.port)
    assert sshtest.reached_auth_failure(rc, err), err[-3000:]


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input(bad_server, name, record_property):
    phase, data, case_rx = CASES[name]
    off = bad_server.log_offset()
    conn = sshtest.RawConn(bad_server.port, timeout=CLOSE_TIMEOUT)
    try:
        if phase == "post":
            conn.handshake()
        conn.send(data)
        closed, code, desc = conn.wait_close(CLOSE_TIMEOUT)
    finally:
        conn.close()
    record_property("disconnect_reason", code)
    record_property("disconnect_description", desc)
    print("%s: closed=%s reason=%s %r" % (name, closed, code, desc))
    if not closed and sshtest.IS_OPENSSH and name in OPENSSH_DIVERGES:
        pytest.skip(OPENSSH_DIVERGES[name])
    assert closed, "server did not close within %.0f s" % CLOSE_TIMEOUT
    if code is not None:
        # RFC 4253 section 11.1 reason codes are 1..15.
        assert 1 <= code <= 15, (code, desc)
    assert_logged(bad_server, off, conn.local_port, case_rx)
    assert_still_serving(bad_server)


def test_raw_client_control(bad_server):
    """The raw client's own KEXINIT is acceptable: without strict kex,
    IGNOREs before and inside the exchange are allowed (RFC 4253 section
    11.2) and the server answers ECDH_INIT with ECDH_REPLY.  This keeps the
    negative cases above honest."""
    conn = sshtest.RawConn(bad_server.port, timeout=CLOSE_TIMEOUT)
    try:
        conn.handshake()
        q_c = os.urandom(32)
        conn.send(frame(ignore_msg()) + frame(kexinit_payload()) +
                  frame(ignore_msg()) +
                  frame(bytes([MSG_KEX_ECDH_INIT]) + ssh_string(q_c)))
        deadline = time.monotonic() + CLOSE_TIMEOUT
        types = []
        for _ in range(8):
            payload = conn.read_packet(deadline)
            types.append(payload[0])
            if payload[0] != MSG_IGNORE:
                break
        assert types[-1] == MSG_KEX_ECDH_REPLY, types
    finally:
        conn.close()
    assert bad_server.alive()


# --- corrupted MAC after NEWKEYS ---------------------------------------

class FlippingSocket:
    """Socket wrapper for paramiko: flips one byte of the first packet sent
    once outbound keys are active."""

    def __init__(self, sock):
        self._sock = sock
        self.armed = False
        self.flipped = False
        self.eof = False

    def send(self, data):
        if self.armed and not self.flipped and len(data) > 8:
            data = bytearray(data)
            data[8] ^= 0x01     # past the length field: payload or MAC
            data = bytes(data)
            self.flipped = True
        return self._sock.send(data)

    def recv(self, n):
        d = self._sock.recv(n)
        if not d:
            self.eof = True
        return d

    def __getattr__(self, name):
        return getattr(self._sock, name)


def test_bad_mac_etm_paramiko(bad_server):
    sock = socket.create_connection(("127.0.0.1", bad_server.port),
                                    timeout=CLOSE_TIMEOUT)
    local_port = sock.getsockname()[1]
    # A second descriptor keeps the TCP connection readable after paramiko
    # closes its own socket object.
    watch = sock.dup()
    fs = FlippingSocket(sock)
    off = bad_server.log_offset()
    t = paramiko.Transport(fs)
    t.banner_timeout = t.handshake_timeout = t.auth_timeout = CLOSE_TIMEOUT
    opts = t.get_security_options()
    opts.ciphers = ("aes128-ctr",)
    opts.digests = ("hmac-sha2-256-etm@openssh.com",)
    orig = t._activate_outbound

    def activate():
        orig()
        fs.armed = True
    t._activate_outbound = activate
    try:
        t.start_client(timeout=CLOSE_TIMEOUT)
        assert t.local_mac == "hmac-sha2-256-etm@openssh.com"
        # SERVICE_REQUEST is the first encrypted packet: it gets corrupted.
        # paramiko reports a dead transport during auth as a plain
        # AuthenticationException; only BadAuthenticationType means that
        # the server answered the corrupted request.
        with pytest.raises(Exception) as ei:
            t.auth_none(sshtest.TEST_USER)
        assert not isinstance(ei.value, paramiko.BadAuthenticationType), \
            "server answered a packet with a bad MAC"
        deadline = time.monotonic() + CLOSE_TIMEOUT
        while t.is_active() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert fs.flipped
        assert not t.is_active(), "server did not close"
        # paramiko stops reading after a DISCONNECT; the server must still
        # close the TCP connection: drain the socket to EOF (bounded).
        while not fs.eof and time.monotonic() < deadline:
            r, _, _ = select.select([watch], [], [],
                                    max(0.0, deadline - time.monotonic()))
            if r:
                try:
                    fs.eof = not watch.recv(65536)
                except OSError:
                    fs.eof = True
        assert fs.eof, "no EOF from the server"
    finally:
        t.close()
        watch.close()
    assert_logged(bad_server, off, local_port, r"(?i)mac|integrity|corrupt")
    assert_still_serving(bad_server)


class FlipProxy:
    """Loopback TCP proxy for one connection.  It parses the client's
    plaintext packets up to NEWKEYS, then flips one byte of the first
    encrypted packet (byte 8: past a cleartext or encrypted length)."""

    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        self.lsock = socket.socket()
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(1)
        self.lsock.settimeout(30)
        self.port = self.lsock.getsockname()[1]
        self.flipped = False
        self.upstream_local_port = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            c, _ = self.lsock.accept()
        except OSError:
            return
        s = socket.create_connection(("127.0.0.1", self.upstream_port),
                                     timeout=30)
        self.upstream_local_port = s.getsockname()[1]
        c.settimeout(30)
        back = threading.Thread(target=self._pump_plain, args=(s, c),
                                daemon=True)
        back.start()
        self._pump_client(c, s)
        back.join(30)
        for x in (c, s):
            x.close()

    @staticmethod
    def _pump_plain(src, dst):
        try:
            for _ in range(100000):
                d = src.recv(65536)
                if not d:
                    break
                dst.sendall(d)
        except OSError:
            pass
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def _pump_client(self, src, dst):
        buf, banner_done, armed, passed = b"", False, False, 0
        try:
            for _ in range(100000):
                d = src.recv(65536)
                if not d:
                    break
                if armed:
                    d = bytearray(d)
                    if not self.flipped and passed + len(d) > 8:
                        d[8 - passed] ^= 0x01
                        self.flipped = True
                    passed += len(d)
                    dst.sendall(bytes(d))
                    continue
                buf += d
                out = b""
                if not banner_done and b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    out += line + b"\n"
                    banner_done = True
                while banner_done and not armed and len(buf) >= 6:
                    (n,) = struct.unpack(">I", buf[:4])
                    if len(buf) < 4 + n:
                        break
                    pkt, buf = buf[:4 + n], buf[4 + n:]
                    out += pkt
                    if pkt[5] == 21:        # SSH_MSG_NEWKEYS
                        armed = True
                if armed and buf:
                    rest = bytearray(buf)
                    if len(rest) > 8:
                        rest[8] ^= 0x01
                        self.flipped = True
                    passed = len(rest)
                    out += bytes(rest)
                    buf = b""
                dst.sendall(out)
        except OSError:
            pass
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def close(self):
        self.lsock.close()
        self.thread.join(35)


@pytest.mark.parametrize("cipher,mac", [
    ("chacha20-poly1305@openssh.com", None),
    ("aes128-gcm@openssh.com", None),
    ("aes256-gcm@openssh.com", None),
    ("aes256-ctr", "hmac-sha2-512-etm@openssh.com"),
    ("aes128-ctr", "hmac-sha2-256"),
])
def test_bad_mac_ssh_via_proxy(bad_server, cipher, mac):
    # paramiko 2.12 has no AEAD ciphers, so OpenSSH's ssh goes through a
    # byte-flipping proxy instead.
    off = bad_server.log_offset()
    proxy = FlipProxy(bad_server.port)
    opts = ["Ciphers=" + cipher] + (["MACs=" + mac] if mac else [])
    try:
        rc, err = sshtest.run_ssh(proxy.port, opts, timeout=30)
    finally:
        proxy.close()
    assert proxy.flipped, err[-2000:]
    assert rc == 255 and "Permission denied" not in err, err[-2000:]
    assert_logged(bad_server, off, proxy.upstream_local_port,
                  r"(?i)\bmac\b|integrity|corrupt|decrypt|authentication code")
    assert_still_serving(bad_server)


# --- half-open connections ---------------------------------------------

HALF_OPEN = 50
SHORT_GRACE = 5


def test_half_open_connections(server_factory):
    srv = server_factory(LoginGraceTime=str(SHORT_GRACE),
                         MaxStartups=str(4 * HALF_OPEN))
    off = srv.log_offset()
    socks = []
    try:
        for _ in range(HALF_OPEN):
            socks.append(socket.create_connection(("127.0.0.1", srv.port),
                                                  timeout=5))
        started = time.monotonic()
        rc, err = sshtest.run_ssh(srv.port, timeout=SHORT_GRACE * 3)
        assert sshtest.reached_auth_failure(rc, err), err[-3000:]
        # The silent clients are dropped once LoginGraceTime runs out.
        deadline = started + SHORT_GRACE + 15
        open_ = {s.fileno(): s for s in socks}
        while open_ and time.monotonic() < deadline:
            r, _, _ = select.select(list(open_.values()), [], [],
                                    max(0.0, deadline - time.monotonic()))
            for s in r:
                try:
                    d = s.recv(65536)
                except OSError:
                    d = b""
                if not d:
                    del open_[s.fileno()]
        assert not open_, "%d of %d silent connections still open %.0f s " \
            "after LoginGraceTime=%d" % (len(open_), HALF_OPEN,
                                         time.monotonic() - started,
                                         SHORT_GRACE)
        assert time.monotonic() - started >= SHORT_GRACE - 1, \
            "silent connections closed before LoginGraceTime"
    finally:
        for s in socks:
            s.close()
    assert srv.alive()
    timeouts = srv.wait_log(r"(?i)time.?out|timed out|grace", off, 5,
                            count=HALF_OPEN)
    assert len(timeouts) >= HALF_OPEN // 2, srv.log_since(off)[-3000:]
    assert_still_serving(srv)
