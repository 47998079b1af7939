"""Public-key user authentication against portcullisd with OpenSSH's ssh:
every key type, RSA signature algorithms, authorized_keys options that
authentication decides (from=, expiry-time=) and those it only carries,
malformed lines, AuthorizedKeysFile tokens and lists, AuthorizedKeysCommand,
StrictModes and publickey-hostbound.

A login "accepted" is ssh -v's 'Authenticated to ... using "publickey"'
plus the server's "Accepted publickey" line (no channels exist yet, so the
session itself is refused afterwards); "refused" is Permission denied, no
"Authenticated to", no Accepted line, and the reason in the server's log.
"""

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import pytest

import sshtest
from sshtest import expect_accepted, expect_refused, ssh_login

KEY_IDS = [s[0] for s in sshtest.USER_KEY_SPECS]
LOG_TYPE = {s[0]: s[2] for s in sshtest.USER_KEY_SPECS}


def login(srv, user, key, **kw):
    since = srv.log_offset()
    return since, ssh_login(srv.port, user.name, key=key, **kw)


@pytest.mark.parametrize("kname", KEY_IDS)
def test_each_key_type_accepted(server_factory, auth_user, user_keys, kname):
    key = user_keys[kname]
    auth_user.authorize(sshtest.pub_line(key))
    srv = server_factory()
    since, res = login(srv, auth_user, key)
    text = expect_accepted(srv, since, res, auth_user.name)
    # The log names the key type and its fingerprint, as sshd's.
    assert re.search(r"Accepted publickey for %s from 127\.0\.0\.1 port "
                     r"\d+ ssh2: %s %s" % (auth_user.name, LOG_TYPE[kname],
                                           re.escape(sshtest.fingerprint(key))),
                     text), text
    assert "authorized_keys:1: matching key found" in text


@pytest.mark.parametrize("alg", ["rsa-sha2-256", "rsa-sha2-512"])
def test_rsa_signature_algorithms(server_factory, auth_user, user_keys, alg):
    """The server accepts only `alg`; the client signs only with it."""
    key = user_keys["rsa3072"]
    auth_user.authorize(sshtest.pub_line(key))
    srv = server_factory(PubkeyAcceptedAlgorithms=alg)
    since, res = login(srv, auth_user, key,
                       options=["PubkeyAcceptedAlgorithms=" + alg], verbose=3)
    expect_accepted(srv, since, res, auth_user.name)
    assert re.search(r"using publickey(-hostbound-v00@openssh\.com)? with "
                     r"RSA SHA256", res.stderr) or alg in res.stderr, res


@pytest.mark.parametrize("client,server", [
    ("rsa-sha2-256", "rsa-sha2-512"),
    ("rsa-sha2-512", "rsa-sha2-256"),
])
def test_rsa_signature_algorithm_not_accepted(server_factory, auth_user,
                                              user_keys, client, server):
    key = user_keys["rsa3072"]
    auth_user.authorize(sshtest.pub_line(key))
    srv = server_factory(PubkeyAcceptedAlgorithms=server)
    since, res = login(srv, auth_user, key,
                       options=["PubkeyAcceptedAlgorithms=" + client])
    expect_refused(srv, since, res, auth_user.name,
                   r"key algorithm %s not accepted" % re.escape(client))


def test_ssh_rsa_sha1_not_accepted_by_default(server_factory, auth_user,
                                              user_keys):
    """ssh-rsa (SHA-1) is not in the default PubkeyAcceptedAlgorithms.
    OpenSSH's ssh will not even offer it (server-sig-algs lacks it), so
    paramiko, told not to use the SHA-2 names, sends it; then, with the
    server accepting ssh-rsa, the same client gets in."""
    import socket
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import paramiko
    key = user_keys["rsa3072"]
    auth_user.authorize(sshtest.pub_line(key))
    pk = paramiko.RSAKey.from_private_key_file(str(key))
    for accept, ok in ((None, False), ("ssh-rsa,rsa-sha2-512", True)):
        opts = {} if accept is None else {"PubkeyAcceptedAlgorithms": accept}
        srv = server_factory(**opts)
        since = srv.log_offset()
        sock = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
        t = paramiko.Transport(sock, disabled_algorithms={
            "pubkeys": ["rsa-sha2-256", "rsa-sha2-512"]})
        try:
            t.start_client(timeout=30)
            # Forget server-sig-algs (it rightly lacks ssh-rsa) so that
            # paramiko sends ssh-rsa anyway.
            for _ in range(100):
                if "server-sig-algs" in t.server_extensions:
                    break
                time.sleep(0.05)
            t.server_extensions = {}
            if ok:
                t.auth_publickey(auth_user.name, pk)
                assert t.is_authenticated()
            else:
                with pytest.raises(paramiko.AuthenticationException):
                    t.auth_publickey(auth_user.name, pk)
                assert not t.is_authenticated()
        finally:
            t.close()
        if ok:
            assert srv.wait_log(sshtest.accepted_re("publickey",
                                                    auth_user.name),
                                since=since), srv.log_since(since)
        else:
            assert srv.wait_log(r"key algorithm ssh-rsa not accepted",
                                since=since), srv.log_since(since)
            assert "Accepted" not in srv.log_since(since)


def test_wrong_key_refused(server_factory, auth_user, user_keys):
    auth_user.authorize(sshtest.pub_line(user_keys["ed25519"]))
    srv = server_factory()
    key = user_keys["ecdsa256"]
    since, res = login(srv, auth_user, key)
    expect_refused(srv, since, res, auth_user.name,
                   sshtest.failed_re("publickey", auth_user.name) +
                   r": ECDSA " + re.escape(sshtest.fingerprint(key)))


def test_pubkey_authentication_no(server_factory, auth_user, user_keys):
    key = user_keys["ed25519"]
    auth_user.authorize(sshtest.pub_line(key))
    srv = server_factory(PubkeyAuthentication="no")
    since, res = login(srv, auth_user, key)
    assert not res.authenticated(), res
    m = re.search(r"Authentications that can continue: (\S+)", res.stderr)
    assert m and "publickey" not in m.group(1).split(","), res
    assert "Offering public key" not in res.stderr
    assert not srv.wait_log(r"Accepted", since=since, timeout=0.5)


# --- authorized_keys options decided at authentication -----------------

@pytest.mark.parametrize("opt,bind,ok", [
    ('from="127.0.0.1"', None, True),
    ('from="10.0.0.0/8"', None, False),
    ('from="127.0.0.0/24"', "127.0.0.2", True),
    ('from="127.0.0.1/32"', "127.0.0.2", False),
    ('from="!127.0.0.2,127.0.0.0/8"', "127.0.0.2", False),
    ('from="!127.0.0.2,127.0.0.0/8"', None, True),
    ('from="127.0.0.?"', "127.0.0.2", True),
    ('from="10.*,192.168.*"', None, False),
])
def test_from_option(server_factory, auth_user, user_keys, opt, bind, ok):
    key = user_keys["ed25519"]
    auth_user.authorize("%s %s" % (opt, sshtest.pub_line(key)))
    srv = server_factory()
    since, res = login(srv, auth_user, key, bind=bind)
    if ok:
        text = expect_accepted(srv, since, res, auth_user.name)
        if bind:
            assert "from %s port" % bind in text
    else:
        addr = bind or "127.0.0.1"
        expect_refused(srv, since, res, auth_user.name,
                       r"authorized_keys:1: matching key refused: not from "
                       r"a permitted host \(host=%s, ip=%s\)"
                       % (re.escape(addr), re.escape(addr)))


def test_from_option_later_line_used(server_factory, auth_user, user_keys):
    """A from= miss on one line does not stop a later line (as sshd)."""
    key = user_keys["ed25519"]
    auth_user.authorize(['from="10.0.0.0/8" ' + sshtest.pub_line(key),
                         'from="127.0.0.1" ' + sshtest.pub_line(key)])
    srv = server_factory()
    since, res = login(srv, auth_user, key)
    text = expect_accepted(srv, since, res, auth_user.name)
    assert "authorized_keys:1: matching key refused" in text
    assert "authorized_keys:2: matching key found" in text


@pytest.mark.parametrize("when,ok", [
    ("20000101", False), ("200001011200", False), ("20000101120000", False),
    ("29991231", True), ("299912312359", True),
])
def test_expiry_time(server_factory, auth_user, user_keys, when, ok):
    key = user_keys["ecdsa256"]
    auth_user.authorize('expiry-time="%s" %s' % (when,
                                                 sshtest.pub_line(key)))
    srv = server_factory()
    since, res = login(srv, auth_user, key)
    if ok:
        expect_accepted(srv, since, res, auth_user.name)
    else:
        expect_refused(srv, since, res, auth_user.name,
                       r"authorized_keys:1: matching key refused: entry "
                       r"expired")


CARRIED_OPTIONS = (
    "restrict", "no-port-forwarding", 'command="/bin/echo forced"',
    'environment="PCTEST=1"', "no-pty", 'permitopen="localhost:80"',
    'permitopen="[::1]:*"', 'permitlisten="8080"', 'permitlisten="*:2222"',
    'tunnel="1"', "no-X11-forwarding", "no-agent-forwarding", "no-user-rc",
    "restrict,pty,port-forwarding,X11-forwarding,agent-forwarding,user-rc",
    "no-touch-required", "verify-required",
    'restrict,command="x",environment="A=b",permitopen="h:1",'
    'permitlisten="2",tunnel="0",from="127.0.0.1"',
)


@pytest.mark.parametrize("opt", CARRIED_OPTIONS)
def test_carried_options_still_authenticate(server_factory, auth_user,
                                            user_keys, opt):
    """Options for sessions and forwarding are only parsed and carried: a
    line with them authenticates."""
    key = user_keys["ed25519"]
    auth_user.authorize("%s %s" % (opt, sshtest.pub_line(key)))
    srv = server_factory()
    since, res = login(srv, auth_user, key)
    expect_accepted(srv, since, res, auth_user.name)


MALFORMED_OPTIONS = (
    ('command="/bin/true', "missing end quote"),
    ("unknown-option", "unknown option"),
    ('tunnel="x"', "bad tunnel device"),
    ('expiry-time="tomorrow"', "bad expiry-time"),
    ('environment="=x"', "bad environment name"),
    ("from=127.0.0.1", "missing start quote"),
    ("restrict,no-such-flag", "unknown option"),
)


@pytest.mark.parametrize("opt,why", MALFORMED_OPTIONS,
                         ids=[m[0] for m in MALFORMED_OPTIONS])
def test_malformed_option_never_matches(server_factory, auth_user, user_keys,
                                        opt, why):
    key = user_keys["ed25519"]
    path = auth_user.authorize("%s %s" % (opt, sshtest.pub_line(key)))
    srv = server_factory()
    since, res = login(srv, auth_user, key)
    expect_refused(srv, since, res, auth_user.name,
                   r"%s:1: (%s)" % (re.escape(str(path)), why))


def test_malformed_line_then_good_line(server_factory, auth_user, user_keys):
    key = user_keys["ed25519"]
    path = auth_user.authorize(['command="/bin/true ' + sshtest.pub_line(key),
                                sshtest.pub_line(key)])
    srv = server_factory()
    since, res = login(srv, auth_user, key)
    text = expect_accepted(srv, since, res, auth_user.name)
    assert "%s:1: missing end quote" % path in text
    assert "%s:2: matching key found" % path in text


def test_comments_blank_lines_and_other_keys(server_factory, auth_user,
                                             user_keys):
    key = user_keys["ecdsa384"]
    path = auth_user.authorize([
        "# a comment", "", "   ",
        sshtest.pub_line(user_keys["ed25519"]),
        sshtest.pub_line(user_keys["rsa3072"]),
        "  " + sshtest.pub_line(key) + "   trailing comment words"])
    srv = server_factory()
    since, res = login(srv, auth_user, key)
    text = expect_accepted(srv, since, res, auth_user.name)
    assert "%s:6: matching key found" % path in text


# --- where the keys are --------------------------------------------------

@pytest.fixture
def root_dir():
    """A root-owned 0755 directory outside /tmp (StrictModes checks every
    directory up to /), removed afterwards."""
    d = Path(tempfile.mkdtemp(prefix="pctest-auth-", dir="/run"))
    os.chmod(d, 0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def test_authorized_keys_file_tokens_and_list(server_factory, auth_user,
                                              user_keys, root_dir):
    k1, k2, k3 = (user_keys[n] for n in ("ed25519", "ecdsa256", "ecdsa521"))
    # %u: a root-owned file in a root-owned directory.
    (root_dir / auth_user.name).write_text(sshtest.pub_line(k1) + "\n")
    os.chmod(root_dir / auth_user.name, 0o644)
    # %h/.ssh/second, and a relative name (to the home directory).
    auth_user.authorize(sshtest.pub_line(k2), name="second")
    auth_user.authorize(sshtest.pub_line(k3), name="third")
    srv = server_factory(AuthorizedKeysFile="%s/%%u %%h/.ssh/second "
                         ".ssh/third" % root_dir)
    for key, where in ((k1, "%s/%s:1" % (root_dir, auth_user.name)),
                       (k2, "%s/.ssh/second:1" % auth_user.home),
                       (k3, "%s/.ssh/third:1" % auth_user.home)):
        since, res = login(srv, auth_user, key)
        text = expect_accepted(srv, since, res, auth_user.name)
        assert "%s: matching key found" % where in text, text
    # The default file is not in the list any more.
    k4 = user_keys["rsa3072"]
    auth_user.authorize(sshtest.pub_line(k4))
    since, res = login(srv, auth_user, k4)
    expect_refused(srv, since, res, auth_user.name,
                   sshtest.failed_re("publickey", auth_user.name))


def test_authorized_keys_file_none(server_factory, auth_user, user_keys):
    key = user_keys["ed25519"]
    auth_user.authorize(sshtest.pub_line(key))
    srv = server_factory(AuthorizedKeysFile="none")
    since, res = login(srv, auth_user, key)
    text = expect_refused(srv, since, res, auth_user.name,
                          sshtest.failed_re("publickey", auth_user.name))
    assert "matching key found" not in text


def test_authorized_keys2_default(server_factory, auth_user, user_keys):
    key = user_keys["ecdsa256"]
    auth_user.authorize(sshtest.pub_line(key), name="authorized_keys2")
    srv = server_factory()
    since, res = login(srv, auth_user, key)
    text = expect_accepted(srv, since, res, auth_user.name)
    assert "authorized_keys2:1: matching key found" in text


def _command(root_dir, body, mode=0o755):
    cmd = root_dir / "akc.sh"
    cmd.write_text("#!/bin/sh\n" + body)
    os.chmod(cmd, mode)
    return cmd


def test_authorized_keys_command(server_factory, auth_user, user_keys,
                                 root_dir):
    k1, k2 = user_keys["ed25519"], user_keys["rsa3072"]
    # Prints the key only when asked for our user with the offered key's
    # fingerprint (%u %f): the tokens must be expanded.
    cmd = _command(root_dir,
                   '[ "$1" = "%s" ] || exit 0\n'
                   '[ "$2" = "%s" ] || exit 0\n'
                   '[ "$(id -un)" = nobody ] || exit 0\n'
                   'echo "%s"\n' % (auth_user.name, sshtest.fingerprint(k1),
                                    sshtest.pub_line(k1)))
    srv = server_factory(AuthorizedKeysFile="none",
                         AuthorizedKeysCommand="%s %%u %%f" % cmd,
                         AuthorizedKeysCommandUser="nobody")
    since, res = login(srv, auth_user, k1)
    text = expect_accepted(srv, since, res, auth_user.name)
    assert "AuthorizedKeysCommand" in text
    since, res = login(srv, auth_user, k2)
    expect_refused(srv, since, res, auth_user.name,
                   sshtest.failed_re("publickey", auth_user.name))


def test_authorized_keys_command_unsafe_refused(server_factory, auth_user,
                                                user_keys, root_dir):
    key = user_keys["ed25519"]
    cmd = _command(root_dir, 'echo "%s"\n' % sshtest.pub_line(key),
                   mode=0o775)
    srv = server_factory(AuthorizedKeysFile="none",
                         AuthorizedKeysCommand=str(cmd),
                         AuthorizedKeysCommandUser="nobody")
    since, res = login(srv, auth_user, key)
    expect_refused(srv, since, res, auth_user.name,
                   r"Unsafe AuthorizedKeysCommand")


def test_authorized_keys_command_failure_refused(server_factory, auth_user,
                                                 user_keys, root_dir):
    key = user_keys["ed25519"]
    cmd = _command(root_dir, 'echo "%s"\nexit 1\n' % sshtest.pub_line(key))
    srv = server_factory(AuthorizedKeysFile="none",
                         AuthorizedKeysCommand=str(cmd),
                         AuthorizedKeysCommandUser="nobody")
    since, res = login(srv, auth_user, key)
    expect_refused(srv, since, res, auth_user.name,
                   # The daemon logs the raw wait status (256 for exit 1):
                   # reported; OpenSSH says "returned status 1".
                   r"%s exited with status 1" % re.escape(str(cmd)))


# --- StrictModes ------------------------------------------------------------

@pytest.mark.parametrize("what,mode", [
    ("dir", 0o770), ("dir", 0o707), ("file", 0o620), ("file", 0o666),
    ("home", 0o775),
])
def test_strict_modes_refuses(server_factory, auth_user, user_keys, what,
                              mode):
    key = user_keys["ed25519"]
    path = auth_user.authorize(sshtest.pub_line(key))
    target = {"dir": auth_user.ssh_dir, "file": path,
              "home": auth_user.home}[what]
    os.chmod(target, mode)
    srv = server_factory()
    since, res = login(srv, auth_user, key)
    expect_refused(srv, since, res, auth_user.name,
                   r"Authentication refused: bad ownership or modes for "
                   r"(file|directory) %s" % re.escape(str(target)))
    # StrictModes no: the same files are used.
    srv2 = server_factory(StrictModes="no")
    since, res = login(srv2, auth_user, key)
    expect_accepted(srv2, since, res, auth_user.name)


def test_strict_modes_foreign_owner(server_factory, auth_user, user_keys):
    key = user_keys["ed25519"]
    path = auth_user.authorize(sshtest.pub_line(key))
    os.chown(path, 65534, 65534)     # nobody
    os.chmod(path, 0o644)
    srv = server_factory()
    since, res = login(srv, auth_user, key)
    expect_refused(srv, since, res, auth_user.name,
                   r"bad ownership or modes for file %s" % re.escape(
                       str(path)))


# --- publickey-hostbound ---------------------------------------------------

def test_publickey_hostbound_used(server_factory, auth_user, user_keys):
    """OpenSSH 9.2 uses publickey-hostbound-v00@openssh.com when the
    server's EXT_INFO advertises it; the signature then covers the host
    key, and the server must verify it as such."""
    key = user_keys["ed25519"]
    auth_user.authorize(sshtest.pub_line(key))
    srv = server_factory()
    since, res = login(srv, auth_user, key, verbose=3)
    expect_accepted(srv, since, res, auth_user.name)
    assert "publickey-hostbound@openssh.com=<0>" in res.stderr, res
    assert re.search(r"using publickey-hostbound-v00@openssh\.com with "
                     r"ED25519", res.stderr), res


def test_plain_publickey_without_hostbound(server_factory, auth_user,
                                           user_keys):
    """paramiko knows no hostbound method: plain publickey must work."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import paramiko
    key = user_keys["ed25519"]
    auth_user.authorize(sshtest.pub_line(key))
    srv = server_factory()
    since = srv.log_offset()
    import socket
    sock = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
    t = paramiko.Transport(sock)
    try:
        t.start_client(timeout=30)
        pk = paramiko.Ed25519Key.from_private_key_file(str(key))
        left = t.auth_publickey(auth_user.name, pk)
        assert left == [] and t.is_authenticated()
    finally:
        t.close()
    assert srv.wait_log(sshtest.accepted_re("publickey", auth_user.name),
                        since=since), srv.log_since(since)
