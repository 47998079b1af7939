"""portcullisd's authentication log lines, read by Debian's fail2ban:
a few failures (wrong password, invalid user, wrong key, too many tries)
and a success at LogLevel VERBOSE (where OpenSSH, too, logs a first
failed key); the lines, written as syslog would
("Mon DD HH:MM:SS host sshd[PID]: ..."), go through fail2ban-regex with
/etc/fail2ban/filter.d/sshd.conf, which must find every failure with the
right address and user.  The exact wording of the lines is checked too."""

import ast
import os
import re
import shutil
import subprocess
import time
import warnings

import pytest

import sshtest
from sshtest import pub_line, ssh_login

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import paramiko

F2B = shutil.which("fail2ban-regex")
FILTER = "/etc/fail2ban/filter.d/sshd.conf"
INVALID = "pcnosuchuser"


@pytest.fixture(scope="module")
def scenario(module_server_factory, auth_user_session, tmp_path_factory):
    """Runs the clients once; returns (server, user, key fingerprint)."""
    u = auth_user_session
    u.reset()
    d = tmp_path_factory.mktemp("logkeys")
    good = sshtest.keygen(d / "good", ["-t", "ed25519"])
    bad = sshtest.keygen(d / "bad", ["-t", "ed25519"])
    u.authorize(pub_line(good))
    srv = module_server_factory(LogLevel="VERBOSE", UsePAM="no",
                                MaxAuthTries="3")
    # 1: wrong password (ssh, askpass)
    r = ssh_login(srv.port, u.name, password="wrong-pw", methods="password")
    assert not r.authenticated()
    # 2: invalid user, password, from 127.0.0.2
    r = ssh_login(srv.port, INVALID, password="x", methods="password",
                  bind="127.0.0.2")
    assert not r.authenticated()
    # 3: wrong key
    r = ssh_login(srv.port, u.name, key=bad)
    assert not r.authenticated()
    # 4: too many tries (paramiko, three wrong passwords)
    import socket
    sock = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
    t = paramiko.Transport(sock)
    try:
        t.start_client(timeout=30)
        for i in range(3):
            try:
                t.auth_password(u.name, "bad-%d" % i, fallback=False)
            except paramiko.SSHException:
                pass
    finally:
        t.close()
    # 5: success
    r = ssh_login(srv.port, u.name, key=good)
    assert r.authenticated(), r
    # Let the last lines reach the log.
    srv.wait_log(r"Received disconnect|Connection closed", count=4,
                 timeout=5)
    srv.wait_log(r"Accepted publickey", timeout=5)
    time.sleep(0.3)
    return srv, u, sshtest.fingerprint(good)


def syslog_lines(text):
    """The daemon's lines as syslog writes them, one pid per connection
    (the client's port), as sshd's per-connection processes have."""
    out = []
    stamp = time.strftime("%b %d %H:%M:%S", time.localtime())
    stamp = stamp[:4] + ("%2d" % int(stamp[4:6])) + stamp[6:]
    for line in text.splitlines():
        if not line.strip():
            continue
        m = re.search(r"port (\d+)", line)
        pid = 20000 + int(m.group(1)) % 40000 if m else 1000
        out.append("%s pchost sshd[%d]: %s" % (stamp, pid, line))
    return out


def f2b_rows(lines, tmp_path, name, filt=FILTER):
    """fail2ban-regex -o row over these lines: list of (ip, user)."""
    if F2B is None or not os.path.exists(FILTER):
        pytest.skip("fail2ban is not installed (build-aux/deps.sh check)")
    p = tmp_path / name
    p.write_text("\n".join(lines) + "\n")
    r = subprocess.run([F2B, "-o", "row", str(p), filt], timeout=120,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    rows = []
    for line in r.stdout.splitlines():
        line = line.strip().rstrip(",")
        if not line.startswith("["):
            continue
        # ['127.0.0.1',\t1795288140.0,\t{...}]
        row = ast.literal_eval(line.replace("\t", " "))
        rows.append((row[0], row[2].get("user")))
    return rows


def log_text(scenario):
    return scenario[0].log_text()


def failure_lines(text):
    return [l for l in text.splitlines()
            if re.match(r"(Failed |Invalid user |maximum authentication)", l)]


def test_log_wording(scenario):
    srv, u, fp = scenario
    text = log_text(scenario)
    P = r" port \d+"
    expected = [
        r"^Failed password for %s from 127\.0\.0\.1%s ssh2$" % (u.name, P),
        r"^Invalid user %s from 127\.0\.0\.2%s$" % (INVALID, P),
        r"^Failed password for invalid user %s from 127\.0\.0\.2%s ssh2$"
        % (INVALID, P),
        r"^Failed publickey for %s from 127\.0\.0\.1%s ssh2: ED25519 "
        r"SHA256:\S+$" % (u.name, P),
        r"^maximum authentication attempts exceeded for %s from "
        r"127\.0\.0\.1%s ssh2$" % (u.name, P),
        r"^Disconnecting authenticating user %s 127\.0\.0\.1%s: Too many "
        r"authentication failures \[preauth\]$" % (u.name, P),
        r"^Accepted publickey for %s from 127\.0\.0\.1%s ssh2: ED25519 %s$"
        % (u.name, P, re.escape(fp)),
        r"^Connection closed by (authenticating|invalid) user \S+ "
        r"127\.0\.0\.\d%s \[preauth\]$" % P,
        r"^Connection from 127\.0\.0\.1%s on 127\.0\.0\.1 port %d$"
        % (P, srv.port),
    ]
    for rx in expected:
        assert re.search(rx, text, re.M), "%s not in\n%s" % (rx, text)
    # Three wrong passwords from the paramiko client, one from ssh.
    assert len(re.findall(r"^Failed password for %s " % u.name, text,
                          re.M)) == 4, text
    # LogLevel VERBOSE: no debug lines.
    assert not re.search(r"^debug", text, re.M), text


def test_each_failure_line_matched(scenario, tmp_path):
    """Each failure line alone: fail2ban's sshd filter finds the right
    address and user.  A wrong key for a valid user is "nofail" in the
    filter's default mode (trying keys is normal), so it is checked with
    publickey=any."""
    srv, u, fp = scenario
    fails = failure_lines(log_text(scenario))
    assert len(fails) >= 7, fails
    for i, line in enumerate(fails):
        sl = syslog_lines(line)
        is_pubkey = line.startswith("Failed publickey for %s " % u.name)
        rows = f2b_rows(sl, tmp_path, "one%d.log" % i,
                        "sshd[publickey=any]" if is_pubkey else FILTER)
        ip = "127.0.0.2" if INVALID in line else "127.0.0.1"
        user = INVALID if INVALID in line else u.name
        assert rows == [(ip, user)], (line, rows)
        if is_pubkey:
            assert f2b_rows(sl, tmp_path, "nofail%d.log" % i) == [], line


def test_whole_log(scenario, tmp_path):
    """The whole log: fail2ban counts every password failure and the
    invalid user, from the right hosts, and nothing from the success."""
    srv, u, fp = scenario
    text = log_text(scenario)
    rows = f2b_rows(syslog_lines(text), tmp_path, "all.log")
    by_ip = {}
    for ip, user in rows:
        by_ip.setdefault(ip, []).append(user)
    assert set(by_ip) == {"127.0.0.1", "127.0.0.2"}, rows
    # 127.0.0.2: "Invalid user" and the failed password (at least).
    assert len(by_ip["127.0.0.2"]) >= 2 and \
        set(by_ip["127.0.0.2"]) == {INVALID}, rows
    # 127.0.0.1: four failed passwords and the too-many-tries line.
    assert len(by_ip["127.0.0.1"]) >= 5, rows
    assert set(by_ip["127.0.0.1"]) <= {u.name, None}, rows
    # The successful login alone is no failure.
    acc = [l for l in text.splitlines() if l.startswith("Accepted ")]
    assert acc and f2b_rows(syslog_lines("\n".join(acc)), tmp_path,
                            "acc.log") == []
