"""Every kex x cipher x MAC x host key combination, one OpenSSH `ssh`
connection each, must complete key exchange with exactly the requested
algorithms and reach authentication (which fails: no keys are offered).

The connections run concurrently in a session fixture; each test then
asserts its own result."""

import concurrent.futures
import time

import pytest

import sshtest

KEX = ("curve25519-sha256", "curve25519-sha256@libssh.org",
       "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
       "diffie-hellman-group-exchange-sha256",
       "diffie-hellman-group16-sha512", "diffie-hellman-group18-sha512",
       "diffie-hellman-group14-sha256")
AEAD_CIPHERS = ("chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com",
                "aes256-gcm@openssh.com")
CTR_CIPHERS = ("aes128-ctr", "aes192-ctr", "aes256-ctr")
MACS = sshtest.ALL_MACS
HOST_KEY_ALGS = ("ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
                 "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256")

WORKERS = 4
PER_CONNECTION_TIMEOUT = 90     # seconds, ssh is killed after this
TOTAL_TIMEOUT = 1500            # seconds for the whole matrix


def _combos():
    out = []
    for kex in KEX:
        for hk in HOST_KEY_ALGS:
            for c in AEAD_CIPHERS:
                out.append((kex, c, None, hk))
            for c in CTR_CIPHERS:
                for m in MACS:
                    out.append((kex, c, m, hk))
    return out


COMBOS = _combos()


def _id(combo):
    kex, cipher, mac, hk = combo
    return "-".join([kex, cipher, mac or "aead", hk])


def _options(combo):
    kex, cipher, mac, hk = combo
    opts = ["KexAlgorithms=" + kex, "Ciphers=" + cipher,
            "HostKeyAlgorithms=" + hk]
    if mac is not None:
        opts.append("MACs=" + mac)
    return opts


@pytest.fixture(scope="session")
def matrix_results(server):
    results = {}
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS) as ex:
        futs = {ex.submit(sshtest.run_ssh, server.port, _options(c),
                          PER_CONNECTION_TIMEOUT): c for c in COMBOS}
        try:
            for fut in concurrent.futures.as_completed(futs,
                                                       timeout=TOTAL_TIMEOUT):
                results[futs[fut]] = fut.result()
        except concurrent.futures.TimeoutError:
            for f in futs:
                f.cancel()
    results["_elapsed"] = time.monotonic() - started
    results["_server_alive"] = server.alive()
    return results


def test_matrix_size():
    # 9 kex x (3 AEAD + 3 CTR x 6 MACs) x 6 host key algorithms
    assert len(COMBOS) == 9 * (3 + 3 * 6) * 6 == 1134
    assert len(set(map(_id, COMBOS))) == len(COMBOS)


@pytest.mark.parametrize("combo", COMBOS, ids=[_id(c) for c in COMBOS])
def test_kex_combination(matrix_results, server, combo):
    assert combo in matrix_results, (
        "connection did not finish within the matrix time limit")
    rc, err = matrix_results[combo]
    kex, cipher, mac, hk = combo
    got = sshtest.negotiated(err)
    tail = "\n".join(err.splitlines()[-15:])
    assert got["kex"] == kex, tail
    assert got["hostkey"] == hk, tail
    want_mac = mac if mac is not None else "<implicit>"
    assert (got["s2c_cipher"], got["s2c_mac"]) == (cipher, want_mac), tail
    assert (got["c2s_cipher"], got["c2s_mac"]) == (cipher, want_mac), tail
    assert sshtest.reached_auth_failure(rc, err), (
        "ssh exit %r, expected 255 with 'Permission denied':\n%s" % (rc, tail))


def test_server_survived_matrix(matrix_results, server):
    assert matrix_results["_server_alive"] and server.alive(), (
        server.log_text()[-4000:])
