"""The sshd_config settings of sessions against the real daemon, run as root,
logging in real users: ForceCommand (also in Match User), SetEnv, AcceptEnv,
PermitUserEnvironment, PermitTTY, PermitUserRC and /etc/ssh/sshrc,
MaxSessions, ChrootDirectory, ClientAliveInterval/ClientAliveCountMax,
VersionAddendum, TCPKeepAlive, the "break" request and PrintLastLog.

Every setting has a case that fails if the daemon ignored it, next to a
control case with the opposite setting, with sshd(8)/sshd_config(5)
semantics as the reference.  Every client run and every wait is bounded;
users, files, servers and proxies are cleaned up."""

import asyncio
import os
import re
import select
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

import sshtest

pytestmark = pytest.mark.skipif(sshtest.IS_OPENSSH,
                                reason="drives portcullisd's config")

RUN_TIMEOUT = 60
LASTLOG = "/var/log/lastlog"
SYSTEM_RC = "/etc/ssh/sshrc"
BUSYBOX = "/bin/busybox"


# --- users, keys, clients ----------------------------------------------------

def _need_root():
    if not sshtest.is_root():
        pytest.skip("needs root: creates users and runs the daemon as root")


@pytest.fixture(scope="module")
def cfg_user():
    """The main user; /bin/sh as shell so a chroot needs only that."""
    _need_root()
    u = sshtest.SysUser(prefix="pccfg", shell="/bin/sh")
    yield u
    u.remove()


@pytest.fixture(scope="module")
def other_user():
    """A second user, for the Match User cases."""
    _need_root()
    u = sshtest.SysUser(prefix="pccfo", shell="/bin/sh")
    yield u
    u.remove()


@pytest.fixture(scope="module")
def cfg_key(tmp_path_factory):
    return sshtest.keygen(tmp_path_factory.mktemp("cfgkey") / "id_ed25519")


@pytest.fixture
def user(cfg_user, cfg_key):
    """cfg_user with only cfg_key in authorized_keys, again after the
    test."""
    cfg_user.reset()
    cfg_user.authorize(sshtest.pub_line(cfg_key))
    yield cfg_user
    cfg_user.reset()
    cfg_user.authorize(sshtest.pub_line(cfg_key))


@pytest.fixture
def other(other_user, cfg_key):
    other_user.reset()
    other_user.authorize(sshtest.pub_line(cfg_key))
    return other_user


def client_opts(key, extra=()):
    """Options first given win in ssh: the caller's go first."""
    opts = list(extra) + [
        "BatchMode=yes", "StrictHostKeyChecking=no",
        "UserKnownHostsFile=/dev/null", "GlobalKnownHostsFile=/dev/null",
        "IdentitiesOnly=yes", "IdentityFile=%s" % key,
        "IdentityAgent=none", "PreferredAuthentications=publickey",
        "ConnectTimeout=10", "ServerAliveInterval=0", "LogLevel=ERROR"]
    out = []
    for o in opts:
        out += ["-o", o]
    return out


def ssh_cmd(port, user, key, command, extra=(), args=()):
    cmd = [sshtest.SSH, "-F", "/dev/null", "-p", str(port), "-l",
           user.name] + client_opts(key, extra) + list(args) + ["127.0.0.1"]
    if command is not None:
        cmd.append(command)
    return cmd


def ssh(srv, user, key, command, stdin=None, extra=(), args=(), env=None,
        timeout=RUN_TIMEOUT):
    """Run `ssh host command` (command None: a shell); CompletedProcess
    with bytes."""
    return subprocess.run(ssh_cmd(srv.port, user, key, command, extra, args),
                          input=stdin, capture_output=True, timeout=timeout,
                          env=env, stdin=None if stdin is not None
                          else subprocess.DEVNULL)


def env_lines(r):
    """`env` output as a dict."""
    env = {}
    for line in r.stdout.decode("utf-8", "replace").split("\n"):
        if "=" in line:
            k, v = line.split("=", 1)
            env[k] = v
    return env


def paramiko_connect(port, user, key):
    paramiko = pytest.importorskip("paramiko")
    c = paramiko.SSHClient()
    c.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    c.connect("127.0.0.1", port=port, username=user.name,
              key_filename=str(key), look_for_keys=False, allow_agent=False,
              timeout=10, banner_timeout=10, auth_timeout=10)
    return c


def channel_exec(transport, command, timeout=10):
    """Run command on a new channel; (exit status, stdout bytes)."""
    ch = transport.open_session(timeout=timeout)
    ch.settimeout(timeout)
    ch.exec_command(command)
    out = ch.makefile("rb").read()
    deadline = time.monotonic() + timeout
    while not ch.exit_status_ready() and time.monotonic() < deadline:
        time.sleep(0.02)
    status = ch.recv_exit_status() if ch.exit_status_ready() else None
    ch.close()
    return status, out


# --- ForceCommand ------------------------------------------------------------

FORCED = 'echo "forced:${SSH_ORIGINAL_COMMAND-unset}"'


def test_force_command_config(module_server_factory, user, cfg_key):
    s = module_server_factory(_lines=["ForceCommand " + FORCED])
    off = s.log_offset()
    r = ssh(s, user, cfg_key, "echo asked; exit 3")
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"forced:echo asked; exit 3\n"
    assert s.wait_log(r"Starting session: forced-command \(config\) for "
                      + user.name + " from 127.0.0.1", since=off)
    # A shell request runs it too, without SSH_ORIGINAL_COMMAND.
    r = ssh(s, user, cfg_key, None)
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"forced:unset\n"


def test_force_command_config_beats_key_command(module_server_factory, user,
                                                cfg_key):
    # sshd: the configuration's ForceCommand overrides command=.
    user.authorize('command="echo key-option" ' + sshtest.pub_line(cfg_key))
    s = module_server_factory(_lines=["ForceCommand " + FORCED])
    r = ssh(s, user, cfg_key, "echo asked")
    assert r.stdout == b"forced:echo asked\n", r.stderr
    # Without it, the key's command runs: the comparison is meaningful.
    s2 = module_server_factory()
    r = ssh(s2, user, cfg_key, "echo asked")
    assert r.stdout == b"key-option\n", r.stderr


def test_force_command_replaces_subsystem(module_server_factory, user,
                                          cfg_key):
    # sshd: a subsystem request runs ForceCommand; SSH_ORIGINAL_COMMAND is
    # the subsystem's command.
    s = module_server_factory(_lines=["Subsystem pcsub /bin/echo sub-ran",
                                      "ForceCommand " + FORCED])
    r = ssh(s, user, cfg_key, "pcsub", args=["-s"])
    assert r.stdout == b"forced:/bin/echo sub-ran\n", r.stderr
    s2 = module_server_factory(_lines=["Subsystem pcsub /bin/echo sub-ran"])
    r = ssh(s2, user, cfg_key, "pcsub", args=["-s"])
    assert r.stdout == b"sub-ran\n", r.stderr


def test_force_command_match_user(module_server_factory, user, other,
                                  cfg_key):
    s = module_server_factory(_lines=["Match User " + user.name,
                                      "\tForceCommand " + FORCED])
    off = s.log_offset()
    r = ssh(s, user, cfg_key, "echo mine")
    assert r.stdout == b"forced:echo mine\n", r.stderr
    r = ssh(s, other, cfg_key, "echo mine")
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"mine\n"
    text = s.log_since(off)
    assert re.search(r"Starting session: forced-command \(config\) for "
                     + user.name, text), text
    assert re.search(r"Starting session: command for " + other.name, text), \
        text


# --- SetEnv and AcceptEnv ----------------------------------------------------

def test_setenv(module_server_factory, user, other, cfg_key):
    s = module_server_factory(_lines=[
        'SetEnv PCSET1=one "PCSET2=two words"',
        "Match User " + other.name, "\tSetEnv PCSETM=matched"])
    r = ssh(s, user, cfg_key, "env")
    env = env_lines(r)
    assert env.get("PCSET1") == "one", r.stdout
    assert env.get("PCSET2") == "two words"
    assert "PCSETM" not in env
    # Match's SetEnv applies to its user.
    r = ssh(s, other, cfg_key, "env")
    assert env_lines(r).get("PCSETM") == "matched", r.stdout


def test_setenv_overrides_accepted(module_server_factory, user, cfg_key):
    # sshd_config(5): SetEnv overrides what the client sent (AcceptEnv).
    s = module_server_factory(_lines=["AcceptEnv PCSET1 PCCLIENT",
                                      "SetEnv PCSET1=server"])
    r = ssh(s, user, cfg_key, "env",
            extra=["SetEnv=PCSET1=client PCCLIENT=client"])
    env = env_lines(r)
    assert env.get("PCSET1") == "server", r.stdout
    assert env.get("PCCLIENT") == "client", r.stdout


def test_acceptenv_patterns(module_server_factory, user, cfg_key):
    s = module_server_factory(_lines=["AcceptEnv LANG LC_*"])
    off = s.log_offset()
    env = dict(os.environ, LANG="C.UTF-8", LC_TIME="C", LC_PCTEST="lc-sent",
               PCOTHER="leak", LANGUAGE="leak2")
    r = ssh(s, user, cfg_key, "env", env=env,
            extra=["SendEnv=LANG LC_TIME LC_PCTEST PCOTHER LANGUAGE",
                   "SetEnv=LC_PCSET=set-by-client PCNOPE=refused"])
    assert r.returncode == 0, r.stderr
    got = env_lines(r)
    assert got.get("LANG") == "C.UTF-8"
    assert got.get("LC_TIME") == "C"
    assert got.get("LC_PCTEST") == "lc-sent"
    assert got.get("LC_PCSET") == "set-by-client"
    for refused in ("PCOTHER", "LANGUAGE", "PCNOPE"):
        assert refused not in got, r.stdout
    for name in ("PCOTHER", "LANGUAGE", "PCNOPE"):
        assert s.wait_log(r"Ignoring env request %s: disallowed name" % name,
                          since=off), s.log_since(off)


def test_acceptenv_in_match(module_server_factory, user, other, cfg_key):
    s = module_server_factory(_lines=["Match User " + user.name,
                                      "\tAcceptEnv PCM_*"])
    extra = ["SetEnv=PCM_X=sent"]
    assert env_lines(ssh(s, user, cfg_key, "env", extra=extra)).get(
        "PCM_X") == "sent"
    assert "PCM_X" not in env_lines(ssh(s, other, cfg_key, "env",
                                        extra=extra))


def test_accepted_env_cannot_replace_login_variables(module_server_factory,
                                                     user, cfg_key):
    # sshd sets USER, HOME, PATH... after the client's variables.
    s = module_server_factory(_lines=["AcceptEnv *"])
    r = ssh(s, user, cfg_key, "env",
            extra=["SetEnv=USER=root HOME=/root PATH=/evil PCANY=ok"])
    env = env_lines(r)
    assert env.get("PCANY") == "ok", r.stdout
    assert env["USER"] == user.name
    assert env["HOME"] == str(user.home)
    assert env["PATH"] == "/usr/local/bin:/usr/bin:/bin:/usr/games"


# --- PermitUserEnvironment ---------------------------------------------------

def write_user_env(user, key):
    user.authorize('environment="PCKEYENV=from-key",environment='
                   '"PCKEYOTHER=other" ' + sshtest.pub_line(key))
    user.write_file(user.ssh_dir / "environment",
                    "# comment\nPCFILEENV=from-file\n\nPCFILEOTHER=x\n")


def test_permit_user_env_key_option(module_server_factory, user, cfg_key):
    write_user_env(user, cfg_key)
    s = module_server_factory(PermitUserEnvironment="yes")
    env = env_lines(ssh(s, user, cfg_key, "env"))
    assert env.get("PCKEYENV") == "from-key"
    assert env.get("PCKEYOTHER") == "other"
    # Default (no): the key still logs in, its environment is ignored.
    s = module_server_factory()
    r = ssh(s, user, cfg_key, "env")
    assert r.returncode == 0, r.stderr
    env = env_lines(r)
    assert "PCKEYENV" not in env and "PCKEYOTHER" not in env


def test_permit_user_env_pattern_list(module_server_factory, user, cfg_key):
    write_user_env(user, cfg_key)
    s = module_server_factory(PermitUserEnvironment="PCKEYE*")
    env = env_lines(ssh(s, user, cfg_key, "env"))
    assert env.get("PCKEYENV") == "from-key"
    assert "PCKEYOTHER" not in env


def test_permit_user_env_file(module_server_factory, user, cfg_key):
    write_user_env(user, cfg_key)
    s = module_server_factory(PermitUserEnvironment="yes")
    env = env_lines(ssh(s, user, cfg_key, "env"))
    assert env.get("PCFILEENV") == "from-file"
    assert env.get("PCFILEOTHER") == "x"


def test_no_permit_user_env_ignores_file(module_server_factory, user,
                                         cfg_key):
    write_user_env(user, cfg_key)
    s = module_server_factory(PermitUserEnvironment="no")
    env = env_lines(ssh(s, user, cfg_key, "env"))
    assert "PCFILEENV" not in env and "PCKEYENV" not in env


# --- PermitTTY ---------------------------------------------------------------

def test_permit_tty_no(module_server_factory, user, cfg_key):
    paramiko = pytest.importorskip("paramiko")
    s = module_server_factory(PermitTTY="no")
    off = s.log_offset()
    r = ssh(s, user, cfg_key, "tty", args=["-tt"])
    assert b"PTY allocation request failed" in r.stderr
    assert b"/dev/pts/" not in r.stdout
    assert s.wait_log(r"Pty allocation disabled", since=off)
    # The same request on a channel: refused; a command then has no tty.
    c = paramiko_connect(s.port, user, cfg_key)
    try:
        t = c.get_transport()
        ch = t.open_session(timeout=10)
        with pytest.raises(paramiko.SSHException):
            ch.get_pty()
        status, out = channel_exec(t, "tty")
        assert out == b"not a tty\n" and status == 1
    finally:
        c.close()


def test_permit_tty_yes_control(module_server_factory, user, cfg_key):
    s = module_server_factory(PermitTTY="yes")
    r = ssh(s, user, cfg_key, "tty", args=["-tt"])
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(b"/dev/pts/")


def test_permit_tty_no_in_match(module_server_factory, user, other, cfg_key):
    s = module_server_factory(_lines=["Match User " + user.name,
                                      "\tPermitTTY no"])
    r = ssh(s, user, cfg_key, "tty", args=["-tt"])
    assert b"PTY allocation request failed" in r.stderr
    r = ssh(s, other, cfg_key, "tty", args=["-tt"])
    assert r.stdout.startswith(b"/dev/pts/"), r.stderr


# --- PermitUserRC and /etc/ssh/sshrc -----------------------------------------

def write_rc(user):
    user.write_file(user.ssh_dir / "rc", "echo user-rc-ran\n", 0o644)


def test_permit_user_rc(module_server_factory, user, cfg_key):
    write_rc(user)
    s = module_server_factory(PermitUserRC="yes")
    assert ssh(s, user, cfg_key, "echo cmd").stdout == b"user-rc-ran\ncmd\n"
    s = module_server_factory(PermitUserRC="no")
    r = ssh(s, user, cfg_key, "echo cmd")
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"cmd\n"


def test_user_rc_not_run_for_force_command(module_server_factory, user,
                                           cfg_key):
    # sshd ignores ~/.ssh/rc with the configuration's ForceCommand.
    write_rc(user)
    s = module_server_factory(_lines=["ForceCommand echo forced"])
    assert ssh(s, user, cfg_key, "echo cmd").stdout == b"forced\n"


@pytest.fixture
def system_rc(cfg_user):
    """/etc/ssh/sshrc, made for the test only if there is none, printing
    only for our user (other sessions on this host stay untouched)."""
    if os.path.lexists(SYSTEM_RC):
        pytest.skip("%s exists: not touching a system file" % SYSTEM_RC)
    if not os.path.isdir(os.path.dirname(SYSTEM_RC)):
        pytest.skip("no %s" % os.path.dirname(SYSTEM_RC))
    fd = os.open(SYSTEM_RC, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.write(fd, ('if [ "$USER" = "%s" ]; then echo system-rc-ran; fi\n'
                      % cfg_user.name).encode())
    finally:
        os.close(fd)
    try:
        yield SYSTEM_RC
    finally:
        os.unlink(SYSTEM_RC)


def test_system_rc(module_server_factory, user, cfg_key, system_rc):
    s = module_server_factory()
    # No ~/.ssh/rc: sshrc runs.
    assert ssh(s, user, cfg_key, "echo cmd").stdout == b"system-rc-ran\ncmd\n"
    # ~/.ssh/rc, when there is one and it is allowed, instead.
    write_rc(user)
    assert ssh(s, user, cfg_key, "echo cmd").stdout == b"user-rc-ran\ncmd\n"
    # PermitUserRC no: sshd falls back to sshrc.
    s = module_server_factory(PermitUserRC="no")
    assert ssh(s, user, cfg_key, "echo cmd").stdout == b"system-rc-ran\ncmd\n"


# --- MaxSessions -------------------------------------------------------------

def test_max_sessions_two(module_server_factory, user, cfg_key):
    paramiko = pytest.importorskip("paramiko")
    s = module_server_factory(MaxSessions="2")
    off = s.log_offset()
    c = paramiko_connect(s.port, user, cfg_key)
    try:
        t = c.get_transport()
        a = t.open_session(timeout=10)
        b = t.open_session(timeout=10)
        with pytest.raises(paramiko.ChannelException) as ei:
            t.open_session(timeout=10)
        assert ei.value.code == 1   # SSH_OPEN_ADMINISTRATIVELY_PROHIBITED
        assert s.wait_log(r"refused session channel open: MaxSessions \(2\)"
                          r" reached", since=off)
        # The two open ones work; closing one makes room for another.
        a.settimeout(10)
        a.exec_command("echo a-works")
        assert a.makefile("rb").read() == b"a-works\n"
        a.close()
        deadline = time.monotonic() + 10
        while True:
            try:
                status, out = channel_exec(t, "echo third")
                break
            except paramiko.ChannelException:
                # The close may not have been confirmed yet.
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert (status, out) == (0, b"third\n")
        b.close()
    finally:
        c.close()


def test_max_sessions_multiplexed_ssh(module_server_factory, user, cfg_key,
                                      tmp_path):
    """OpenSSH's own multiplexing: a master and three slaves."""
    s = module_server_factory(MaxSessions="2")
    sock = tmp_path / "cm"
    mux = ["ControlPath=%s" % sock]
    master = subprocess.Popen(
        ssh_cmd(s.port, user, cfg_key, None,
                extra=mux + ["ControlMaster=yes"], args=["-N"]),
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE)
    slaves = []
    try:
        deadline = time.monotonic() + 15
        while not sock.exists():
            assert master.poll() is None, master.stderr.read()
            assert time.monotonic() < deadline, "no control socket"
            time.sleep(0.05)
        for _ in range(2):
            slaves.append(subprocess.Popen(
                ssh_cmd(s.port, user, cfg_key, "echo up; sleep 20",
                        extra=mux + ["ControlMaster=no"]),
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE))
        for p in slaves:
            r, _, _ = select.select([p.stdout], [], [], 15)
            assert r and p.stdout.readline() == b"up\n"
        off = s.log_offset()
        r = subprocess.run(ssh_cmd(s.port, user, cfg_key, "echo third",
                                   extra=mux + ["ControlMaster=no"]),
                           stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=RUN_TIMEOUT)
        # The master's third session is refused; ssh then falls back to
        # a connection of its own, where the command runs.
        assert s.wait_log(r"refused session channel open: MaxSessions "
                          r"\(2\) reached", since=off), s.log_since(off)
        assert r.stdout == b"third\n", r.stderr
        started = re.findall(r"Starting session: command for %s from "
                             r"127\.0\.0\.1 port (\d+)" % user.name,
                             s.log_text())
        assert len(started) == 3
        assert started[0] == started[1] != started[2]
    finally:
        subprocess.run(ssh_cmd(s.port, user, cfg_key, None,
                               extra=mux, args=["-O", "exit"]),
                       stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=30)
        for p in slaves + [master]:
            if p.poll() is None:
                p.kill()
            p.wait(timeout=10)


def test_max_sessions_zero(module_server_factory, user, cfg_key):
    """sshd: MaxSessions 0 allows no session (only forwarding, which this
    daemon has none of); the connection itself stays usable."""
    paramiko = pytest.importorskip("paramiko")
    s = module_server_factory(MaxSessions="0")
    off = s.log_offset()
    r = ssh(s, user, cfg_key, "echo nope", extra=["LogLevel=INFO"])
    assert r.returncode == 255 and r.stdout == b""
    assert b"administratively prohibited" in r.stderr, r.stderr
    assert s.wait_log(r"refused session channel open: MaxSessions \(0\) "
                      r"reached", since=off)
    c = paramiko_connect(s.port, user, cfg_key)
    try:
        t = c.get_transport()
        assert t.is_authenticated()
        with pytest.raises(paramiko.ChannelException):
            t.open_session(timeout=10)
        # Still connected: a global request gets its (failure) reply.
        assert t.global_request("pctest@example.com", wait=True) is None
        assert t.is_active()
    finally:
        c.close()


def test_max_sessions_in_match(module_server_factory, user, other, cfg_key):
    paramiko = pytest.importorskip("paramiko")
    s = module_server_factory(_lines=["Match User " + user.name,
                                      "\tMaxSessions 1"])
    for u, allowed in ((user, 1), (other, 3)):
        c = paramiko_connect(s.port, u, cfg_key)
        try:
            t = c.get_transport()
            chans = [t.open_session(timeout=10) for _ in range(allowed)]
            if u is user:
                with pytest.raises(paramiko.ChannelException):
                    t.open_session(timeout=10)
            for ch in chans:
                ch.close()
        finally:
            c.close()


# --- ChrootDirectory ---------------------------------------------------------

@pytest.fixture
def chroot_base():
    """A root-owned 0755 directory whose parents are all root-owned and
    not group/other-writable (/tmp and /var/tmp are world-writable)."""
    if not os.access(BUSYBOX, os.X_OK):
        pytest.skip("no %s (apt-get install busybox-static)" % BUSYBOX)
    r = subprocess.run(["file", "-L", BUSYBOX], capture_output=True,
                       text=True, timeout=30)
    if r.returncode == 0 and "statically linked" not in r.stdout:
        pytest.skip("%s is not statically linked" % BUSYBOX)
    base = None
    for parent in ("/run", "/var/lib", "/srv"):
        st = os.stat(parent) if os.path.isdir(parent) else None
        if st is not None and st.st_uid == 0 and st.st_mode & 0o022 == 0:
            base = tempfile.mkdtemp(prefix="pctest-chroot-", dir=parent)
            break
    if base is None:
        pytest.skip("no root-owned, non-writable parent for a chroot")
    os.chmod(base, 0o755)
    try:
        yield Path(base)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def build_chroot(root, shell="/bin/sh"):
    """root/bin/sh (busybox, static) and a marker file; root-owned 0755."""
    (root / "bin").mkdir(parents=True)
    os.chmod(root, 0o755)
    os.chmod(root / "bin", 0o755)
    target = root / shell.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(BUSYBOX, target)
    os.chmod(target, 0o755)
    (root / "PCTEST_IN_CHROOT").write_text("yes\n")
    return root


def test_chroot_directory(module_server_factory, user, cfg_key, chroot_base):
    root = build_chroot(chroot_base / user.name)
    # %u: the expanded token is the per-user directory.
    s = module_server_factory(ChrootDirectory=str(chroot_base / "%u"))
    r = ssh(s, user, cfg_key, "cd /; echo *; pwd; "
            "read x < /PCTEST_IN_CHROOT; echo $x")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.decode().split("\n")
    assert lines[0].split() == ["PCTEST_IN_CHROOT", "bin"], r.stdout
    assert lines[1] == "/"
    assert lines[2] == "yes"
    # The home directory does not exist inside: sshd's message, then /.
    assert (b"Could not chdir to home directory %s" % str(user.home).encode()
            in r.stderr)
    assert root.exists()


def test_chroot_home_inside(module_server_factory, user, cfg_key,
                            chroot_base):
    root = build_chroot(chroot_base / "r")
    home = root / str(user.home).lstrip("/")
    home.mkdir(parents=True)
    os.chown(home, user.uid, user.gid)
    s = module_server_factory(ChrootDirectory=str(root))
    r = ssh(s, user, cfg_key, "pwd; echo > made-here")
    assert r.returncode == 0, r.stderr
    assert r.stdout == str(user.home).encode() + b"\n"
    assert (home / "made-here").exists()
    assert not (user.home / "made-here").exists()
    assert b"Could not chdir" not in r.stderr


def test_chroot_bad_ownership_refused(module_server_factory, user, cfg_key,
                                      chroot_base):
    root = build_chroot(chroot_base / "userowned")
    os.chown(root, user.uid, user.gid)
    s = module_server_factory(ChrootDirectory=str(root))
    r = ssh(s, user, cfg_key, "echo escaped")
    assert r.stdout == b""
    assert r.returncode != 0
    assert re.search(rb'bad ownership or modes for chroot directory '
                     rb'[a-z ]*"%s"' % re.escape(str(root).encode()),
                     r.stderr), r.stderr


def test_chroot_writable_parent_refused(module_server_factory, user, cfg_key,
                                        chroot_base):
    parent = chroot_base / "open"
    parent.mkdir()
    os.chmod(parent, 0o777)
    root = build_chroot(parent / "r")
    s = module_server_factory(ChrootDirectory=str(root))
    r = ssh(s, user, cfg_key, "echo escaped")
    assert r.stdout == b"" and r.returncode != 0
    assert re.search(rb'bad ownership or modes for chroot directory '
                     rb'[a-z ]*"%s/"' % re.escape(str(parent).encode()),
                     r.stderr), r.stderr


def test_chroot_refusal_wording_is_sshds(module_server_factory, user,
                                         cfg_key, chroot_base):
    root = build_chroot(chroot_base / "userowned")
    os.chown(root, user.uid, user.gid)
    s = module_server_factory(ChrootDirectory=str(root))
    r = ssh(s, user, cfg_key, "echo escaped")
    assert (b'bad ownership or modes for chroot directory "%s"\n'
            % str(root).encode()) in r.stderr, r.stderr
    parent = chroot_base / "open"
    parent.mkdir()
    os.chmod(parent, 0o777)
    root = build_chroot(parent / "r")
    s = module_server_factory(ChrootDirectory=str(root))
    r = ssh(s, user, cfg_key, "echo escaped")
    assert (b'bad ownership or modes for chroot directory component "%s/"'
            % str(parent).encode()) in r.stderr, r.stderr


def test_chroot_bad_ownership_logged(module_server_factory, user, cfg_key,
                                     chroot_base):
    root = build_chroot(chroot_base / "userowned")
    os.chown(root, user.uid, user.gid)
    s = module_server_factory(ChrootDirectory=str(root))
    off = s.log_offset()
    ssh(s, user, cfg_key, "echo escaped")
    assert s.wait_log(r"bad ownership or modes for chroot directory",
                      since=off, timeout=5)


# --- ClientAliveInterval / ClientAliveCountMax -------------------------------

class FreezingProxy:
    """A one-connection TCP proxy in a thread; freeze() makes it drop what
    the client sends from then on, as a client that stopped answering."""

    def __init__(self, port):
        self.target = port
        self.lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(1)
        self.port = self.lsock.getsockname()[1]
        self.frozen = threading.Event()
        self.stopping = threading.Event()
        self.server_closed = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def freeze(self):
        self.frozen.set()

    def _run(self):
        self.lsock.settimeout(0.2)
        cli = None
        while cli is None and not self.stopping.is_set():
            try:
                cli, _ = self.lsock.accept()
            except socket.timeout:
                continue
        if cli is None:
            return
        srv = socket.create_connection(("127.0.0.1", self.target),
                                       timeout=10)
        try:
            while not self.stopping.is_set():
                r, _, _ = select.select([cli, srv], [], [], 0.2)
                if srv in r:
                    data = srv.recv(65536)
                    if not data:
                        self.server_closed.set()
                        break
                    cli.sendall(data)
                if cli in r:
                    data = cli.recv(65536)
                    if not data:
                        break
                    if not self.frozen.is_set():
                        srv.sendall(data)
        except OSError:
            pass
        finally:
            cli.close()
            srv.close()

    def close(self):
        self.stopping.set()
        self.thread.join(timeout=5)
        self.lsock.close()


def frozen_client_run(s, user, key):
    """Log in through the proxy, run a long command, freeze the client's
    direction; return (seconds until the Timeout line, that line, the
    client's exit status, the log offset)."""
    proxy = FreezingProxy(s.port)
    off = s.log_offset()
    p = subprocess.Popen(ssh_cmd(proxy.port, user, key, "sleep 30"),
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        assert s.wait_log(r"Starting session: command for " + user.name,
                          since=off, timeout=15), s.log_since(off)
        time.sleep(0.2)
        proxy.freeze()
        t0 = time.monotonic()
        lines = s.wait_log(r"Timeout, client not responding", since=off,
                           timeout=20)
        elapsed = time.monotonic() - t0
        assert lines, s.log_since(off)
        try:
            rc = p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            rc = None
        return elapsed, lines[0], rc, off
    finally:
        if p.poll() is None:
            p.kill()
        p.wait(timeout=10)
        p.stdout.close()
        p.stderr.close()
        proxy.close()


def user_processes(user, pattern):
    r = subprocess.run(["pgrep", "-u", str(user.uid), "-f", pattern],
                       capture_output=True, timeout=30)
    return r.stdout.split()


def test_client_alive_timeout(module_server_factory, user, cfg_key):
    s = module_server_factory(ClientAliveInterval="1",
                              ClientAliveCountMax="2")
    elapsed, line, rc, off = frozen_client_run(s, user, cfg_key)
    # Two unanswered probes one second apart, then the end: about 3 s.
    assert 1.0 <= elapsed <= 8.0, (elapsed, s.log_since(off))
    # The client's connection is gone (not the 30 s of sleep).
    assert rc is not None and rc != 0
    # The user's command is ended with the connection.
    deadline = time.monotonic() + 10
    while user_processes(user, "sleep 30") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not user_processes(user, "sleep 30")


def test_client_alive_timeout_log_names_user(module_server_factory, user,
                                             cfg_key):
    s = module_server_factory(ClientAliveInterval="1",
                              ClientAliveCountMax="2")
    _, line, _, _ = frozen_client_run(s, user, cfg_key)
    assert re.search(r"Timeout, client not responding from user %s "
                     r"127\.0\.0\.1 port \d+" % user.name, line), line


def test_client_alive_live_idle_client_kept(module_server_factory, user,
                                            cfg_key):
    s = module_server_factory(ClientAliveInterval="1",
                              ClientAliveCountMax="2")
    off = s.log_offset()
    t0 = time.monotonic()
    r = ssh(s, user, cfg_key, "sleep 5; echo still-here")
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"still-here\n"
    assert time.monotonic() - t0 >= 5
    text = s.log_since(off)
    assert "Timeout, client not responding" not in text


def test_client_alive_off_by_default(module_server_factory, user, cfg_key):
    """Control: without ClientAliveInterval a frozen client is not
    timed out in the same time."""
    s = module_server_factory()
    proxy = FreezingProxy(s.port)
    off = s.log_offset()
    p = subprocess.Popen(ssh_cmd(proxy.port, user, cfg_key, "sleep 8"),
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    try:
        assert s.wait_log(r"Starting session: command for " + user.name,
                          since=off, timeout=15)
        proxy.freeze()
        assert not s.wait_log(r"Timeout, client not responding", since=off,
                              timeout=5)
    finally:
        p.kill()
        p.wait(timeout=10)
        proxy.close()


# --- VersionAddendum ---------------------------------------------------------

def banner(port):
    c = sshtest.RawConn(port)
    try:
        return c.read_banner(time.monotonic() + 10).decode("ascii", "replace")
    finally:
        c.close()


def test_version_addendum(module_server_factory):
    s = module_server_factory(VersionAddendum="pctest-addendum 42")
    line = banner(s.port)
    assert line.startswith("SSH-2.0-")
    assert line.endswith(" pctest-addendum 42"), line
    plain = banner(module_server_factory().port)
    assert "pctest-addendum" not in plain
    assert line.startswith(plain + " "), (line, plain)


def test_version_addendum_none(module_server_factory):
    # sshd_config(5): "none" disables the addendum.
    s = module_server_factory(VersionAddendum="none")
    line = banner(s.port)
    assert line == banner(module_server_factory().port)
    assert not line.endswith("none")


# --- TCPKeepAlive ------------------------------------------------------------

def keepalive_timer(port, client_port):
    """ss's view of the server side of one connection: whether a
    keepalive timer runs on it."""
    r = subprocess.run(["ss", "-tnoeH", "state", "established", "(",
                        "sport", "=", ":%d" % port, "and", "dport", "=",
                        ":%d" % client_port, ")"],
                       capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        pytest.skip("ss failed: %s" % r.stderr)
    assert r.stdout.strip(), "connection not in ss output"
    return "timer:(keepalive" in r.stdout


@pytest.mark.parametrize("setting,expect", [("yes", True), ("no", False)])
def test_tcp_keepalive(module_server_factory, setting, expect):
    if shutil.which("ss") is None:
        pytest.skip("no ss (iproute2)")
    s = module_server_factory(TCPKeepAlive=setting)
    c = sshtest.RawConn(s.port)
    try:
        c.read_banner(time.monotonic() + 10)
        # The banner was read: nothing unacknowledged, so no other timer.
        deadline = time.monotonic() + 5
        while True:
            got = keepalive_timer(s.port, c.local_port)
            if got == expect or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert got == expect
    finally:
        c.close()


# --- break -------------------------------------------------------------------

def test_break_request(module_server_factory, user, cfg_key):
    """RFC 4335: with a pty the daemon calls tcsendbreak(), which a Linux
    pty ignores, so only the reply is observable: success with a pty,
    failure without one (as sshd's session_break_req)."""
    asyncssh = pytest.importorskip("asyncssh")
    from asyncssh.packet import UInt32
    s = module_server_factory()

    async def run():
        async with asyncssh.connect(
                "127.0.0.1", port=s.port, username=user.name,
                client_keys=[str(cfg_key)], known_hosts=None,
                agent_path=None) as conn:
            results = {}
            for pty in (True, False):
                proc = await conn.create_process(
                    "echo ready; read x; echo got-$x",
                    term_type="xterm" if pty else None)
                line = await asyncio.wait_for(proc.stdout.readline(), 10)
                assert line.strip() == "ready"
                # send_break() does not wait for the reply; ask with
                # want-reply set to see it.
                ok = await asyncio.wait_for(proc.channel._make_request(
                    b"break", UInt32(500)), 10)
                results[pty] = ok
                proc.stdin.write("after\n")
                out = await asyncio.wait_for(proc.stdout.read(), 10)
                await asyncio.wait_for(proc.wait_closed(), 10)
                assert "got-after" in out
            return results

    results = asyncio.run(asyncio.wait_for(run(), 60))
    assert results == {True: True, False: False}


# --- PrintLastLog ------------------------------------------------------------

LASTLOG_RECORD = 4 + 32 + 256       # struct lastlog on Linux (glibc)


@pytest.fixture
def lastlog_user(user):
    """A clean lastlog record for the user, restored afterwards."""
    if not os.path.exists(LASTLOG):
        pytest.skip("no %s" % LASTLOG)
    off = user.uid * LASTLOG_RECORD
    size = os.path.getsize(LASTLOG)
    with open(LASTLOG, "r+b") as f:
        f.seek(off)
        saved = f.read(LASTLOG_RECORD)
        f.seek(off)
        f.write(bytes(LASTLOG_RECORD))
    yield user
    with open(LASTLOG, "r+b") as f:
        f.seek(off)
        f.write(saved.ljust(LASTLOG_RECORD, b"\0"))
        # Back to its old length if our record lay beyond its end.
        f.truncate(size)


def interactive_login(s, user, key):
    r = ssh(s, user, key, None, stdin=b"exit 0\n", args=["-tt"])
    return r.stdout.decode("utf-8", "replace")


def test_print_lastlog(module_server_factory, lastlog_user, cfg_key):
    user = lastlog_user
    s = module_server_factory(PrintLastLog="yes", PrintMotd="no")
    first = interactive_login(s, user, cfg_key)
    assert "Last login:" not in first, first
    second = interactive_login(s, user, cfg_key)
    assert re.search(r"Last login: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} "
                     r"from 127\.0\.0\.1\r+\n", second), second
    # A command (even with a pty) is not a login: no message.
    r = ssh(s, user, cfg_key, "echo cmd", args=["-tt"])
    assert b"Last login" not in r.stdout
    # PrintLastLog no: the record is there, the message is not.
    s = module_server_factory(PrintLastLog="no", PrintMotd="no")
    third = interactive_login(s, user, cfg_key)
    assert "Last login:" not in third, third


def test_print_motd(module_server_factory, user, cfg_key):
    try:
        motd = Path("/etc/motd").read_text().strip()
    except OSError:
        motd = ""
    if not motd:
        pytest.skip("no /etc/motd to show")
    marker = motd.splitlines()[0].strip()
    s = module_server_factory(PrintMotd="yes")
    assert marker in interactive_login(s, user, cfg_key)
    s = module_server_factory(PrintMotd="no")
    assert marker not in interactive_login(s, user, cfg_key)
    # ~/.hushlogin silences it.
    user.write_file(".hushlogin", "", 0o644)
    try:
        s = module_server_factory(PrintMotd="yes")
        assert marker not in interactive_login(s, user, cfg_key)
    finally:
        os.unlink(user.home / ".hushlogin")
