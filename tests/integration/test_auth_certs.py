"""OpenSSH user certificates against portcullisd: TrustedUserCAKeys with
principals, validity, critical options, AuthorizedPrincipalsFile and
-Command, cert-authority lines, CASignatureAlgorithms, and the server's own
HostCertificate checked by ssh against a @cert-authority known_hosts line.
Certificates are made by OpenSSH's ssh-keygen -s in each test."""

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

import sshtest
from sshtest import (expect_accepted, expect_refused, keygen, pub_line,
                     sign_cert, ssh_login)

KEY_IDS = [s[0] for s in sshtest.USER_KEY_SPECS]
KEY_ARGS = {s[0]: s[1] for s in sshtest.USER_KEY_SPECS}
LOG_TYPE = {s[0]: s[2] for s in sshtest.USER_KEY_SPECS}


@pytest.fixture(scope="module")
def cas(tmp_path_factory):
    """CA keys: ed25519 (trusted below), rsa, and an untrusted one."""
    d = tmp_path_factory.mktemp("ca")
    return {"ed25519": keygen(d / "ca_ed25519", ["-t", "ed25519"], "ca"),
            "rsa": keygen(d / "ca_rsa", ["-t", "rsa", "-b", "3072"], "ca"),
            "ecdsa": keygen(d / "ca_ecdsa", ["-t", "ecdsa"], "ca"),
            "other": keygen(d / "ca_other", ["-t", "ed25519"], "other")}


@pytest.fixture
def trusted(tmp_path, cas):
    """A TrustedUserCAKeys file with the ed25519, ecdsa and rsa CAs."""
    p = tmp_path / "trusted_ca"
    p.write_text("# CAs\n%s\n%s\n%s\n" % (pub_line(cas["ed25519"]),
                                           pub_line(cas["ecdsa"]),
                                           pub_line(cas["rsa"])))
    return p


@pytest.fixture
def root_dir():
    d = Path(tempfile.mkdtemp(prefix="pctest-cert-", dir="/run"))
    os.chmod(d, 0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def login(srv, user, key, cert=None, **kw):
    since = srv.log_offset()
    return since, ssh_login(srv.port, user.name, key=key, cert=cert, **kw)


def cert_log(kname, ident):
    """The log's description of a certificate (as OpenSSH's)."""
    return (r"%s-CERT SHA256:\S+ ID %s \(serial \d+\) CA \S+ SHA256:"
            % (LOG_TYPE[kname], re.escape(ident)))


@pytest.mark.parametrize("kname", KEY_IDS)
def test_cert_each_key_type(server_factory, auth_user, keydir, cas, trusted,
                            kname):
    key = keygen(keydir / kname, KEY_ARGS[kname])
    cert = sign_cert(cas["ed25519"], key, "id-" + kname, [auth_user.name],
                     serial=42)
    srv = server_factory(TrustedUserCAKeys=trusted)
    since, res = login(srv, auth_user, key, cert)
    text = expect_accepted(srv, since, res, auth_user.name)
    assert re.search(r"Accepted publickey for %s .* ssh2: %s" % (
        auth_user.name, cert_log(kname, "id-" + kname)), text), text
    assert "(serial 42)" in text


@pytest.mark.parametrize("ca", ["rsa", "ecdsa"])
def test_cert_other_ca_types(server_factory, auth_user, keydir, cas, trusted,
                             ca):
    key = keygen(keydir / "k", ["-t", "ed25519"])
    cert = sign_cert(cas[ca], key, "id-" + ca, [auth_user.name])
    srv = server_factory(TrustedUserCAKeys=trusted)
    since, res = login(srv, auth_user, key, cert)
    expect_accepted(srv, since, res, auth_user.name)


# (test id, sign_cert keyword arguments, log regex of the refusal)
REFUSED = (
    ("expired", {"validity": "-2d:-1d"}, r"Certificate invalid: "
     r"certificate expired"),
    ("not-yet-valid", {"validity": "+1d:+2d"}, r"Certificate invalid: "
     r"certificate not yet valid"),
    ("wrong-principal", {"principals": ["someone-else"]},
     r"Certificate invalid: principal not listed"),
    ("no-principals", {"principals": None},
     r"Certificate invalid: certificate lacks principal list"),
    ("source-address", {"options": ["source-address=10.0.0.0/8"]},
     r"Certificate invalid: source address not allowed"),
    ("unknown-critical", {"options": ["critical:pctest-unknown@example.com"
                                      "=x"]},
     r"Certificate invalid: unknown critical option"),
)


@pytest.mark.parametrize("kw,log", [r[1:] for r in REFUSED],
                         ids=[r[0] for r in REFUSED])
def test_cert_refused(server_factory, auth_user, keydir, cas, trusted, kw,
                      log):
    key = keygen(keydir / "k", ["-t", "ed25519"])
    args = {"principals": [auth_user.name]}
    args.update(kw)
    cert = sign_cert(cas["ed25519"], key, "refused-id", **args)
    srv = server_factory(TrustedUserCAKeys=trusted)
    since, res = login(srv, auth_user, key, cert)
    expect_refused(srv, since, res, auth_user.name, log)
    # The certificate was offered (not just the plain key).
    assert "Offering public key" in res.stderr and "ED25519-CERT" in \
        res.stderr, res


# (test id, sign_cert keyword arguments): accepted.
ACCEPTED = (
    ("valid-now", {"validity": "-1d:+1d"}),
    ("principal-among-others", {"principals": ["a", "b"]}),
    ("source-address-match", {"options": ["source-address=127.0.0.1/32,"
                                          "10.0.0.0/8"]}),
    ("force-command", {"options": ["force-command=/bin/echo forced"]}),
    ("no-extensions", {"options": ["clear"]}),
    ("unknown-extension", {"options": ["extension:pctest@example.com"]}),
    ("permit-pty-only", {"options": ["clear", "permit-pty"]}),
)


@pytest.mark.parametrize("kw", [a[1] for a in ACCEPTED],
                         ids=[a[0] for a in ACCEPTED])
def test_cert_accepted(server_factory, auth_user, keydir, cas, trusted, kw):
    key = keygen(keydir / "k", ["-t", "ecdsa"])
    args = {"principals": [auth_user.name]}
    args.update(kw)
    if "principals" in kw:
        args["principals"] = kw["principals"] + [auth_user.name]
    cert = sign_cert(cas["ed25519"], key, "ok-id", **args)
    srv = server_factory(TrustedUserCAKeys=trusted)
    since, res = login(srv, auth_user, key, cert)
    expect_accepted(srv, since, res, auth_user.name)


def test_host_cert_as_user_cert(server_factory, auth_user, keydir, cas,
                                trusted):
    """OpenSSH's ssh will not offer a host certificate for user auth, so
    paramiko sends it."""
    import socket
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import paramiko
    key = keygen(keydir / "k", ["-t", "ed25519"])
    cert = sign_cert(cas["ed25519"], key, "host-as-user", [auth_user.name],
                     host=True)
    srv = server_factory(TrustedUserCAKeys=trusted)
    since = srv.log_offset()
    pk = paramiko.Ed25519Key.from_private_key_file(str(key))
    pk.load_certificate(str(cert))
    sock = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
    t = paramiko.Transport(sock)
    try:
        t.start_client(timeout=30)
        with pytest.raises(paramiko.AuthenticationException):
            t.auth_publickey(auth_user.name, pk)
        assert not t.is_authenticated()
    finally:
        t.close()
    assert srv.wait_log(r"Certificate invalid: not a user certificate",
                        since=since), srv.log_since(since)
    assert "Accepted" not in srv.log_since(since)
    # The same key as a user certificate, through the same client, works.
    cert = sign_cert(cas["ed25519"], key, "user", [auth_user.name])
    pk = paramiko.Ed25519Key.from_private_key_file(str(key))
    pk.load_certificate(str(cert))
    sock = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
    t = paramiko.Transport(sock)
    try:
        t.start_client(timeout=30)
        t.auth_publickey(auth_user.name, pk)
        assert t.is_authenticated()
    finally:
        t.close()


def test_cert_ca_not_trusted(server_factory, auth_user, keydir, cas,
                             trusted):
    key = keygen(keydir / "k", ["-t", "ed25519"])
    cert = sign_cert(cas["other"], key, "untrusted", [auth_user.name])
    srv = server_factory(TrustedUserCAKeys=trusted)
    since, res = login(srv, auth_user, key, cert)
    expect_refused(srv, since, res, auth_user.name,
                   sshtest.failed_re("publickey", auth_user.name) +
                   ": ED25519-CERT")


def test_cert_without_trusted_ca_file(server_factory, auth_user, keydir,
                                      cas):
    """No TrustedUserCAKeys and no cert-authority line: refused, even
    though the certificate's key itself is in authorized_keys (a
    certificate is not its plain key, as in sshd)."""
    key = keygen(keydir / "k", ["-t", "ed25519"])
    cert = sign_cert(cas["ed25519"], key, "nofile", [auth_user.name])
    auth_user.authorize(pub_line(cas["ed25519"]))
    srv = server_factory()
    since, res = login(srv, auth_user, key, cert,
                       options=["IdentityFile=none"])
    expect_refused(srv, since, res, auth_user.name,
                   sshtest.failed_re("publickey", auth_user.name) +
                   ": ED25519-CERT")


# --- AuthorizedPrincipalsFile and -Command -----------------------------


@pytest.mark.parametrize("lines,cert_principals,ok,log", [
    pytest.param(["pcprincipal"], ["pcprincipal"], True, None),
    pytest.param(["# comment", "other", "pcprincipal  # trailing"],
                 ["x", "pcprincipal"], True, None),
    (["other"], ["pcprincipal"], False,
     r"Certificate does not contain an authorized principal"),
    (['from="10.0.0.0/8" pcprincipal'], ["pcprincipal"], False,
     r'principal "pcprincipal" refused: not from a permitted host'),
    pytest.param(['from="127.0.0.1",command="/bin/true" pcprincipal'],
                 ["pcprincipal"], True, None),
    (['expiry-time="20000101" pcprincipal'], ["pcprincipal"], False,
     r'principal "pcprincipal" refused: entry expired'),
    (['cert-authority pcprincipal'], ["pcprincipal"], False,
     r'principal "pcprincipal" refused: cert-authority not allowed here'),
    (['bogus-option pcprincipal'], ["pcprincipal"], False,
     r'/USER:1: unknown option'),
    # The user name is also a principal: passes even with the bug below.
    (["pcprincipal"], ["pcprincipal", "USER"], True, None),
])
def test_authorized_principals_file(server_factory, auth_user, keydir, cas,
                                    trusted, root_dir, lines,
                                    cert_principals, ok, log):
    """With AuthorizedPrincipalsFile, the file decides, not the user name
    among the certificate's principals."""
    pdir = root_dir / "principals"
    pdir.mkdir(mode=0o755)
    (pdir / auth_user.name).write_text("\n".join(lines) + "\n")
    key = keygen(keydir / "k", ["-t", "ed25519"])
    cert = sign_cert(cas["ed25519"], key, "apf",
                     [p.replace("USER", auth_user.name)
                      for p in cert_principals])
    srv = server_factory(TrustedUserCAKeys=trusted,
                         AuthorizedPrincipalsFile="%s/%%u" % pdir)
    since, res = login(srv, auth_user, key, cert)
    if ok:
        expect_accepted(srv, since, res, auth_user.name)
    else:
        expect_refused(srv, since, res, auth_user.name,
                       log.replace("USER", auth_user.name))


def test_authorized_principals_file_in_home(server_factory, auth_user,
                                            keydir, cas, trusted):
    auth_user.write_file(auth_user.ssh_dir / "principals", "pcp-home\n")
    key = keygen(keydir / "k", ["-t", "ed25519"])
    cert = sign_cert(cas["ed25519"], key, "apf", ["pcp-home"])
    srv = server_factory(TrustedUserCAKeys=trusted,
                         AuthorizedPrincipalsFile="%h/.ssh/principals")
    since, res = login(srv, auth_user, key, cert)
    expect_accepted(srv, since, res, auth_user.name)
    # The user name alone is not enough once a principals file is set.
    cert = sign_cert(cas["ed25519"], key, "apf2", [auth_user.name])
    since, res = login(srv, auth_user, key, cert)
    expect_refused(srv, since, res, auth_user.name,
                   r"Certificate does not contain an authorized principal")


def test_authorized_principals_command(server_factory, auth_user, keydir,
                                       cas, trusted, root_dir):
    cmd = root_dir / "apc.sh"
    # Prints a principal only when called for our user (%u) with the
    # certificate's key id (%i).
    cmd.write_text('#!/bin/sh\n[ "$1" = "%s" ] || exit 0\n'
                   '[ "$2" = "apc-id" ] || exit 0\necho pcp-cmd\n'
                   % auth_user.name)
    os.chmod(cmd, 0o755)
    key = keygen(keydir / "k", ["-t", "ed25519"])
    srv = server_factory(TrustedUserCAKeys=trusted,
                         AuthorizedPrincipalsCommand="%s %%u %%i" % cmd,
                         AuthorizedPrincipalsCommandUser="nobody")
    cert = sign_cert(cas["ed25519"], key, "apc-id", ["pcp-cmd"])
    since, res = login(srv, auth_user, key, cert)
    expect_accepted(srv, since, res, auth_user.name)
    cert = sign_cert(cas["ed25519"], key, "apc-other-id", ["pcp-cmd"])
    since, res = login(srv, auth_user, key, cert)
    expect_refused(srv, since, res, auth_user.name,
                   r"Certificate does not contain an authorized principal")


# --- cert-authority in authorized_keys ---------------------------------

@pytest.mark.parametrize("opts,principals,ok,log", [
    ("cert-authority", "USER", True, None),
    ("cert-authority", "other", False,
     r"Certificate invalid: principal not listed"),
    ('cert-authority,principals="a,pcca"', "pcca", True, None),
    ('cert-authority,principals="a,b"', "pcca", False,
     r"Certificate invalid: (principal not listed|no certificate principal "
     r"is authorized)"),
    ('cert-authority,from="10.0.0.0/8"', "USER", False,
     r"authorized_keys:1: matching key refused: not from a permitted host"),
    ('principals="pcca"', "pcca", False, None),
    ("", "USER", False, None),
])
def test_cert_authority_line(server_factory, auth_user, keydir, cas, opts,
                             principals, ok, log):
    line = ("%s %s" % (opts, pub_line(cas["ecdsa"]))).strip()
    auth_user.authorize(line)
    key = keygen(keydir / "k", ["-t", "ed25519"])
    p = auth_user.name if principals == "USER" else principals
    cert = sign_cert(cas["ecdsa"], key, "ca-line", [p])
    srv = server_factory()
    since, res = login(srv, auth_user, key, cert)
    if ok:
        expect_accepted(srv, since, res, auth_user.name)
    else:
        expect_refused(srv, since, res, auth_user.name,
                       log or sshtest.failed_re("publickey", auth_user.name))


# --- CASignatureAlgorithms -----------------------------------------------

@pytest.mark.parametrize("ca_sig,allowed,ok", [
    ("rsa-sha2-256", "rsa-sha2-512", False),
    ("rsa-sha2-256", "rsa-sha2-256", True),
    ("rsa-sha2-512", "rsa-sha2-512,ssh-ed25519", True),
    ("ssh-rsa", None, False),
])
def test_ca_signature_algorithms(server_factory, auth_user, keydir, cas,
                                 trusted, ca_sig, allowed, ok):
    key = keygen(keydir / "k", ["-t", "ed25519"])
    cert = sign_cert(cas["rsa"], key, "rsa-ca", [auth_user.name],
                     sig_alg=ca_sig)
    opts = {"TrustedUserCAKeys": trusted}
    if allowed is not None:
        opts["CASignatureAlgorithms"] = allowed
    srv = server_factory(**opts)
    since, res = login(srv, auth_user, key, cert)
    if ok:
        expect_accepted(srv, since, res, auth_user.name)
    else:
        expect_refused(srv, since, res, auth_user.name,
                       r"Certificate invalid: CA signature algorithm not "
                       r"allowed")


# --- the server's host certificate ------------------------------------

@pytest.fixture
def host_cert_setup(tmp_path, cas):
    d = tmp_path / "hostcert"
    d.mkdir()
    hk = keygen(d / "ssh_host_ed25519_key", ["-t", "ed25519"], "host")
    hca = keygen(d / "host_ca", ["-t", "ed25519"], "hostca")
    cert = sign_cert(hca, hk, "pctest-host", ["127.0.0.1", "localhost"],
                     host=True)
    return hk, hca, cert, d


def test_host_certificate(server_factory, auth_user, user_keys,
                          host_cert_setup, cas):
    hk, hca, cert, d = host_cert_setup
    key = user_keys["ed25519"]
    auth_user.authorize(pub_line(key))
    srv = server_factory(_host_keys=[hk], HostCertificate=str(cert))
    kh_good = d / "known_hosts_good"
    kh_good.write_text("@cert-authority * %s\n" % pub_line(hca))
    kh_bad = d / "known_hosts_bad"
    kh_bad.write_text("@cert-authority * %s\n" % pub_line(cas["other"]))
    base = ["StrictHostKeyChecking=yes",
            "HostKeyAlgorithms=ssh-ed25519-cert-v01@openssh.com"]

    since, res = login(srv, auth_user, key,
                       options=base + ["UserKnownHostsFile=%s" % kh_good])
    expect_accepted(srv, since, res, auth_user.name)
    assert "Server host certificate: ssh-ed25519-cert-v01@openssh.com" in \
        res.stderr, res
    assert re.search(r"matches the ED25519-CERT host certificate",
                     res.stderr), res

    # A client trusting another CA refuses the host, before any auth.
    since, res = login(srv, auth_user, key,
                       options=base + ["UserKnownHostsFile=%s" % kh_bad])
    assert not res.authenticated() and res.rc == 255, res
    assert "Host key verification failed" in res.stderr, res
    assert not srv.wait_log(r"Accepted", since=since, timeout=0.5)


def test_host_certificate_plain_key_still_offered(server_factory, auth_user,
                                                  user_keys,
                                                  host_cert_setup):
    hk, hca, cert, d = host_cert_setup
    key = user_keys["ed25519"]
    auth_user.authorize(pub_line(key))
    srv = server_factory(_host_keys=[hk], HostCertificate=str(cert))
    since, res = login(srv, auth_user, key,
                       options=["HostKeyAlgorithms=ssh-ed25519"], verbose=1)
    expect_accepted(srv, since, res, auth_user.name)
    assert "kex: host key algorithm: ssh-ed25519" in res.stderr, res
