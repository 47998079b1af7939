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

    def __call__(self, **options):
        """Start a server; keyword arguments become -o Keyword=value.
        All six tested MACs are enabled unless MACs is given."""
        opts = {"MACs": ",".join(sshtest.ALL_MACS)}
        opts.update(options)
        name = "%s%d" % (self._prefix, len(self._servers))
        srv = sshtest.Server(self._tmp.mktemp(name), self._keys, opts, name)
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
