"""Hermetic PAM and password-database setup for integration tests.

Import it from a test module (conftest.py puts this directory on sys.path):

    import pamtest
    from pamtest import pam_setup   # noqa: F401  (the pytest fixture)

    def test_password_login(server_factory, pam_setup):
        srv = server_factory(UsePAM="yes", PasswordAuthentication="yes")
        # ... start the daemon with pam_setup.env in its environment,
        # log in as pam_setup.user with pam_setup.password ...

What it gives (PamSetup; the fixture makes a fresh one per test, in its own
temporary directory, so a test may change the expired user's password):

  env               dict of environment variables to ADD to the daemon's
                    environment (merge with os.environ; see daemon_env()):
                    LD_PRELOAD of libpam_wrapper.so and libnss_wrapper.so,
                    PAM_WRAPPER=1 and PAM_WRAPPER_SERVICE_DIR (pam_start()
                    reads our service files instead of /etc/pam.d), and
                    NSS_WRAPPER_PASSWD/GROUP/SHADOW (getpwnam() and
                    getspnam() see our users, as non-root too).
  service           the PAM service name, "portcullisd" (the daemon's default,
                    AUTHPAM_SERVICE in daemon/authpam.h).
  user, password    a user that authenticates, by PAM (pam_matrix) and by
                    crypt(3) against its shadow entry (UsePAM no).
  expired_user, expired_password
                    a user whose password is right but expired: PAM account
                    management answers PAM_NEW_AUTHTOK_REQD (pam_pctest's
                    expired= list), and its shadow entry has sp_lstchg 0.
                    Password authentication must refuse it ("Password change
                    required but no TTY available."); keyboard-interactive
                    goes through pam_chauthtok: prompts "Password: " (the
                    old password), then pam_matrix's "Old password: ",
                    "New password: " and its verify prompt, after which
                    new_password works and the user is no longer expired.
  new_password      what a test should choose as the expired user's new one.
  home(user)        the user's home directory (created, mode 0755).
  uid, gid          both users have the uid and gid of the test process, so
                    a daemon running as that user (not root) can "become"
                    them.

Both users exist only through nss_wrapper: nothing on the system changes, and
no root is needed.  Skips the test (pytest.skip) when libpam-wrapper or
libnss-wrapper is not installed (build-aux/deps.sh check installs them), and
builds build/tests/pam/pam_pctest.so with make if it is missing.

pam_wrapper notes: it copies the service files into /tmp/pam.X for each
process that calls pam_start() (a PAM child killed mid-transaction leaves
its copy behind; pam_wrapper removes stale ones itself).  Under ASan, set
PAM_WRAPPER_DISABLE_DEEPBIND=1 (env does; pam_wrapper 1.1.4 reads it as
UID_WRAPPER_DISABLE_DEEPBIND, also set).
"""

import ctypes.util
import os
import pwd
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PAM_MODULE = REPO_ROOT / "build" / "tests" / "pam" / "pam_pctest.so"
SERVICE = "portcullisd"

USER = "pcpam"
PASSWORD = "pcpam-Secret-1"
EXPIRED_USER = "pcexpired"
EXPIRED_PASSWORD = "pcexpired-Old-1"
NEW_PASSWORD = "pcexpired-New-2"


def _privsep_user():
    """The configured privilege separation user (config.h PRIVSEP_USER,
    default sshd) from the real passwd database, or None."""
    name = "sshd"
    try:
        for line in (REPO_ROOT / "config.h").read_text().splitlines():
            if line.startswith("#define PRIVSEP_USER "):
                name = line.split(None, 2)[2].strip().strip('"')
    except OSError:
        pass
    try:
        return pwd.getpwnam(name)
    except KeyError:
        return None


def _find_lib(name):
    """Absolute path of a wrapper library, or None."""
    for d in ("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib",
              "/usr/local/lib"):
        p = Path(d) / name
        if p.exists():
            return str(p)
    found = ctypes.util.find_library(name[3:].split(".so")[0])
    return found


def _pam_wrapper_module_dir():
    lib = _find_lib("libpam_wrapper.so")
    if lib is None:
        return None
    d = Path(lib).parent / "pam_wrapper"
    return d if (d / "pam_matrix.so").exists() else None


def _crypt_sha512(password):
    """A SHA-512 crypt(3) hash made by openssl (not the code under test)."""
    out = subprocess.run(["openssl", "passwd", "-6", "-stdin"],
                         input=password.encode(), capture_output=True,
                         check=True, timeout=30)
    return out.stdout.decode().strip()


def _ensure_module():
    if PAM_MODULE.exists():
        return
    subprocess.run(["make", "-C", str(REPO_ROOT), "--no-print-directory",
                    str(PAM_MODULE.relative_to(REPO_ROOT))], check=True,
                   capture_output=True, timeout=300)


class PamSetup:
    """Files for one hermetic PAM + NSS setup under directory."""

    service = SERVICE
    user = USER
    password = PASSWORD
    expired_user = EXPIRED_USER
    expired_password = EXPIRED_PASSWORD
    new_password = NEW_PASSWORD

    def __init__(self, directory):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.uid = os.getuid()
        self.gid = os.getgid()
        pam_wrapper = _find_lib("libpam_wrapper.so")
        nss_wrapper = _find_lib("libnss_wrapper.so")
        mdir = _pam_wrapper_module_dir()
        if pam_wrapper is None or nss_wrapper is None or mdir is None:
            raise FileNotFoundError("libpam-wrapper / libnss-wrapper not "
                                    "installed")
        _ensure_module()
        self.svc_dir = self.dir / "pam.d"
        self.svc_dir.mkdir(exist_ok=True)
        self.passdb = self.dir / "passdb"
        self.expired_list = self.dir / "expired"
        self.passwd_file = self.dir / "passwd"
        self.group_file = self.dir / "group"
        self.shadow_file = self.dir / "shadow"

        # pam_matrix: user:password:service (its account module checks the
        # service).
        self.passdb.write_text("%s:%s:%s\n%s:%s:%s\n" % (
            USER, PASSWORD, SERVICE, EXPIRED_USER, EXPIRED_PASSWORD,
            SERVICE))
        self.expired_list.write_text(EXPIRED_USER + "\n")
        matrix = "%s/pam_matrix.so passdb=%s" % (mdir, self.passdb)
        pctest = "%s expired=%s" % (PAM_MODULE, self.expired_list)
        (self.svc_dir / SERVICE).write_text(
            "auth     required   %s\n"
            "account  required   %s\n"
            "account  required   %s\n"
            "password requisite  %s\n"
            "password required   %s\n"
            "session  required   %s\n" % (matrix, matrix, pctest, matrix,
                                          pctest, matrix))
        (self.svc_dir / "other").write_text(
            "auth required pam_deny.so\naccount required pam_deny.so\n"
            "password required pam_deny.so\nsession required pam_deny.so\n")

        # nss_wrapper: the two users, with the test process's ids.
        lines = []
        for u in (USER, EXPIRED_USER):
            home = self.home(u)
            home.mkdir(parents=True, exist_ok=True)
            os.chmod(home, 0o755)
            lines.append("%s:x:%d:%d:Portcullis PAM test:%s:/bin/sh"
                         % (u, self.uid, self.gid, home))
        # The daemon's privilege separation user (daemon/sandbox.h) must
        # exist for it too, as on the system.
        ps = _privsep_user()
        if ps is not None:
            lines.append("%s:x:%d:%d:privsep:/nonexistent:/usr/sbin/nologin"
                         % (ps.pw_name, ps.pw_uid, ps.pw_gid))
        self.passwd_file.write_text("\n".join(lines) + "\n")
        self.group_file.write_text("pcpamgrp:x:%d:%s,%s\n"
                                   % (self.gid, USER, EXPIRED_USER))
        # shadow(5): user:hash:lastchg:min:max:warn:inactive:expire:
        # The expired user's lastchg 0 forces a change (as "passwd -e").
        self.shadow_file.write_text(
            "%s:%s:19000:0:99999:7:::\n%s:%s:0:0:99999:7:::\n" % (
                USER, _crypt_sha512(PASSWORD), EXPIRED_USER,
                _crypt_sha512(EXPIRED_PASSWORD)))
        os.chmod(self.shadow_file, 0o600)

        self.env = {
            "LD_PRELOAD": "%s:%s" % (pam_wrapper, nss_wrapper),
            "PAM_WRAPPER": "1",
            "PAM_WRAPPER_SERVICE_DIR": str(self.svc_dir),
            "PAM_WRAPPER_DISABLE_DEEPBIND": "1",
            "UID_WRAPPER_DISABLE_DEEPBIND": "1",
            "NSS_WRAPPER_PASSWD": str(self.passwd_file),
            "NSS_WRAPPER_GROUP": str(self.group_file),
            "NSS_WRAPPER_SHADOW": str(self.shadow_file),
        }

    def home(self, user):
        return self.dir / "home" / user

    def daemon_env(self, base=None):
        """os.environ (or base) with env added; LD_PRELOAD is appended."""
        e = dict(os.environ if base is None else base)
        for k, v in self.env.items():
            if k == "LD_PRELOAD" and e.get(k):
                e[k] = e[k] + ":" + v
            else:
                e[k] = v
        return e

    def still_expired(self, user=EXPIRED_USER):
        """Is user still on the PAM expired list (False after a change)?"""
        return user in self.expired_list.read_text().split()


@pytest.fixture
def pam_setup(tmp_path_factory):
    """A fresh PamSetup (see the module docstring); skips if the wrapper
    libraries are missing."""
    try:
        return PamSetup(tmp_path_factory.mktemp("pam"))
    except FileNotFoundError as e:
        pytest.skip(str(e))
