"""RevokedKeys against portcullisd: a plain list of public keys and
OpenSSH KRLs made by ssh-keygen -k (keys, certificate serials and serial
ranges, key ids, a revoked CA, SHA256 hashes); an unreadable or malformed
file refuses every public key while passwords still work."""

import re

import pytest

import sshtest
from sshtest import (expect_accepted, expect_refused, keygen, make_krl,
                     pub_line, sign_cert, ssh_login)


@pytest.fixture
def keys(keydir):
    """Two user keys (revoked, good) and a CA."""
    return {"bad": keygen(keydir / "bad", ["-t", "ed25519"]),
            "good": keygen(keydir / "good", ["-t", "ecdsa"]),
            "ca": keygen(keydir / "ca", ["-t", "ed25519"], "ca")}


def login(srv, user, key, cert=None, **kw):
    since = srv.log_offset()
    return since, ssh_login(srv.port, user.name, key=key, cert=cert, **kw)


def revoked_re(path):
    return r"Authentication key .* revoked by file %s" % re.escape(str(path))


def check_plain(srv, auth_user, keys, path):
    since, res = login(srv, auth_user, keys["bad"])
    expect_refused(srv, since, res, auth_user.name, revoked_re(path))
    since, res = login(srv, auth_user, keys["good"])
    expect_accepted(srv, since, res, auth_user.name)


def test_plain_list(server_factory, auth_user, keys, tmp_path):
    auth_user.authorize([pub_line(keys["bad"]), pub_line(keys["good"])])
    rk = tmp_path / "revoked"
    rk.write_text("# revoked keys\n%s\n" % pub_line(keys["bad"]))
    srv = server_factory(RevokedKeys=rk)
    check_plain(srv, auth_user, keys, rk)


def test_empty_plain_list_revokes_nothing(server_factory, auth_user, keys,
                                          tmp_path):
    auth_user.authorize([pub_line(keys["bad"])])
    rk = tmp_path / "revoked"
    rk.write_text("")
    srv = server_factory(RevokedKeys=rk)
    since, res = login(srv, auth_user, keys["bad"])
    expect_accepted(srv, since, res, auth_user.name)


def test_krl_plain_key(server_factory, auth_user, keys, tmp_path):
    auth_user.authorize([pub_line(keys["bad"]), pub_line(keys["good"])])
    krl = make_krl(tmp_path / "krl", [str(keys["bad"]) + ".pub"])
    assert krl.read_bytes().startswith(b"SSHKRL\n\0")
    srv = server_factory(RevokedKeys=krl)
    check_plain(srv, auth_user, keys, krl)


def test_krl_sha256_hash(server_factory, auth_user, keys, tmp_path):
    auth_user.authorize([pub_line(keys["bad"]), pub_line(keys["good"])])
    krl = make_krl(tmp_path / "krl",
                   ["hash: " + sshtest.fingerprint(keys["bad"])])
    srv = server_factory(RevokedKeys=krl)
    check_plain(srv, auth_user, keys, krl)


def test_krl_plain_key_revokes_its_certificate(server_factory, auth_user,
                                               keys, tmp_path):
    """A revoked key stays revoked inside a certificate (sshd checks the
    certificate's key too)."""
    trusted = tmp_path / "ca.pub"
    trusted.write_text(pub_line(keys["ca"]) + "\n")
    cert = sign_cert(keys["ca"], keys["bad"], "cert-of-bad",
                     [auth_user.name])
    krl = make_krl(tmp_path / "krl", [str(keys["bad"]) + ".pub"])
    srv = server_factory(RevokedKeys=krl, TrustedUserCAKeys=trusted)
    since, res = login(srv, auth_user, keys["bad"], cert)
    expect_refused(srv, since, res, auth_user.name, revoked_re(krl))


def _cert_case(server_factory, auth_user, keys, tmp_path, spec, bad, good):
    """spec: KRL lines for the CA; bad/good: (identity, serial) of a
    certificate that must be refused / accepted."""
    trusted = tmp_path / "ca.pub"
    trusted.write_text(pub_line(keys["ca"]) + "\n")
    krl = make_krl(tmp_path / "krl", spec, ca=str(keys["ca"]) + ".pub")
    srv = server_factory(RevokedKeys=krl, TrustedUserCAKeys=trusted)
    ident, serial = bad
    cert = sign_cert(keys["ca"], keys["bad"], ident, [auth_user.name],
                     serial=serial)
    since, res = login(srv, auth_user, keys["bad"], cert)
    text = expect_refused(srv, since, res, auth_user.name, revoked_re(krl))
    assert "ID %s (serial %d)" % (ident, serial) in text, text
    ident, serial = good
    cert = sign_cert(keys["ca"], keys["good"], ident, [auth_user.name],
                     serial=serial)
    since, res = login(srv, auth_user, keys["good"], cert)
    expect_accepted(srv, since, res, auth_user.name)


@pytest.mark.parametrize("spec,bad,good", [
    (["serial: 5"], ("s5", 5), ("s6", 6)),
    (["serial: 10-20"], ("s15", 15), ("s21", 21)),
    (["serial: 10-20"], ("s10", 10), ("s9", 9)),
    (["serial: 10-20"], ("s20", 20), ("s0", 0)),
    (["serial: 1", "serial: 3", "serial: 1000-1000000"], ("s5000", 5000),
     ("s2", 2)),
    (["id: badid"], ("badid", 1), ("goodid", 1)),
    (["id: badid", "serial: 7"], ("other", 7), ("goodid", 8)),
], ids=["serial", "range-middle", "range-low", "range-high", "mixed",
        "key-id", "id-and-serial"])
def test_krl_certificates(server_factory, auth_user, keys, tmp_path, spec,
                          bad, good):
    _cert_case(server_factory, auth_user, keys, tmp_path, spec, bad, good)


def test_krl_revoked_ca(server_factory, auth_user, keys, tmp_path, keydir):
    """The CA's own key in the KRL: every certificate it signed is
    refused; a certificate from another CA is accepted."""
    ca2 = keygen(keydir / "ca2", ["-t", "ecdsa"], "ca2")
    trusted = tmp_path / "ca.pub"
    trusted.write_text("%s\n%s\n" % (pub_line(keys["ca"]), pub_line(ca2)))
    krl = make_krl(tmp_path / "krl", [str(keys["ca"]) + ".pub"])
    srv = server_factory(RevokedKeys=krl, TrustedUserCAKeys=trusted)
    cert = sign_cert(keys["ca"], keys["bad"], "by-revoked-ca",
                     [auth_user.name], serial=99)
    since, res = login(srv, auth_user, keys["bad"], cert)
    expect_refused(srv, since, res, auth_user.name, revoked_re(krl))
    cert = sign_cert(ca2, keys["good"], "by-ca2", [auth_user.name])
    since, res = login(srv, auth_user, keys["good"], cert)
    expect_accepted(srv, since, res, auth_user.name)


def test_krl_cert_revoked_by_key_line(server_factory, auth_user, keys,
                                      tmp_path):
    """A certificate file given to ssh-keygen -k revokes that certificate
    (by serial, or its key) and nothing else."""
    trusted = tmp_path / "ca.pub"
    trusted.write_text(pub_line(keys["ca"]) + "\n")
    cert = sign_cert(keys["ca"], keys["bad"], "listed", [auth_user.name],
                     serial=31)
    krl = make_krl(tmp_path / "krl", [str(cert)])
    srv = server_factory(RevokedKeys=krl, TrustedUserCAKeys=trusted)
    since, res = login(srv, auth_user, keys["bad"], cert)
    expect_refused(srv, since, res, auth_user.name, revoked_re(krl))
    cert2 = sign_cert(keys["ca"], keys["good"], "other", [auth_user.name],
                      serial=32)
    since, res = login(srv, auth_user, keys["good"], cert2)
    expect_accepted(srv, since, res, auth_user.name)


@pytest.mark.parametrize("content", [
    None,                                   # missing file
    b"SSHKRL\n\0\0\0\0\x01",                # truncated KRL header
    b"SSHKRL\n\0" + b"\xff" * 64,           # garbage after the magic
    b"not a key at all\n",                  # neither KRL nor key list
], ids=["missing", "truncated", "garbage", "text"])
def test_unusable_revocation_file(server_factory, auth_user, keys, tmp_path,
                                  content):
    auth_user.authorize([pub_line(keys["good"])])
    rk = tmp_path / "revoked"
    if content is not None:
        rk.write_bytes(content)
    srv = server_factory(RevokedKeys=rk, UsePAM="no")
    since, res = login(srv, auth_user, keys["good"])
    expect_refused(srv, since, res, auth_user.name,
                   r"revoked keys file %s is unreadable or malformed"
                   % re.escape(str(rk)))
    # Passwords do not depend on the file.
    since = srv.log_offset()
    res = ssh_login(srv.port, auth_user.name, password=auth_user.password,
                    methods="password")
    expect_accepted(srv, since, res, auth_user.name, method="password")


def test_krl_update_adds(server_factory, auth_user, keys, tmp_path):
    """ssh-keygen -k -u adds to an existing KRL: both keys refused."""
    auth_user.authorize([pub_line(keys["bad"]), pub_line(keys["good"])])
    krl = make_krl(tmp_path / "krl", [str(keys["bad"]) + ".pub"])
    make_krl(krl, [str(keys["good"]) + ".pub"], update=True)
    srv = server_factory(RevokedKeys=krl)
    for k in ("bad", "good"):
        since, res = login(srv, auth_user, keys[k])
        expect_refused(srv, since, res, auth_user.name, revoked_re(krl))
