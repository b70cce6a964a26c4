"""Crypto cross-check peer: Telethon 1.45.0 computes IGE, MTProto 2.0's KDF and
msg_key, auth-key ids, and its RSA encryption (the sha1 + data + padding form) on
random inputs from a fixed seed, printing one JSON line per case.

Usage: python telethon_crypto.py PUBLIC_KEY_PEM [CASES]
"""

import hashlib
import json
import random
import sys

from telethon.crypto import AES, AuthKey, rsa
from telethon.network.mtprotostate import MTProtoState


def main():
    pem = open(sys.argv[1]).read()
    cases = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    rsa.add_key(pem, old=False)
    fingerprint = next(fp for fp, (key, old) in rsa._server_keys.items() if not old and key.n.bit_length() == 2048
                       and rsa.get_byte_array(key.n) == rsa.get_byte_array(rsa.rsa.PublicKey.load_pkcs1(pem).n))
    rng = random.Random(3)
    out = []
    for i in range(cases):
        key = rng.randbytes(32)
        iv = rng.randbytes(32)
        data = rng.randbytes(16 * rng.randint(0, 64))
        auth = rng.randbytes(256)
        msg_key = rng.randbytes(16)
        client = i % 2 == 0
        aes_key, aes_iv = MTProtoState._calc_key(auth, msg_key, client)
        x = 0 if client else 8
        plaintext = rng.randbytes(16 * rng.randint(1, 8))
        large = hashlib.sha256(auth[88 + x:88 + x + 32] + plaintext).digest()
        ak = AuthKey(auth)
        inner = rng.randbytes(rng.randint(0, 200))
        out.append({
            "key": key.hex(), "iv": iv.hex(), "data": data.hex(),
            "ige": AES.encrypt_ige(data, key, iv).hex(),
            "auth_key": auth.hex(), "msg_key": msg_key.hex(), "client": client,
            "aes_key": aes_key.hex(), "aes_iv": aes_iv.hex(),
            "plaintext": plaintext.hex(), "computed_msg_key": large[8:24].hex(),
            "key_id": ak.key_id, "aux_hash": ak.aux_hash,
            "rsa_data": inner.hex(), "rsa": rsa.encrypt(fingerprint, inner).hex(),
        })
    for o in out:
        print(json.dumps(o))


if __name__ == "__main__":
    main()
