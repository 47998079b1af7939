"""Password and keyboard-interactive authentication against portcullisd:
crypt(3) against the shadow file (UsePAM no), PAM through a real
/etc/pam.d service file and through the hermetic pam_wrapper setup of
pamtest.py (expired passwords), with OpenSSH's ssh (SSH_ASKPASS, no tty)
and paramiko; MaxAuthTries, PermitEmptyPasswords, disabled methods."""

import os
import re
import socket
import subprocess
import time
import warnings

import pytest

import sshtest
from sshtest import expect_accepted, expect_refused, ssh_login

from pamtest import pam_setup  # noqa: F401  (fixture)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import paramiko

CLIENT_TIMEOUT = 30
PAM_SERVICE = "portcullisd-test"


@pytest.fixture(scope="module")
def pam_service():
    """/etc/pam.d/portcullisd-test for the system's pam_unix, removed at
    the end of the module."""
    if not sshtest.is_root():
        pytest.skip("needs root")
    path = "/etc/pam.d/" + PAM_SERVICE
    if os.path.exists(path):
        pytest.skip("%s exists already; not touching it" % path)
    with open(path, "w") as f:
        f.write("# written by tests/integration/test_auth_password.py\n"
                "@include common-auth\n@include common-account\n"
                "@include common-password\n@include common-session\n")
    yield PAM_SERVICE
    os.unlink(path)


def transport(port):
    sock = socket.create_connection(("127.0.0.1", port),
                                    timeout=CLIENT_TIMEOUT)
    t = paramiko.Transport(sock)
    t.banner_timeout = t.handshake_timeout = CLIENT_TIMEOUT
    t.auth_timeout = CLIENT_TIMEOUT
    t.start_client(timeout=CLIENT_TIMEOUT)
    return t


def paramiko_password(port, user, password):
    """True if paramiko's password authentication succeeds."""
    t = transport(port)
    try:
        try:
            t.auth_password(user, password)
        except paramiko.AuthenticationException:
            return False
        return t.is_authenticated()
    finally:
        t.close()


def paramiko_kbdint(port, user, answers):
    """Keyboard-interactive with a handler answering each prompt through
    answers(prompt) -> str.  Returns (authenticated, prompts seen)."""
    seen = []

    def handler(title, instructions, prompts):
        out = []
        for text, echo in prompts:
            seen.append(text)
            out.append(answers(text))
        return out

    t = transport(port)
    try:
        try:
            t.auth_interactive(user, handler)
        except paramiko.AuthenticationException:
            return False, seen
        return t.is_authenticated(), seen
    finally:
        t.close()


# --- crypt(3) against shadow (UsePAM no) -------------------------------

def test_password_crypt_ssh(server_factory, auth_user):
    srv = server_factory(UsePAM="no")
    since = srv.log_offset()
    res = ssh_login(srv.port, auth_user.name, password=auth_user.password,
                    methods="password")
    expect_accepted(srv, since, res, auth_user.name, method="password")


def test_password_crypt_wrong_ssh(server_factory, auth_user):
    srv = server_factory(UsePAM="no")
    since = srv.log_offset()
    res = ssh_login(srv.port, auth_user.name, password="wrong-" +
                    auth_user.password, methods="password")
    expect_refused(srv, since, res, auth_user.name,
                   sshtest.failed_re("password", auth_user.name))


def test_password_crypt_paramiko(server_factory, auth_user):
    srv = server_factory(UsePAM="no")
    since = srv.log_offset()
    assert paramiko_password(srv.port, auth_user.name, auth_user.password)
    assert srv.wait_log(sshtest.accepted_re("password", auth_user.name),
                        since=since)
    since = srv.log_offset()
    assert not paramiko_password(srv.port, auth_user.name,
                                 auth_user.password + "x")
    assert srv.wait_log(sshtest.failed_re("password", auth_user.name),
                        since=since)
    assert "Accepted" not in srv.log_since(since)


def test_password_locked_account_crypt(server_factory, auth_user):
    """usermod -L: without PAM the account is locked (as sshd)."""
    subprocess.run(["usermod", "-L", auth_user.name], check=True,
                   timeout=30, capture_output=True)
    try:
        srv = server_factory(UsePAM="no")
        since = srv.log_offset()
        res = ssh_login(srv.port, auth_user.name,
                        password=auth_user.password, methods="password")
        expect_refused(srv, since, res, auth_user.name,
                       r"User %s not allowed because account is locked"
                       % auth_user.name)
    finally:
        subprocess.run(["usermod", "-U", auth_user.name], check=True,
                       timeout=30, capture_output=True)


def test_invalid_user_password(server_factory, auth_user):
    srv = server_factory(UsePAM="no")
    since = srv.log_offset()
    res = ssh_login(srv.port, "pcnosuchuser", password="whatever",
                    methods="password")
    expect_refused(srv, since, res, "pcnosuchuser",
                   sshtest.failed_re("password", "pcnosuchuser",
                                     invalid=True))
    assert re.search(r"Invalid user pcnosuchuser from 127\.0\.0\.1 port \d+",
                     srv.log_since(since))


# --- PAM with the system's modules -------------------------------------

def test_password_pam_system(server_factory, auth_user, pam_service):
    srv = server_factory(UsePAM="yes", PAMServiceName=pam_service)
    since = srv.log_offset()
    res = ssh_login(srv.port, auth_user.name, password=auth_user.password,
                    methods="password")
    expect_accepted(srv, since, res, auth_user.name, method="password")
    since = srv.log_offset()
    res = ssh_login(srv.port, auth_user.name, password="nope",
                    methods="password")
    expect_refused(srv, since, res, auth_user.name,
                   sshtest.failed_re("password", auth_user.name))


def test_kbdint_pam_system_ssh(server_factory, auth_user, pam_service):
    """ssh answers pam_unix's "Password: " prompt through SSH_ASKPASS."""
    srv = server_factory(UsePAM="yes", PAMServiceName=pam_service,
                         KbdInteractiveAuthentication="yes")
    since = srv.log_offset()
    res = ssh_login(srv.port, auth_user.name, password=auth_user.password,
                    methods="keyboard-interactive")
    expect_accepted(srv, since, res, auth_user.name,
                    method="keyboard-interactive",
                    log_method="keyboard-interactive/pam")
    assert re.search(r"Accepted keyboard-interactive/pam for %s from "
                     r"127\.0\.0\.1 port \d+ ssh2" % auth_user.name,
                     srv.log_since(since))


def test_kbdint_pam_system_paramiko(server_factory, auth_user, pam_service):
    srv = server_factory(UsePAM="yes", PAMServiceName=pam_service,
                         KbdInteractiveAuthentication="yes")
    since = srv.log_offset()
    ok, seen = paramiko_kbdint(srv.port, auth_user.name,
                               lambda p: auth_user.password)
    assert ok and seen, seen
    assert any("assword" in p for p in seen), seen
    assert srv.wait_log(r"Accepted keyboard-interactive/pam for %s"
                        % auth_user.name, since=since)
    since = srv.log_offset()
    ok, seen = paramiko_kbdint(srv.port, auth_user.name, lambda p: "bad")
    assert not ok
    assert srv.wait_log(r"Failed keyboard-interactive/pam for %s"
                        % auth_user.name, since=since), srv.log_since(since)
    assert "Accepted" not in srv.log_since(since)


def test_kbdint_off_without_pam(server_factory, auth_user):
    """Keyboard-interactive is PAM's conversation: not offered without."""
    srv = server_factory(UsePAM="no", KbdInteractiveAuthentication="yes")
    t = transport(srv.port)
    try:
        with pytest.raises(paramiko.BadAuthenticationType) as ei:
            t.auth_interactive(auth_user.name, lambda *a: ["x"])
        assert "keyboard-interactive" not in ei.value.allowed_types
        assert "password" in ei.value.allowed_types
    finally:
        t.close()


# --- the hermetic PAM setup (pam_wrapper, nss_wrapper) -------------------

def pam_server(server_factory, pam_setup, **opts):  # noqa: F811
    # The pamtest users have the test process's uid (root in CI).
    o = {"UsePAM": "yes", "PermitRootLogin": "yes",
         "KbdInteractiveAuthentication": "yes"}
    o.update(opts)
    return server_factory(_env=pam_setup.daemon_env(), **o)


def test_pamwrap_password(server_factory, pam_setup):  # noqa: F811
    srv = pam_server(server_factory, pam_setup)
    since = srv.log_offset()
    assert paramiko_password(srv.port, pam_setup.user, pam_setup.password)
    assert srv.wait_log(sshtest.accepted_re("password", pam_setup.user),
                        since=since), srv.log_since(since)
    since = srv.log_offset()
    res = ssh_login(srv.port, pam_setup.user, password=pam_setup.password,
                    methods="password")
    expect_accepted(srv, since, res, pam_setup.user, method="password")
    since = srv.log_offset()
    assert not paramiko_password(srv.port, pam_setup.user, "wrong")
    assert srv.wait_log(sshtest.failed_re("password", pam_setup.user),
                        since=since)


def test_pamwrap_crypt_without_pam(server_factory, pam_setup):  # noqa: F811
    """UsePAM no: crypt(3) against nss_wrapper's shadow entry."""
    srv = pam_server(server_factory, pam_setup, UsePAM="no")
    since = srv.log_offset()
    assert paramiko_password(srv.port, pam_setup.user, pam_setup.password)
    assert srv.wait_log(sshtest.accepted_re("password", pam_setup.user),
                        since=since), srv.log_since(since)


def test_pamwrap_expired_password_refused(server_factory,
                                          pam_setup):  # noqa: F811
    srv = pam_server(server_factory, pam_setup)
    since = srv.log_offset()
    assert not paramiko_password(srv.port, pam_setup.expired_user,
                                 pam_setup.expired_password)
    text = srv.log_since(since)
    assert srv.wait_log(r"Password change required but no TTY available",
                        since=since), text
    assert "Accepted" not in srv.log_since(since)
    assert pam_setup.still_expired()


def test_pamwrap_expired_password_kbdint_change(server_factory,
                                                pam_setup):  # noqa: F811
    srv = pam_server(server_factory, pam_setup)
    old, new = pam_setup.expired_password, pam_setup.new_password

    def answer(prompt):
        p = prompt.lower()
        if "new" in p or "retype" in p or "repeat" in p or "again" in p:
            return new
        return old

    since = srv.log_offset()
    ok, seen = paramiko_kbdint(srv.port, pam_setup.expired_user, answer)
    assert ok, (seen, srv.log_since(since))
    assert any("new" in p.lower() for p in seen), seen
    assert srv.wait_log(r"Accepted keyboard-interactive/pam for %s"
                        % pam_setup.expired_user, since=since)
    assert not pam_setup.still_expired()
    # The new password works now, the old one does not.
    assert paramiko_password(srv.port, pam_setup.expired_user, new)
    assert not paramiko_password(srv.port, pam_setup.expired_user, old)


def test_pamwrap_kbdint_wrong(server_factory, pam_setup):  # noqa: F811
    srv = pam_server(server_factory, pam_setup)
    since = srv.log_offset()
    ok, seen = paramiko_kbdint(srv.port, pam_setup.user, lambda p: "bad")
    assert not ok and seen
    assert srv.wait_log(r"Failed keyboard-interactive/pam for %s"
                        % pam_setup.user, since=since), srv.log_since(since)


# --- MaxAuthTries, empty passwords, disabled methods --------------------

def test_max_auth_tries_paramiko(server_factory, auth_user):
    srv = server_factory(UsePAM="no", MaxAuthTries="3")
    since = srv.log_offset()
    t = transport(srv.port)
    errors = []
    try:
        for i in range(3):
            try:
                t.auth_password(auth_user.name, "wrong-%d" % i)
            except paramiko.SSHException as e:   # incl. Authentication*
                errors.append(e)
        # The server hung up after the third failure.
        deadline = time.monotonic() + 5
        while t.is_active() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not t.is_active()
    finally:
        t.close()
    assert len(errors) == 3
    lines = srv.wait_log(sshtest.failed_re("password", auth_user.name),
                         since=since, count=3)
    assert len(lines) == 3, srv.log_since(since)
    assert srv.wait_log(r"maximum authentication attempts exceeded for %s "
                        r"from 127\.0\.0\.1 port \d+ ssh2" % auth_user.name,
                        since=since), srv.log_since(since)
    assert srv.wait_log(r"Disconnecting authenticating user %s 127\.0\.0\.1 "
                        r"port \d+: Too many authentication failures "
                        r"\[preauth\]" % auth_user.name, since=since)


def test_max_auth_tries_ssh(server_factory, auth_user):
    srv = server_factory(UsePAM="no", MaxAuthTries="2")
    since = srv.log_offset()
    res = ssh_login(srv.port, auth_user.name, password="wrong",
                    methods="password",
                    options=["NumberOfPasswordPrompts=5"])
    assert not res.authenticated() and res.rc == 255, res
    assert re.search(r"Received disconnect from 127\.0\.0\.1 port \d+:2: "
                     r"Too many authentication failures", res.stderr), res
    lines = srv.wait_log(sshtest.failed_re("password", auth_user.name),
                         since=since, count=3, timeout=2)
    assert len(lines) == 2, srv.log_since(since)


def test_max_auth_tries_counts_publickey(server_factory, auth_user,
                                         user_keys):
    """Offered keys that fail count as tries too (MaxAuthTries 2, three
    unknown keys: the third is never asked about)."""
    srv = server_factory(MaxAuthTries="2")
    since = srv.log_offset()
    keys = [user_keys[n] for n in ("ed25519", "ecdsa256", "ecdsa384")]
    opts = ["IdentityFile=%s" % k for k in keys[1:]]
    res = ssh_login(srv.port, auth_user.name, key=keys[0], options=opts)
    assert not res.authenticated(), res
    assert "Too many authentication failures" in res.stderr, res
    assert srv.wait_log(r"maximum authentication attempts exceeded",
                        since=since), srv.log_since(since)


@pytest.fixture
def empty_pw_user():
    if not sshtest.is_root():
        pytest.skip("needs root")
    u = sshtest.SysUser(prefix="pcempty")
    subprocess.run(["passwd", "-d", u.name], check=True, timeout=30,
                   capture_output=True)
    yield u
    u.remove()


@pytest.mark.parametrize("permit", ["yes", "no"])
def test_permit_empty_passwords(server_factory, empty_pw_user, permit):
    srv = server_factory(UsePAM="no", PermitEmptyPasswords=permit)
    since = srv.log_offset()
    ok = paramiko_password(srv.port, empty_pw_user.name, "")
    if permit == "yes":
        assert ok
        assert srv.wait_log(sshtest.accepted_re("password",
                                                empty_pw_user.name),
                            since=since), srv.log_since(since)
    else:
        assert not ok
        assert srv.wait_log(sshtest.failed_re("password",
                                              empty_pw_user.name),
                            since=since), srv.log_since(since)
        assert "Accepted" not in srv.log_since(since)
    # A non-empty password never matches an empty hash.
    since = srv.log_offset()
    assert not paramiko_password(srv.port, empty_pw_user.name, "x")
    assert "Accepted" not in srv.log_since(since)


@pytest.mark.parametrize("keyword,method", [
    ("PasswordAuthentication", "password"),
    ("KbdInteractiveAuthentication", "keyboard-interactive"),
])
def test_method_disabled_not_offered(server_factory, auth_user, pam_service,
                                     keyword, method):
    srv = server_factory(**{"UsePAM": "yes", "PAMServiceName": pam_service,
                            "KbdInteractiveAuthentication": "yes",
                            keyword: "no"})
    since = srv.log_offset()
    res = ssh_login(srv.port, auth_user.name, password=auth_user.password,
                    methods=method)
    assert not res.authenticated(), res
    m = re.search(r"Authentications that can continue: (\S+)", res.stderr)
    assert m and method not in m.group(1).split(","), res
    # A client asking anyway is refused.
    t = transport(srv.port)
    try:
        with pytest.raises(paramiko.AuthenticationException):
            if method == "password":
                # No fallback to keyboard-interactive (still enabled).
                t.auth_password(auth_user.name, auth_user.password,
                                fallback=False)
            else:
                t.auth_interactive(auth_user.name,
                                   lambda *a: [auth_user.password] *
                                   len(a[2]))
        assert not t.is_authenticated()
    finally:
        t.close()
    assert "Accepted" not in srv.log_since(since)
