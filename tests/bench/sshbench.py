#!/usr/bin/python3
"""Portcullis against OpenSSH's sshd, side by side, in one run.

Starts portcullisd and /usr/sbin/sshd on free 127.0.0.1 ports, each in its
own temporary directory, with the same ed25519 host key, the same server
settings, the same user and user key, and drives both with the same client
(OpenSSH's ssh).  The measurements alternate the two servers:

  login      `ssh host true`, --login-runs times each (median, IQR, min/max)
  session    --size bytes through `ssh -c CIPHER host 'cat > /dev/null'`
  -L, -R     --size bytes through one forwarded stream to a local sink
  parallel   32 streams at once through one ssh -L (--size in all)
  idle       memory (PSS) per idle authenticated connection, 200 open

For every transfer it also takes the server's CPU seconds (utime + stime,
and cutime + cstime of the children it reaped, of every process of the
server's tree except the listener, from /proc) and the client's (the ssh
process), per GiB moved.  The client's share of one core tells whether the
client was the bottleneck.

Prints a table (both servers, the ratio portcullisd/openssh, the target and
whether it is met) and writes the same as CSV and a PNG chart (gnuplot) to
--out (build/bench).  Only loopback; every wait is bounded in count and time;
every process the bench starts is stopped on exit, Ctrl-C or failure.
Python 3 standard library only.
"""

import argparse
import csv
import datetime
import os
import platform
import pwd
import re
import resource
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SSH = shutil.which("ssh") or "/usr/bin/ssh"
SSH_KEYGEN = shutil.which("ssh-keygen") or "/usr/bin/ssh-keygen"
OPENSSH_SSHD = "/usr/sbin/sshd"
GNUPLOT = shutil.which("gnuplot")

CIPHERS = ("aes128-gcm@openssh.com", "aes256-gcm@openssh.com",
           "chacha20-poly1305@openssh.com")
KEX = "curve25519-sha256"
CHUNK = 1 << 20             # bytes per write of the data sources
GIB = float(1 << 30)
MB = 1e6                    # throughput is in MB/s (10^6 bytes per second)
CLK_TCK = os.sysconf("SC_CLK_TCK")
READY_TIMEOUT = 15.0        # seconds for a server or forward to be ready
CLIENT_BOUND = 0.90         # the client used this share of a core or more

# Targets: the ratio portcullisd/openssh must be <= or >= the figure.
T_LATENCY = ("<=", 0.2)
T_CPU = ("<=", 0.6)
T_THROUGHPUT = (">=", 1.3)
T_MEMORY = ("<=", 0.5)


class BenchError(Exception):
    pass


class Interrupted(BaseException):
    """SIGTERM or SIGHUP: unwind through every finally: like Ctrl-C."""


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


# --- processes we start -----------------------------------------------------

class Reaper:
    """Every process the bench starts, each in a session of its own, and the
    server listeners whose whole tree is ours to stop."""

    def __init__(self):
        self.procs = []
        self.servers = []

    def popen(self, cmd, **kw):
        kw.setdefault("stdin", subprocess.DEVNULL)
        kw.setdefault("start_new_session", True)
        p = subprocess.Popen(cmd, **kw)
        self.procs.append(p)
        return p

    def forget(self, p):
        if p in self.procs:
            self.procs.remove(p)

    def stop(self, p, grace=3.0):
        """SIGTERM to p's process group, then SIGKILL after grace."""
        if p.returncode is None:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(p.pid, sig)
                except (ProcessLookupError, PermissionError):
                    pass
                try:
                    p.wait(timeout=grace)
                    break
                except subprocess.TimeoutExpired:
                    continue
                except ChildProcessError:
                    break
        self.forget(p)

    def stop_all(self):
        for srv in list(self.servers):
            srv.stop()
        for p in list(self.procs):
            self.stop(p, grace=1.0)
        # Adopted orphans are server processes: ours to end.
        for pid in adopted(all_parents()):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        wait_for(lambda: reap_orphans() or not adopted(all_parents()), 2.0)


REAPER = Reaper()


def wait_exit(p, timeout):
    """Wait (bounded) for child p with a pidfd; returns (returncode, cpu
    seconds of p from its rusage, monotonic time it was seen to exit).
    Raises TimeoutError."""
    fd = os.pidfd_open(p.pid)
    try:
        r, _, _ = select.select([fd], [], [], max(0.0, timeout))
        t = time.monotonic()
        if not r:
            raise TimeoutError("pid %d still running after %.0f s"
                               % (p.pid, timeout))
        _, status, ru = os.wait4(p.pid, 0)
    finally:
        os.close(fd)
    p.returncode = os.waitstatus_to_exitcode(status)
    REAPER.forget(p)
    return p.returncode, ru.ru_utime + ru.ru_stime, t


# --- /proc accounting -------------------------------------------------------

def proc_stat(pid):
    """(ppid, own cpu seconds, reaped children's cpu seconds) or None."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            data = f.read()
    except OSError:
        return None
    rest = data[data.rindex(b")") + 2:].split()
    ticks = [int(x) for x in rest[11:15]]
    return (int(rest[1]), (ticks[0] + ticks[1]) / CLK_TCK,
            (ticks[2] + ticks[3]) / CLK_TCK)


def all_parents():
    out = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = proc_stat(int(name))
            if st is not None:
                out[int(name)] = st
    return out


def descendants(root, table=None):
    """Every process below root (not root itself), from one /proc scan."""
    table = all_parents() if table is None else table
    kids = {}
    for pid, st in table.items():
        kids.setdefault(st[0], []).append(pid)
    out, todo = [], [root]
    while todo and len(out) < 100000:
        for c in kids.get(todo.pop(), ()):
            out.append(c)
            todo.append(c)
    return out


# Processes of a server's tree whose parent exits first (OpenSSH's monitor
# leaves before its unprivileged child) would take their CPU time to init.
# The bench is a child subreaper (prctl PR_SET_CHILD_SUBREAPER): such
# orphans come to it, are reaped here with wait4, and their rusage is kept.
# Only one server is busy at a time and every measurement waits until its
# server is idle again, so whatever is adopted belongs to the server being
# measured.
ORPHAN_CPU = [0.0]


def become_subreaper():
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(36, 1, 0, 0, 0) != 0:        # PR_SET_CHILD_SUBREAPER
        raise BenchError("prctl(PR_SET_CHILD_SUBREAPER): %s"
                         % os.strerror(ctypes.get_errno()))


def adopted(table):
    """Our children that we did not start: adopted orphans."""
    me = os.getpid()
    ours = set(p.pid for p in REAPER.procs)
    return [pid for pid, st in table.items()
            if st[0] == me and pid not in ours]


def reap_orphans():
    """Reap adopted orphans that have exited, keeping their CPU time
    (theirs and their reaped children's)."""
    for pid in adopted(all_parents()):
        try:
            got, _, ru = os.wait4(pid, os.WNOHANG)
        except ChildProcessError:
            continue
        if got == pid:
            ORPHAN_CPU[0] += ru.ru_utime + ru.ru_stime


def server_procs(root, table):
    """The server's processes except the listener: the listener's
    descendants and adopted orphans with theirs."""
    out = descendants(root, table)
    for pid in adopted(table):
        out.append(pid)
        out += descendants(pid, table)
    return out


def tree_cpu(root):
    """CPU seconds of root's tree except root's own: every process's own
    and reaped children's time, the children root reaped, and the adopted
    orphans'.  A process that exits moves its time into its reaper's count,
    so the difference of two readings is the tree's CPU in between."""
    reap_orphans()
    table = all_parents()
    total = table[root][2] if root in table else 0.0
    for pid in server_procs(root, table):
        st = table.get(pid)
        if st is not None:
            total += st[1] + st[2]
    return total + ORPHAN_CPU[0]


def machine_busy():
    """Busy CPU seconds of the whole machine so far (all cores)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v[:8]) - v[3] - v[4]) / CLK_TCK


SINK_PID = [None]
FOREIGN = []        # cores used by foreign processes, per transfer
NOISY = 0.25        # more than this many foreign cores: a warning


def bench_cpu():
    """CPU seconds of the bench itself: this process (data sources) and
    the sink."""
    t = os.times()
    own = t.user + t.system
    return own + (pid_cpu(SINK_PID[0]) if SINK_PID[0] else 0.0)


def cpu_marks():
    """(machine busy, bench) CPU seconds, to tell the load of processes
    foreign to the measurement from the rest."""
    return machine_busy(), bench_cpu()


def idle_check(seconds=1.0):
    """Cores busy on the machine over `seconds` before the run."""
    b0 = machine_busy()
    time.sleep(seconds)
    return (machine_busy() - b0) / seconds


def pid_cpu(pid):
    st = proc_stat(pid)
    return 0.0 if st is None else st[1] + st[2]


def pss_kib(pid):
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


# --- helpers ----------------------------------------------------------------

def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(cond, timeout, step=0.02):
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v or time.monotonic() > deadline:
            return v
        time.sleep(step)


def file_has(path, rx):
    try:
        return re.search(rx, Path(path).read_text("utf-8", "replace"))
    except OSError:
        return None


def parse_size(text):
    m = re.fullmatch(r"(\d+)([KMG]?)i?B?", text.strip(), re.I)
    if not m:
        raise argparse.ArgumentTypeError("size like 2G, 256M or 1048576")
    n = int(m.group(1)) << {"": 0, "K": 10, "M": 20, "G": 30}[
        m.group(2).upper()]
    if n < CHUNK:
        raise argparse.ArgumentTypeError("size at least 1M")
    return n


def human(n):
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift and n % (1 << shift) == 0:
            return "%d %s" % (n >> shift, unit)
    return "%d bytes" % n


def short_cipher(c):
    return c.split("@")[0].replace("-poly1305", "")


# --- the user and the servers -----------------------------------------------

class BenchUser:
    """Root: a throwaway user (useradd -m, removed with userdel -r).
    Otherwise: the invoking user.  Both servers serve it the same way."""

    def __init__(self):
        self.made = False
        if os.geteuid() == 0:
            self.name = "pcbench%04d" % (int.from_bytes(os.urandom(2), "big")
                                         % 10000)
            subprocess.run(["useradd", "-m", "-s", "/bin/sh", self.name],
                           check=True, timeout=60, capture_output=True)
            self.made = True
            # A random password nobody uses: a user without one is locked,
            # and both servers refuse locked accounts even for keys.
            subprocess.run(["chpasswd"], input=("%s:Pb-%s\n" % (
                self.name, os.urandom(12).hex())).encode(), check=True,
                timeout=60, capture_output=True)
        else:
            self.name = pwd.getpwuid(os.geteuid()).pw_name
        pw = pwd.getpwnam(self.name)
        self.uid, self.home, self.shell = pw.pw_uid, pw.pw_dir, pw.pw_shell

    def remove(self):
        if not self.made:
            return
        # Nothing of the user's may outlive the servers; only processes of
        # this throwaway uid, which only our servers started.
        for name in os.listdir("/proc"):
            if name.isdigit():
                try:
                    if os.stat("/proc/" + name).st_uid == self.uid:
                        os.kill(int(name), signal.SIGKILL)
                except OSError:
                    pass
        subprocess.run(["userdel", "-r", "-f", self.name], timeout=60,
                       capture_output=True)
        self.made = False


def common_config(port, workdir, host_key, authorized_keys):
    """The settings both servers get, so that they serve alike."""
    return ["ListenAddress 127.0.0.1", "Port %d" % port,
            "HostKey %s" % host_key,
            "PidFile %s" % (workdir / "server.pid"),
            "AuthorizedKeysFile %s" % authorized_keys,
            "StrictModes no", "UsePAM no",
            "PubkeyAuthentication yes", "PasswordAuthentication no",
            "KbdInteractiveAuthentication no", "PermitRootLogin no",
            "AllowTcpForwarding yes", "GatewayPorts no",
            "X11Forwarding no", "AllowAgentForwarding no",
            "PrintMotd no", "PrintLastLog no", "PermitUserRC no",
            # portcullisd (0.1.0) keeps a connection in its MaxStartups
            # count until the connection ends, not only until it is
            # authenticated as sshd does: room for every idle connection.
            "UseDNS no", "Compression no", "MaxStartups 2100",
            "Ciphers %s" % ",".join(CIPHERS),
            "KexAlgorithms %s" % KEX,
            "LogLevel INFO"]


class BenchServer:
    def __init__(self, kind, binary, workdir, host_key, authorized_keys):
        self.kind = kind
        self.binary = str(binary)
        self.workdir = Path(workdir)
        self.workdir.mkdir(mode=0o755)
        self.port = free_port()
        self.conf = self.workdir / "server.conf"
        self.logpath = self.workdir / "server.log"
        lines = common_config(self.port, self.workdir, host_key,
                              authorized_keys)
        self.conf.write_text("\n".join(lines) + "\n")
        self.proc = None

    @property
    def pid(self):
        return self.proc.pid

    def start(self):
        if not os.access(self.binary, os.X_OK):
            raise BenchError("%s is missing (run make, or "
                             "build-aux/deps.sh bench)" % self.binary)
        if self.kind == "openssh" and os.geteuid() == 0:
            os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        with open(self.logpath, "ab") as logf:
            self.proc = REAPER.popen([self.binary, "-D", "-e", "-f",
                                      str(self.conf)], stdout=logf,
                                     stderr=subprocess.STDOUT)
        REAPER.servers.append(self)
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise BenchError("%s exited (%s) before listening:\n%s"
                                 % (self.kind, self.proc.returncode,
                                    self.log_tail()))
            try:
                with socket.create_connection(("127.0.0.1", self.port),
                                              timeout=0.5):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise BenchError("%s not listening after %.0f s:\n%s"
                                 % (self.kind, READY_TIMEOUT,
                                    self.log_tail()))
            time.sleep(0.05)
        # The probe's connection handler must be gone before anything is
        # measured.
        self.wait_idle(5.0)
        return self

    def log_tail(self):
        try:
            return self.logpath.read_text("utf-8", "replace")[-4000:]
        except OSError:
            return ""

    def tree(self):
        reap_orphans()
        return server_procs(self.pid, all_parents())

    def wait_idle(self, timeout):
        """Until the listener has no children and no orphan of its is left
        (bounded)."""
        return wait_for(lambda: not self.tree(), timeout, 0.01)

    def stop(self):
        """The listener and every process below it: OpenSSH's connection
        handlers leave the listener's session, so kill them by pid."""
        if self.proc is None:
            return
        kids = self.tree() if self.proc.returncode is None else []
        REAPER.stop(self.proc, grace=3.0)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for pid in kids:
                try:
                    os.kill(pid, sig)
                except OSError:
                    pass
            if sig == signal.SIGTERM:
                wait_for(lambda: all(proc_stat(p) is None for p in kids),
                         2.0)
        if self in REAPER.servers:
            REAPER.servers.remove(self)
        self.proc = None


# --- the client -------------------------------------------------------------

class Client:
    def __init__(self, user, key):
        self.user = user
        self.key = key

    def cmd(self, srv, cipher, extra=(), loglevel="ERROR"):
        opts = ["BatchMode=yes", "StrictHostKeyChecking=no",
                "UserKnownHostsFile=/dev/null",
                "GlobalKnownHostsFile=/dev/null", "IdentitiesOnly=yes",
                "IdentityAgent=none", "PreferredAuthentications=publickey",
                "HostKeyAlgorithms=ssh-ed25519",
                "PubkeyAcceptedAlgorithms=ssh-ed25519",
                "KexAlgorithms=" + KEX, "Compression=no",
                "ControlMaster=no", "ControlPath=none", "UpdateHostKeys=no",
                "ForwardAgent=no", "ForwardX11=no", "ConnectTimeout=10",
                "ConnectionAttempts=1", "ServerAliveInterval=0",
                "LogLevel=" + loglevel]
        c = [SSH, "-F", "/dev/null", "-i", str(self.key), "-c", cipher,
             "-p", str(srv.port), "-l", self.user]
        for o in opts:
            c += ["-o", o]
        return c + list(extra)


# --- the sink: a separate process that reads streams to nowhere -------------

def sink_main(lifetime):
    """Accept on 127.0.0.1, read each stream to EOF, answer with the byte
    count.  Prints its port, serves for at most `lifetime` seconds and no
    longer than the bench that started it."""
    parent = os.getppid()
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(256)
    ls.settimeout(1.0)
    print(ls.getsockname()[1], flush=True)
    deadline = time.monotonic() + lifetime

    def serve(c):
        buf = bytearray(CHUNK)
        n = 0
        try:
            c.settimeout(120.0)
            while time.monotonic() < deadline:
                k = c.recv_into(buf)
                if k == 0:
                    c.sendall(b"%d\n" % n)
                    break
                n += k
        except OSError:
            pass
        finally:
            c.close()

    accepted = 0
    while time.monotonic() < deadline and accepted < 100000:
        try:
            c, _ = ls.accept()
        except socket.timeout:
            if os.getppid() != parent:
                break
            continue
        accepted += 1
        threading.Thread(target=serve, args=(c,), daemon=True).start()
    return 0


class Sink:
    def __init__(self, lifetime):
        self.proc = REAPER.popen([sys.executable, str(Path(__file__)
                                                      .resolve()),
                                  "--sink", str(int(lifetime))],
                                 stdout=subprocess.PIPE)
        r, _, _ = select.select([self.proc.stdout], [], [], READY_TIMEOUT)
        line = self.proc.stdout.readline() if r else b""
        if not line.strip().isdigit():
            REAPER.stop(self.proc)
            raise BenchError("the sink did not start")
        self.port = int(line)
        SINK_PID[0] = self.proc.pid

    def close(self):
        REAPER.stop(self.proc)
        self.proc.stdout.close()
        SINK_PID[0] = None


def send_stream(port, nbytes, timeout, zeros):
    """nbytes to 127.0.0.1:port, then EOF; the sink's count must come back.
    Returns (start, end) monotonic times."""
    deadline = time.monotonic() + timeout
    t0 = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.settimeout(max(1.0, timeout))
        sent = 0
        while sent < nbytes:
            if time.monotonic() > deadline:
                raise TimeoutError("stream: %d of %d bytes after %.0f s"
                                   % (sent, nbytes, timeout))
            k = min(CHUNK, nbytes - sent)
            s.sendall(zeros[:k])
            sent += k
        s.shutdown(socket.SHUT_WR)
        answer = b""
        while not answer.endswith(b"\n") and len(answer) < 64:
            s.settimeout(max(0.1, deadline - time.monotonic()))
            b = s.recv(64)
            if not b:
                break
            answer += b
    t1 = time.monotonic()
    if answer.strip() != b"%d" % nbytes:
        raise BenchError("the sink got %r bytes, %d were sent"
                         % (answer.strip(), nbytes))
    return t0, t1


# --- measurements -----------------------------------------------------------

class Transfer:
    """One transfer's figures."""

    def __init__(self, nbytes, seconds, server_cpu, client_cpu, marks0, m1):
        self.nbytes = nbytes
        self.seconds = seconds
        self.server_cpu = server_cpu
        self.client_cpu = client_cpu
        self.busy = m1[0] - marks0[0]       # the whole machine
        self.bench_cpu = m1[1] - marks0[1]  # data source and sink
        FOREIGN.append(self.others_share)

    @property
    def rate(self):
        return self.nbytes / self.seconds / MB

    @property
    def server_per_gib(self):
        return self.server_cpu / (self.nbytes / GIB)

    @property
    def client_per_gib(self):
        return self.client_cpu / (self.nbytes / GIB)

    @property
    def client_share(self):
        return self.client_cpu / self.seconds

    @property
    def server_share(self):
        return self.server_cpu / self.seconds

    @property
    def machine_cores_busy(self):
        return self.busy / self.seconds

    @property
    def bench_share(self):
        return self.bench_cpu / self.seconds

    @property
    def others_share(self):
        """Cores busy with processes foreign to the measurement."""
        return max(0.0, self.busy - self.server_cpu - self.client_cpu -
                   self.bench_cpu) / self.seconds


class Bench:
    def __init__(self, args, servers, client, sink):
        self.args = args
        self.servers = servers          # {"portcullisd": s, "openssh": s}
        self.client = client
        self.sink = sink
        self.zeros = memoryview(bytes(CHUNK))
        self.round = 0

    def order(self):
        """Alternate which server goes first from one measurement to the
        next."""
        self.round += 1
        names = ["portcullisd", "openssh"]
        return names if self.round % 2 else names[::-1]

    # login latency
    def login(self, cipher):
        runs = self.args.login_runs
        times = {n: [] for n in self.servers}
        for n, srv in self.servers.items():        # one unmeasured each
            self._login_once(srv, cipher)
        for i in range(runs):
            for n in self.order():
                times[n].append(self._login_once(self.servers[n], cipher))
        return times

    def _login_once(self, srv, cipher):
        cmd = self.client.cmd(srv, cipher, ["-T", "127.0.0.1", "true"])
        t0 = time.monotonic()
        p = REAPER.popen(cmd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
        try:
            rc, _, t1 = wait_exit(p, self.args.timeout)
        except TimeoutError:
            REAPER.stop(p)
            raise BenchError("%s: ssh host true timed out" % srv.kind)
        err = p.stderr.read().decode("utf-8", "replace")
        p.stderr.close()
        if rc != 0:
            raise BenchError("%s: ssh host true failed (%d): %s\n%s"
                             % (srv.kind, rc, err.strip(), srv.log_tail()))
        srv.wait_idle(5.0)
        return (t1 - t0) * 1000.0

    # session: size bytes into `cat > /dev/null`
    def session(self, srv, cipher):
        size = self.args.size
        cmd = self.client.cmd(srv, cipher, ["-T", "127.0.0.1",
                                            "cat > /dev/null"])
        srv.wait_idle(5.0)
        cpu0 = tree_cpu(srv.pid)
        p = REAPER.popen(cmd, stdin=subprocess.PIPE,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        state = {"first": None, "error": None}
        deadline = time.monotonic() + self.args.timeout

        def feed():
            try:
                fd = p.stdin.fileno()
                sent = 0
                while sent < size and time.monotonic() < deadline:
                    k = min(CHUNK, size - sent)
                    view = self.zeros[:k]
                    while view:
                        w = os.write(fd, view)
                        view = view[w:]
                    sent += k
                    if state["first"] is None:
                        state["first"] = (time.monotonic(), sent,
                                          cpu_marks())
            except OSError as e:
                state["error"] = e
            finally:
                try:
                    p.stdin.close()
                except OSError:
                    pass

        th = threading.Thread(target=feed, daemon=True)
        th.start()
        try:
            rc, ccpu, t1 = wait_exit(p, self.args.timeout)
            marks1 = cpu_marks()
        except TimeoutError:
            REAPER.stop(p)
            th.join(5)
            raise BenchError("%s: session transfer timed out after %.0f s"
                             % (srv.kind, self.args.timeout))
        th.join(10)
        err = p.stderr.read().decode("utf-8", "replace")
        p.stderr.close()
        if rc != 0 or state["error"] or state["first"] is None:
            raise BenchError("%s: session transfer failed (%s, %s): %s"
                             % (srv.kind, rc, state["error"], err.strip()))
        srv.wait_idle(10.0)
        scpu = tree_cpu(srv.pid) - cpu0
        # From the moment ssh took the first MiB (the login is over) to its
        # exit, which waits for the remote cat's exit status.
        t0, first, marks0 = state["first"]
        return Transfer(size - first, t1 - t0, scpu, ccpu, marks0, marks1)

    # forwarded streams through -L / -R
    def _forward_client(self, srv, cipher, spec):
        errf = open(srv.workdir / "fwd-client.log", "w+b")
        cmd = self.client.cmd(srv, cipher, ["-N", "-T", "-o",
                                            "ExitOnForwardFailure=yes"]
                              + spec + ["127.0.0.1"], loglevel="DEBUG1")
        p = REAPER.popen(cmd, stdout=subprocess.DEVNULL, stderr=errf)
        errf.close()
        return p

    def forward(self, srv, cipher, direction, streams=1):
        size = self.args.size
        port = free_port()
        if direction == "L":
            spec = ["-L", "127.0.0.1:%d:127.0.0.1:%d" % (port,
                                                          self.sink.port)]
            ready = r"Local forwarding listening on 127\.0\.0\.1 port %d\b" \
                % port
        else:
            spec = ["-R", "127.0.0.1:%d:127.0.0.1:%d" % (port,
                                                          self.sink.port)]
            ready = r"remote forward success for: listen 127\.0\.0\.1:%d\b" \
                % port
        srv.wait_idle(5.0)
        p = self._forward_client(srv, cipher, spec)
        errlog = srv.workdir / "fwd-client.log"
        try:
            if not wait_for(lambda: p.poll() is not None or
                            file_has(errlog, ready), READY_TIMEOUT) \
                    or p.poll() is not None:
                raise BenchError("%s: ssh -%s did not come up:\n%s"
                                 % (srv.kind, direction,
                                    errlog.read_text("utf-8",
                                                     "replace")[-3000:]))
            per = size // streams
            scpu0 = tree_cpu(srv.pid)
            ccpu0 = pid_cpu(p.pid)
            marks0 = cpu_marks()
            results = [None] * streams
            errors = []

            def one(i):
                try:
                    results[i] = send_stream(port, per, self.args.timeout,
                                             self.zeros)
                except Exception as e:      # reported below
                    errors.append(e)

            if streams == 1:
                one(0)
            else:
                ths = [threading.Thread(target=one, args=(i,), daemon=True)
                       for i in range(streams)]
                for t in ths:
                    t.start()
                for t in ths:
                    t.join(self.args.timeout + 30)
                if any(t.is_alive() for t in ths):
                    errors.append(TimeoutError("streams still running"))
            if errors:
                raise BenchError("%s: -%s transfer failed: %s"
                                 % (srv.kind, direction, errors[0]))
            marks1 = cpu_marks()
            scpu = tree_cpu(srv.pid) - scpu0
            ccpu = pid_cpu(p.pid) - ccpu0
            t0 = min(r[0] for r in results)
            t1 = max(r[1] for r in results)
            return Transfer(per * streams, t1 - t0, scpu, ccpu, marks0,
                            marks1)
        finally:
            REAPER.stop(p)
            srv.wait_idle(10.0)

    # memory per idle authenticated connection
    def idle_memory(self, srv, cipher):
        n, batch = self.args.idle_conns, 20
        srv.wait_idle(5.0)
        base = set(srv.tree())
        clients = []
        logs = []
        try:
            for start in range(0, n, batch):
                fresh = []
                for i in range(start, min(n, start + batch)):
                    lp = srv.workdir / ("idle-%03d.log" % i)
                    with open(lp, "wb") as f:
                        p = REAPER.popen(self.client.cmd(
                            srv, cipher, ["-N", "-T", "127.0.0.1"],
                            loglevel="VERBOSE"), stdout=subprocess.DEVNULL,
                            stderr=f)
                    clients.append(p)
                    fresh.append((p, lp))
                    logs.append(lp)
                ok = wait_for(lambda: all(file_has(lp, r"Authenticated to")
                                          or p.poll() is not None
                                          for p, lp in fresh),
                              self.args.timeout)
                bad = [lp for p, lp in fresh if p.poll() is not None or
                       not file_has(lp, r"Authenticated to")]
                if not ok or bad:
                    raise BenchError("%s: idle connection %d of %d failed:"
                                     "\n%s\nserver log:\n%s"
                                     % (srv.kind, len(clients) - len(fresh)
                                        + 1, n,
                                        Path(bad[0]).read_text(
                                            "utf-8", "replace")[-2000:]
                                        if bad else "timeout",
                                        srv.log_tail()[-1500:]))
            # Let every handler settle into its idle state.
            time.sleep(1.0)
            procs = [pid for pid in srv.tree() if pid not in base]
            total = sum(pss_kib(pid) for pid in procs)
            return total / n, len(procs) / n
        finally:
            for p in clients:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except OSError:
                    pass
            for p in clients:
                REAPER.stop(p, grace=2.0)
            for lp in logs:
                try:
                    lp.unlink()
                except OSError:
                    pass
            srv.wait_idle(15.0)


# --- the report -------------------------------------------------------------

class Row:
    def __init__(self, group, metric, unit, values, target=None, note="",
                 detail=None):
        self.group = group
        self.metric = metric
        self.unit = unit
        self.values = values        # {"portcullisd": x, "openssh": y}
        self.target = target        # ("<=" | ">=", ratio) or None
        self.note = note
        self.detail = detail or {}

    @property
    def ratio(self):
        p, o = self.values.get("portcullisd"), self.values.get("openssh")
        if p is None or o is None or o == 0:
            return None
        return p / o

    @property
    def met(self):
        r = self.ratio
        if self.target is None:
            return ""
        if r is None:
            return "n/a"
        op, t = self.target
        return "met" if (r <= t if op == "<=" else r >= t) else "missed"


def fmt(x, unit):
    if x is None:
        return "-"
    if unit in ("MB/s", "KiB", "ms"):
        return "%.1f" % x
    return "%.3f" % x


def machine(portcullisd):
    model = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ver = subprocess.run([SSH, "-V"], capture_output=True, text=True,
                         timeout=10).stderr.strip()
    dpkg = subprocess.run(["dpkg-query", "-W", "-f=${Version}",
                           "openssh-server"], capture_output=True, text=True,
                          timeout=10).stdout.strip()
    pc = subprocess.run([str(portcullisd), "-V"],
                        capture_output=True, text=True, timeout=10)
    git = subprocess.run(["git", "-C", str(REPO_ROOT), "describe",
                          "--always", "--dirty"], capture_output=True,
                         text=True, timeout=10).stdout.strip()
    return [("date", datetime.datetime.now(datetime.timezone.utc)
             .strftime("%Y-%m-%d %H:%M UTC")),
            ("cpu", model), ("cores", str(os.cpu_count())),
            ("kernel", platform.release()),
            ("client", ver),
            ("openssh-server", dpkg or "?"),
            ("portcullisd", ((pc.stdout + pc.stderr).strip().splitlines()
                             or ["?"])[0] + (" (%s)" % git if git else ""))]


def print_table(rows, mach, args, out):
    w = sys.stdout.write
    w("\nPortcullis vs OpenSSH sshd, same client, same host key and user "
      "key, loopback\n")
    for k, v in mach:
        w("  %-15s %s\n" % (k, v))
    w("  %-15s session/-L/-R %s each, parallel %d x %s, median of %d "
      "runs;\n  %-15s %d logins each; %d idle connections\n"
      % ("runs", human(args.size), args.streams,
         human(args.size // args.streams), args.repeats, "",
         args.login_runs, args.idle_conns))
    w("\n")
    head = ("%-34s %-6s %12s %12s %8s %8s %-6s  %s\n"
            % ("measurement", "unit", "portcullisd", "openssh", "ratio",
               "target", "", "notes"))
    w(head)
    w("-" * (len(head) + 20) + "\n")
    for r in rows:
        ratio = "-" if r.ratio is None else "%.2f" % r.ratio
        tgt = "" if r.target is None else "%s%.2g" % r.target
        w("%-34s %-6s %12s %12s %8s %8s %-6s  %s\n"
          % (r.metric, r.unit, fmt(r.values.get("portcullisd"), r.unit),
             fmt(r.values.get("openssh"), r.unit), ratio, tgt, r.met,
             r.note))
    if FOREIGN and max(FOREIGN) > NOISY:
        w("\nWARNING: processes foreign to the bench used up to %.2f cores "
          "(median %.2f) during\nthe transfers (notes: 'others'); the "
          "figures are not reliable: run on an idle machine.\n"
          % (max(FOREIGN), statistics.median(FOREIGN)))
    met = sum(1 for r in rows if r.met == "met")
    tot = sum(1 for r in rows if r.target is not None)
    w("\ntargets met: %d of %d.  ratio = portcullisd / openssh; MB/s is "
      "10^6 bytes/s;\nCPU is utime+stime of the server's tree except the "
      "listener (reaped children included;\na session's remote cat "
      "counts with the server) and of the ssh client; 'client-bound'\n"
      "marks a run whose ssh client used >= %d%% of a core.\n"
      % (met, tot, int(CLIENT_BOUND * 100)))
    w("CSV: %s\nchart: %s\n" % (out / "results.csv",
                                out / "results.png" if GNUPLOT else
                                "(gnuplot missing: no chart)"))


def write_csv(rows, mach, path):
    with open(path, "w", newline="") as f:
        cw = csv.writer(f)
        cw.writerow(["group", "measurement", "unit", "portcullisd",
                     "openssh", "ratio", "target", "met", "notes"])
        for r in rows:
            cw.writerow([r.group, r.metric, r.unit,
                         "" if r.values.get("portcullisd") is None
                         else "%.6g" % r.values["portcullisd"],
                         "" if r.values.get("openssh") is None
                         else "%.6g" % r.values["openssh"],
                         "" if r.ratio is None else "%.4f" % r.ratio,
                         "" if r.target is None else "%s%g" % r.target,
                         r.met, r.note])
        for k, v in mach:
            cw.writerow(["machine", k, "", v, "", "", "", "", ""])


def write_chart(rows, mach, out):
    """Ratios (log scale) of every row with a target, green where met, red
    where missed; the target of each as a black mark."""
    if GNUPLOT is None:
        log("gnuplot not found: no chart (build-aux/deps.sh bench)")
        return None
    data = out / "ratios.dat"
    pts = [r for r in rows if r.target is not None and r.ratio is not None]
    if not pts:
        return None
    with open(data, "w") as f:
        for i, r in enumerate(pts):
            color = "0x2ca02c" if r.met == "met" else "0xd62728"
            f.write('%d "%s" %.6g %.6g %s\n'
                    % (i, r.metric.replace('"', "'"), r.ratio, r.target[1],
                       color))
    lo = min(min(r.ratio for r in pts), 0.05) / 1.5
    hi = max(max(r.ratio for r in pts), 2.0) * 1.5
    title = "Portcullis / OpenSSH sshd (%s; %s, %s cores)" % (
        dict(mach).get("date", ""), dict(mach).get("cpu", "")[:40],
        dict(mach).get("cores", ""))
    png = out / "results.png"
    script = out / "results.gp"
    script.write_text("\n".join([
        "set terminal pngcairo size 1400,800 font 'sans,10'",
        "set output '%s'" % png,
        "set title '%s' noenhanced" % title.replace("'", ""),
        "set logscale y",
        "set yrange [%g:%g]" % (lo, hi),
        "set ylabel 'ratio portcullisd / openssh (log scale)'",
        "set grid ytics",
        "set style fill solid 0.85 border -1",
        "set boxwidth 0.6",
        "set xtics rotate by -40 noenhanced font ',9'",
        "set xrange [-0.7:%g]" % (len(pts) - 0.3),
        "set bmargin 11",
        "set key outside top center horizontal",
        "f(x) = 1",
        "plot '%s' using 1:3:5:xtic(2) with boxes lc rgb variable "
        "title 'ratio (green: target met, red: missed)', "
        "'' using 1:4 with points pt 7 ps 1.5 lc rgb 'black' "
        "title 'target', f(x) with lines lc rgb 'gray' dt 2 "
        "title 'parity'" % data,
    ]) + "\n")
    r = subprocess.run([GNUPLOT, str(script)], capture_output=True,
                       text=True, timeout=60)
    if r.returncode != 0:
        log("gnuplot failed: %s" % r.stderr.strip())
        return None
    return png


# --- main -------------------------------------------------------------------

def transfer_rows(group, label, cipher, res):
    """Throughput, server CPU/GiB and client CPU/GiB rows of one kind of
    transfer, each the median over the repeats.  res: {"portcullisd":
    [Transfer, ...], "openssh": [...]}, empty lists where a run failed."""
    def med(n, attr):
        xs = [getattr(t, attr) for t in res.get(n) or ()]
        return statistics.median(xs) if xs else None

    def v(attr):
        return {n: med(n, attr) for n in ("portcullisd", "openssh")}

    notes, share = [], []
    for n, tag in (("portcullisd", "p"), ("openssh", "o")):
        if not res.get(n):
            notes.append("%s failed" % n)
            continue
        cs = med(n, "client_share")
        if cs >= CLIENT_BOUND:
            notes.append("%s run client-bound (ssh %.0f%% of a core)"
                         % (n, 100 * cs))
        share.append("%s %.2f/%.2f/%.2f/%.2f"
                     % (tag, med(n, "server_share"), cs,
                        med(n, "bench_share"), med(n, "others_share")))
    c = short_cipher(cipher)
    return [Row(group, "%s %s throughput" % (label, c), "MB/s", v("rate"),
                T_THROUGHPUT, "; ".join(notes)),
            Row(group, "%s %s server CPU" % (label, c), "s/GiB",
                v("server_per_gib"), T_CPU,
                "cores server/client/bench/others: " + ", ".join(share)),
            Row(group, "%s %s client CPU" % (label, c), "s/GiB",
                v("client_per_gib"), None, "the ssh client")]


def run(args, tmp):
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + args.max_seconds

    def check_time():
        if time.monotonic() > deadline:
            raise BenchError("--max-seconds %d exceeded" % args.max_seconds)

    user = BenchUser()
    try:
        return _run(args, tmp, out, user, check_time)
    finally:
        REAPER.stop_all()
        user.remove()


def _run(args, tmp, out, user, check_time):
    os.chmod(tmp, 0o755)
    keys = tmp / "keys"
    keys.mkdir(mode=0o755)
    host_key = keys / "ssh_host_ed25519_key"
    user_key = keys / "id_ed25519"
    for path, comment in ((host_key, "pcbench-host"),
                          (user_key, "pcbench-user")):
        subprocess.run([SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C",
                        comment, "-f", str(path)], check=True, timeout=60,
                       capture_output=True)
    auth = keys / "authorized_keys"
    auth.write_text(Path(str(user_key) + ".pub").read_text())
    os.chmod(auth, 0o644)

    servers = {}
    for kind, binary in (("portcullisd", args.portcullisd),
                         ("openssh", args.sshd)):
        servers[kind] = BenchServer(kind, binary, tmp / kind, host_key,
                                    auth).start()
    log("user %s; portcullisd on port %d, openssh on port %d"
        % (user.name, servers["portcullisd"].port, servers["openssh"].port))
    sink = Sink(args.max_seconds)
    bench = Bench(args, servers, Client(user.name, user_key), sink)
    rows = []
    mach = machine(args.portcullisd)
    load = idle_check()
    mach.append(("busy before", "%.2f cores over 1 s before the run" % load))
    if load > NOISY:
        log("warning: the machine is not idle (%.2f cores busy); the "
            "figures will be noisy" % load)
    try:
        # Login latency.
        log("login latency: %d runs each, alternating" % args.login_runs)
        lat = bench.login(CIPHERS[0])
        stats = {}
        for n, xs in lat.items():
            q = statistics.quantiles(xs, n=4)
            stats[n] = (statistics.median(xs), q[0], q[2], min(xs), max(xs))
        rows.append(Row("login", "login latency median", "ms",
                        {n: s[0] for n, s in stats.items()}, T_LATENCY,
                        "; ".join("%s IQR %.1f-%.1f, min/max %.1f/%.1f"
                                  % (n, s[1], s[2], s[3], s[4])
                                  for n, s in stats.items())))
        check_time()

        def measure(what, fn):
            """fn(server) for both servers, --repeats times, alternating
            which goes first; failed runs are logged and left out."""
            res = {"portcullisd": [], "openssh": []}
            for i in range(args.repeats):
                for n in bench.order():
                    check_time()
                    log("%s: %s (%d/%d)" % (what, n, i + 1, args.repeats))
                    try:
                        res[n].append(fn(servers[n]))
                    except BenchError as e:
                        log("FAILED: %s" % e)
            return res

        kinds = [k for k in ("session", "L", "R") if k in args.only]
        for cipher in args.ciphers:
            for kind in kinds:
                label = {"session": "session", "L": "-L", "R": "-R"}[kind]
                what = "%s %s, %s" % (label, short_cipher(cipher),
                                      human(args.size))
                if kind == "session":
                    res = measure(what, lambda srv: bench.session(srv,
                                                                  cipher))
                else:
                    res = measure(what, lambda srv: bench.forward(
                        srv, cipher, kind))
                rows += transfer_rows(kind, label, cipher, res)

        if "parallel" in args.only:
            res = measure("%d parallel -L streams, %s in all"
                          % (args.streams, human(args.size)),
                          lambda srv: bench.forward(srv, args.ciphers[0],
                                                    "L",
                                                    streams=args.streams))
            rows += transfer_rows("parallel", "%dx -L" % args.streams,
                                  args.ciphers[0], res)

        if "idle" in args.only:
            mem, per = {}, {}
            for n in bench.order():
                check_time()
                log("%d idle connections: %s" % (args.idle_conns, n))
                try:
                    mem[n], per[n] = bench.idle_memory(servers[n],
                                                       args.ciphers[0])
                except BenchError as e:
                    log("FAILED: %s" % e)
                    mem[n] = None
            rows.append(Row("idle", "memory per idle connection (PSS)",
                            "KiB", mem, T_MEMORY,
                            "; ".join("%s %.1f processes per connection"
                                      % (n, p) for n, p in per.items())))
    finally:
        sink.close()

    print_table(rows, mach, args, out)
    write_csv(rows, mach, out / "results.csv")
    write_chart(rows, mach, out)
    return 0


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.
                                 RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: 256M transfers run once, 10 logins, "
                    "50 idle connections")
    ap.add_argument("--size", type=parse_size, default=None,
                    help="bytes per transfer (2G; --quick 256M)")
    ap.add_argument("--login-runs", type=int, default=None,
                    help="logins per server (30; --quick 10)")
    ap.add_argument("--idle-conns", type=int, default=None,
                    help="idle connections per server (200; --quick 50)")
    ap.add_argument("--repeats", type=int, default=None,
                    help="runs of each transfer per server, median "
                    "reported (3; --quick 1)")
    ap.add_argument("--streams", type=int, default=32,
                    help="parallel -L streams (32), --size in all")
    ap.add_argument("--ciphers", default=",".join(CIPHERS),
                    help="comma-separated; the first is used for logins, "
                    "parallel streams and idle connections")
    ap.add_argument("--only", default="login,session,L,R,parallel,idle",
                    help="comma-separated, of session, L, R, parallel, idle "
                    "(all; login latency is always measured)")
    ap.add_argument("--timeout", type=float, default=300.0,
                    help="seconds for one measurement (300)")
    ap.add_argument("--max-seconds", type=int, default=3600,
                    help="bound on the whole run (3600)")
    ap.add_argument("--portcullisd", default=str(REPO_ROOT / "portcullisd"),
                    help="the portcullisd binary (./portcullisd)")
    ap.add_argument("--sshd", default=OPENSSH_SSHD,
                    help="OpenSSH's sshd, an absolute path (%s)"
                    % OPENSSH_SSHD)
    ap.add_argument("--out", default=str(REPO_ROOT / "build" / "bench"),
                    help="where results.csv and results.png go "
                    "(build/bench)")
    ap.add_argument("--sink", type=int, metavar="LIFETIME",
                    help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.sink is not None:
        return sink_main(args.sink)
    if args.size is None:
        args.size = (256 << 20) if args.quick else (2 << 30)
    if args.login_runs is None:
        args.login_runs = 10 if args.quick else 30
    if args.idle_conns is None:
        args.idle_conns = 50 if args.quick else 200
    if args.repeats is None:
        args.repeats = 1 if args.quick else 3
    if not (1 <= args.repeats <= 100):
        ap.error("--repeats between 1 and 100")
    if not (2 <= args.login_runs <= 10000):
        ap.error("--login-runs between 2 and 10000")
    if not (1 <= args.idle_conns <= 2000):
        ap.error("--idle-conns between 1 and 2000")
    if not (1 <= args.streams <= 256) or args.size // args.streams < CHUNK:
        ap.error("--streams between 1 and 256, at least 1M each")
    args.ciphers = [c.strip() for c in args.ciphers.split(",") if c.strip()]
    for c in args.ciphers:
        if c not in CIPHERS:
            ap.error("cipher %s: one of %s" % (c, ", ".join(CIPHERS)))
    args.only = set(x.strip() for x in args.only.split(",") if x.strip())
    unknown = args.only - {"login", "session", "L", "R", "parallel", "idle"}
    if unknown:
        ap.error("--only: unknown %s" % ", ".join(sorted(unknown)))
    args.sshd = os.path.abspath(args.sshd)
    args.portcullisd = os.path.abspath(args.portcullisd)

    # Room for 200 ssh clients' pipes and sockets.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, 8192) if hard != resource.RLIM_INFINITY else 8192
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))

    def on_signal(signum, frame):
        raise Interrupted("signal %d" % signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    tmp = Path(tempfile.mkdtemp(prefix="pcbench."))
    try:
        become_subreaper()
        return run(args, tmp)
    except BenchError as e:
        log("error: %s" % e)
        return 1
    except (KeyboardInterrupt, Interrupted):
        log("interrupted; every process the bench started is stopped")
        return 130
    finally:
        REAPER.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
