"""Forwarding requests no well-behaved client sends, through paramiko:
privileged listen ports, malformed tcpip-forward, a client-sent
forwarded-tcpip open, direct-tcpip to a closed port, thousands of channel
opens on one connection, cancel-tcpip-forward of forwards that do and do
not exist.  After each, the connection (or the daemon) still serves."""

import struct
import time

import paramiko
import pytest

import sshtest

OPEN_ADMIN_PROHIBITED = 1
OPEN_CONNECT_FAILED = 2
OPEN_RESOURCE_SHORTAGE = 4

FLOOD_OPENS = 3000
FLOOD_SECONDS = 90


@pytest.fixture(scope="module")
def rsrv(module_server_factory, fwd_user, fwd_key):
    fwd_user.reset()
    fwd_user.authorize(sshtest.pub_line(fwd_key))
    return module_server_factory(AuthorizedKeysFile=".ssh/authorized_keys",
                                 StrictModes="no", AllowTcpForwarding="yes")


@pytest.fixture
def trans(rsrv, fwd_user, fwd_key):
    t = sshtest.paramiko_transport(rsrv.port, fwd_user.name, fwd_key)
    yield t
    t.close()


def still_works(t, echo):
    """A direct-tcpip channel carries bytes and a session runs a command:
    the connection survived."""
    assert t.is_active()
    ch = t.open_channel("direct-tcpip", ("127.0.0.1", echo.port),
                        ("127.0.0.1", 1), timeout=10)
    try:
        ch.settimeout(10)
        ch.sendall(b"alive?\n")
        got = b""
        while len(got) < 7:
            c = ch.recv(64)
            if not c:
                break
            got += c
        assert got == b"alive?\n"
    finally:
        ch.close()
    assert sshtest.paramiko_exec(t, "echo ok") == (0, b"ok\n")


def fwd_payload(addr, port):
    return sshtest.ssh_string(addr) + struct.pack(">I", port)


def test_privileged_port_refused(trans, echo_service):
    with pytest.raises(paramiko.SSHException):
        trans.request_port_forward("127.0.0.1", 80)
    assert "127.0.0.1" not in sshtest.tcp_listeners(80) or \
        pytest.skip("something else listens on 127.0.0.1:80")
    still_works(trans, echo_service)


@pytest.mark.parametrize("payload", [
    b"",
    sshtest.ssh_string("127.0.0.1"),
    sshtest.ssh_string("127.0.0.1") + b"\x00\x01",
    b"\x00\x00\x00\x10127.0",
    b"\xff\xff\xff\xff",
], ids=["empty", "no-port", "short-port", "short-string", "huge-length"])
def test_malformed_tcpip_forward(rsrv, fwd_user, fwd_key, echo_service,
                                 payload):
    """OpenSSH 9.2 treats an unparsable tcpip-forward as a protocol error
    and drops the connection (serverloop.c: sshpkt_fatal); portcullisd
    answers REQUEST_FAILURE and goes on (the forwarding issue).  Either
    way no listener appears and the daemon serves the next connection."""
    t = sshtest.paramiko_transport(rsrv.port, fwd_user.name, fwd_key)
    try:
        res = sshtest.raw_global_request(t, "tcpip-forward", payload)
        if sshtest.IS_OPENSSH:
            assert res == "closed"
        else:
            assert res == "failure"
            still_works(t, echo_service)
    finally:
        t.close()
    t2 = sshtest.paramiko_transport(rsrv.port, fwd_user.name, fwd_key)
    try:
        still_works(t2, echo_service)
    finally:
        t2.close()


def test_trailing_data_after_tcpip_forward(trans, echo_service):
    """Extra bytes after the port.  OpenSSH 9.2 ignores them and makes the
    forward; a stricter server may refuse.  Whatever the answer, it is
    true to the socket table and the connection goes on."""
    port = sshtest.free_port()
    res = sshtest.raw_global_request(trans, "tcpip-forward",
                                     fwd_payload("127.0.0.1", port) + b"xx")
    if sshtest.IS_OPENSSH:
        assert res == "success"
    assert res in ("success", "failure")
    assert bool(sshtest.tcp_listeners(port)) == (res == "success")
    still_works(trans, echo_service)


def test_client_forwarded_tcpip_refused(trans, echo_service):
    with pytest.raises(paramiko.ChannelException) as ei:
        trans.open_channel("forwarded-tcpip", ("127.0.0.1", echo_service.port),
                           ("127.0.0.1", 4242), timeout=10)
    # OpenSSH 9.2 answers every channel type it does not serve with its
    # default reason, "connect failed"; the forwarding issue asks
    # portcullisd for "administratively prohibited" (a policy refusal).
    want = OPEN_CONNECT_FAILED if sshtest.IS_OPENSSH \
        else OPEN_ADMIN_PROHIBITED
    assert ei.value.code == want
    still_works(trans, echo_service)


def test_unknown_channel_type(trans, echo_service):
    with pytest.raises(paramiko.ChannelException) as ei:
        trans.open_channel("pctest-nonsense@example.org", timeout=10)
    assert ei.value.code in (OPEN_CONNECT_FAILED, 3)
    still_works(trans, echo_service)


def test_direct_tcpip_closed_port(trans, echo_service):
    closed = sshtest.free_port()
    with pytest.raises(paramiko.ChannelException) as ei:
        trans.open_channel("direct-tcpip", ("127.0.0.1", closed),
                           ("127.0.0.1", 4242), timeout=10)
    assert ei.value.code == OPEN_CONNECT_FAILED
    still_works(trans, echo_service)


def test_cancel_existing_forward(trans, echo_service):
    port = sshtest.free_port()
    assert trans.request_port_forward("127.0.0.1", port) == port
    assert sshtest.tcp_listeners(port) == {"127.0.0.1"}
    res = sshtest.raw_global_request(trans, "cancel-tcpip-forward",
                                     fwd_payload("127.0.0.1", port))
    assert res == "success"
    assert sshtest.wait_not_listening(port)
    # Cancelled once: a second cancel finds nothing.
    res = sshtest.raw_global_request(trans, "cancel-tcpip-forward",
                                     fwd_payload("127.0.0.1", port))
    assert res == "failure"
    still_works(trans, echo_service)


def test_cancel_missing_forward(trans, echo_service):
    port = sshtest.free_port()
    res = sshtest.raw_global_request(trans, "cancel-tcpip-forward",
                                     fwd_payload("127.0.0.1", port))
    assert res == "failure"
    # A forward on another address does not match the cancel.
    assert trans.request_port_forward("127.0.0.1", port) == port
    res = sshtest.raw_global_request(trans, "cancel-tcpip-forward",
                                     fwd_payload("::1", port))
    assert res == "failure"
    assert sshtest.tcp_listeners(port) == {"127.0.0.1"}
    still_works(trans, echo_service)


def test_channel_open_flood(rsrv, fwd_user, fwd_key, echo_service):
    """FLOOD_OPENS direct-tcpip opens kept open on one connection, bounded
    in time.  Every open gets an answer; past portcullisd's cap
    (CHAN_MAX_CHANNELS, 1024) the answer is "resource shortage"; after
    closing them the connection works, and so does another login meanwhile.
    OpenSSH has no cap this low: it opens every one."""
    t = sshtest.paramiko_transport(rsrv.port, fwd_user.name, fwd_key)
    chans = []
    failures = {}
    deadline = time.monotonic() + FLOOD_SECONDS
    try:
        for i in range(FLOOD_OPENS):
            assert time.monotonic() < deadline, "only %d opens in time" % i
            try:
                chans.append(t.open_channel(
                    "direct-tcpip", ("127.0.0.1", echo_service.port),
                    ("127.0.0.1", 1), timeout=10))
            except paramiko.ChannelException as e:
                failures[e.code] = failures.get(e.code, 0) + 1
        assert len(chans) + sum(failures.values()) == FLOOD_OPENS
        if sshtest.IS_OPENSSH:
            assert len(chans) == FLOOD_OPENS, failures
        else:
            assert 0 < len(chans) <= 1024
            assert set(failures) == {OPEN_RESOURCE_SHORTAGE}, failures
        # Another client is served while this one holds its channels.
        t2 = sshtest.paramiko_transport(rsrv.port, fwd_user.name, fwd_key)
        try:
            still_works(t2, echo_service)
        finally:
            t2.close()
        for ch in chans[:64]:
            ch.close()
        still_works(t, echo_service)
    finally:
        for ch in chans:
            ch.close()
        t.close()
