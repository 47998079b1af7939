"""The PAM session (UsePAM yes): after a public-key login the daemon opens
a PAM session with the service named by PAMServiceName, the session stack's
modules run (here pam_exec writes what it sees to a file), PAM's
environment reaches the user's process (pam_env), and the session is closed
when the connection ends.  Runs as root with a PAM service file of the
test's own under /etc/pam.d, removed afterwards."""

import os
import subprocess
import time
import uuid

import pytest

import sshtest

pytestmark = pytest.mark.skipif(sshtest.IS_OPENSSH,
                                reason="drives portcullisd's config")

TIMEOUT = 60


@pytest.fixture(scope="module")
def pam_service(tmp_path_factory):
    if not sshtest.is_root():
        pytest.skip("needs root: installs a PAM service in /etc/pam.d")
    d = tmp_path_factory.mktemp("pamsess")
    os.chmod(d, 0o755)
    log = d / "hook.log"
    hook = d / "hook.sh"
    hook.write_text("#!/bin/sh\n"
                    "echo \"$PAM_TYPE $PAM_USER $PAM_RHOST $PAM_SERVICE\" "
                    ">> %s\n" % log)
    os.chmod(hook, 0o755)
    envfile = d / "pam.env"
    envfile.write_text("PCTEST_PAMVAR=from-pam-env\n")
    name = "portcullisd-pctest-%s" % uuid.uuid4().hex[:8]
    path = "/etc/pam.d/" + name
    with open(path, "w") as f:
        f.write("auth required pam_unix.so\n"
                "account required pam_unix.so\n"
                "session required pam_exec.so %s\n"
                "session required pam_env.so readenv=1 envfile=%s\n"
                % (hook, envfile))
    yield name, log
    os.unlink(path)


@pytest.fixture(scope="module")
def pam_user(tmp_path_factory):
    if not sshtest.is_root():
        pytest.skip("needs root: creates a user")
    u = sshtest.SysUser(prefix="pcpams", shell="/bin/sh")
    key = sshtest.keygen(tmp_path_factory.mktemp("pamkey") / "id_ed25519")
    u.reset()
    u.authorize(sshtest.pub_line(key))
    yield u, key
    u.remove()


def run_ssh(port, user, key, command):
    cmd = [sshtest.SSH, "-F", "/dev/null", "-p", str(port), "-l", user,
           "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
           "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes",
           "-o", "IdentityFile=%s" % key, "-o", "IdentityAgent=none",
           "-o", "ConnectTimeout=10", "127.0.0.1", command]
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL, timeout=TIMEOUT)


def wait_for(path, text, timeout=10):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if path.exists() and text in path.read_text():
            return True
        time.sleep(0.1)
    return False


def test_pam_session_opened_and_closed(server_factory, pam_service,
                                       pam_user):
    service, log = pam_service
    user, key = pam_user
    srv = server_factory(UsePAM="yes", PAMServiceName=service,
                         KbdInteractiveAuthentication="no")
    res = run_ssh(srv.port, user.name, key, "echo in-session")
    assert res.returncode == 0, res.stderr.decode(errors="replace")
    assert res.stdout == b"in-session\n"
    # The session stack ran for this user, with our service and the
    # peer's address, and was closed when the connection ended.
    assert wait_for(log, "open_session %s 127.0.0.1 %s" % (user.name,
                                                              service)), \
        log.read_text() if log.exists() else "no hook output"
    assert wait_for(log, "close_session %s 127.0.0.1 %s" % (user.name,
                                                               service)), \
        log.read_text()


def test_pam_environment_reaches_the_session(server_factory, pam_service,
                                             pam_user):
    service, _ = pam_service
    user, key = pam_user
    srv = server_factory(UsePAM="yes", PAMServiceName=service,
                         KbdInteractiveAuthentication="no")
    res = run_ssh(srv.port, user.name, key, "echo $PCTEST_PAMVAR")
    assert res.returncode == 0, res.stderr.decode(errors="replace")
    assert res.stdout == b"from-pam-env\n"


def test_without_pam_no_session_hook(server_factory, pam_service, pam_user):
    service, log = pam_service
    user, key = pam_user
    before = log.read_text() if log.exists() else ""
    srv = server_factory(UsePAM="no", PAMServiceName=service)
    res = run_ssh(srv.port, user.name, key, "echo $PCTEST_PAMVAR")
    assert res.returncode == 0, res.stderr.decode(errors="replace")
    assert res.stdout == b"\n"
    time.sleep(0.5)
    after = log.read_text() if log.exists() else ""
    assert after == before
