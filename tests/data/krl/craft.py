#!/usr/bin/python3
"""Hand-made KRLs for what ssh-keygen never writes (see README).

   craft.py dump FILE     print the sections and subsections of a KRL
   craft.py make          write crafted_*.bin from krl_serial.bin, ca.pub,
                          ca2.pub and ca2 (the private key, for signatures)

Run from tests/data/krl.  Writes bytes by PROTOCOL.krl; what OpenSSH makes
of each file is recorded by check-fixtures.sh."""
import base64
import struct
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils

MAGIC = b"SSHKRL\n\0"


def u32(v):
    return struct.pack(">I", v)


def u64(v):
    return struct.pack(">Q", v)


def string(b):
    return u32(len(b)) + b


def header(version=1, comment=b""):
    return (MAGIC + u32(version) + u64(1) + u64(1700000000) + u64(0) +
            string(b"") + string(comment))


def section(t, data):
    return bytes([t]) + string(data)


def pubblob(path):
    with open(path) as f:
        return base64.b64decode(f.read().split()[1])


def certs(ca, subs, reserved=b""):
    return section(1, string(ca) + string(reserved) +
                   b"".join(section(t, d) for t, d in subs))


def serials(*s):
    return (0x20, b"".join(u64(x) for x in s))


def srange(lo, hi, extra=b""):
    return (0x21, u64(lo) + u64(hi) + extra)


def bitmap(off, mpint_bytes):
    return (0x22, u64(off) + string(mpint_bytes))


def keyids(*ids):
    return (0x23, b"".join(string(i) for i in ids))


def sign_ecdsa(keyfile, data):
    with open(keyfile, "rb") as f:
        key = serialization.load_ssh_private_key(f.read(), None)
    der = key.sign(data, ec.ECDSA(hashes.SHA256()))
    r, s = utils.decode_dss_signature(der)

    def mpint(n):
        b = n.to_bytes((n.bit_length() + 8) // 8, "big")
        return string(b)
    return string(b"ecdsa-sha2-nistp256") + string(mpint(r) + mpint(s))


def make():
    ca = pubblob("ca.pub")
    ca2 = pubblob("ca2.pub")
    with open("krl_serial.bin", "rb") as f:
        base = f.read()
    out = {}
    h = header()
    out["unknown_section"] = h + section(6, b"")
    out["extension_noncrit"] = h + section(
        255, string(b"x@example.com") + b"\0" + string(b""))
    out["overlap"] = h + certs(ca, [srange(10, 20), srange(15, 30),
                                    serials(40, 12, 9, 9)])
    out["serial0_list"] = h + certs(ca, [serials(0)])
    out["range_inverted"] = h + certs(ca, [srange(20, 10)])
    out["range_zero"] = h + certs(ca, [srange(0, 5)])
    # bits 0 and 4 (0x11) at offset 60, with a redundant leading zero
    out["bitmap_offset"] = h + certs(ca, [bitmap(60, b"\0\0\x11")])
    out["bitmap_negative"] = h + certs(ca, [bitmap(60, b"\x81")])
    out["bitmap_wrap"] = h + certs(ca, [bitmap(2**64 - 2, b"\x01\xff")])
    out["bitmap_zero"] = h + certs(ca, [bitmap(0, b"\x01")])
    out["sha1_badlen"] = h + section(3, string(b"\x01" * 19))
    out["range_trailing"] = h + certs(ca, [srange(10, 20, b"\0")])
    out["wild_serial"] = h + certs(b"", [serials(3)])
    out["explicit_garbage"] = h + section(2, string(b"not a key"))
    out["comment_nul"] = header(comment=b"a\0b")
    out["version2"] = header(version=2)
    out["keyid_nul"] = h + certs(ca, [keyids(b"user-7\0x")])
    out["ca2_keyid"] = h + certs(ca2, [keyids(b"user-5", b"")])
    out["unknown_subsection"] = h + certs(ca, [(0x24, b"")])
    # Signature section: string key, string signature over everything
    # from the magic to the end of the key string (PROTOCOL.krl s. 6).
    signed = base + bytes([4]) + string(ca2)
    sig = sign_ecdsa("ca2", signed)
    out["signed"] = signed + string(sig)
    bad = bytearray(sig)
    bad[-5] ^= 1
    out["badsig"] = signed + string(bytes(bad))
    out["sig_then_section"] = out["signed"] + section(2, string(b"x"))
    twice = out["signed"] + bytes([4]) + string(ca2)
    out["signed_twice"] = twice + string(sign_ecdsa("ca2", twice))
    # A KRL that revokes its only signer.
    self_rev = h + section(2, string(ca2)) + bytes([4]) + string(ca2)
    out["signed_revoked"] = self_rev + string(sign_ecdsa("ca2", self_rev))
    for name, data in out.items():
        with open("crafted_%s.bin" % name, "wb") as f:
            f.write(data)


def dump(path):
    with open(path, "rb") as f:
        d = f.read()
    assert d[:8] == MAGIC
    p = 8 + 4 + 24

    def getstr(d, p):
        n = struct.unpack(">I", d[p:p + 4])[0]
        return d[p + 4:p + 4 + n], p + 4 + n
    _, p = getstr(d, p)
    _, p = getstr(d, p)
    while p < len(d):
        t = d[p]
        body, p = getstr(d, p + 1)
        print("section 0x%02x len %d" % (t, len(body)))
        if t == 1:
            ca, q = getstr(body, 0)
            _, q = getstr(body, q)
            while q < len(body):
                st = body[q]
                sub, q = getstr(body, q + 1)
                print("  subsection 0x%02x len %d" % (st, len(sub)))


if __name__ == "__main__":
    if sys.argv[1] == "dump":
        dump(sys.argv[2])
    else:
        make()
