"""Clients other than OpenSSH's ssh complete key exchange and reach user
authentication: paramiko, asyncssh, PuTTY's plink, Dropbear's dbclient."""

import asyncio
import shutil
import socket
import subprocess
import warnings

import pytest

import sshtest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import paramiko
    import asyncssh

CLIENT_TIMEOUT = 30     # seconds for any one client run

# (kex, cipher, mac, host key algorithm); all supported by paramiko 2.12.
PARAMIKO_CASES = (
    ("curve25519-sha256@libssh.org", "aes128-ctr", "hmac-sha2-256",
     "ssh-ed25519"),
    ("ecdh-sha2-nistp256", "aes256-ctr", "hmac-sha2-512-etm@openssh.com",
     "ecdsa-sha2-nistp256"),
    ("ecdh-sha2-nistp384", "aes192-ctr", "hmac-sha1", "ecdsa-sha2-nistp384"),
    ("ecdh-sha2-nistp521", "aes128-ctr", "hmac-sha2-256-etm@openssh.com",
     "ecdsa-sha2-nistp521"),
    ("diffie-hellman-group-exchange-sha256", "aes256-ctr", "hmac-sha2-256",
     "rsa-sha2-512"),
    ("diffie-hellman-group16-sha512", "aes128-ctr", "hmac-sha2-512",
     "rsa-sha2-256"),
    ("diffie-hellman-group14-sha256", "aes256-ctr",
     "hmac-sha2-256-etm@openssh.com", "ssh-ed25519"),
)


def paramiko_transport(port, kex=None, cipher=None, mac=None, hostkey=None):
    sock = socket.create_connection(("127.0.0.1", port),
                                    timeout=CLIENT_TIMEOUT)
    t = paramiko.Transport(sock)
    t.banner_timeout = CLIENT_TIMEOUT
    t.handshake_timeout = CLIENT_TIMEOUT
    t.auth_timeout = CLIENT_TIMEOUT
    opts = t.get_security_options()
    if kex:
        opts.kex = (kex,)
    if cipher:
        opts.ciphers = (cipher,)
    if mac:
        opts.digests = (mac,)
    if hostkey:
        opts.key_types = (hostkey,)
    return t


def assert_auth_refused(t):
    """auth_none must fail as *authentication* failure, not a transport
    error: BadAuthenticationType (with the methods) or AuthenticationException.
    Returns the allowed methods, or None."""
    try:
        t.auth_none(sshtest.TEST_USER)
    except paramiko.BadAuthenticationType as e:
        assert "none" not in e.allowed_types
        return e.allowed_types
    except paramiko.AuthenticationException:
        return None
    pytest.fail("auth_none succeeded on a server that must refuse it")


@pytest.mark.parametrize("kex,cipher,mac,hostkey", PARAMIKO_CASES,
                         ids=["-".join(c) for c in PARAMIKO_CASES])
def test_paramiko_reaches_auth(server, kex, cipher, mac, hostkey):
    t = paramiko_transport(server.port, kex, cipher, mac, hostkey)
    try:
        t.start_client(timeout=CLIENT_TIMEOUT)
        assert t.is_active()
        assert t.host_key_type == hostkey
        assert (t.local_cipher, t.remote_cipher) == (cipher, cipher)
        assert (t.local_mac, t.remote_mac) == (mac, mac)
        assert t.get_remote_server_key().get_name() in (
            hostkey, "ssh-rsa")   # paramiko names RSA keys ssh-rsa
        assert_auth_refused(t)
    finally:
        t.close()


def test_paramiko_repeated_auth_none(server):
    """paramiko sends a fresh SERVICE_REQUEST("ssh-userauth") for every
    auth_* call on a transport; OpenSSH's sshd accepts that, so must we."""
    t = paramiko_transport(server.port)
    try:
        t.start_client(timeout=CLIENT_TIMEOUT)
        for _ in range(3):
            assert_auth_refused(t)
        assert t.is_active()
    finally:
        t.close()


ASYNCSSH_CASES = (
    ("curve25519-sha256", "chacha20-poly1305@openssh.com", "ssh-ed25519"),
    ("curve25519-sha256@libssh.org", "aes256-gcm@openssh.com",
     "ecdsa-sha2-nistp384"),
    ("ecdh-sha2-nistp256", "aes128-gcm@openssh.com", "ecdsa-sha2-nistp256"),
    ("ecdh-sha2-nistp521", "aes192-ctr", "ecdsa-sha2-nistp521"),
    ("diffie-hellman-group-exchange-sha256", "aes128-ctr", "rsa-sha2-256"),
    ("diffie-hellman-group18-sha512", "aes256-ctr", "rsa-sha2-512"),
    ("diffie-hellman-group14-sha256", "chacha20-poly1305@openssh.com",
     "ssh-ed25519"),
)


async def _asyncssh_connect(port, kex, cipher, hostkey):
    conn = await asyncssh.connect(
        "127.0.0.1", port, username=sshtest.TEST_USER, known_hosts=None,
        client_keys=(), agent_path=None, password=None, config=(),
        kex_algs=[kex], encryption_algs=[cipher],
        server_host_key_algs=[hostkey], connect_timeout=CLIENT_TIMEOUT,
        login_timeout=CLIENT_TIMEOUT)
    conn.close()


@pytest.mark.parametrize("kex,cipher,hostkey", ASYNCSSH_CASES,
                         ids=["-".join(c) for c in ASYNCSSH_CASES])
def test_asyncssh_reaches_auth(server, kex, cipher, hostkey):
    # The client offers exactly one algorithm of each kind, so reaching
    # authentication proves that this one was negotiated.
    coro = asyncio.wait_for(
        _asyncssh_connect(server.port, kex, cipher, hostkey),
        CLIENT_TIMEOUT + 5)
    with pytest.raises(asyncssh.PermissionDenied):
        asyncio.run(coro)


def _run_client(cmd):
    # A new session has no controlling terminal, so nothing can prompt on it.
    try:
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=CLIENT_TIMEOUT, start_new_session=True)
    except subprocess.TimeoutExpired:
        pytest.fail("%s did not finish in %d s" % (cmd[0], CLIENT_TIMEOUT))
    return r.returncode, (r.stdout + r.stderr).decode("utf-8", "replace")


@pytest.fixture(scope="module")
def fingerprints(host_keys):
    return sshtest.host_key_fingerprints(host_keys)


def test_plink_reaches_auth(server, fingerprints):
    plink = shutil.which("plink")
    if plink is None:
        pytest.skip("PuTTY's plink is not installed (apt-get install "
                    "putty-tools)")
    cmd = [plink, "-v", "-batch", "-ssh", "-noagent", "-P", str(server.port),
           "-l", sshtest.TEST_USER]
    for fp in fingerprints:
        cmd += ["-hostkey", fp]
    rc, out = _run_client(cmd + ["127.0.0.1", "true"])
    assert rc != 0, out
    # The server's host key was checked against what we gave it, keys were
    # taken into use, then authentication failed.
    assert "Host key fingerprint is" in out, out
    assert "inbound encryption" in out and "outbound encryption" in out, out
    assert "Cannot confirm a host key" not in out, out
    assert ("Cannot answer interactive prompts in batch mode" in out
            or "No supported authentication methods available" in out
            or "Access denied" in out), out


@pytest.mark.parametrize("extra", [[], ["-c", "aes128-ctr", "-m",
                                        "hmac-sha2-256"]],
                         ids=["default", "aes128-ctr-hmac-sha2-256"])
def test_dbclient_reaches_auth(server, extra):
    dbclient = shutil.which("dbclient")
    if dbclient is None:
        pytest.skip("Dropbear's dbclient is not installed (apt-get install "
                    "dropbear-bin)")
    # -y -y: do not check the host key at all.
    rc, out = _run_client([dbclient, "-y", "-y", "-p", str(server.port),
                           "-l", sshtest.TEST_USER] + extra +
                          ["127.0.0.1", "true"])
    # Authentication was reached: it asked for a password (answered with
    # empty lines from /dev/null) or ran out of methods.
    assert ("'s password:" in out
            or "No auth methods could be used" in out), out
    assert "Bad hostkey" not in out and "No matching" not in out, out
