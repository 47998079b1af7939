"""Forwarding features only portcullisd has, written from the forwarding
issue's text (skipped against OpenSSH): TCP wrappers on connections
accepted by remote-forwarded listeners (daemon name sshdfwd-SERVICE or
sshdfwd-PORT), SSH Tectia's AllowTcpForwardingForUsers/ForGroups and
DenyTcpForwardingForUsers/ForGroups, and the INFO line each forwarding
decision logs.  The assertions on wording are loose: the parts, not the
sentence."""

import os
import re
import shutil
import socket
import tempfile
from pathlib import Path

import pytest

import sshtest
from test_forward_tcp import authorize, try_local, try_remote

pytestmark = pytest.mark.skipif(sshtest.IS_OPENSSH,
                                reason="portcullisd-only forwarding features")


def base(**extra):
    o = {"AuthorizedKeysFile": ".ssh/authorized_keys", "StrictModes": "no",
         "AllowTcpForwarding": "yes"}
    o.update(extra)
    return o


# --- TCP wrappers -----------------------------------------------------------

def named_free_port():
    """(name, port) of an /etc/services TCP entry on an unprivileged port
    nothing listens on, or None."""
    try:
        lines = Path("/etc/services").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        f = line.split("#", 1)[0].split()
        if len(f) < 2 or not f[1].endswith("/tcp"):
            continue
        port = int(f[1].split("/")[0])
        if port < 20000 or port > 60000 or sshtest.tcp_listeners(port):
            continue
        try:
            if socket.getservbyport(port, "tcp") != f[0]:
                continue
        except OSError:
            continue
        return f[0], port
    return None


def unnamed_free_port():
    for _ in range(100):
        p = sshtest.free_port()
        try:
            socket.getservbyport(p, "tcp")
        except OSError:
            return p
    pytest.skip("no port without an /etc/services name")


@pytest.fixture
def wrap_files():
    """Tables the user's process can read, as /etc/hosts.allow and
    /etc/hosts.deny are (pytest's tmp_path is root's alone): the checks
    on forwarded connections run as the user."""
    d = Path(tempfile.mkdtemp(prefix="pctest-wrap-"))
    os.chmod(d, 0o755)
    allow = d / "hosts.allow"
    deny = d / "hosts.deny"
    allow.write_text("")
    deny.write_text("")
    os.chmod(allow, 0o644)
    os.chmod(deny, 0o644)
    yield allow, deny
    shutil.rmtree(d, ignore_errors=True)


@pytest.mark.parametrize("named", [True, False], ids=["service", "port"])
def test_tcp_wrappers_on_remote_listener(server_factory, fwd_user, fwd_key,
                                         echo_service, wrap_files, named):
    allow, deny = wrap_files
    if named:
        np = named_free_port()
        if np is None:
            pytest.skip("no free /etc/services port")
        daemon, port = "sshdfwd-%s" % np[0], np[1]
    else:
        port = unnamed_free_port()
        daemon = "sshdfwd-%d" % port
    deny.write_text("%s: 127.0.0.2\n" % daemon)
    srv = server_factory(**base(TCPWrappers="yes",
                                TCPWrappersAllowFile=str(allow),
                                TCPWrappersDenyFile=str(deny)))
    authorize(fwd_user, fwd_key)
    since = srv.log_offset()
    spec = "%d:127.0.0.1:%d" % (port, echo_service.port)
    with sshtest.ForwardClient(srv.port, fwd_user.name, fwd_key,
                               ["-R", spec]) as c:
        assert c.remote_result() == "ok", c.stderr()
        assert sshtest.echo_ok(("127.0.0.1", port))
        got = sshtest.exchange(("127.0.0.1", port), b"from-127.0.0.2\n",
                               timeout=5, source=("127.0.0.2", 0))
        assert got == b""
        assert sshtest.echo_ok(("127.0.0.1", port))
        assert c.wait_for(r"debug1: Remote: .*127\.0\.0\.2", timeout=5), \
            c.stderr()
    c.cleanup()
    lines = srv.wait_log(r"(?i)refused.*127\.0\.0\.2|127\.0\.0\.2.*refused",
                         since=since)
    assert lines, srv.log_since(since)
    assert any(daemon in l or str(port) in l for l in lines), lines


# --- SSH Tectia's per-user and per-group switches ---------------------------

def tectia_cases(user):
    g = user.name       # useradd made a group of the user's name
    return [
        ({"AllowTcpForwardingForUsers": user.name}, True),
        ({"AllowTcpForwardingForUsers": "pcnobody"}, False),
        ({"AllowTcpForwardingForUsers": "pcf*"}, True),
        ({"DenyTcpForwardingForUsers": user.name}, False),
        ({"DenyTcpForwardingForUsers": "pcnobody"}, True),
        ({"AllowTcpForwardingForGroups": g}, True),
        ({"AllowTcpForwardingForGroups": "pcnogroup"}, False),
        ({"DenyTcpForwardingForGroups": g}, False),
        ({"AllowTcpForwardingForUsers": user.name,
          "DenyTcpForwardingForGroups": g}, False),
    ]


@pytest.mark.parametrize("index", range(9))
def test_tectia_switches(server_factory, fwd_user, fwd_key, echo_service,
                         index):
    opts, allowed = tectia_cases(fwd_user)[index]
    srv = server_factory(**base(**opts))
    authorize(fwd_user, fwd_key)
    ok, err = try_local(srv, fwd_user, fwd_key,
                        ("127.0.0.1", echo_service.port))
    assert ok == allowed, err
    ok, err = try_remote(srv, fwd_user, fwd_key, sshtest.free_port(),
                         ("127.0.0.1", echo_service.port))
    assert ok == allowed, err


# --- the INFO line of each decision ------------------------------------------

def decision_lines(srv, since, user, word):
    return [l for l in srv.log_since(since).splitlines()
            if user in l and re.search(r"\b%s\b" % word, l)
            and "SHA256:" in l]


def test_decision_log_lines(server_factory, fwd_user, fwd_key,
                            echo_service):
    """Allowed -L and refused -R (AllowTcpForwarding local, from the config
    file): user, key fingerprint, source, target / listen address, the
    decision and the rule that decided (the file and line)."""
    srv = server_factory(_lines=["AllowTcpForwarding local"],
                         AuthorizedKeysFile=".ssh/authorized_keys",
                         StrictModes="no")
    authorize(fwd_user, fwd_key)
    fp = sshtest.fingerprint(fwd_key)
    since = srv.log_offset()
    ok, err = try_local(srv, fwd_user, fwd_key,
                        ("127.0.0.1", echo_service.port))
    assert ok, err
    rport = sshtest.free_port()
    ok, err = try_remote(srv, fwd_user, fwd_key, rport,
                         ("127.0.0.1", echo_service.port))
    assert not ok
    assert sshtest.wait_until(
        lambda: decision_lines(srv, since, fwd_user.name, "refused"))
    allowed = decision_lines(srv, since, fwd_user.name, "allowed")
    refused = decision_lines(srv, since, fwd_user.name, "refused")
    assert any(fp in l and "127.0.0.1" in l and
               str(echo_service.port) in l for l in allowed), allowed
    assert any(fp in l and str(rport) in l and
               re.search(r"%s(:| line )\d+" % re.escape(
                   srv.config_path.name), l) for l in refused), refused


def test_decision_log_names_authorized_keys_line(server_factory, fwd_user,
                                                 fwd_key, echo_service):
    srv = server_factory(**base())
    authorize(fwd_user, fwd_key, 'permitopen="127.0.0.1:1"')
    since = srv.log_offset()
    ok, err = try_local(srv, fwd_user, fwd_key,
                        ("127.0.0.1", echo_service.port))
    assert not ok, err
    assert sshtest.wait_until(
        lambda: decision_lines(srv, since, fwd_user.name, "refused"))
    refused = decision_lines(srv, since, fwd_user.name, "refused")
    assert any(re.search(r"authorized_keys(:| line )1\b", l)
               for l in refused), refused
