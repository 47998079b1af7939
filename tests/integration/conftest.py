"""Fixtures for the integration tests: session host keys, servers with
captured logs, stopped at teardown.  See sshtest.py for the helpers."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sshtest  # noqa: E402


def pytest_report_header(config):
    return "integration server: %s (%s)" % (sshtest.SERVER_KIND,
                                            sshtest.server_binary())


@pytest.fixture(scope="session")
def host_keys(tmp_path_factory):
    return sshtest.make_host_keys(tmp_path_factory.mktemp("hostkeys"))


class _Factory:
    def __init__(self, tmp_path_factory, host_keys, prefix):
        self._tmp = tmp_path_factory
        self._keys = host_keys
        self._prefix = prefix
        self._servers = []

    def __call__(self, _lines=(), _env=None, _host_keys=None, **options):
        """Start a server; keyword arguments become -o Keyword=value.
        All six tested MACs are enabled unless MACs is given.  _lines are
        appended to the config file (Match blocks), _env replaces the
        daemon's environment, _host_keys the session's host keys."""
        opts = {"MACs": ",".join(sshtest.ALL_MACS)}
        opts.update(options)
        name = "%s%d" % (self._prefix, len(self._servers))
        keys = self._keys if _host_keys is None else _host_keys
        srv = sshtest.Server(self._tmp.mktemp(name), keys, opts, name,
                             extra_lines=_lines, env=_env)
        self._servers.append(srv)
        return srv.start()

    def stop_all(self):
        for srv in self._servers:
            srv.stop()


@pytest.fixture
def server_factory(tmp_path_factory, host_keys):
    f = _Factory(tmp_path_factory, host_keys, "srv")
    yield f
    f.stop_all()


@pytest.fixture(scope="module")
def module_server_factory(tmp_path_factory, host_keys):
    f = _Factory(tmp_path_factory, host_keys, "msrv")
    yield f
    f.stop_all()


@pytest.fixture(scope="session")
def server(tmp_path_factory, host_keys):
    """The shared server with default settings (plus all six MACs)."""
    f = _Factory(tmp_path_factory, host_keys, "main")
    yield f()
    f.stop_all()


# --- authentication tests -------------------------------------------------

def _need_root():
    if not sshtest.is_root():
        pytest.skip("needs root: creates system users and runs the daemon "
                    "as root")
    if sshtest.IS_OPENSSH:
        pytest.skip("the authentication tests drive portcullisd's config")


@pytest.fixture(scope="session")
def auth_user_session():
    """A real user (useradd, random name pcauthNNNN, a password), removed
    with userdel -r after the session."""
    _need_root()
    u = sshtest.SysUser()
    yield u
    u.remove()


@pytest.fixture
def auth_user(auth_user_session):
    """The session's user with an empty ~/.ssh (mode 0700) and its
    original password."""
    u = auth_user_session
    u.reset()
    return u


@pytest.fixture(scope="session")
def user_keys(tmp_path_factory):
    """One key of each type: name -> private key path (USER_KEY_SPECS)."""
    d = tmp_path_factory.mktemp("userkeys")
    return {name: sshtest.keygen(d / ("id_" + name), args, "pctest-" + name)
            for name, args, _ in sshtest.USER_KEY_SPECS}


@pytest.fixture
def keydir(tmp_path):
    """A directory for keys a test makes itself."""
    d = tmp_path / "keys"
    d.mkdir()
    return d


# --- forwarding tests -------------------------------------------------------

def pytest_configure(config):
    config.addinivalue_line(
        "markers", "bulk: moves a lot of data (run by make check; a few "
        "seconds each)")


@pytest.fixture(scope="module")
def fwd_user():
    """A real user for forwarding tests (pcfwdNNNN, /bin/sh), made for the
    module and removed with userdel -r; against either server."""
    if not sshtest.is_root():
        pytest.skip("needs root: creates a user and runs the daemon as root")
    u = sshtest.SysUser(prefix="pcfwd")
    yield u
    u.remove()


@pytest.fixture(scope="session")
def fwd_key(tmp_path_factory):
    """The ed25519 key the forwarding tests log in with."""
    d = tmp_path_factory.mktemp("fwdkey")
    return sshtest.keygen(d / "id_ed25519", comment="pctest-fwd")


@pytest.fixture(scope="module")
def echo_service():
    """A TCP echo service on 127.0.0.1 for the module."""
    svc = sshtest.EchoService()
    yield svc
    svc.close()
