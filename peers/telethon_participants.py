"""Telethon 1.45.0's get_participants of a testserver's supergroup, measured
(the peer of bench/src/bin/participants.rs, plain mode).
Usage: python telethon_participants.py INFO_JSON
Prints one JSON line {"members": .., "wall_s": .., "cpu_s": ..}: wall time and
this process's CPU time (time.process_time) of the listing alone.
"""

import asyncio
import json
import sys
import time

from telethon import TelegramClient
from telethon.crypto import rsa
from telethon.sessions import MemorySession


async def main():
    info = json.loads(sys.argv[1])
    rsa.add_key(info["rsa_public_key_pem"], old=False)
    client = TelegramClient(MemorySession(), 12345, "0123456789abcdef0123456789abcdef",
                            receive_updates=False, request_retries=10,
                            flood_sleep_threshold=120)
    host, port = info["addr"].rsplit(":", 1)
    client.session.set_dc(info["dc_id"], host, int(port))
    await client.connect()
    user = info["user"]
    sent = await client.send_code_request(user["phone"])
    try:
        await client.sign_in(user["phone"], user["code"], phone_code_hash=sent.phone_code_hash)
    except Exception as e:  # SessionPasswordNeededError
        if "password" not in type(e).__name__.lower():
            raise
        await client.sign_in(password=user["password"])
    chat = await client.get_input_entity("ferrogram_lounge")
    cpu = time.process_time()
    started = time.perf_counter()
    members = 0
    async for _ in client.iter_participants(chat):
        members += 1
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu
    await client.disconnect()
    print(json.dumps({"members": members, "wall_s": wall, "cpu_s": cpu}))


if __name__ == "__main__":
    asyncio.run(main())
