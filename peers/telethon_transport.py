"""Transport peer: Telethon 1.45.0 frames packets with each of its codecs (abridged,
intermediate, randomized intermediate, full), plain and obfuscated, and prints the
byte stream a server would receive with the packets inside, one JSON line per case.

Usage: python telethon_transport.py
"""

import json
import random

from telethon.network.connection.tcpabridged import AbridgedPacketCodec
from telethon.network.connection.tcpfull import FullPacketCodec
from telethon.network.connection.tcpintermediate import IntermediatePacketCodec, RandomizedIntermediatePacketCodec
from telethon.network.connection.tcpobfuscated import ObfuscatedIO

CODECS = {
    "abridged": AbridgedPacketCodec,
    "intermediate": IntermediatePacketCodec,
    "padded_intermediate": RandomizedIntermediatePacketCodec,
    "full": FullPacketCodec,
}


def main():
    rng = random.Random(5)
    for name, cls in CODECS.items():
        for obfuscated in (False, True):
            if obfuscated and name == "full":
                continue
            codec = cls(None)
            # MTProto packets are at least 20 bytes; a 4-byte payload is a transport status.
            packets = [rng.randbytes(4 * rng.choice([2, 5, 30, 126, 127, 128, 300])) for _ in range(6)]
            framed = b"".join(codec.encode_packet(p) for p in packets)
            if obfuscated:
                header, encryptor, _ = ObfuscatedIO.init_header(cls)
                stream = bytes(header) + encryptor.encrypt(framed)
            else:
                # Telethon only uses its randomized codec obfuscated, so it has no plain
                # tag; a plain padded-intermediate stream starts with 0xdddddddd.
                tag = cls.obfuscate_tag if name == "padded_intermediate" else (cls.tag or b"")
                stream = tag + framed
            print(json.dumps({"protocol": name, "obfuscated": obfuscated, "stream": stream.hex(),
                              "packets": [p.hex() for p in packets]}))


if __name__ == "__main__":
    main()
