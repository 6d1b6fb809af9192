#!/usr/bin/env python3
"""Regenerate usersig_vectors.json from the published TLSSigAPIv2 package.

The vectors pin our Rust UserSig code (server/src/usersig.rs) to an
independent implementation: Tencent's own Python generator, installed from
PyPI.  The package is not vendored; install it into a throwaway venv:

    python3 -m venv /tmp/tlsvenv
    /tmp/tlsvenv/bin/pip install tls-sig-api-v2==1.1
    /tmp/tlsvenv/bin/python server/tests/data/make_usersig_vectors.py

The generator reads the wall clock for TLS.time, so the clock is patched to a
fixed value per vector; the output is then fully deterministic (the package
uses json.dumps and zlib.compress at the default level, both stable).

Vector fields:
  name        free-form label, used in test failure messages
  sdkappid    integer SDKAppID
  key         the secret key (UTF-8 string, used as the HMAC key bytes)
  identifier  the user id
  expire      validity in seconds
  time        TLS.time (unix seconds) the sig was issued at
  userbuf     standard base64 (with padding) of the userbuf bytes, or null
              when the sig was generated without a userbuf
  sig         the UserSig exactly as the package produced it
"""

import base64
import json
import os
import sys
from importlib import metadata
from unittest import mock

import TLSSigAPIv2

PACKAGE = "tls-sig-api-v2"

DEMO_KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
OTHER_KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0"

# (name, sdkappid, key, identifier, expire, time, userbuf bytes or None)
CASES = [
    ("ascii-default-expire", 1400000000, DEMO_KEY, "xiaojun", 180 * 86400, 1700000000, None),
    ("ascii-one-day", 1400123456, OTHER_KEY, "alice_01", 86400, 1600000000, None),
    ("cjk-identifier", 20000001, OTHER_KEY, "用户-测试", 3600, 1650000000, None),
    ("astral-identifier-zero-expire", 1400000001, DEMO_KEY, "bob\U0001F642", 0, 1234567890, None),
    ("json-escapes-in-identifier", 1400000002, "s3cr3t-ключ", 'q"b\\s/t\tn\n\x7f\x01', 50 * 365 * 86400, 1700000001, None),
    ("userbuf-ascii", 1400000000, DEMO_KEY, "xiaojun", 180 * 86400, 1700000000, b"abc"),
    ("userbuf-binary-unicode-id", 1400999999, OTHER_KEY, "Zoë", 7200, 1710000000, bytes([0, 1, 2, 0xFE, 0xFF, 0x80, 0x7F, 0x0A])),
    ("userbuf-empty", 3000000000, DEMO_KEY, "empty-buf", 60, 1720000000, b""),
    ("long-identifier", 1400000003, DEMO_KEY, "user-" + "abc123" * 30, 86400 * 30, 1700000123, None),
]


def generate(sdkappid, key, identifier, expire, now, userbuf):
    api = TLSSigAPIv2.TLSSigAPIv2(sdkappid, key)
    # The package calls time.time() for TLS.time; pin it.
    with mock.patch.object(TLSSigAPIv2.time, "time", return_value=float(now)):
        if userbuf is None:
            return api.gen_sig(identifier, expire)
        return api.gen_sig_with_userbuf(identifier, expire, userbuf)


def main():
    vectors = []
    for name, sdkappid, key, identifier, expire, now, userbuf in CASES:
        sig = generate(sdkappid, key, identifier, expire, now, userbuf)
        vectors.append(
            {
                "name": name,
                "sdkappid": sdkappid,
                "key": key,
                "identifier": identifier,
                "expire": expire,
                "time": now,
                "userbuf": None if userbuf is None else base64.b64encode(userbuf).decode("ascii"),
                "sig": sig,
            }
        )
    doc = {
        "generator": "server/tests/data/make_usersig_vectors.py",
        "package": PACKAGE,
        "package_version": metadata.version(PACKAGE),
        "vectors": vectors,
    }
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "usersig_vectors.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=2)
        f.write("\n")
    print(f"wrote {len(vectors)} vectors to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
