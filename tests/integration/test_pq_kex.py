"""The post-quantum hybrid sntrup761x25519-sha512 (draft-josefsson-
ntruprime-ssh) against OpenSSH's own client, which is the interoperability
check for crypto/sntrup761.c: a mistake in the KEM, its encodings or the
hashing of K makes the exchange hash differ and the client refuses the
host key signature ("incorrect signature"), so reaching authentication
proves both ends derived the same K.

Many connections are made so that a rare encoding or rounding bug (one
that only shows for some keys) would appear."""

import concurrent.futures
import re
import subprocess

import pytest

import sshtest

SNTRUP_NAMES = ("sntrup761x25519-sha512@openssh.com",
                "sntrup761x25519-sha512")
CONNECTIONS = 50
WORKERS = 4
TIMEOUT = 60


def _client_kex():
    out = subprocess.run([sshtest.SSH, "-Q", "kex"], capture_output=True,
                         text=True, check=True).stdout.split()
    return set(out)


def _check(rc, err, kex):
    tail = "\n".join(err.splitlines()[-15:])
    assert sshtest.negotiated(err)["kex"] == kex, tail
    assert "incorrect signature" not in err, tail
    assert sshtest.reached_auth_failure(rc, err), (
        "ssh exit %r, expected 255 with 'Permission denied':\n%s" % (rc, tail))


@pytest.mark.parametrize("kex", SNTRUP_NAMES)
def test_forced_kex(server, kex):
    if kex not in _client_kex():
        pytest.skip("this ssh does not know " + kex)
    rc, err = sshtest.run_ssh(server.port, ["KexAlgorithms=" + kex], TIMEOUT)
    _check(rc, err, kex)


def test_client_default_picks_sntrup(server):
    """With its default KexAlgorithms, OpenSSH 9.x puts
    sntrup761x25519-sha512@openssh.com first (before curve25519), so
    offering it makes it the negotiated method."""
    if "sntrup761x25519-sha512@openssh.com" not in _client_kex():
        pytest.skip("this ssh has no sntrup761")
    rc, err = sshtest.run_ssh(server.port, (), TIMEOUT)
    m = re.search(r"kex: algorithm: (\S+)", err)
    assert m, err[-2000:]
    # A newer client may prefer mlkem768x25519-sha256 if the server has it.
    assert m.group(1) in ("sntrup761x25519-sha512@openssh.com",
                          "sntrup761x25519-sha512",
                          "mlkem768x25519-sha256"), err[-2000:]
    assert sshtest.reached_auth_failure(rc, err), err[-2000:]


@pytest.mark.parametrize("kex", SNTRUP_NAMES)
def test_many_connections(server, kex):
    """CONNECTIONS fresh key pairs and encapsulations per name."""
    if kex not in _client_kex():
        pytest.skip("this ssh does not know " + kex)
    opts = ["KexAlgorithms=" + kex]
    with concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS) as ex:
        results = list(ex.map(
            lambda _: sshtest.run_ssh(server.port, opts, TIMEOUT),
            range(CONNECTIONS)))
    failures = [err for rc, err in results
                if not (sshtest.reached_auth_failure(rc, err)
                        and sshtest.negotiated(err)["kex"] == kex)]
    assert not failures, "%d of %d failed; first:\n%s" % (
        len(failures), CONNECTIONS,
        "\n".join(failures[0].splitlines()[-15:]))
    assert server.alive(), server.log_text()[-4000:]


def test_rekey_with_sntrup(server):
    """A session that re-keys (RekeyLimit on the client) keeps working:
    the hybrid runs again inside the encrypted transport."""
    if "sntrup761x25519-sha512@openssh.com" not in _client_kex():
        pytest.skip("this ssh has no sntrup761")
    rc, err = sshtest.run_ssh(
        server.port, ["KexAlgorithms=sntrup761x25519-sha512@openssh.com",
                      "RekeyLimit=1K"], TIMEOUT)
    _check(rc, err, "sntrup761x25519-sha512@openssh.com")


@pytest.mark.skipif(sshtest.IS_OPENSSH, reason="portcullisd -Q only")
def test_query_lists_both_names():
    out = subprocess.run([sshtest.server_binary(), "-Q", "kex"],
                         capture_output=True, text=True, check=True).stdout
    names = out.split()
    for n in SNTRUP_NAMES:
        assert n in names, out
    # Preference order: the hybrids come before curve25519.
    assert names.index("sntrup761x25519-sha512") < names.index(
        "curve25519-sha256")
    assert names.index("sntrup761x25519-sha512") < names.index(
        "sntrup761x25519-sha512@openssh.com")


def test_server_refuses_sntrup_when_disabled(server_factory):
    """KexAlgorithms without the hybrid: a client that only offers it
    finds no common method."""
    srv = server_factory(KexAlgorithms="curve25519-sha256")
    rc, err = sshtest.run_ssh(
        srv.port, ["KexAlgorithms=sntrup761x25519-sha512@openssh.com"],
        TIMEOUT)
    assert rc == 255
    assert "no matching key exchange method" in err, err[-2000:]


@pytest.mark.parametrize("kex", ["sntrup761x25519-sha512@openssh.com",
                                 "sntrup761x25519-sha512", None])
def test_login_with_sntrup(server_factory, auth_user, user_keys, kex):
    """A real login (public key, a command run) over the hybrid, forced by
    either name and with the client's defaults (which pick it)."""
    if sshtest.IS_OPENSSH:
        pytest.skip("drives portcullisd's session")
    key = user_keys["ed25519"]
    auth_user.authorize(sshtest.pub_line(key))
    srv = server_factory()
    since = srv.log_offset()
    opts = ["KexAlgorithms=%s" % kex] if kex else []
    res = sshtest.ssh_login(srv.port, auth_user.name, key=key, options=opts)
    sshtest.expect_accepted(srv, since, res, auth_user.name)
    want = kex or "sntrup761x25519-sha512"
    assert "kex: algorithm: %s" % want in res.stderr, res.stderr[-3000:]
