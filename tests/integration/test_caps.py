"""Resource caps per connection: a client that stops reading, or keeps
windows full, cannot make the daemon's connection process grow without
bound (docs/portcullisd.8, LIMITS).

The connection process is the one holding the server end of our socket
(after authentication, the monitor's child, which runs as the user); its
memory is VmRSS in /proc/PID/status.  "Stops reading" is
real TCP back-pressure: paramiko's transport thread is blocked inside the
channel's input buffer (we hold that buffer's lock), so it reads nothing
more from the socket, while the window we granted is 2 GiB -- only the
daemon's own caps limit what it buffers.  portcullisd only: the bounds
are this daemon's.
"""

import os
import socket
import threading
import time

import paramiko
import pytest

import sshtest

pytestmark = pytest.mark.skipif(sshtest.IS_OPENSSH,
                                reason="the bounds are portcullisd's")

MIB = 1024 * 1024
BIG_WINDOW = 2 ** 31 - 1
# CHAN_MAX_BUFFERED is 16 MiB, CHAN_SEND_BUFFER and CHAN_WINDOW 4 MiB.
TOTAL_CAP = 16 * MIB


def _session_pipe_size():
    """A session's stdin pipe holds this much outside the daemon: the
    daemon asks for 1 MiB pipes, within fs.pipe-max-size."""
    try:
        with open("/proc/sys/fs/pipe-max-size") as f:
            return min(MIB, int(f.read()))
    except OSError:
        return 64 * 1024


PIPE = _session_pipe_size()


@pytest.fixture(scope="module")
def csrv(module_server_factory, fwd_user, fwd_key):
    fwd_user.reset()
    fwd_user.authorize(sshtest.pub_line(fwd_key))
    return module_server_factory(AuthorizedKeysFile=".ssh/authorized_keys",
                                 StrictModes="no", AllowTcpForwarding="yes",
                                 MaxSessions="20")


def listener_children(pid):
    with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
        return [int(x) for x in f.read().split()]


def descendants(pid):
    """The listener's children (monitors) and theirs (the processes that
    serve the connection after authentication: privilege separation)."""
    out = []
    for c in listener_children(pid):
        out.append(c)
        try:
            out += listener_children(c)
        except FileNotFoundError:
            continue
    return out


def conn_pid(srv, sock):
    """The process serving sock (by the server end's inode): after
    authentication the monitor's child, which alone holds the socket."""
    caddr, cport = sock.getsockname()
    want = "%08X:%04X" % (int.from_bytes(socket.inet_aton(caddr), "little"),
                          cport)
    inode = None
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if fields[2] == want and fields[1].endswith(":%04X" % srv.port):
                inode = fields[9]
    assert inode is not None
    for pid in descendants(srv.proc.pid):
        try:
            for fd in os.listdir("/proc/%d/fd" % pid):
                try:
                    if os.readlink("/proc/%d/fd/%s" % (pid, fd)) == \
                            "socket:[%s]" % inode:
                        return pid
                except OSError:
                    continue
        except FileNotFoundError:
            continue
    raise AssertionError("no connection process for our socket")


def rss(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


class Conn:
    def __init__(self, srv, user, key):
        self.sock = socket.create_connection(("127.0.0.1", srv.port),
                                             timeout=10)
        self.t = paramiko.Transport(self.sock)
        self.t.start_client(timeout=10)
        self.t.auth_publickey(user.name,
                              paramiko.Ed25519Key.from_private_key_file(
                                  str(key)))
        assert self.t.is_authenticated()
        self.pid = conn_pid(srv, self.sock)

    def close(self):
        self.t.close()
        self.sock.close()


@pytest.fixture
def conn(csrv, fwd_user, fwd_key):
    c = Conn(csrv, fwd_user, fwd_key)
    yield c
    c.close()


def watch(pid, seconds):
    """RSS samples over `seconds` (every 0.5 s)."""
    out = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        out.append(rss(pid))
        time.sleep(0.5)
    out.append(rss(pid))
    return out


def assert_bounded(samples, base, growth):
    """Under base + growth throughout, and flat over the last 2 s."""
    peak = max(samples)
    assert peak < base + growth, \
        "grew %.1f MiB (bound %.1f)" % ((peak - base) / MIB, growth / MIB)
    assert samples[-1] - samples[-5] < MIB, \
        "still growing: %s" % [s // 1024 for s in samples]


def test_session_flood_client_not_reading(conn):
    """(a) cat /dev/zero, client reads nothing for 5 s."""
    base = rss(conn.pid)
    ch = conn.t.open_session(window_size=BIG_WINDOW)
    with ch.in_buffer._lock:
        ch.exec_command("exec cat /dev/zero")
        samples = watch(conn.pid, 5)
    # Output waits in at most CHAN_SEND_BUFFER (4 MiB) of transport
    # output; the process's pipe is not read beyond that.
    assert_bounded(samples, base, 8 * MIB)
    assert samples[-1] < 32 * MIB
    ch.close()


class Flood:
    """A local service that writes zeros to whoever connects."""

    def __init__(self):
        self.ls = socket.socket()
        self.ls.bind(("127.0.0.1", 0))
        self.ls.listen(4)
        self.port = self.ls.getsockname()[1]
        self.sent = 0
        self.stop = threading.Event()
        self.th = threading.Thread(target=self._run, daemon=True)
        self.th.start()

    def _run(self):
        c, _ = self.ls.accept()
        c.settimeout(0.5)
        buf = bytes(64 * 1024)
        while not self.stop.is_set():
            try:
                self.sent += c.send(buf)
            except socket.timeout:
                continue
            except OSError:
                break
        c.close()

    def close(self):
        self.stop.set()
        self.th.join(5)
        self.ls.close()


def test_direct_tcpip_flood_client_not_reading(conn):
    """(b) -L to a local service that floods; client reads nothing."""
    fl = Flood()
    try:
        base = rss(conn.pid)
        ch = conn.t.open_channel("direct-tcpip", ("127.0.0.1", fl.port),
                                 ("127.0.0.1", 1), window_size=BIG_WINDOW,
                                 timeout=10)
        with ch.in_buffer._lock:
            samples = watch(conn.pid, 5)
            sent = fl.sent
        assert_bounded(samples, base, 8 * MIB)
        assert samples[-1] < 32 * MIB
        # The service was held back too: what it wrote is what the
        # daemon's caps and the kernel's socket buffers hold, no more.
        assert sent < 64 * MIB, sent
        ch.close()
    finally:
        fl.close()


def fill_channels(chans, per_chan, seconds, sent=None):
    """Send up to per_chan bytes into each channel for at most seconds;
    return the bytes the server took.  sent (one count per channel) lets
    a later call go on where this one stopped."""
    data = bytes(32 * 1024)
    if sent is None:
        sent = [0] * len(chans)
    end = time.monotonic() + seconds
    for ch in chans:
        ch.settimeout(0.2)
    while time.monotonic() < end:
        moved = False
        for i, ch in enumerate(chans):
            if sent[i] >= per_chan:
                continue
            try:
                n = ch.send(data[:min(len(data), per_chan - sent[i])])
            except socket.timeout:
                n = 0
            sent[i] += n
            moved = moved or n > 0
        if all(s >= per_chan for s in sent):
            break
        if not moved:
            time.sleep(0.05)
    return sum(sent)


def test_many_full_windows_bounded_by_total_cap(conn):
    """(c) Ten sessions whose process does not read stdin for 6 s, each
    sent its whole 4 MiB window: the total cap holds the daemon at 16 MiB
    of buffered input; the rest of the 40 MiB waits in the kernel and in
    paramiko (the daemon stops reading the socket).  When the processes
    start reading, everything goes through."""
    base = rss(conn.pid)
    chans = []
    for _ in range(10):
        ch = conn.t.open_session()
        ch.exec_command("sleep 6; exec cat > /dev/null")
        chans.append(ch)
    sent = [0] * len(chans)
    took = fill_channels(chans, 4 * MIB, 3, sent)
    samples = watch(conn.pid, 2)
    # 40 MiB of windows were granted; the daemon took at most the cap
    # plus what the loopback socket's buffers and the ten processes'
    # stdin pipes hold (the pipes are the kernel's memory, not ours).
    assert took < TOTAL_CAP + 12 * MIB + 10 * PIPE, took
    assert_bounded(samples, base, TOTAL_CAP + 8 * MIB)
    # The consumers wake up: the rest flows, nothing was lost.
    assert fill_channels(chans, 4 * MIB, 30, sent) == 40 * MIB
    for ch in chans:
        ch.shutdown_write()
        assert ch.recv_exit_status() == 0
        ch.close()


def test_session_not_reading_bounded_by_window(conn):
    """(d) The client sends to a session whose process does not read:
    the daemon buffers at most our window (4 MiB)."""
    base = rss(conn.pid)
    ch = conn.t.open_session()
    ch.exec_command("exec sleep 60")
    took = fill_channels([ch], 32 * MIB, 5)
    samples = watch(conn.pid, 2)
    # The window, plus the process's pipe buffer.
    assert took <= 4 * MIB + PIPE + 32 * 1024, took
    assert_bounded(samples, base, 6 * MIB)
    ch.close()


def test_caps_release_memory_after_drain(conn):
    """Rounds of channels opened, filled (4 MiB each through
    `cat > /dev/null`), drained and closed leave the process near where
    it started: nothing accumulates per channel."""
    base = rss(conn.pid)
    for _ in range(6):
        chans = []
        for _ in range(4):
            ch = conn.t.open_session()
            ch.exec_command("exec cat > /dev/null")
            chans.append(ch)
        assert fill_channels(chans, 4 * MIB, 20) == 16 * MIB
        for ch in chans:
            ch.shutdown_write()
            assert ch.recv_exit_status() == 0
            ch.close()
    assert rss(conn.pid) < base + 8 * MIB
