"""Unix-domain socket forwarding (OpenSSH PROTOCOL 2.4: direct-streamlocal,
streamlocal-forward, forwarded-streamlocal) through OpenSSH's ssh client:
AllowStreamLocalForwarding x DisableForwarding x no-port-forwarding,
ssh -L sock:sock, -L port:sock, -R sock:sock; StreamLocalBindUnlink,
StreamLocalBindMask and the socket's owner.  Data goes end to end through
an echo service on a Unix socket."""

import os
import re
import shutil
import socket
import stat
import tempfile
from pathlib import Path

import pytest

import sshtest

# (AllowStreamLocalForwarding, DisableForwarding, key option)
POLICY = [
    ("yes", "no", ""),
    ("all", "no", ""),
    ("no", "no", ""),
    ("local", "no", ""),
    ("remote", "no", ""),
    ("yes", "yes", ""),
    ("yes", "no", "no-port-forwarding"),
    ("yes", "no", "restrict"),
    ("yes", "no", "restrict,port-forwarding"),
]
DIRECTIONS = ("L-unix", "L-tcp", "R-unix")

# The open failure a policy refusal of direct-streamlocal gets.  OpenSSH
# 9.2's server_input_channel_open starts from SSH2_OPEN_CONNECT_FAILED and
# only the direct-tcpip path sets "administratively prohibited"; the
# forwarding issue asks portcullisd for "administratively prohibited" on
# every policy refusal, so the two servers differ here on purpose.
STREAMLOCAL_REFUSED = ("connect failed" if sshtest.IS_OPENSSH
                       else "administratively prohibited")


def oracle(aslf, df, keyopt, direction):
    words = [w for w in keyopt.split(",") if w]
    pf = "no-port-forwarding" not in words and (
        "restrict" not in words or "port-forwarding" in words)
    if df == "yes" or not pf:
        return False
    want = "local" if direction.startswith("L") else "remote"
    return aslf in ("yes", "all", want)


@pytest.fixture
def udirs(fwd_user):
    """(a directory the user owns, for the daemon's sockets; one root
    owns, for the client's), short paths, removed afterwards."""
    remote = Path(tempfile.mkdtemp(prefix="pcfu"))
    os.chown(remote, fwd_user.uid, fwd_user.gid)
    os.chmod(remote, 0o755)
    local = Path(tempfile.mkdtemp(prefix="pcfl"))
    yield remote, local
    shutil.rmtree(remote, ignore_errors=True)
    shutil.rmtree(local, ignore_errors=True)


@pytest.fixture(scope="module")
def userver(module_server_factory):
    started = {}

    def get(**opts):
        k = tuple(sorted(opts.items()))
        if k not in started:
            o = {"AuthorizedKeysFile": ".ssh/authorized_keys",
                 "StrictModes": "no"}
            o.update(opts)
            started[k] = module_server_factory(**o)
        return started[k]
    return get


def authorize(user, key, options=""):
    line = sshtest.pub_line(key)
    user.authorize((options + " " + line) if options else line)


def run_local(srv, user, key, listen, target_sock):
    """ssh -L listen:target_sock (listen: a path or a port); returns
    (carried, ssh's output)."""
    spec = "%s:%s" % (listen, target_sock)
    with sshtest.ForwardClient(srv.port, user.name, key, ["-L", spec]) as c:
        if isinstance(listen, int):
            assert c.wait_for(r"Local forwarding listening on 127\.0\.0\.1 "
                              r"port %d\b" % listen), c.stderr()
            target = ("127.0.0.1", listen)
        else:
            assert c.wait_for(r"Local forwarding listening on path %s"
                              % re.escape(str(listen))), c.stderr()
            assert sshtest.wait_for_path(listen), c.stderr()
            target = str(listen)
        ok = sshtest.echo_ok(target)
        if not ok:
            c.wait_for(r"channel \d+: open failed: ", timeout=3)
    err = c.stderr()
    c.cleanup()
    return ok, err


def run_remote(srv, user, key, remote_sock, local_sock, check=None):
    """ssh -R remote_sock:local_sock; returns (carried, ssh's output).
    check(remote_sock) runs while the forward is up."""
    spec = "%s:%s" % (remote_sock, local_sock)
    with sshtest.ForwardClient(srv.port, user.name, key, ["-R", spec]) as c:
        res = c.remote_result()
        assert res is not None, c.stderr()
        if res == "ok":
            assert sshtest.wait_for_path(remote_sock), c.stderr()
            ok = sshtest.echo_ok(str(remote_sock))
            assert ok, c.stderr()
            if check is not None:
                check(remote_sock)
        else:
            ok = False
            assert c.wait_exit() == 255, c.stderr()
    err = c.stderr()
    c.cleanup()
    return ok, err


@pytest.mark.parametrize("aslf,df,keyopt", POLICY,
                         ids=["aslf-%s/df-%s/%s" % (a, d, k or "plain")
                              for a, d, k in POLICY])
@pytest.mark.parametrize("direction", DIRECTIONS)
def test_streamlocal_policy(userver, fwd_user, fwd_key, udirs, aslf, df,
                            keyopt, direction):
    srv = userver(AllowStreamLocalForwarding=aslf, DisableForwarding=df)
    authorize(fwd_user, fwd_key, keyopt)
    remote, local = udirs
    expected = oracle(aslf, df, keyopt, direction)
    if direction == "R-unix":
        with sshtest.unix_echo(local / "echo.sock") as _:
            ok, err = run_remote(srv, fwd_user, fwd_key, remote / "r.sock",
                                 local / "echo.sock")
        assert ok == expected, err
        if not ok:
            assert "remote port forwarding failed" in err, err
            assert not (remote / "r.sock").exists()
        return
    with sshtest.unix_echo(remote / "echo.sock") as _:
        listen = local / "l.sock" if direction == "L-unix" \
            else sshtest.free_port()
        ok, err = run_local(srv, fwd_user, fwd_key, listen,
                            remote / "echo.sock")
    assert ok == expected, err
    if not ok:
        assert re.search(sshtest.open_failed_re(STREAMLOCAL_REFUSED),
                         err), err


def test_streamlocal_owner_and_default_mask(userver, fwd_user, fwd_key,
                                            udirs):
    """The daemon's socket belongs to the user, mode 0666 & ~0177."""
    srv = userver(AllowStreamLocalForwarding="yes")
    authorize(fwd_user, fwd_key)
    remote, local = udirs
    seen = {}

    def check(path):
        st = os.stat(path)
        seen.update(uid=st.st_uid, gid=st.st_gid, mode=st.st_mode)
    with sshtest.unix_echo(local / "echo.sock"):
        ok, err = run_remote(srv, fwd_user, fwd_key, remote / "o.sock",
                             local / "echo.sock", check)
    assert ok, err
    assert stat.S_ISSOCK(seen["mode"])
    assert seen["uid"] == fwd_user.uid
    assert stat.S_IMODE(seen["mode"]) == 0o600


@pytest.mark.parametrize("mask,mode", [("0177", 0o600), ("0111", 0o666),
                                       ("0077", 0o700), ("0000", 0o777)])
def test_streamlocal_bind_mask(userver, fwd_user, fwd_key, udirs, mask,
                               mode):
    srv = userver(AllowStreamLocalForwarding="yes", StreamLocalBindMask=mask)
    authorize(fwd_user, fwd_key)
    remote, local = udirs
    seen = {}
    with sshtest.unix_echo(local / "echo.sock"):
        ok, err = run_remote(srv, fwd_user, fwd_key, remote / "m.sock",
                             local / "echo.sock",
                             lambda p: seen.update(m=os.stat(p).st_mode))
    assert ok, err
    assert stat.S_IMODE(seen["m"]) == mode


def _stale_socket(path):
    """A socket file nobody listens on (bound, then closed)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(path))
    s.close()
    assert path.exists()


@pytest.mark.parametrize("unlink", ["yes", "no"])
def test_streamlocal_bind_unlink(userver, fwd_user, fwd_key, udirs, unlink):
    srv = userver(AllowStreamLocalForwarding="yes",
                  StreamLocalBindUnlink=unlink)
    authorize(fwd_user, fwd_key)
    remote, local = udirs
    stale = remote / "stale.sock"
    _stale_socket(stale)
    os.chown(stale, fwd_user.uid, fwd_user.gid)
    with sshtest.unix_echo(local / "echo.sock"):
        ok, err = run_remote(srv, fwd_user, fwd_key, stale,
                             local / "echo.sock")
    assert ok == (unlink == "yes"), err


def test_streamlocal_socket_removed_on_close(userver, fwd_user, fwd_key,
                                            udirs):
    """After the client goes, the socket no longer listens (a stale file
    may remain: OpenSSH does not unlink it)."""
    srv = userver(AllowStreamLocalForwarding="yes")
    authorize(fwd_user, fwd_key)
    remote, local = udirs
    path = remote / "gone.sock"
    with sshtest.unix_echo(local / "echo.sock"):
        ok, err = run_remote(srv, fwd_user, fwd_key, path,
                             local / "echo.sock")
    assert ok, err
    assert sshtest.wait_until(lambda: not sshtest.unix_listening(path))


def test_streamlocal_remote_to_tcp(userver, fwd_user, fwd_key, udirs,
                                   echo_service):
    """-R remote.sock:127.0.0.1:PORT: a Unix listener whose connections
    the client carries to a TCP service."""
    srv = userver(AllowStreamLocalForwarding="yes")
    authorize(fwd_user, fwd_key)
    remote, _ = udirs
    path = remote / "t.sock"
    with sshtest.ForwardClient(srv.port, fwd_user.name, fwd_key,
                               ["-R", "%s:127.0.0.1:%d"
                                % (path, echo_service.port)]) as c:
        assert c.remote_result() == "ok", c.stderr()
        assert sshtest.wait_for_path(path)
        assert sshtest.echo_ok(str(path))
    c.cleanup()


def test_streamlocal_to_missing_socket(userver, fwd_user, fwd_key, udirs):
    """direct-streamlocal to a path nobody listens on: connect failed."""
    srv = userver(AllowStreamLocalForwarding="yes")
    authorize(fwd_user, fwd_key)
    remote, local = udirs
    ok, err = run_local(srv, fwd_user, fwd_key, local / "l.sock",
                        remote / "nothing.sock")
    assert not ok
    assert re.search(sshtest.open_failed_re("connect failed"), err), err


@pytest.mark.parametrize("atf", ["no", "local", "remote"])
@pytest.mark.parametrize("direction", ["L-unix", "R-unix"])
def test_streamlocal_and_tcp_switch(userver, fwd_user, fwd_key, udirs, atf,
                                    direction):
    """AllowStreamLocalForwarding yes with AllowTcpForwarding ATF: in
    OpenSSH 9.2 the TCP switch gates Unix-socket forwarding too (-L needs
    it to allow local, -R remote: channels.c's permission sets are shared),
    although sshd_config(5) does not say so."""
    srv = userver(AllowStreamLocalForwarding="yes", AllowTcpForwarding=atf)
    authorize(fwd_user, fwd_key)
    remote, local = udirs
    if direction == "R-unix":
        with sshtest.unix_echo(local / "echo.sock"):
            ok, err = run_remote(srv, fwd_user, fwd_key, remote / "r.sock",
                                 local / "echo.sock")
    else:
        with sshtest.unix_echo(remote / "echo.sock"):
            ok, err = run_local(srv, fwd_user, fwd_key, local / "l.sock",
                                remote / "echo.sock")
    want = "local" if direction.startswith("L") else "remote"
    assert ok == (atf == want), err
