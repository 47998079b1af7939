"""Login policy in portcullisd: AllowUsers/DenyUsers/AllowGroups/DenyGroups
(with user@host and CIDR forms), PermitRootLogin for root's public key (a
temporary AuthorizedKeysFile in the test server's config only; root's
password is never touched), AuthenticationMethods, Match User / Match
Address, Banner and LoginGraceTime."""

import os
import re
import subprocess
import time

import pytest

import sshtest
from sshtest import expect_accepted, expect_refused, pub_line, ssh_login


@pytest.fixture(scope="module")
def group(auth_user_session):
    """A group the session's user is in (removed afterwards)."""
    g = sshtest.make_group()
    subprocess.run(["usermod", "-aG", g, auth_user_session.name],
                   check=True, timeout=30, capture_output=True)
    yield g
    subprocess.run(["gpasswd", "-d", auth_user_session.name, g],
                   timeout=30, capture_output=True)
    sshtest.remove_group(g)


def key_login(srv, user, key, **kw):
    since = srv.log_offset()
    return since, ssh_login(srv.port, user, key=key, **kw)


def not_allowed_re(user, addr, why):
    return (r"User %s from %s not allowed because %s"
            % (re.escape(user), re.escape(addr), why))


@pytest.mark.parametrize("opts,bind,ok,why", [
    ({"AllowUsers": "USER"}, None, True, None),
    ({"AllowUsers": "nobody-else pc*"}, None, True, None),
    ({"AllowUsers": "nobody-else"}, None, False, "not listed in AllowUsers"),
    ({"AllowUsers": "USER@127.0.0.1"}, None, True, None),
    ({"AllowUsers": "USER@127.0.0.1"}, "127.0.0.2", False,
     "not listed in AllowUsers"),
    ({"AllowUsers": "USER@127.0.0.0/8"}, "127.0.0.2", True, None),
    ({"AllowUsers": "USER@10.0.0.0/8"}, None, False,
     "not listed in AllowUsers"),
    ({"DenyUsers": "USER"}, None, False, "listed in DenyUsers"),
    ({"DenyUsers": "pcauth*"}, None, False, "listed in DenyUsers"),
    ({"DenyUsers": "USER@10.0.0.0/8"}, None, True, None),
    ({"DenyUsers": "USER@127.0.0.2"}, "127.0.0.2", False,
     "listed in DenyUsers"),
    ({"DenyUsers": "USER@127.0.0.2"}, None, True, None),
    ({"AllowUsers": "USER", "DenyUsers": "USER"}, None, False,
     "listed in DenyUsers"),
    ({"AllowGroups": "GROUP"}, None, True, None),
    ({"AllowGroups": "root nogroup-pc"}, None, False,
     "none of user's groups are listed in AllowGroups"),
    ({"DenyGroups": "GROUP"}, None, False,
     "a group is listed in DenyGroups"),
    ({"DenyGroups": "root"}, None, True, None),
    ({"AllowGroups": "GROUP", "DenyGroups": "GROUP"}, None, False,
     "a group is listed in DenyGroups"),
])
def test_allow_deny(server_factory, auth_user, user_keys, group, opts, bind,
                    ok, why):
    key = user_keys["ed25519"]
    auth_user.authorize(pub_line(key))
    o = {k: v.replace("USER", auth_user.name).replace("GROUP", group)
         for k, v in opts.items()}
    srv = server_factory(**o)
    since, res = key_login(srv, auth_user.name, key, bind=bind)
    if ok:
        expect_accepted(srv, since, res, auth_user.name)
    else:
        expect_refused(srv, since, res, auth_user.name,
                       not_allowed_re(auth_user.name, bind or "127.0.0.1",
                                      why))


def test_denied_user_password_refused_too(server_factory, auth_user):
    srv = server_factory(DenyUsers=auth_user.name, UsePAM="no")
    since = srv.log_offset()
    res = ssh_login(srv.port, auth_user.name, password=auth_user.password,
                    methods="password")
    expect_refused(srv, since, res, auth_user.name,
                   not_allowed_re(auth_user.name, "127.0.0.1",
                                  "listed in DenyUsers"))
    # Logged as for an invalid user, as sshd.
    assert re.search(r"Failed password for invalid user %s" % auth_user.name,
                     srv.log_since(since))


# --- PermitRootLogin (root's key in a file of this server only) ----------

@pytest.fixture
def root_keys(tmp_path, user_keys):
    """An AuthorizedKeysFile path for root only (via Match User root), with
    the ed25519 key plain and the ecdsa256 key with a forced command."""
    if not sshtest.is_root():
        pytest.skip("needs root")
    p = tmp_path / "root_authorized_keys"
    p.write_text("%s\ncommand=\"/bin/true\" %s\n" % (
        pub_line(user_keys["ed25519"]), pub_line(user_keys["ecdsa256"])))
    os.chmod(p, 0o600)
    # The file sits under /tmp (world-writable): StrictModes no, which
    # Match cannot set, so for this whole test server.
    return ["StrictModes no", "Match User root",
            "\tAuthorizedKeysFile %s" % p]


@pytest.mark.parametrize("mode,kname,ok", [
    ("no", "ed25519", False),
    ("no", "ecdsa256", False),
    ("prohibit-password", "ed25519", True),
    ("without-password", "ed25519", True),
    ("forced-commands-only", "ed25519", False),
    ("forced-commands-only", "ecdsa256", True),
    ("yes", "ed25519", True),
])
def test_permit_root_login_publickey(server_factory, user_keys, root_keys,
                                     mode, kname, ok):
    srv = server_factory(_lines=root_keys, PermitRootLogin=mode)
    since, res = key_login(srv, "root", user_keys[kname])
    if ok:
        expect_accepted(srv, since, res, "root")
    else:
        text = expect_refused(srv, since, res, "root",
                              r"ROOT LOGIN REFUSED")
        # The key itself was found: policy refused it.
        assert "matching key found" in text, text


def test_root_password_refused_by_default(server_factory, root_keys):
    """Root has no usable password here: whatever the password, the
    default (prohibit-password) refuses password logins for root."""
    srv = server_factory(_lines=root_keys, UsePAM="no")
    since = srv.log_offset()
    res = ssh_login(srv.port, "root", password="not-roots-password",
                    methods="password")
    expect_refused(srv, since, res, "root",
                   sshtest.failed_re("password", "root"))


# --- AuthenticationMethods ------------------------------------------------


def assert_no_crash(srv, since):
    """The connection process ended without a heap-corruption abort."""
    srv.wait_log(r"Connection closed|Received disconnect|Disconnect",
                 since=since, timeout=2)
    time.sleep(0.3)
    text = srv.log_since(since)
    assert not re.search(r"double free|free\(\)|corrupted|malloc\(\)|"
                         r"Aborted|AddressSanitizer", text), text


def test_authentication_methods_key_then_password(server_factory, auth_user,
                                                  user_keys):
    key = user_keys["ed25519"]
    auth_user.authorize(pub_line(key))
    srv = server_factory(UsePAM="no",
                         AuthenticationMethods="publickey,password")
    since = srv.log_offset()
    res = ssh_login(srv.port, auth_user.name, key=key,
                    password=auth_user.password,
                    methods="publickey,password")
    expect_accepted(srv, since, res, auth_user.name, method="password")
    assert re.search(r'Authenticated using "publickey" with partial '
                     r'success', res.stderr), res
    text = srv.log_since(since)
    assert re.search(r"Partial publickey for %s from 127\.0\.0\.1 port \d+ "
                     r"ssh2: ED25519" % auth_user.name, text), text
    assert_no_crash(srv, since)


@pytest.mark.parametrize("methods,why", [
    pytest.param("publickey", "key only"),
    pytest.param("password", "password only"),
])
def test_authentication_methods_one_is_not_enough(server_factory, auth_user,
                                                  user_keys, methods, why):
    key = user_keys["ed25519"]
    auth_user.authorize(pub_line(key))
    srv = server_factory(UsePAM="no",
                         AuthenticationMethods="publickey,password")
    since = srv.log_offset()
    res = ssh_login(srv.port, auth_user.name,
                    key=key if "publickey" in methods else None,
                    password=auth_user.password if "password" in methods
                    else None, methods=methods)
    assert not res.authenticated(), res
    text = srv.log_since(since)
    assert "Accepted" not in text, text
    if methods == "publickey":
        assert srv.wait_log(r"Partial publickey for %s" % auth_user.name,
                            since=since), text
        assert "partial success" in res.stderr
        # After the key, the password is what can continue.
        assert re.search(r"partial success\.\s+debug1: Authentications "
                         r"that can continue: password\s", res.stderr), res
    else:
        # Password first is not a permitted order: not even offered.
        m = re.search(r"Authentications that can continue: (\S+)",
                      res.stderr)
        assert m and m.group(1) == "publickey", res
    assert_no_crash(srv, since)


def test_authentication_methods_alternatives(server_factory, auth_user,
                                             user_keys):
    """"publickey,password publickey,publickey": two keys also do."""
    k1, k2 = user_keys["ed25519"], user_keys["ecdsa256"]
    auth_user.authorize([pub_line(k1), pub_line(k2)])
    srv = server_factory(UsePAM="no", AuthenticationMethods="publickey,"
                         "password publickey,publickey")
    since = srv.log_offset()
    res = ssh_login(srv.port, auth_user.name, key=k1,
                    options=["IdentityFile=%s" % k2])
    expect_accepted(srv, since, res, auth_user.name)
    assert "Partial publickey" in srv.log_since(since)
    assert_no_crash(srv, since)


# --- Match ---------------------------------------------------------------

def test_match_user_password(server_factory, auth_user):
    srv = server_factory(_lines=["PasswordAuthentication no",
                                 "Match User %s" % auth_user.name,
                                 "\tPasswordAuthentication yes"],
                         UsePAM="no")
    since = srv.log_offset()
    res = ssh_login(srv.port, auth_user.name, password=auth_user.password,
                    methods="password")
    expect_accepted(srv, since, res, auth_user.name, method="password")
    # Another user name: the global "no" stays (not even offered).
    since = srv.log_offset()
    res = ssh_login(srv.port, "root", password="x", methods="password")
    assert not res.authenticated(), res
    m = re.search(r"Authentications that can continue: (\S+)", res.stderr)
    assert m and "password" not in m.group(1).split(","), res


def test_match_address_password(server_factory, auth_user):
    srv = server_factory(_lines=["Match Address 127.0.0.2",
                                 "\tPasswordAuthentication no"],
                         UsePAM="no")
    since = srv.log_offset()
    res = ssh_login(srv.port, auth_user.name, password=auth_user.password,
                    methods="password")
    expect_accepted(srv, since, res, auth_user.name, method="password")
    since = srv.log_offset()
    res = ssh_login(srv.port, auth_user.name, password=auth_user.password,
                    methods="password", bind="127.0.0.2")
    assert not res.authenticated(), res
    m = re.search(r"Authentications that can continue: (\S+)", res.stderr)
    assert m and "password" not in m.group(1).split(","), res
    assert "Accepted" not in srv.log_since(since)


def test_match_group_pubkey_off(server_factory, auth_user, user_keys, group):
    key = user_keys["ed25519"]
    auth_user.authorize(pub_line(key))
    srv = server_factory(_lines=["Match Group %s" % group,
                                 "\tPubkeyAuthentication no"])
    since, res = key_login(srv, auth_user.name, key)
    assert not res.authenticated(), res
    assert "Accepted" not in srv.log_since(since)
    srv2 = server_factory(_lines=["Match Group root",
                                  "\tPubkeyAuthentication no"])
    since, res = key_login(srv2, auth_user.name, key)
    expect_accepted(srv2, since, res, auth_user.name)


# --- Banner, LoginGraceTime ---------------------------------------------

def test_banner(server_factory, auth_user, user_keys, tmp_path):
    key = user_keys["ed25519"]
    auth_user.authorize(pub_line(key))
    banner = tmp_path / "banner"
    banner.write_text("Authorised use only: pctest banner 7f3a\n")
    srv = server_factory(Banner=banner)
    since, res = key_login(srv, auth_user.name, key)
    expect_accepted(srv, since, res, auth_user.name)
    assert "Authorised use only: pctest banner 7f3a" in res.stderr, res
    # Shown once, even after a failure.
    since, res = key_login(srv, auth_user.name, user_keys["ecdsa256"])
    assert res.stderr.count("pctest banner 7f3a") == 1, res
    # Banner none: nothing.
    srv2 = server_factory(Banner="none")
    since, res = key_login(srv2, auth_user.name, key)
    assert "pctest banner" not in res.stderr


def test_login_grace_time(server_factory):
    srv = server_factory(LoginGraceTime="2")
    since = srv.log_offset()
    c = sshtest.RawConn(srv.port, timeout=10)
    try:
        t0 = time.monotonic()
        c.handshake()
        closed, code, desc = c.wait_close(10)
        elapsed = time.monotonic() - t0
    finally:
        c.close()
    assert closed
    assert 1.5 <= elapsed <= 6, elapsed
    assert srv.wait_log(r"Timeout before authentication for 127\.0\.0\.1 "
                        r"port %d" % c.local_port, since=since), \
        srv.log_since(since)


def test_login_grace_time_zero_means_none(server_factory):
    srv = server_factory(LoginGraceTime="0")
    c = sshtest.RawConn(srv.port, timeout=10)
    try:
        c.handshake()
        closed, _, _ = c.wait_close(3)
    finally:
        c.close()
    assert not closed
