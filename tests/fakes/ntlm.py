"""Server side of NTLM authentication for the SMTP test servers: the type-2 challenge (with target
info and extended session security, so clients answer NTLMv2) and verification of the type-3
NTLMv2 response (an NTLMv1 answer is refused: it needs DES, which the stdlib lacks).

MD4 is written here in pure Python because Debian's hashlib uses OpenSSL 3, whose default
provider no longer offers MD4 (hashlib.new("md4") raises), and NTLM's NT hash is MD4 of the
UTF-16LE password. Specification: [MS-NLMP] https://learn.microsoft.com/en-us/openspec/windows-protocols/ms-nlmp/
Stdlib only."""

import hashlib
import hmac
import os
import struct

NEGOTIATE_UNICODE = 0x00000001
NEGOTIATE_OEM = 0x00000002
REQUEST_TARGET = 0x00000004
NEGOTIATE_NTLM = 0x00000200
NEGOTIATE_ALWAYS_SIGN = 0x00008000
TARGET_TYPE_DOMAIN = 0x00010000
NEGOTIATE_EXTENDED_SESSIONSECURITY = 0x00080000  # libcurl answers NTLMv2 only with this flag
NEGOTIATE_TARGET_INFO = 0x00800000


def _lrot(x, n):
    x &= 0xFFFFFFFF
    return ((x << n) | (x >> (32 - n))) & 0xFFFFFFFF


def md4(data):
    """RFC 1320 MD4 digest of `data` (bytes)."""
    msg = bytearray(data)
    bit_len = (8 * len(data)) & 0xFFFFFFFFFFFFFFFF
    msg.append(0x80)
    while len(msg) % 64 != 56:
        msg.append(0)
    msg += struct.pack("<Q", bit_len)
    a, b, c, d = 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476

    def f(x, y, z):
        return (x & y) | (~x & z)

    def g(x, y, z):
        return (x & y) | (x & z) | (y & z)

    def h(x, y, z):
        return x ^ y ^ z

    for off in range(0, len(msg), 64):
        x = struct.unpack("<16I", bytes(msg[off:off + 64]))
        aa, bb, cc, dd = a, b, c, d
        for i in (0, 4, 8, 12):
            a = _lrot(a + f(b, c, d) + x[i], 3)
            d = _lrot(d + f(a, b, c) + x[i + 1], 7)
            c = _lrot(c + f(d, a, b) + x[i + 2], 11)
            b = _lrot(b + f(c, d, a) + x[i + 3], 19)
        for i in (0, 1, 2, 3):
            a = _lrot(a + g(b, c, d) + x[i] + 0x5A827999, 3)
            d = _lrot(d + g(a, b, c) + x[i + 4] + 0x5A827999, 5)
            c = _lrot(c + g(d, a, b) + x[i + 8] + 0x5A827999, 9)
            b = _lrot(b + g(c, d, a) + x[i + 12] + 0x5A827999, 13)
        for i in (0, 2, 1, 3):
            a = _lrot(a + h(b, c, d) + x[i] + 0x6ED9EBA1, 3)
            d = _lrot(d + h(a, b, c) + x[i + 8] + 0x6ED9EBA1, 9)
            c = _lrot(c + h(d, a, b) + x[i + 4] + 0x6ED9EBA1, 11)
            b = _lrot(b + h(c, d, a) + x[i + 12] + 0x6ED9EBA1, 15)
        a = (a + aa) & 0xFFFFFFFF
        b = (b + bb) & 0xFFFFFFFF
        c = (c + cc) & 0xFFFFFFFF
        d = (d + dd) & 0xFFFFFFFF
    return struct.pack("<4I", a, b, c, d)


def nt_hash(password):
    return md4(password.encode("utf-16-le"))


def _secbuf(msg, offset):
    length, _, at = struct.unpack_from("<HHI", msg, offset)
    if at + length > len(msg):
        raise ValueError("security buffer out of range")
    return msg[at:at + length]


class NtlmServer:
    """One NTLM exchange: type1() checks the negotiate message and returns the type-2 challenge;
    verify() checks the type-3 authenticate message against the known users."""

    def __init__(self, users, domain="TESTDOM"):
        self.users = users  # {username: password}
        self.domain = domain
        self.challenge = os.urandom(8)
        self.user = None
        self.version = None  # "NTLMv2" or "NTLMv1" after a successful verify

    def type2(self, type1):
        if not type1.startswith(b"NTLMSSP\x00") or struct.unpack_from("<I", type1, 8)[0] != 1:
            raise ValueError("not an NTLM negotiate (type 1) message")
        dom = self.domain.encode("utf-16-le")
        info = struct.pack("<HH", 2, len(dom)) + dom + struct.pack("<HH", 0, 0)
        flags = (NEGOTIATE_UNICODE | REQUEST_TARGET | NEGOTIATE_NTLM | NEGOTIATE_ALWAYS_SIGN
                 | TARGET_TYPE_DOMAIN | NEGOTIATE_EXTENDED_SESSIONSECURITY
                 | NEGOTIATE_TARGET_INFO)
        header_len = 48
        target_off = header_len
        info_off = target_off + len(dom)
        return (b"NTLMSSP\x00" + struct.pack("<I", 2)
                + struct.pack("<HHI", len(dom), len(dom), target_off)
                + struct.pack("<I", flags) + self.challenge + b"\x00" * 8
                + struct.pack("<HHI", len(info), len(info), info_off) + dom + info)

    def verify(self, type3):
        """True when the type-3 message proves knowledge of a known user's password."""
        if not type3.startswith(b"NTLMSSP\x00") or struct.unpack_from("<I", type3, 8)[0] != 3:
            return False
        lm = _secbuf(type3, 12)
        nt = _secbuf(type3, 20)
        flags = struct.unpack_from("<I", type3, 60)[0]
        enc = "utf-16-le" if flags & NEGOTIATE_UNICODE else "latin-1"
        domain = _secbuf(type3, 28).decode(enc)
        user = _secbuf(type3, 36).decode(enc)
        password = self.users.get(user)
        if password is None:
            return False
        key = nt_hash(password)
        if len(nt) > 24:  # NTLMv2: NTProofStr (16 bytes) + blob
            v2 = hmac.new(key, (user.upper() + domain).encode("utf-16-le"), hashlib.md5).digest()
            proof = hmac.new(v2, self.challenge + nt[16:], hashlib.md5).digest()
            ok = hmac.compare_digest(proof, nt[:16])
            self.version = "NTLMv2"
        elif len(nt) == 24:  # NTLMv1: DES of the challenge under the NT hash, not supported here
            ok = False
            self.version = "NTLMv1"
        else:
            ok = False
        del lm
        if ok:
            self.user = user
        return ok
