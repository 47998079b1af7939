"""How forwarded connections live next to sessions (RFC 4254 s. 5.3 and
OpenSSH's client): a forwarded connection keeps flowing while the session
channel is idle and after its command has exited, and the SSH connection
ends only when every channel is done."""

import socket
import time

import pytest

import sshtest


@pytest.fixture(scope="module")
def lsrv(module_server_factory, fwd_user, fwd_key):
    fwd_user.reset()
    fwd_user.authorize(sshtest.pub_line(fwd_key))
    return module_server_factory(AuthorizedKeysFile=".ssh/authorized_keys",
                                 StrictModes="no")


def _roundtrip(sock, payload):
    sock.sendall(payload)
    got = b""
    deadline = time.monotonic() + 5
    while len(got) < len(payload) and time.monotonic() < deadline:
        chunk = sock.recv(65536)
        if not chunk:
            break
        got += chunk
    return got


def test_forward_flows_while_session_idle(lsrv, fwd_user, fwd_key,
                                          echo_service):
    """ssh -L with a session whose command sleeps: the forward carries
    data throughout, the session itself sends nothing."""
    lp = sshtest.free_port()
    with sshtest.ForwardClient(lsrv.port, fwd_user.name, fwd_key,
                               ["-L", "%d:127.0.0.1:%d"
                                % (lp, echo_service.port)],
                               command="sleep 3") as c:
        assert c.wait_for(r"Local forwarding listening on 127\.0\.0\.1 "
                          r"port %d\b" % lp), c.stderr()
        s = socket.create_connection(("127.0.0.1", lp), timeout=5)
        for i in range(5):
            msg = b"ping %d\n" % i
            assert _roundtrip(s, msg) == msg
            time.sleep(0.2)
        s.close()
        assert c.wait_exit(10) == 0, c.stderr()


def test_connection_outlives_session_until_forward_done(lsrv, fwd_user,
                                                        fwd_key,
                                                        echo_service):
    """The session's command exits while a forwarded connection is open:
    the SSH connection stays (the forward still carries data after the
    exit), and ends once that connection is closed."""
    lp = sshtest.free_port()
    with sshtest.ForwardClient(lsrv.port, fwd_user.name, fwd_key,
                               ["-L", "%d:127.0.0.1:%d"
                                % (lp, echo_service.port)],
                               command="sleep 1") as c:
        assert c.wait_for(r"Local forwarding listening on 127\.0\.0\.1 "
                          r"port %d\b" % lp), c.stderr()
        s = socket.create_connection(("127.0.0.1", lp), timeout=5)
        assert _roundtrip(s, b"before\n") == b"before\n"
        # The command is done (ssh -v saw its exit-status); ssh waits
        # for the forwarded connection, and so does the server.
        assert c.wait_for(r"rtype exit-status", timeout=10), c.stderr()
        time.sleep(0.5)
        assert c.proc.poll() is None, c.stderr()
        assert _roundtrip(s, b"after exit\n") == b"after exit\n"
        s.close()
        assert c.wait_exit(10) == 0, c.stderr()


def test_many_forwarded_connections_at_once(lsrv, fwd_user, fwd_key,
                                            echo_service):
    """Fifty connections through one -L at the same time, each carrying
    its own bytes, interleaved."""
    lp = sshtest.free_port()
    with sshtest.ForwardClient(lsrv.port, fwd_user.name, fwd_key,
                               ["-L", "%d:127.0.0.1:%d"
                                % (lp, echo_service.port)]) as c:
        assert c.wait_for(r"Local forwarding listening on 127\.0\.0\.1 "
                          r"port %d\b" % lp), c.stderr()
        socks = [socket.create_connection(("127.0.0.1", lp), timeout=5)
                 for _ in range(50)]
        for rnd in range(3):
            for i, s in enumerate(socks):
                s.sendall(b"%d:%d;" % (i, rnd))
            for i, s in enumerate(socks):
                want = b"%d:%d;" % (i, rnd)
                got = b""
                while len(got) < len(want):
                    chunk = s.recv(len(want) - len(got))
                    assert chunk, "connection %d closed early" % i
                    got += chunk
                assert got == want
        for s in socks:
            s.close()
