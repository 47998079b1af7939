"""Sessions (RFC 4254 s. 6) against the real daemon, run as root, logging
in a real user: exec with exit status and stdout/stderr byte for byte,
stdin with EOF, bulk data both ways (with rekeying), signals, ptys and
window sizes, the environment of sshd(8)'s LOGIN PROCESS, user ids, scp
and sftp.  Every client run has a timeout."""

import hashlib
import os
import shutil
import subprocess
import time

import pytest

import sshtest

pytestmark = pytest.mark.skipif(sshtest.IS_OPENSSH,
                                reason="drives portcullisd's config")

RUN_TIMEOUT = 120
SFTP_SERVER = "/usr/lib/openssh/sftp-server"


@pytest.fixture(scope="module")
def sess_user():
    if not sshtest.is_root():
        pytest.skip("needs root: creates a user and runs the daemon as root")
    u = sshtest.SysUser(prefix="pcsess", shell="/bin/bash")
    yield u
    u.remove()


@pytest.fixture(scope="module")
def sess_key(tmp_path_factory, sess_user):
    d = tmp_path_factory.mktemp("sesskey")
    key = sshtest.keygen(d / "id_ed25519")
    sess_user.reset()
    sess_user.authorize(sshtest.pub_line(key))
    return key


@pytest.fixture(scope="module")
def srv(module_server_factory, sess_key):
    return module_server_factory()


def restore(user, key):
    """Back to the module's key alone in authorized_keys."""
    user.reset()
    user.authorize(sshtest.pub_line(key))


def client_opts(key, extra=()):
    opts = ["BatchMode=yes", "StrictHostKeyChecking=no",
            "UserKnownHostsFile=/dev/null", "GlobalKnownHostsFile=/dev/null",
            "IdentitiesOnly=yes", "IdentityFile=%s" % key,
            "IdentityAgent=none", "PreferredAuthentications=publickey",
            "ConnectTimeout=10", "LogLevel=ERROR"]
    out = []
    for o in opts + list(extra):
        out += ["-o", o]
    return out


def ssh(srv, user, key, command, stdin=None, extra=(), args=(),
        timeout=RUN_TIMEOUT, env=None):
    """Run `ssh host command`; return the CompletedProcess (bytes)."""
    cmd = [sshtest.SSH, "-F", "/dev/null", "-p", str(srv.port),
           "-l", user.name] + client_opts(key, extra) + list(args)
    cmd += ["127.0.0.1"]
    if command is not None:
        cmd.append(command)
    return subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=timeout, env=env,
                          stdin=None if stdin is not None
                          else subprocess.DEVNULL)


def daemon_accepts(option):
    """Whether portcullisd parses this keyword (-t with -o)."""
    r = subprocess.run([sshtest.server_binary(), "-t", "-f", "/dev/null",
                        "-o", option], capture_output=True, timeout=30)
    return r.returncode == 0


# --- exec: status and output ---------------------------------------------

@pytest.mark.parametrize("status", [0, 1, 42, 255])
def test_exit_status(srv, sess_user, sess_key, status):
    r = ssh(srv, sess_user, sess_key, "exit %d" % status)
    assert r.returncode == status, r.stderr


def test_stdout_stderr_separate(srv, sess_user, sess_key):
    r = ssh(srv, sess_user, sess_key,
            "printf 'out\\001\\377\\n'; printf 'err\\002\\n' >&2; exit 3")
    assert r.returncode == 3
    assert r.stdout == b"out\x01\xff\n"
    assert r.stderr == b"err\x02\n"


def test_output_then_exit_nothing_lost(srv, sess_user, sess_key):
    r = ssh(srv, sess_user, sess_key, "seq 1 100000")
    assert r.returncode == 0
    assert r.stdout == b"".join(b"%d\n" % i for i in range(1, 100001))


def test_stdin_eof_reaches_cat(srv, sess_user, sess_key):
    data = bytes(range(256)) * 17 + b"tail-without-newline"
    r = ssh(srv, sess_user, sess_key, "cat; echo done-$?", stdin=data)
    assert r.returncode == 0, r.stderr
    assert r.stdout == data + b"done-0\n"


def test_stdin_closed_for_wc(srv, sess_user, sess_key):
    r = ssh(srv, sess_user, sess_key, "wc -c", stdin=b"x" * 5000)
    assert r.stdout.strip() == b"5000"


@pytest.mark.parametrize("size", [1 << 20, 64 << 20])
def test_binary_through_cat(srv, sess_user, sess_key, size):
    data = os.urandom(size)
    r = ssh(srv, sess_user, sess_key, "cat", stdin=data)
    assert r.returncode == 0, r.stderr
    assert len(r.stdout) == size
    assert hashlib.sha256(r.stdout).digest() == hashlib.sha256(data).digest()


def test_binary_download_checksum(srv, sess_user, sess_key):
    r = ssh(srv, sess_user, sess_key,
            "head -c 8388608 /dev/zero | tr '\\0' 'Z' | tee /dev/stderr "
            "| sha256sum >&2")
    assert r.returncode == 0
    assert r.stdout == b""
    want = hashlib.sha256(b"Z" * 8388608).hexdigest().encode()
    assert r.stderr.startswith(b"Z" * 8388608)
    assert want in r.stderr[8388608:]


def test_killed_by_signal(srv, sess_user, sess_key):
    off = srv.log_offset()
    r = ssh(srv, sess_user, sess_key, "kill -TERM $$")
    # ssh exits 255 when the remote command died of a signal.
    assert r.returncode == 255
    assert srv.wait_log(r"child \d+ exited", since=off)


def test_rekey_during_bulk_data(module_server_factory, sess_user, sess_key):
    s = module_server_factory(RekeyLimit="1M")
    data = os.urandom(16 << 20)
    off = s.log_offset()
    r = ssh(s, sess_user, sess_key, "cat", stdin=data,
            extra=["RekeyLimit=1M"])
    assert r.returncode == 0, r.stderr
    assert hashlib.sha256(r.stdout).digest() == hashlib.sha256(data).digest()
    assert len(s.wait_log(r"key exchange #\d+ completed", since=off,
                          count=4)) >= 4


# --- the process: user, groups, environment -------------------------------

def test_user_ids(srv, sess_user, sess_key):
    r = ssh(srv, sess_user, sess_key, "id -u; id -g; id -G; pwd")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.decode().split("\n")
    assert lines[0] == str(sess_user.uid)
    assert lines[1] == str(sess_user.gid)
    want = sorted(os.getgrouplist(sess_user.name, sess_user.gid))
    assert sorted(int(g) for g in lines[2].split()) == want
    assert lines[3] == str(sess_user.home)


def test_cannot_regain_root(srv, sess_user, sess_key):
    r = ssh(srv, sess_user, sess_key,
            "python3 -c 'import os\ntry:\n os.setuid(0)\n print(\"ROOT\")\n"
            "except PermissionError:\n print(\"denied\")'")
    assert r.stdout.strip() == b"denied"


def env_of(r):
    env = {}
    for line in r.stdout.decode().split("\0"):
        if "=" in line:
            k, v = line.split("=", 1)
            env[k] = v
    return env


def test_environment(srv, sess_user, sess_key):
    r = ssh(srv, sess_user, sess_key, "env -0")
    assert r.returncode == 0, r.stderr
    env = env_of(r)
    assert env["USER"] == sess_user.name
    assert env["LOGNAME"] == sess_user.name
    assert env["HOME"] == str(sess_user.home)
    assert env["PATH"] == "/usr/local/bin:/usr/bin:/bin:/usr/games"
    assert env["MAIL"] == "/var/mail/" + sess_user.name
    assert env["SHELL"] == "/bin/bash"
    cport = env["SSH_CLIENT"].split()
    assert cport[0] == "127.0.0.1" and cport[2] == str(srv.port)
    conn = env["SSH_CONNECTION"].split()
    assert conn[0] == "127.0.0.1" and conn[1] == cport[1]
    assert conn[2:] == ["127.0.0.1", str(srv.port)]
    for absent in ("SSH_TTY", "TERM", "SSH_ORIGINAL_COMMAND"):
        assert absent not in env


def test_env_request_refused_without_acceptenv(srv, sess_user, sess_key):
    r = subprocess.run(
        [sshtest.SSH, "-F", "/dev/null", "-p", str(srv.port), "-l",
         sess_user.name] + client_opts(sess_key, ["SendEnv=PCTESTVAR"]) +
        ["127.0.0.1", "echo x${PCTESTVAR}x"],
        env=dict(os.environ, PCTESTVAR="leak"), stdin=subprocess.DEVNULL,
        capture_output=True, timeout=RUN_TIMEOUT)
    assert r.stdout == b"xx\n"


def test_acceptenv_lang(module_server_factory, sess_user, sess_key):
    if not daemon_accepts("AcceptEnv=LANG"):
        pytest.skip("AcceptEnv is not parsed by the daemon's config yet")
    s = module_server_factory(AcceptEnv="LANG")
    r = subprocess.run(
        [sshtest.SSH, "-F", "/dev/null", "-p", str(s.port), "-l",
         sess_user.name] + client_opts(sess_key, ["SendEnv=LANG LC_ALL"]) +
        ["127.0.0.1", "echo $LANG/x${LC_ALL}x"],
        env=dict(os.environ, LANG="C.UTF-8", LC_ALL="C"),
        stdin=subprocess.DEVNULL, capture_output=True, timeout=RUN_TIMEOUT)
    assert r.stdout == b"C.UTF-8/xx\n"


def test_key_command_option(module_server_factory, sess_user, sess_key,
        tmp_path):
    key = sshtest.keygen(tmp_path / "id_forced")
    sess_user.authorize(['command="echo forced:$SSH_ORIGINAL_COMMAND" ' +
                         sshtest.pub_line(key)])
    try:
        s = module_server_factory()
        r = ssh(s, sess_user, key, "echo asked")
        assert r.stdout == b"forced:echo asked\n"
        r = ssh(s, sess_user, key, None)
        assert r.stdout == b"forced:\n"
    finally:
        restore(sess_user, sess_key)


def test_user_rc_runs_first(module_server_factory, sess_user, sess_key,
        tmp_path):
    key = sshtest.keygen(tmp_path / "id_rc")
    sess_user.authorize(sshtest.pub_line(key))
    sess_user.write_file(sess_user.ssh_dir / "rc", "echo rc-ran\n", 0o644)
    try:
        s = module_server_factory()
        r = ssh(s, sess_user, key, "echo cmd")
        assert r.stdout == b"rc-ran\ncmd\n"
        sess_user.authorize("no-user-rc " + sshtest.pub_line(key))
        r = ssh(s, sess_user, key, "echo cmd")
        assert r.stdout == b"cmd\n"
    finally:
        restore(sess_user, sess_key)


def test_home_missing(module_server_factory, sess_user, sess_key):
    # The keys are read as the user: a directory it can reach.
    import tempfile
    d = tempfile.mkdtemp(prefix="pcsess", dir="/var/tmp")
    os.chmod(d, 0o755)
    ak = os.path.join(d, "authorized_keys")
    with open(ak, "w") as f:
        f.write(sshtest.pub_line(sess_key) + "\n")
    os.chmod(ak, 0o644)
    s = module_server_factory(StrictModes="no", AuthorizedKeysFile=ak)
    home = str(sess_user.home)
    os.rename(home, home + ".away")
    try:
        r = ssh(s, sess_user, sess_key, "pwd")
        assert r.returncode == 0, r.stderr
        assert b"Could not chdir to home directory " + home.encode() + \
            b": No such file or directory" in r.stderr
        assert r.stdout == b"/\n"
    finally:
        os.rename(home + ".away", home)
        shutil.rmtree(d)


# --- ptys -------------------------------------------------------------------

def test_pty_exec(srv, sess_user, sess_key):
    r = ssh(srv, sess_user, sess_key,
            "tty; echo $TERM; echo $SSH_TTY; stat -c '%U %G %a' $(tty); "
            "echo err >&2; exit 7",
            args=["-tt"], env=dict(os.environ, TERM="vt220"))
    assert r.returncode == 7
    lines = r.stdout.decode().replace("\r", "").split("\n")
    assert lines[0].startswith("/dev/pts/")
    assert lines[1] == "vt220"
    assert lines[2] == lines[0]
    owner, group, mode = lines[3].split()
    assert owner == sess_user.name and group == "tty" and mode == "620"
    # With a pty, stderr is part of the one stream.
    assert "err" in lines
    assert r.stderr == b""


def test_pty_window_size_and_resize(srv, sess_user, sess_key):
    paramiko = pytest.importorskip("paramiko")
    c = paramiko.SSHClient()
    c.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    c.connect("127.0.0.1", port=srv.port, username=sess_user.name,
              key_filename=str(sess_key), look_for_keys=False,
              allow_agent=False, timeout=10)
    try:
        ch = c.invoke_shell(term="xterm-256color", width=91, height=37)
        ch.settimeout(10)
        # The marker as the shell prints it is not in the echo of the
        # line, which the terminal may show twice (before the shell has
        # started reading, and again from readline).
        ch.send(b"stty size; echo $TERM; echo MARK$((0+1))\n")
        out = read_until(ch, b"MARK1\r\n", 10)
        assert b"37 91" in out and b"xterm-256color" in out
        ch.resize_pty(width=120, height=50)
        time.sleep(0.3)
        ch.send(b"stty size; echo MARK$((0+2))\n")
        out = read_until(ch, b"MARK2\r\n", 10)
        assert b"50 120" in out
        ch.send(b"exit 5\n")
        deadline = time.monotonic() + 10
        while not ch.exit_status_ready() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ch.recv_exit_status() == 5
    finally:
        c.close()


def read_until(ch, marker, timeout, skip_echo=False):
    """Read until marker appears (after the echoed command line if
    skip_echo: the echo contains the marker text too)."""
    buf = b""
    deadline = time.monotonic() + timeout
    need = 2 if skip_echo else 1
    while buf.count(marker) < need and time.monotonic() < deadline:
        if ch.recv_ready():
            buf += ch.recv(65536)
        else:
            time.sleep(0.02)
    if buf.count(marker) < need:
        # The echo may be "echo MARK1" with the marker only once.
        pass
    return buf


def test_pty_refused_by_no_pty(module_server_factory, sess_user, sess_key,
                               tmp_path):
    key = sshtest.keygen(tmp_path / "id_nopty")
    sess_user.authorize("no-pty " + sshtest.pub_line(key))
    try:
        s = module_server_factory()
        off = s.log_offset()
        # -tt makes the refusal fatal for the client.
        r = ssh(s, sess_user, key, "tty", args=["-tt"])
        assert b"PTY allocation request failed" in r.stderr
        assert r.returncode == 255 and r.stdout == b""
        assert s.wait_log(r"Pty allocation disabled", since=off)
        # The channel stays usable without a pty.
        paramiko = pytest.importorskip("paramiko")
        c = paramiko.SSHClient()
        c.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        c.connect("127.0.0.1", port=s.port, username=sess_user.name,
                  key_filename=str(key), look_for_keys=False,
                  allow_agent=False, timeout=10)
        try:
            ch = c.get_transport().open_session(timeout=10)
            with pytest.raises(paramiko.SSHException):
                ch.get_pty()
            # paramiko closes a channel whose request failed.
            ch = c.get_transport().open_session(timeout=10)
            ch.settimeout(10)
            ch.exec_command("tty")
            assert ch.makefile().read() == b"not a tty\n"
            assert ch.recv_exit_status() == 1
        finally:
            c.close()
    finally:
        restore(sess_user, sess_key)


@pytest.fixture
def utmp_file():
    """glibc's utmp; a container may lack it, so make it for the test."""
    path = "/var/run/utmp"
    made = not os.path.exists(path)
    if made:
        open(path, "wb").close()
        os.chmod(path, 0o664)
    yield path
    if made:
        os.unlink(path)


def test_pty_utmp_record(srv, sess_user, sess_key, utmp_file):
    r = ssh(srv, sess_user, sess_key, "who; tty", args=["-tt"])
    text = r.stdout.decode().replace("\r", "")
    tty = text.strip().split("\n")[-1]
    assert tty.startswith("/dev/pts/")
    assert any(l.split()[0] == sess_user.name and
               tty[len("/dev/"):] in l and "127.0.0.1" in l
               for l in text.split("\n")[:-2] if l.strip()), text
    # Logged out again once the session is over.
    r = subprocess.run(["who"], capture_output=True, timeout=30)
    assert tty[len("/dev/"):] not in r.stdout.decode()


def test_signal_request(srv, sess_user, sess_key):
    asyncssh = pytest.importorskip("asyncssh")
    import asyncio

    async def run():
        async with asyncssh.connect(
                "127.0.0.1", port=srv.port, username=sess_user.name,
                client_keys=[str(sess_key)], known_hosts=None,
                agent_path=None) as conn:
            proc = await conn.create_process(
                "trap 'echo got-usr1; exit 9' USR1; echo ready; "
                "while :; do sleep 0.1; done")
            line = await asyncio.wait_for(proc.stdout.readline(), 10)
            assert line == "ready\n"
            proc.send_signal("USR1")
            out = await asyncio.wait_for(proc.stdout.read(), 10)
            await asyncio.wait_for(proc.wait_closed(), 10)
            assert "got-usr1" in out
            assert proc.exit_status == 9
            proc = await conn.create_process("sleep 30")
            await asyncio.sleep(0.3)
            proc.send_signal("KILL")
            await asyncio.wait_for(proc.wait_closed(), 10)
            assert proc.exit_signal is not None
            assert proc.exit_signal[0] == "KILL"

    asyncio.run(asyncio.wait_for(run(), 60))


def test_max_sessions(srv, sess_user, sess_key):
    paramiko = pytest.importorskip("paramiko")
    c = paramiko.SSHClient()
    c.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    c.connect("127.0.0.1", port=srv.port, username=sess_user.name,
              key_filename=str(sess_key), look_for_keys=False,
              allow_agent=False, timeout=10)
    try:
        t = c.get_transport()
        chans = [t.open_session(timeout=10) for _ in range(10)]
        with pytest.raises(paramiko.ChannelException):
            t.open_session(timeout=10)
        for ch in chans:
            ch.close()
    finally:
        c.close()


# --- scp and sftp -------------------------------------------------------------

def big_file(tmp_path, size=64 << 20):
    p = tmp_path / "big.bin"
    with open(p, "wb") as f:
        f.write(os.urandom(size))
    return p


def sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def copy_round_trip(tool, s, user, key, tmp_path, extra=()):
    src = big_file(tmp_path)
    remote = "%s/up-%s.bin" % (user.home, tool)
    back = tmp_path / "back.bin"
    if tool == "sftp":
        batch = tmp_path / "batch"
        batch.write_text("put %s %s\nget %s %s\n" % (src, remote, remote,
                                                     back))
        cmd = ["sftp", "-F", "/dev/null", "-P", str(s.port), "-b",
               str(batch)] + client_opts(key, extra) + \
            ["%s@127.0.0.1" % user.name]
        r = subprocess.run(cmd, capture_output=True, timeout=RUN_TIMEOUT,
                           stdin=subprocess.DEVNULL)
        assert r.returncode == 0, r.stderr
    else:
        base = ["scp", "-F", "/dev/null", "-P", str(s.port)] + \
            (["-O"] if tool == "scp-O" else []) + client_opts(key, extra)
        r = subprocess.run(base + [str(src), "%s@127.0.0.1:%s" %
                                   (user.name, remote)],
                           capture_output=True, timeout=RUN_TIMEOUT,
                           stdin=subprocess.DEVNULL)
        assert r.returncode == 0, r.stderr
        r = subprocess.run(base + ["%s@127.0.0.1:%s" % (user.name, remote),
                                   str(back)],
                           capture_output=True, timeout=RUN_TIMEOUT,
                           stdin=subprocess.DEVNULL)
        assert r.returncode == 0, r.stderr
    try:
        assert sha(remote) == sha(src)
        assert os.stat(remote).st_uid == user.uid
        assert sha(back) == sha(src)
    finally:
        os.unlink(remote)


def test_scp_legacy(srv, sess_user, sess_key, tmp_path):
    copy_round_trip("scp-O", srv, sess_user, sess_key, tmp_path)


def test_scp_legacy_rekeying(module_server_factory, sess_user, sess_key,
                             tmp_path):
    s = module_server_factory(RekeyLimit="1M")
    copy_round_trip("scp-O", s, sess_user, sess_key, tmp_path,
                    extra=["RekeyLimit=1M"])


@pytest.fixture(scope="module")
def sftp_srv(module_server_factory, sess_key):
    if not os.path.exists(SFTP_SERVER):
        pytest.skip("no %s" % SFTP_SERVER)
    if not daemon_accepts("Subsystem=sftp %s" % SFTP_SERVER):
        pytest.skip("Subsystem is not parsed by the daemon's config yet")
    return module_server_factory(Subsystem="sftp %s" % SFTP_SERVER)


@pytest.mark.parametrize("tool", ["sftp", "scp"])
def test_sftp_subsystem(sftp_srv, sess_user, sess_key, tmp_path, tool):
    copy_round_trip(tool, sftp_srv, sess_user, sess_key, tmp_path)


def test_sftp_rekeying(module_server_factory, sess_user, sess_key, tmp_path):
    if not daemon_accepts("Subsystem=sftp %s" % SFTP_SERVER):
        pytest.skip("Subsystem is not parsed by the daemon's config yet")
    s = module_server_factory(Subsystem="sftp %s" % SFTP_SERVER,
                              RekeyLimit="1M")
    copy_round_trip("sftp", s, sess_user, sess_key, tmp_path,
                    extra=["RekeyLimit=1M"])


def test_unknown_subsystem_refused(srv, sess_user, sess_key):
    r = ssh(srv, sess_user, sess_key, "nosuchsubsystem", args=["-s"])
    assert r.returncode != 0
    assert srv.wait_log(r"subsystem request for nosuchsubsystem by user "
                        + sess_user.name + " failed, subsystem not found")
