"""Bulk data through forwardings: 1 GiB through ssh -L and 1 GiB through
ssh -R to a service that hashes what it gets, streamed (1 MiB at a time),
compared with the sender's SHA-256.  The sink answers after the sender's
EOF, so half-close travels through the forward too."""

import pytest

import sshtest

SIZE = 1 << 30
TIMEOUT = 120           # seconds for one transfer, a bound, not the goal
CIPHER = "Ciphers=aes128-gcm@openssh.com"

pytestmark = pytest.mark.bulk


@pytest.fixture(scope="module")
def bsrv(module_server_factory, fwd_user, fwd_key):
    fwd_user.reset()
    fwd_user.authorize(sshtest.pub_line(fwd_key))
    return module_server_factory(AuthorizedKeysFile=".ssh/authorized_keys",
                                 StrictModes="no", AllowTcpForwarding="yes")


@pytest.fixture
def sink():
    s = sshtest.HashSink()
    yield s
    s.close()


def check(target, size=SIZE):
    digest, answer = sshtest.stream_hash(target, size, TIMEOUT)
    assert answer == b"%d %s\n" % (size, digest.encode())


def test_bulk_local(bsrv, fwd_user, fwd_key, sink):
    lp = sshtest.free_port()
    with sshtest.ForwardClient(bsrv.port, fwd_user.name, fwd_key,
                               ["-L", "%d:127.0.0.1:%d" % (lp, sink.port)],
                               options=[CIPHER]) as c:
        assert c.wait_for(r"Local forwarding listening on 127\.0\.0\.1 "
                          r"port %d\b" % lp), c.stderr()
        check(("127.0.0.1", lp))
    c.cleanup()


def test_bulk_remote(bsrv, fwd_user, fwd_key, sink):
    rp = sshtest.free_port()
    with sshtest.ForwardClient(bsrv.port, fwd_user.name, fwd_key,
                               ["-R", "%d:127.0.0.1:%d" % (rp, sink.port)],
                               options=[CIPHER]) as c:
        assert c.remote_result() == "ok", c.stderr()
        check(("127.0.0.1", rp))
    c.cleanup()


def test_sink_tells_streams_apart(sink):
    """The comparison can fail: the same seed gives the same answer,
    one changed byte of the seed a different one."""
    seed = bytearray(1 << 20)
    a = sshtest.stream_hash(("127.0.0.1", sink.port), 3 << 20, 30,
                            seed=bytes(seed))
    b = sshtest.stream_hash(("127.0.0.1", sink.port), 3 << 20, 30,
                            seed=bytes(seed))
    seed[4096] = 1
    c = sshtest.stream_hash(("127.0.0.1", sink.port), 3 << 20, 30,
                            seed=bytes(seed))
    assert a == b
    assert a[1] == b"%d %s\n" % (3 << 20, a[0].encode())
    assert c[0] != a[0] and c[1] != a[1]
