"""portcullis-keygen against the real OpenSSH ssh-keygen.

Run from anywhere after `make`:
    /usr/bin/python3 -m pytest tests/integration/test_keygen.py
"""
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEYGEN = ROOT / "portcullis-keygen"
FIXTURES = ROOT / "tests" / "data" / "keys"
SSH_KEYGEN = shutil.which("ssh-keygen")

pytestmark = [
    pytest.mark.skipif(not KEYGEN.exists(), reason="run make first"),
    pytest.mark.skipif(SSH_KEYGEN is None, reason="OpenSSH ssh-keygen missing"),
]


def run(*args, check=True):
    p = subprocess.run([str(a) for a in args], capture_output=True, text=True,
                       timeout=120)
    if check and p.returncode != 0:
        raise AssertionError(f"{args} exited {p.returncode}:\n{p.stdout}{p.stderr}")
    return p


def pc(*args, check=True):
    return run(KEYGEN, *args, check=check)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def sysconfdir():
    text = (ROOT / "config.h").read_text()
    m = re.search(r'#define PC_SYSCONFDIR "([^"]*)"', text)
    assert m, "PC_SYSCONFDIR not in config.h"
    return m.group(1)


GEN_CASES = [
    ("ed25519", None, "ED25519", 256),
    ("ecdsa", None, "ECDSA", 256),
    ("ecdsa", "384", "ECDSA", 384),
    ("ecdsa", "521", "ECDSA", 521),
    ("rsa", "2048", "RSA", 2048),
    ("rsa", None, "RSA", 3072),
]


@pytest.mark.parametrize("ktype,bits,label,nbits", GEN_CASES)
def test_generate_read_by_openssh(tmp_path, ktype, bits, label, nbits):
    key = tmp_path / f"id_{ktype}"
    args = ["-q", "-t", ktype, "-f", key, "-C", f"made by test {ktype}", "-N", ""]
    if bits:
        args[3:3] = ["-b", bits]
    p = pc(*args)
    assert p.stdout == "" and p.stderr == ""
    assert mode(key) == 0o600
    assert mode(f"{key}.pub") == 0o644
    assert key.read_text().startswith("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    assert all(len(line) <= 70 for line in key.read_text().splitlines())

    publine = Path(f"{key}.pub").read_text()
    assert publine.endswith(f" made by test {ktype}\n")
    # OpenSSH reads our private key and derives the same public line.
    ossh = run(SSH_KEYGEN, "-y", "-f", key)
    assert ossh.stdout == publine

    # Same fingerprint line from both tools, for the private and .pub.
    ours = pc("-l", "-f", key).stdout
    theirs = run(SSH_KEYGEN, "-l", "-f", key).stdout
    assert ours == theirs
    assert ours.startswith(f"{nbits} SHA256:")
    assert ours.rstrip().endswith(f"made by test {ktype} ({label})")
    assert pc("-l", "-f", f"{key}.pub").stdout == \
        run(SSH_KEYGEN, "-l", "-f", f"{key}.pub").stdout
    assert pc("-y", "-f", key).stdout == publine


@pytest.mark.parametrize("ktype", ["ed25519", "ecdsa", "rsa"])
def test_openssh_signs_with_our_key(tmp_path, ktype):
    """ssh-keygen -Y sign uses the private half we wrote."""
    key = tmp_path / "k"
    pc("-q", "-t", ktype, "-f", key, "-C", "signer",
       *(["-b", "2048"] if ktype == "rsa" else []))
    msg = tmp_path / "msg"
    msg.write_text("signed by OpenSSH with a portcullis key\n")
    run(SSH_KEYGEN, "-Y", "sign", "-f", key, "-n", "test", msg)
    allowed = tmp_path / "allowed"
    allowed.write_text("signer " + " ".join(
        Path(f"{key}.pub").read_text().split()[:2]) + "\n")
    with open(msg) as f:
        p = subprocess.run([SSH_KEYGEN, "-Y", "verify", "-f", str(allowed),
                            "-I", "signer", "-n", "test", "-s", f"{msg}.sig"],
                           stdin=f, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr


def test_host_keys_all(tmp_path):
    prefix = str(tmp_path / "root")
    etc = Path(prefix + sysconfdir())
    etc.mkdir(parents=True)
    p = pc("-A", "-f", prefix)
    for label in ("ED25519", "ECDSA", "RSA"):
        assert label in p.stdout
    want = {"ed25519": "256 ", "ecdsa": "256 ", "rsa": "3072 "}
    for name, bits in want.items():
        key = etc / f"ssh_host_{name}_key"
        assert mode(key) == 0o600
        assert mode(f"{key}.pub") == 0o644
        assert run(SSH_KEYGEN, "-l", "-f", key).stdout.startswith(bits)
        assert run(SSH_KEYGEN, "-y", "-f", key).stdout.split()[:2] == \
            Path(f"{key}.pub").read_text().split()[:2]
    assert sorted(os.listdir(etc)) == sorted(
        f"ssh_host_{n}_key{s}" for n in want for s in ("", ".pub"))

    # A second run makes nothing and leaves the keys alone.
    before = {f: (etc / f).read_bytes() for f in os.listdir(etc)}
    p = pc("-A", "-f", prefix)
    assert p.stdout == ""
    assert {f: (etc / f).read_bytes() for f in os.listdir(etc)} == before

    # Only the missing one is made.
    (etc / "ssh_host_ecdsa_key").unlink()
    (etc / "ssh_host_ecdsa_key.pub").unlink()
    p = pc("-A", "-f", prefix)
    assert "ECDSA" in p.stdout and "RSA" not in p.stdout
    assert (etc / "ssh_host_rsa_key").read_bytes() == \
        before["ssh_host_rsa_key"]


def test_host_keys_missing_dir(tmp_path):
    p = pc("-A", "-f", str(tmp_path / "nowhere"), check=False)
    assert p.returncode == 1
    assert "nowhere" in p.stderr


FIXTURE_KEYS = ["ed25519", "ecdsa256", "ecdsa384", "ecdsa521", "rsa2048",
                "rsa3072", "rsa_pem", "ecdsa_pem", "ecdsa_pkcs8", "rsa_pkcs8"]


@pytest.mark.parametrize("name", FIXTURE_KEYS)
def test_reads_openssh_fixtures(tmp_path, name):
    key = tmp_path / name
    shutil.copy(FIXTURES / name, key)
    os.chmod(key, 0o600)
    ours = pc("-y", "-f", key).stdout.split()
    theirs = run(SSH_KEYGEN, "-y", "-f", key).stdout.split()
    assert ours == theirs
    assert ours[:2] == (FIXTURES / f"{name}.pub").read_text().split()[:2]


@pytest.mark.parametrize("ktype,fmt", [("ed25519", None), ("ecdsa", "PEM"),
                                       ("rsa", "PEM"), ("ecdsa", "PKCS8"),
                                       ("rsa", "PKCS8"), ("rsa", None)])
def test_reads_fresh_openssh_keys(tmp_path, ktype, fmt):
    key = tmp_path / "k"
    args = [SSH_KEYGEN, "-q", "-t", ktype, "-N", "", "-C", "fresh", "-f", key]
    if fmt:
        args += ["-m", fmt]
    if ktype == "rsa":
        args += ["-b", "2048"]
    run(*args)
    assert pc("-y", "-f", key).stdout.split()[:2] == \
        Path(f"{key}.pub").read_text().split()[:2]
    assert pc("-l", "-f", key).stdout == run(SSH_KEYGEN, "-l", "-f", key).stdout


def test_refuses_overwrite(tmp_path):
    key = tmp_path / "k"
    pc("-q", "-t", "ed25519", "-f", key)
    before = key.read_bytes(), Path(f"{key}.pub").read_bytes()
    p = pc("-q", "-t", "ed25519", "-f", key, check=False)
    assert p.returncode == 1
    assert "exists" in p.stderr and str(key) in p.stderr
    assert (key.read_bytes(), Path(f"{key}.pub").read_bytes()) == before
    # A stray .pub alone also blocks it.
    other = tmp_path / "o"
    Path(f"{other}.pub").write_text("x\n")
    assert pc("-q", "-t", "ed25519", "-f", other, check=False).returncode == 1
    assert not other.exists()


def test_refuses_passphrase(tmp_path):
    p = pc("-q", "-t", "ed25519", "-f", tmp_path / "k", "-N", "secret",
           check=False)
    assert p.returncode == 1
    assert "not supported" in p.stderr
    assert not (tmp_path / "k").exists()


def test_refuses_open_permissions(tmp_path):
    key = tmp_path / "k"
    pc("-q", "-t", "ed25519", "-f", key)
    os.chmod(key, 0o644)
    p = pc("-y", "-f", key, check=False)
    assert p.returncode == 1
    assert str(key) in p.stderr and "0644" in p.stderr
    assert p.stdout == ""
    os.chmod(key, 0o640)
    p = pc("-y", "-f", key, check=False)
    assert p.returncode == 1 and "0640" in p.stderr
    os.chmod(key, 0o400)
    assert pc("-y", "-f", key).returncode == 0


def test_encrypted_key(tmp_path):
    key = tmp_path / "enc"
    shutil.copy(FIXTURES / "ed25519_encrypted", key)
    os.chmod(key, 0o600)
    p = pc("-y", "-f", key, check=False)
    assert p.returncode == 1
    assert "passphrase" in p.stderr


@pytest.mark.parametrize("args", [
    ["-t", "rsa", "-b", "768"],
    ["-t", "ecdsa", "-b", "255"],
    ["-t", "dsa"],
    ["-t", "ed25519"],          # no -f
    ["-y"],                     # no -f
    ["-t", "rsa", "-b", "abc"],
    [],
])
def test_usage_errors(tmp_path, args):
    if "-t" in args and args != ["-t", "ed25519"]:
        args = args + ["-f", str(tmp_path / "k")]
    p = pc(*args, check=False)
    assert p.returncode == 1
    assert p.stderr != ""
    assert not (tmp_path / "k").exists()


def test_list_public_only_and_garbage(tmp_path):
    pub = tmp_path / "only.pub"
    shutil.copy(FIXTURES / "ecdsa384.pub", pub)
    assert pc("-l", "-f", pub).stdout == run(SSH_KEYGEN, "-l", "-f", pub).stdout
    junk = tmp_path / "junk"
    junk.write_text("not a key\n")
    os.chmod(junk, 0o600)
    p = pc("-l", "-f", junk, check=False)
    assert p.returncode == 1 and str(junk) in p.stderr
