"""TCP forwarding (RFC 4254 s. 7) through OpenSSH's ssh client: the policy
matrix of AllowTcpForwarding x PermitOpen / PermitListen x authorized_keys
options (plus DisableForwarding and a Match block), each case's expected
outcome computed by an oracle that mirrors sshd's rules; -D through SOCKS5;
-R with port 0; and the GatewayPorts table read from the kernel's socket
table.  Data goes end to end through an echo service on 127.0.0.1.

Developed against OpenSSH's sshd (PC_TEST_SERVER=openssh), whose behaviour
is the expectation for portcullisd."""

import re

import pytest

import sshtest

# --- the policy matrix ------------------------------------------------------
#
# A case is (server variant, key option, direction).  Ports are symbolic in
# the tables (ECHO: the echo service, RPORT: the remote listen port the
# matrix uses, OTHER: a port nothing matches) and filled in at run time.

ATF_VALUES = ("yes", "all", "no", "local", "remote")

# Server variants: name -> (AllowTcpForwarding, DisableForwarding,
# PermitOpen or None, PermitListen or None, Match: None, "self" or "other").
PERMIT_VARIANTS = {
    "unset": (None, None),
    "po-match": ("127.0.0.1:ECHO", None),
    "po-nomatch": ("127.0.0.1:OTHER", None),
    "pl-match": (None, "localhost:RPORT"),
    "pl-nomatch": (None, "localhost:OTHER"),
    "none": ("none", "none"),
}

KEY_OPTIONS = {
    "plain": "",
    "no-pf": "no-port-forwarding",
    "restrict": "restrict",
    "restrict-pf": "restrict,port-forwarding",
    "po-match": 'permitopen="127.0.0.1:ECHO"',
    "po-nomatch": 'permitopen="127.0.0.1:OTHER"',
    "pl-match": 'permitlisten="RPORT"',
    "pl-nomatch": 'permitlisten="localhost:OTHER"',
}


def _variants():
    v = {}
    for atf in ATF_VALUES:
        for pname, (po, pl) in PERMIT_VARIANTS.items():
            v["atf-%s-%s" % (atf, pname)] = (atf, "no", po, pl, None)
    v["df-yes"] = ("yes", "yes", None, None, None)
    v["df-yes-po-match"] = ("yes", "yes", "127.0.0.1:ECHO", None, None)
    # Global remote only; a Match User for this user allows local only,
    # one for another user allows everything.
    v["match-self"] = ("remote", "no", None, None, "self")
    v["match-other"] = ("remote", "no", None, None, "other")
    return v


VARIANTS = _variants()


def _cases():
    out = []
    keys_all = list(KEY_OPTIONS)
    for atf in ATF_VALUES:
        for k in keys_all:
            out.append(("atf-%s-unset" % atf, k))
    for pname in ("po-match", "po-nomatch", "pl-match", "pl-nomatch",
                  "none"):
        for k in keys_all:
            out.append(("atf-yes-%s" % pname, k))
    for atf in ("no", "local", "remote"):
        for pname in ("po-match", "pl-match", "none"):
            out.append(("atf-%s-%s" % (atf, pname), "plain"))
    for k in ("plain", "restrict-pf", "po-match"):
        out.append(("df-yes", k))
    out.append(("df-yes-po-match", "plain"))
    for k in ("plain", "pl-match", "po-nomatch"):
        out.append(("match-self", k))
    out.append(("match-other", "plain"))
    return [(v, k, d) for v, k in out for d in ("L", "R")]


CASES = _cases()
CASE_COUNT = len(CASES)


def _fill(text, ports):
    for name, value in ports.items():
        text = text.replace(name, str(value))
    return text


def _parse_list(text):
    """'h:p' entries of a PermitOpen / PermitListen / key option value;
    a bare port means any host ('*:p')."""
    out = []
    for e in text.split():
        host, sep, port = e.rpartition(":")
        if not sep:
            host, port = "*", e
        out.append((host, port))
    return out


def _glob(pattern, text):
    """sshd's match_pattern: * and ? wildcards, case-insensitive text."""
    rx = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c)
                 for c in pattern)
    return re.fullmatch(rx, text.lower()) is not None


def _open_match(entries, host, port):
    """channels.c open_match: exact host or '*', exact port or '*'."""
    return any((h == "*" or h == host) and (p == "*" or p == str(port))
               for h, p in entries)


def _listen_match(entries, host, port):
    """channels.c remote_open_match: host is a pattern, port exact or
    '*'."""
    return any(_glob(h, host) and (p == "*" or p == str(port))
               for h, p in entries)


def oracle(variant, keyname, direction, ports):
    """Whether sshd carries the forwarding (True) or refuses it."""
    atf, df, po, pl, match = VARIANTS[variant]
    if match == "self":
        atf = "local"
    opt = _fill(KEY_OPTIONS[keyname], ports)
    words = [w for w in opt.split(",") if w]
    pf = True
    if "restrict" in words:
        pf = "port-forwarding" in words
    if "no-port-forwarding" in words:
        pf = False
    key_open = [_parse_list(w.split("=", 1)[1].strip('"'))[0]
                for w in words if w.startswith("permitopen=")]
    key_listen = [_parse_list(w.split("=", 1)[1].strip('"'))[0]
                  for w in words if w.startswith("permitlisten=")]
    if df == "yes" or not pf:
        return False
    if direction == "L":
        if atf not in ("yes", "all", "local"):
            return False
        cfg, key, host, port, match_fn = po, key_open, "127.0.0.1", \
            ports["ECHO"], _open_match
    else:
        if atf not in ("yes", "all", "remote"):
            return False
        cfg, key, host, port, match_fn = pl, key_listen, "localhost", \
            ports["RPORT"], _listen_match
    if cfg is not None:
        cfg = _fill(cfg, ports)
        if cfg == "none":
            return False
        if cfg != "any" and not match_fn(_parse_list(cfg), host, port):
            return False
    if key and not match_fn(key, host, port):
        return False
    return True


@pytest.fixture(scope="module")
def ports(echo_service):
    rport = sshtest.free_port()
    other = sshtest.free_port()
    while other in (rport, echo_service.port):
        other = sshtest.free_port()
    return {"ECHO": echo_service.port, "RPORT": rport, "OTHER": other}


def base_options(**extra):
    """Options every forwarding server gets (the user's own
    authorized_keys, which the OpenSSH base config turns off)."""
    opts = {"AuthorizedKeysFile": ".ssh/authorized_keys",
            "StrictModes": "no"}
    opts.update(extra)
    return opts


@pytest.fixture(scope="module")
def variant_server(module_server_factory, fwd_user, ports):
    """A started server per variant name, made on first use."""
    started = {}

    def get(name):
        if name not in started:
            atf, df, po, pl, match = VARIANTS[name]
            opts = base_options(AllowTcpForwarding=atf,
                                DisableForwarding=df)
            if po is not None:
                opts["PermitOpen"] = _fill(po, ports)
            if pl is not None:
                opts["PermitListen"] = _fill(pl, ports)
            lines = []
            if match == "self":
                lines = ["Match User %s" % fwd_user.name,
                         "\tAllowTcpForwarding local"]
            elif match == "other":
                lines = ["Match User pcnobody%s" % fwd_user.name[-4:],
                         "\tAllowTcpForwarding yes"]
            started[name] = module_server_factory(_lines=lines, **opts)
        return started[name]
    return get


def authorize(user, key, options=""):
    line = sshtest.pub_line(key)
    user.authorize((options + " " + line) if options else line)


def try_local(srv, user, key, target, extra_args=(), options=()):
    """ssh -L to target; returns (carried, ssh's -v output)."""
    lp = sshtest.free_port()
    spec = "%d:%s:%d" % (lp, target[0], target[1])
    with sshtest.ForwardClient(srv.port, user.name, key,
                               list(extra_args) + ["-L", spec],
                               options=options) as c:
        assert c.wait_for(r"Local forwarding listening on 127\.0\.0\.1 "
                          r"port %d\b" % lp), c.stderr()
        ok = sshtest.echo_ok(("127.0.0.1", lp))
        if not ok:
            c.wait_for(sshtest.open_failed_re(), timeout=3)
    err = c.stderr()
    c.cleanup()
    return ok, err


def try_remote(srv, user, key, rport, target, listen=None, options=()):
    """ssh -R [listen:]rport:target; returns (carried, ssh's output).
    Refused means ssh exited 255 on the failed request."""
    assert sshtest.wait_not_listening(rport), "port %d still bound" % rport
    spec = "%d:%s:%d" % (rport, target[0], target[1])
    if listen is not None:
        spec = "%s:%s" % (listen, spec)
    with sshtest.ForwardClient(srv.port, user.name, key, ["-R", spec],
                               options=options) as c:
        res = c.remote_result()
        assert res is not None, c.stderr()
        if res == "ok":
            ok = sshtest.echo_ok(("127.0.0.1", rport))
            assert ok, c.stderr()
        else:
            ok = False
            assert c.wait_exit() == 255, c.stderr()
    err = c.stderr()
    c.cleanup()
    sshtest.wait_not_listening(rport)
    return ok, err


def test_matrix_is_not_one_sided(ports):
    """The oracle gives both outcomes in both directions, for every
    AllowTcpForwarding value, over CASE_COUNT cases."""
    assert CASE_COUNT == len(set(CASES)) >= 150
    seen = set()
    for v, k, d in CASES:
        seen.add((d, oracle(v, k, d, ports)))
        assert VARIANTS[v]
    assert seen == {("L", True), ("L", False), ("R", True), ("R", False)}
    for atf in ATF_VALUES:
        assert any(v.startswith("atf-%s-" % atf) for v, _, _ in CASES)


@pytest.mark.parametrize("variant,keyname,direction", CASES,
                         ids=["%s/%s/%s" % c for c in CASES])
def test_policy_matrix(variant_server, fwd_user, fwd_key, echo_service,
                       ports, variant, keyname, direction):
    srv = variant_server(variant)
    authorize(fwd_user, fwd_key, _fill(KEY_OPTIONS[keyname], ports))
    expected = oracle(variant, keyname, direction, ports)
    if direction == "L":
        ok, err = try_local(srv, fwd_user, fwd_key,
                            ("127.0.0.1", echo_service.port))
        assert ok == expected, err
        if not ok:
            assert re.search(sshtest.open_failed_re(), err), err
    else:
        ok, err = try_remote(srv, fwd_user, fwd_key, ports["RPORT"],
                             ("127.0.0.1", echo_service.port))
        assert ok == expected, err
        if not ok:
            assert re.search(r"remote port forwarding failed for listen "
                             r"port %d" % ports["RPORT"], err), err


# --- -D, -R 0 ---------------------------------------------------------------

@pytest.fixture(scope="module")
def open_server(module_server_factory, fwd_user):
    return module_server_factory(**base_options(AllowTcpForwarding="yes"))


def test_dynamic_socks5(open_server, fwd_user, fwd_key, echo_service):
    authorize(fwd_user, fwd_key)
    dp = sshtest.free_port()
    with sshtest.ForwardClient(open_server.port, fwd_user.name, fwd_key,
                               ["-D", "127.0.0.1:%d" % dp]) as c:
        assert c.wait_for(r"Local forwarding listening on 127\.0\.0\.1 "
                          r"port %d\b" % dp), c.stderr()
        for host in ("127.0.0.1", "localhost"):
            s = sshtest.socks5_connect(dp, host, echo_service.port)
            try:
                payload = b"socks-" + host.encode() * 1000
                s.sendall(payload)
                got = b""
                while len(got) < len(payload):
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    got += chunk
                assert got == payload
            finally:
                s.close()
    c.cleanup()


def test_dynamic_socks5_refused_by_policy(variant_server, fwd_user, fwd_key,
                                          echo_service):
    """-D under AllowTcpForwarding remote: the SOCKS CONNECT fails (ssh
    closes the SOCKS connection after the channel open failure)."""
    srv = variant_server("atf-remote-unset")
    authorize(fwd_user, fwd_key)
    dp = sshtest.free_port()
    with sshtest.ForwardClient(srv.port, fwd_user.name, fwd_key,
                               ["-D", "127.0.0.1:%d" % dp]) as c:
        assert c.wait_for(r"Local forwarding listening on 127\.0\.0\.1 "
                          r"port %d\b" % dp), c.stderr()
        with pytest.raises(OSError):
            s = sshtest.socks5_connect(dp, "127.0.0.1", echo_service.port)
            s.close()
        assert c.wait_for(sshtest.open_failed_re(), timeout=3), c.stderr()
    c.cleanup()


def test_remote_port_zero(open_server, fwd_user, fwd_key, echo_service):
    authorize(fwd_user, fwd_key)
    with sshtest.ForwardClient(open_server.port, fwd_user.name, fwd_key,
                               ["-R", "0:127.0.0.1:%d" % echo_service.port]
                               ) as c:
        m = c.wait_for(r"Allocated port (\d+) for remote forward to "
                       r"127\.0\.0\.1:%d" % echo_service.port)
        assert m, c.stderr()
        port = int(m.group(1))
        assert 1024 <= port <= 65535
        assert sshtest.tcp_listeners(port)
        assert sshtest.echo_ok(("127.0.0.1", port))
        assert sshtest.echo_ok(("127.0.0.1", port))
    c.cleanup()
    assert sshtest.wait_not_listening(port)


def test_several_remote_forwards(open_server, fwd_user, fwd_key,
                                 echo_service):
    """Three -R on one connection (two fixed, one allocated) all carry."""
    authorize(fwd_user, fwd_key)
    p1, p2 = sshtest.free_port(), sshtest.free_port()
    e = echo_service.port
    args = ["-R", "%d:127.0.0.1:%d" % (p1, e), "-R",
            "%d:127.0.0.1:%d" % (p2, e), "-R", "0:127.0.0.1:%d" % e]
    with sshtest.ForwardClient(open_server.port, fwd_user.name, fwd_key,
                               args) as c:
        m = c.wait_for(r"Allocated port (\d+) for remote forward")
        assert m, c.stderr()
        assert c.remote_result() == "ok"
        for p in (p1, p2, int(m.group(1))):
            assert sshtest.echo_ok(("127.0.0.1", p)), p
    c.cleanup()


def test_local_connect_failed(open_server, fwd_user, fwd_key):
    """-L to a closed port: the open fails with 'connect failed'."""
    authorize(fwd_user, fwd_key)
    closed = sshtest.free_port()
    ok, err = try_local(open_server, fwd_user, fwd_key,
                        ("127.0.0.1", closed))
    assert not ok
    assert re.search(sshtest.open_failed_re("connect failed"), err), err


# --- GatewayPorts -------------------------------------------------------------

LOOPBACK = frozenset(("127.0.0.1", "::1"))
WILDCARD = frozenset(("0.0.0.0", "::"))
GW_ADDRS = ("", "*", "localhost", "127.0.0.1", "::1", "0.0.0.0",
            "127.0.0.2")


def gateway_expected(gp, addr):
    """channels.c channel_fwd_bind_addr for the server side."""
    if gp == "yes":
        return WILDCARD
    if gp == "no":
        if addr in ("127.0.0.1", "::1"):
            return frozenset((addr,))
        return LOOPBACK
    if addr in ("", "*"):
        return WILDCARD
    if addr == "localhost":
        return LOOPBACK
    return frozenset((addr,))


@pytest.fixture(scope="module")
def gw_server(module_server_factory, fwd_user, fwd_key):
    started = {}

    def get(gp):
        if gp not in started:
            started[gp] = module_server_factory(
                **base_options(AllowTcpForwarding="yes", GatewayPorts=gp))
        return started[gp]
    return get


@pytest.mark.parametrize("gp", ["no", "yes", "clientspecified"])
def test_gateway_ports_table(gw_server, fwd_user, fwd_key, gp):
    """Every listen address of the table on one paramiko connection; the
    kernel's LISTEN sockets on the port are exactly the expected ones."""
    srv = gw_server(gp)
    authorize(fwd_user, fwd_key)
    t = sshtest.paramiko_transport(srv.port, fwd_user.name, fwd_key)
    got = {}
    try:
        for addr in GW_ADDRS:
            port = sshtest.free_port()
            assert t.request_port_forward(addr, port) == port
            got[addr] = frozenset(sshtest.tcp_listeners(port))
            # A loopback one carries a connection to the client.
            t.cancel_port_forward(addr, port)
            assert sshtest.wait_not_listening(port), addr
    finally:
        t.close()
    want = {a: gateway_expected(gp, a) for a in GW_ADDRS}
    assert got == want


@pytest.mark.parametrize("gp,spec,want", [
    ("clientspecified", "*:", WILDCARD),
    ("clientspecified", "", LOOPBACK),
    ("clientspecified", "127.0.0.1:", frozenset(("127.0.0.1",))),
    ("no", "*:", LOOPBACK),
    ("yes", "", WILDCARD),
])
def test_gateway_ports_with_ssh(gw_server, fwd_user, fwd_key, echo_service,
                                gp, spec, want):
    """ssh -R as users write it ("*:" becomes "", none becomes
    "localhost"); the forward carries data over 127.0.0.1."""
    srv = gw_server(gp)
    authorize(fwd_user, fwd_key)
    port = sshtest.free_port()
    with sshtest.ForwardClient(srv.port, fwd_user.name, fwd_key,
                               ["-R", "%s%d:127.0.0.1:%d"
                                % (spec, port, echo_service.port)]) as c:
        assert c.remote_result() == "ok", c.stderr()
        assert frozenset(sshtest.tcp_listeners(port)) == want
        assert sshtest.echo_ok(("127.0.0.1", port))
    c.cleanup()
