"""The daemon's command line on configuration files: -t and -T (with -C
for every Match criterion), Include, -o precedence, -p, -h, -V and -Q.

Where OpenSSH's sshd behaves the same, the test runs it too on the same
file and compares: sshd_config as administrators write it must mean the
same to both.  Every run is bounded by a timeout; nothing listens.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import sshtest

pytestmark = pytest.mark.skipif(sshtest.IS_OPENSSH,
                                reason="portcullisd's command line")

DATA = sshtest.REPO_ROOT / "tests" / "data" / "config"
SSHD = sshtest.OPENSSH_SSHD
TIMEOUT = 60


def run(args, binary=None, env=None):
    """Run the daemon (or sshd) with args; CompletedProcess, text."""
    cmd = [binary or sshtest.server_binary()] + [str(a) for a in args]
    return subprocess.run(cmd, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=TIMEOUT, text=True, env=env)


def have_sshd():
    return os.access(SSHD, os.X_OK) and sshtest.is_root()


def run_sshd(args):
    os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
    return run(args, binary=SSHD)


def dump(text):
    """-T output as {keyword: [values...]} (repeated keywords listed)."""
    out = {}
    for line in text.splitlines():
        kw, _, val = line.partition(" ")
        out.setdefault(kw, []).append(val)
    return out


@pytest.fixture
def conf(tmp_path, host_keys):
    """Write a config file with one HostKey line first; returns the path."""
    def write(body, name="test.conf", hostkey=True):
        p = tmp_path / name
        head = "HostKey %s\n" % host_keys[0] if hostkey else ""
        p.write_text(head + body)
        return p
    return write


# --- -t ------------------------------------------------------------------

def test_t_accepts_good_file(conf):
    p = conf("Port 2222\nAcceptEnv LANG LC_*\n"
             "Subsystem sftp /usr/lib/openssh/sftp-server\n"
             "Match User nobody\n\tForceCommand /bin/false\n")
    r = run(["-t", "-f", p])
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""


BAD_FILES = [
    ("unknown keyword", "Port 2222\nFrobnicateWidgets yes\n", 3,
     "Bad configuration option: FrobnicateWidgets"),
    ("bad value", "Port 2222\n\nMaxSessions ten\n", 4,
     "MaxSessions integer value invalid."),
    ("bad flag", "PrintMotd perhaps\n", 2, 'unsupported option "perhaps"'),
    ("unterminated quote", "Port 2222\nForceCommand \"echo hi\n", 3,
     "invalid quotes"),
    ("Match with a disallowed keyword",
     "Match User alice\n\tX11Forwarding no\n\tSubsystem x /bin/x\n", 4,
     "Directive 'Subsystem' is not allowed within a Match block"),
    ("Match with an unknown criterion", "Match Colour blue\n", 2,
     "Unsupported Match attribute Colour"),
    ("duplicate subsystem",
     "Subsystem sftp /bin/a\nSubsystem sftp /bin/b\n", 3,
     "Subsystem 'sftp' already defined."),
    ("UseDNS yes", "UseDNS yes\n", 2,
     "UseDNS yes is not supported by Portcullis"),
    ("Compression delayed", "Compression delayed\n", 2,
     "Compression delayed is not supported by Portcullis"),
    ("PermitOpen without a port", "PermitOpen example.org\n", 2,
     "PermitOpen bad port number"),
]


@pytest.mark.parametrize("what,body,line,msg", BAD_FILES,
                         ids=[b[0] for b in BAD_FILES])
def test_t_rejects_bad_file(conf, what, body, line, msg):
    p = conf(body)
    r = run(["-t", "-f", p])
    assert r.returncode == 255, (what, r.stderr)
    assert "%s line %d: " % (p, line) in r.stderr, r.stderr
    assert msg in r.stderr, r.stderr
    # -T refuses it the same way and prints no configuration.
    r = run(["-T", "-f", p])
    assert r.returncode == 255 and r.stdout == "", r.stdout


@pytest.mark.parametrize("what,body,line,msg", BAD_FILES[:5],
                         ids=[b[0] for b in BAD_FILES[:5]])
def test_sshd_rejects_them_too(conf, what, body, line, msg):
    """The same files are errors for OpenSSH's sshd, at the same line."""
    if not have_sshd():
        pytest.skip("needs root and /usr/sbin/sshd")
    p = conf(body)
    r = run_sshd(["-t", "-f", p])
    assert r.returncode == 255, r.stderr
    assert "line %d" % line in r.stderr, r.stderr


def test_t_bad_o_option(conf):
    p = conf("Port 2222\n")
    r = run(["-t", "-f", p, "-o", "PermitTTY=perhaps"])
    assert r.returncode == 255
    assert "command-line line 1: " in r.stderr, r.stderr


def test_t_missing_file(tmp_path):
    r = run(["-t", "-f", tmp_path / "absent.conf"])
    assert r.returncode == 255
    assert "absent.conf" in r.stderr


def test_t_missing_host_key(conf, tmp_path):
    p = conf("HostKey %s\n" % (tmp_path / "nokey"), hostkey=False)
    r = run(["-t", "-f", p])
    assert r.returncode == 255, r.stderr


# --- whole files from elsewhere -----------------------------------------

def _default_host_keys():
    """The stock file names no HostKey: /etc/ssh/ssh_host_*_key apply.
    Make any that are missing (root), as openssh-server's postinst does."""
    made = []
    for t in ("rsa", "ecdsa", "ed25519"):
        p = Path("/etc/ssh/ssh_host_%s_key" % t)
        if not p.exists():
            if not sshtest.is_root():
                pytest.skip("needs root to create %s" % p)
            subprocess.run([sshtest.SSH_KEYGEN, "-q", "-N", "", "-t", t,
                            "-f", str(p)], check=True, timeout=120,
                           capture_output=True)
            made.append(p)
    return made


def test_debian12_stock_config_unchanged():
    """Debian 12's /etc/ssh/sshd_config, byte for byte, passes -t."""
    stock = DATA / "debian12" / "sshd_config"
    if Path("/usr/share/openssh/sshd_config").exists():
        assert stock.read_bytes() == \
            Path("/usr/share/openssh/sshd_config").read_bytes()
    _default_host_keys()
    r = run(["-t", "-f", stock])
    assert r.returncode == 0, r.stderr
    r = run(["-T", "-f", stock])
    assert r.returncode == 0, r.stderr
    d = dump(r.stdout)
    assert d["usepam"] == ["yes"]
    assert d["kbdinteractiveauthentication"] == ["no"]
    assert d["x11forwarding"] == ["yes"]
    assert d["printmotd"] == ["no"]
    assert d["acceptenv"] == ["LANG", "LC_*"]
    assert d["subsystem"] == ["sftp /usr/lib/openssh/sftp-server"]


def test_openssh_regress_config(tmp_path):
    """The config OpenSSH's regress/test-exec.sh writes passes -t, and -T
    shows what sshd shows for its session keywords."""
    for name, args in (("ssh-ed25519", ["-t", "ed25519"]),
                       ("ecdsa-sha2-nistp256", ["-t", "ecdsa"]),
                       ("ssh-rsa", ["-t", "rsa", "-b", "2048"])):
        sshtest.keygen(tmp_path / ("host." + name), args)
    text = (DATA / "openssh-regress.conf").read_text()
    p = tmp_path / "sshd_config"
    p.write_text(text.replace("@OBJ@", str(tmp_path)))
    r = run(["-t", "-f", p])
    assert r.returncode == 0, r.stderr
    r = run(["-T", "-f", p])
    assert r.returncode == 0, r.stderr
    ours = dump(r.stdout)
    assert ours["pidfile"] == [str(tmp_path / "pidfile")]
    if not have_sshd():
        return
    s = run_sshd(["-T", "-f", p])
    assert s.returncode == 0, s.stderr
    theirs = dump(s.stdout)
    for kw in ("port", "addressfamily", "listenaddress", "pidfile",
               "authorizedkeysfile", "loglevel", "acceptenv", "subsystem",
               "strictmodes", "hostkey", "maxsessions", "x11forwarding",
               "permittty", "allowtcpforwarding", "clientalivecountmax"):
        assert ours.get(kw) == theirs.get(kw), kw


# --- -T and -C: every Match criterion -----------------------------------

MATCH_BODY = """\
MaxSessions 10
ForceCommand none
X11Forwarding no
Match User alice
\tMaxSessions 1
Match Host *.example.org
\tMaxSessions 2
Match Address 192.0.2.0/24
\tMaxSessions 3
Match LocalAddress 198.51.100.7
\tMaxSessions 4
Match LocalPort 2022
\tMaxSessions 5
Match User bob Address 203.0.113.*
\tForceCommand /bin/echo "bob from the test net"
\tX11Forwarding yes
"""

SPEC = "user={user},host={host},addr={addr},laddr={laddr},lport={lport}"
BASE = dict(user="carol", host="client.example.com", addr="10.9.8.7",
            laddr="10.0.0.1", lport=22)

MATCH_CASES = [
    ("none", {}, "10"),
    ("user", {"user": "alice"}, "1"),
    ("host", {"host": "ws1.example.org"}, "2"),
    ("address", {"addr": "192.0.2.99"}, "3"),
    ("localaddress", {"laddr": "198.51.100.7"}, "4"),
    ("localport", {"lport": 2022}, "5"),
    # The first matching block wins.
    ("user and address", {"user": "alice", "addr": "192.0.2.1"}, "1"),
]


@pytest.mark.parametrize("what,over,want", MATCH_CASES,
                         ids=[c[0] for c in MATCH_CASES])
def test_T_match_criteria(conf, what, over, want):
    p = conf(MATCH_BODY)
    spec = SPEC.format(**dict(BASE, **over))
    r = run(["-T", "-f", p, "-C", spec])
    assert r.returncode == 0, r.stderr
    assert dump(r.stdout)["maxsessions"] == [want]
    if have_sshd():
        s = run_sshd(["-T", "-f", p, "-C", spec])
        assert s.returncode == 0, s.stderr
        assert dump(s.stdout)["maxsessions"] == [want]


def test_T_match_all_criteria_of_a_line(conf):
    p = conf(MATCH_BODY)
    for addr, force, x11 in (("203.0.113.5",
                              '/bin/echo "bob from the test net"', "yes"),
                             ("10.1.1.1", "none", "no")):
        spec = SPEC.format(**dict(BASE, user="bob", addr=addr))
        r = run(["-T", "-f", p, "-C", spec])
        assert r.returncode == 0, r.stderr
        d = dump(r.stdout)
        assert d["forcecommand"] == [force]
        assert d["x11forwarding"] == [x11]
        if have_sshd():
            s = dump(run_sshd(["-T", "-f", p, "-C", spec]).stdout)
            assert s["forcecommand"] == [force]
            assert s["x11forwarding"] == [x11]


def test_T_match_invalid_user(conf):
    p = conf("PermitTTY yes\nMatch invalid-user\n\tPermitTTY no\n")
    r = run(["-T", "-f", p, "-C", SPEC.format(**BASE) + ",invalid-user"])
    assert r.returncode == 0, r.stderr
    assert dump(r.stdout)["permittty"] == ["no"]
    r = run(["-T", "-f", p, "-C", SPEC.format(**BASE)])
    assert dump(r.stdout)["permittty"] == ["yes"]


def test_T_match_group(conf):
    """Match Group with a real group and a real member (root only)."""
    if not sshtest.is_root():
        pytest.skip("needs root: groupadd, useradd")
    group = sshtest.make_group()
    try:
        member = sshtest.SysUser(prefix="pcgm", groups=[group])
        other = sshtest.SysUser(prefix="pcgo")
        try:
            p = conf("AllowTcpForwarding yes\nMatch Group %s\n"
                     "\tAllowTcpForwarding local\n"
                     "\tChrootDirectory /srv/%%u\n" % group)
            for user, fwd, chroot in ((member.name, "local", "/srv/%u"),
                                      (other.name, "yes", "none")):
                spec = SPEC.format(**dict(BASE, user=user))
                r = run(["-T", "-f", p, "-C", spec])
                assert r.returncode == 0, r.stderr
                d = dump(r.stdout)
                assert d["allowtcpforwarding"] == [fwd], user
                assert d["chrootdirectory"] == [chroot], user
                if have_sshd():
                    s = dump(run_sshd(["-T", "-f", p, "-C", spec]).stdout)
                    assert s["allowtcpforwarding"] == [fwd]
                    assert s["chrootdirectory"] == [chroot]
        finally:
            member.remove()
            other.remove()
    finally:
        sshtest.remove_group(group)


def test_C_needs_T(conf):
    p = conf("Port 22\n")
    r = run(["-t", "-f", p, "-C", "user=x"])
    assert r.returncode != 0
    r = run(["-T", "-f", p, "-C", "colour=blue"])
    assert r.returncode == 255
    assert "Invalid test mode specification" in r.stderr


# --- the session keywords against sshd -T --------------------------------

SESSION_BODY = """\
AcceptEnv LANG LC_*
AcceptEnv TZ
SetEnv A=1 "B=two words"
PermitUserEnvironment LANG,TZ
PrintMotd no
PrintLastLog no
ChrootDirectory /srv/%h
ForceCommand /usr/lib/openssh/sftp-server -d /upload
PermitTTY no
PermitUserRC no
Subsystem sftp /usr/lib/openssh/sftp-server -l INFO
Subsystem backup /usr/local/bin/backup --stdin
MaxSessions 4
ClientAliveInterval 1m
ClientAliveCountMax 5
TCPKeepAlive no
X11Forwarding yes
X11DisplayOffset 12
X11UseLocalhost no
AllowAgentForwarding no
AllowTcpForwarding remote
AllowStreamLocalForwarding all
GatewayPorts clientspecified
PermitTunnel point-to-point
DisableForwarding yes
PermitOpen db.internal:5432 [::1]:*
PermitListen 8080 localhost:9090
UseDNS no
Compression no
VersionAddendum hello world
StreamLocalBindMask 022
StreamLocalBindUnlink yes
"""

SESSION_KEYWORDS = (
    "acceptenv", "setenv", "permituserenvironment", "printmotd",
    "printlastlog", "chrootdirectory", "forcecommand", "permittty",
    "permituserrc", "subsystem", "maxsessions", "clientaliveinterval",
    "clientalivecountmax", "tcpkeepalive", "x11forwarding",
    "x11displayoffset", "x11uselocalhost", "allowagentforwarding",
    "allowtcpforwarding", "allowstreamlocalforwarding", "gatewayports",
    "permittunnel", "disableforwarding", "permitopen", "permitlisten",
    "usedns", "compression", "versionaddendum", "streamlocalbindmask",
    "streamlocalbindunlink")


def test_T_session_keywords(conf):
    p = conf(SESSION_BODY)
    r = run(["-T", "-f", p])
    assert r.returncode == 0, r.stderr
    ours = dump(r.stdout)
    assert ours["subsystem"] == [
        "sftp /usr/lib/openssh/sftp-server -l INFO",
        "backup /usr/local/bin/backup --stdin"]
    assert ours["permitlisten"] == ["*:8080 localhost:9090"]
    assert ours["streamlocalbindmask"] == ["022"]
    if not have_sshd():
        return
    s = run_sshd(["-T", "-f", p])
    assert s.returncode == 0, s.stderr
    theirs = dump(s.stdout)
    for kw in SESSION_KEYWORDS:
        assert ours.get(kw) == theirs.get(kw), kw


def test_T_session_defaults(conf):
    p = conf("")
    ours = dump(run(["-T", "-f", p]).stdout)
    if not have_sshd():
        assert ours["maxsessions"] == ["10"]
        return
    theirs = dump(run_sshd(["-T", "-f", p]).stdout)
    for kw in SESSION_KEYWORDS:
        if kw == "compression":
            # OpenSSH offers zlib@openssh.com by default; Portcullis
            # offers only "none" (RFC 4253 s. 6.2) and says so.
            assert ours[kw] == ["no"] and theirs[kw] == ["yes"]
            continue
        assert ours.get(kw) == theirs.get(kw), kw


# --- Include -----------------------------------------------------------

def test_include_glob_absolute(conf, tmp_path):
    d = tmp_path / "conf.d"
    d.mkdir()
    (d / "20-b.conf").write_text("MaxSessions 20\nAcceptEnv B\n")
    (d / "10-a.conf").write_text("AcceptEnv A\n")
    (d / "30-c.conf.disabled").write_text("Frobnicate yes\n")
    p = conf("Include %s/*.conf\nMaxSessions 5\n" % d)
    r = run(["-T", "-f", p])
    assert r.returncode == 0, r.stderr
    d2 = dump(r.stdout)
    # Lexical order; the included value comes first, so it wins.
    assert d2["acceptenv"] == ["A", "B"]
    assert d2["maxsessions"] == ["20"]


def test_include_error_names_included_file(conf, tmp_path):
    inc = tmp_path / "bad.conf"
    inc.write_text("# comment\nMaxSessions many\n")
    p = conf("Include %s\n" % inc)
    r = run(["-t", "-f", p])
    assert r.returncode == 255
    assert "%s line 2: " % inc in r.stderr, r.stderr


def test_include_relative_is_under_etc_ssh(conf):
    """A relative Include is taken under /etc/ssh, as OpenSSH does
    (root: makes and removes a directory there)."""
    if not sshtest.is_root() or not os.path.isdir("/etc/ssh"):
        pytest.skip("needs root and /etc/ssh")
    rel = "pctest-include-%s" % os.urandom(4).hex()
    d = Path("/etc/ssh") / rel
    d.mkdir()
    try:
        (d / "one.conf").write_text("PermitTTY no\n")
        (d / "two.conf").write_text("MaxSessions 7\n")
        p = conf("Include %s/*.conf\n" % rel)
        r = run(["-T", "-f", p])
        assert r.returncode == 0, r.stderr
        d2 = dump(r.stdout)
        assert d2["permittty"] == ["no"]
        assert d2["maxsessions"] == ["7"]
        if have_sshd():
            s = dump(run_sshd(["-T", "-f", p]).stdout)
            assert s["permittty"] == ["no"] and s["maxsessions"] == ["7"]
    finally:
        shutil.rmtree(d)


def test_include_inside_match(conf, tmp_path):
    inc = tmp_path / "m.conf"
    inc.write_text("MaxSessions 2\n")
    p = conf("Match User alice\n\tInclude %s\n" % inc)
    spec = SPEC.format(**dict(BASE, user="alice"))
    assert dump(run(["-T", "-f", p, "-C", spec]).stdout)["maxsessions"] \
        == ["2"]
    spec = SPEC.format(**BASE)
    assert dump(run(["-T", "-f", p, "-C", spec]).stdout)["maxsessions"] \
        == ["10"]


# --- -o, -p, -h ----------------------------------------------------------

def test_o_precedes_file(conf):
    p = conf("MaxSessions 5\nForceCommand /bin/file\nAcceptEnv FILE\n"
             "Port 2200\n")
    r = run(["-T", "-f", p, "-o", "MaxSessions=3", "-o",
             "ForceCommand /bin/cmdline arg", "-o", "AcceptEnv=CMD"])
    assert r.returncode == 0, r.stderr
    d = dump(r.stdout)
    assert d["maxsessions"] == ["3"]
    assert d["forcecommand"] == ["/bin/cmdline arg"]
    # Lists that add: -o first, then the file.
    assert d["acceptenv"] == ["CMD", "FILE"]


def test_o_match_refused(conf):
    p = conf("")
    r = run(["-t", "-f", p, "-o", "Match User x"])
    assert r.returncode == 255


def test_p_overrides_port(conf):
    p = conf("Port 2200\nPort 2201\nListenAddress 127.0.0.1\n")
    r = run(["-T", "-f", p, "-p", "2300"])
    assert r.returncode == 0, r.stderr
    d = dump(r.stdout)
    assert d["port"] == ["2300"]
    assert d["listenaddress"] == ["127.0.0.1:2300"]
    r = run(["-T", "-f", p, "-p", "0"])
    assert r.returncode != 0


def test_h_adds_host_key(conf, host_keys):
    p = conf("", hostkey=False)
    r = run(["-T", "-f", p, "-h", host_keys[1], "-h", host_keys[0]])
    assert r.returncode == 0, r.stderr
    assert dump(r.stdout)["hostkey"] == [str(host_keys[1]),
                                         str(host_keys[0])]
    r = run(["-t", "-f", p, "-h", host_keys[1]])
    assert r.returncode == 0, r.stderr


# --- -V, -Q -------------------------------------------------------------

def test_V():
    r = run(["-V"])
    assert r.returncode == 0
    assert re.match(r"Portcullis_\S+, ", r.stderr), r.stderr


@pytest.mark.parametrize("what,expect", [
    ("cipher", "chacha20-poly1305@openssh.com"),
    ("mac", "hmac-sha2-256-etm@openssh.com"),
    ("kex", "curve25519-sha256"),
    ("key", "ssh-ed25519"),
])
def test_Q(what, expect):
    r = run(["-Q", what])
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert expect in lines
    assert all(re.match(r"^[a-z0-9@.\-]+$", l) for l in lines), lines


def test_Q_unknown():
    r = run(["-Q", "colours"])
    assert r.returncode != 0
    assert r.stdout == ""


# --- the shipped etc/sshd_config ----------------------------------------

def test_shipped_config():
    """etc/sshd_config passes -t, and each commented-out session line
    shows the default that -T prints."""
    shipped = sshtest.REPO_ROOT / "etc" / "sshd_config"
    _default_host_keys()
    r = run(["-t", "-f", shipped])
    assert r.returncode == 0, r.stderr
    d = dump(run(["-T", "-f", shipped]).stdout)
    assert d["subsystem"] == ["sftp /usr/lib/openssh/sftp-server"]
    checked = 0
    for line in shipped.read_text().splitlines():
        m = re.match(r"^#([A-Za-z0-9]+) (\S.*)$", line)
        if m is None or m.group(1).lower() not in SESSION_KEYWORDS:
            continue
        kw, val = m.group(1).lower(), m.group(2)
        if kw in ("acceptenv", "setenv"):
            assert kw not in d      # examples, not defaults
            continue
        assert d[kw] == [val], (line, d[kw])
        checked += 1
    assert checked >= 20
