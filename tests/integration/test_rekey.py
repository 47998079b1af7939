"""Re-keying (RFC 4253 section 9), initiated by the client and by the
server, counted in the server's log.

Log line per completed key exchange:
  portcullisd: PORTCULLIS_KEX_DONE_RE (assumed; see the report)
  OpenSSH sshd: "debug1: SSH2_MSG_NEWKEYS received" (once per kex, DEBUG1)
"""

import socket
import threading
import warnings

import pytest

import sshtest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import paramiko

# Assumed portcullisd line, one per completed key exchange, e.g.
#   "kex: curve25519-sha256 completed for 127.0.0.1 port 40000"
PORTCULLIS_KEX_DONE_RE = r"kex: .*completed"
OPENSSH_KEX_DONE_RE = r"SSH2_MSG_NEWKEYS received"
KEX_DONE_RE = OPENSSH_KEX_DONE_RE if sshtest.IS_OPENSSH \
    else PORTCULLIS_KEX_DONE_RE
CLIENT_KEX_DONE_RE = r"SSH2_MSG_NEWKEYS received"   # OpenSSH ssh -v

TIMEOUT = 20

OPENSSH_NO_PREAUTH_REKEY = (
    "OpenSSH's sshd does not re-key before user authentication by design: "
    "it never starts one (packet.c ssh_packet_need_rekeying returns 0 until "
    "after_authentication) and answers a client KEXINIT during userauth with "
    "SSH_MSG_UNIMPLEMENTED (auth2.c dispatch_protocol_error); portcullisd is "
    "held to RFC 4253 section 9, 'either party may initiate at any time'")


def server_kex_count(server, since=0, at_least=1):
    return len(server.wait_log(KEX_DONE_RE, since, timeout=5,
                               count=at_least))


def test_client_rekeylimit_ssh(server_factory):
    srv = server_factory()
    rc, err = sshtest.run_ssh(srv.port, ["RekeyLimit=16"])
    assert sshtest.reached_auth_failure(rc, err), err[-3000:]
    # OpenSSH's client itself never re-keys before authentication, so the
    # number of key exchanges is whatever it ran; both sides must agree.
    client = err.count(CLIENT_KEX_DONE_RE)
    assert client >= 1, err[-3000:]
    assert server_kex_count(srv, at_least=client) == client, \
        srv.log_text()[-4000:]


def _paramiko_client(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    t = paramiko.Transport(sock)
    t.banner_timeout = t.handshake_timeout = t.auth_timeout = TIMEOUT
    # paramiko's renegotiate_keys() waits without a limit: bound it.
    killer = threading.Timer(3 * TIMEOUT, t.close)
    killer.daemon = True
    killer.start()
    return t, killer


def _expect_auth_refused(t):
    with pytest.raises(paramiko.AuthenticationException):
        t.auth_none(sshtest.TEST_USER)


def test_paramiko_renegotiate_twice(server_factory):
    if sshtest.IS_OPENSSH:
        pytest.skip(OPENSSH_NO_PREAUTH_REKEY)
    srv = server_factory()
    t, killer = _paramiko_client(srv.port)
    try:
        t.start_client(timeout=TIMEOUT)
        first_session_id = t.session_id
        t.renegotiate_keys()
        t.renegotiate_keys()
        assert t.is_active()
        # The session identifier is the first exchange's H forever.
        assert t.session_id == first_session_id
        _expect_auth_refused(t)
    finally:
        killer.cancel()
        t.close()
    assert server_kex_count(srv, at_least=3) == 3, srv.log_text()[-4000:]


def test_server_rekeylimit_ssh_interop(server_factory):
    """A stock OpenSSH client must still reach authentication against a
    server whose RekeyLimit is tiny.  OpenSSH's ssh treats a KEXINIT during
    user authentication as fatal ("input_userauth_error: bad message during
    authentication: type 20", sshconnect2.c), so the server has to defer its
    own re-key until after authentication."""
    srv = server_factory(RekeyLimit="16")
    rc, err = sshtest.run_ssh(srv.port)
    assert sshtest.reached_auth_failure(rc, err), err[-3000:]
    assert srv.alive()


def test_server_rekeylimit_waits_for_auth(server_factory):
    """RekeyLimit=16 starts no key exchange before authentication, on either
    server (OpenSSH's packet.c ssh_packet_need_rekeying waits for
    after_authentication, and its client refuses a KEXINIT during userauth):
    several authentication attempts with paramiko, which would follow a
    server KEXINIT, leave exactly one completed key exchange.  Rekeys the
    server starts on its limits after authentication are checked in the
    in-process test (tests/inproc/test_transport.c) and, with sessions,
    against real clients."""
    srv = server_factory(RekeyLimit="16")
    off = srv.log_offset()
    t, killer = _paramiko_client(srv.port)
    try:
        t.start_client(timeout=TIMEOUT)
        for _ in range(3):
            _expect_auth_refused(t)
        assert t.is_active()
    finally:
        killer.cancel()
        t.close()
    n = server_kex_count(srv, since=off, at_least=1)
    assert n == 1, srv.log_since(off)[-4000:]