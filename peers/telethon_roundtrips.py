"""Round trips per second of Telethon 1.45.0 against a running testserver (the
same requests as bench/src/bin/roundtrips.rs).
Usage: python telethon_roundtrips.py INFO_JSON SEQUENTIAL PIPELINED
Prints one JSON line {"sequential_rps", "pipelined_rps", "sequential_cpu_us",
"pipelined_cpu_us"}: requests per second and this process's CPU (getrusage, user +
system) per request.
"""

import asyncio
import json
import resource
import sys
import time

from telethon import TelegramClient
from telethon.crypto import rsa
from telethon.network import ConnectionTcpIntermediate
from telethon.sessions import MemorySession
from telethon.tl.functions.users import GetUsersRequest
from telethon.tl.types import InputUserSelf


async def main():
    info = json.loads(sys.argv[1])
    sequential, pipelined = int(sys.argv[2]), int(sys.argv[3])
    rsa.add_key(info["rsa_public_key_pem"], old=False)
    client = TelegramClient(MemorySession(), 12345, "0123456789abcdef0123456789abcdef",
                            connection=ConnectionTcpIntermediate, receive_updates=False)
    host, port = info["addr"].rsplit(":", 1)
    client.session.set_dc(info["dc_id"], host, int(port))
    await client.connect()
    await client.sign_in(bot_token=info["bot_token"])
    request = GetUsersRequest([InputUserSelf()])
    for _ in range(50):
        await client(request)
    started, before = time.perf_counter(), cpu_seconds()
    for _ in range(sequential):
        await client(request)
    seq = sequential / (time.perf_counter() - started)
    seq_cpu = (cpu_seconds() - before) / sequential * 1e6
    started, before = time.perf_counter(), cpu_seconds()
    await asyncio.gather(*(client(GetUsersRequest([InputUserSelf()])) for _ in range(pipelined)))
    pip = pipelined / (time.perf_counter() - started)
    pip_cpu = (cpu_seconds() - before) / pipelined * 1e6
    await client.disconnect()
    print(json.dumps({"sequential_rps": seq, "pipelined_rps": pip,
                      "sequential_cpu_us": seq_cpu, "pipelined_cpu_us": pip_cpu}))


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    asyncio.run(main())
