"""Telethon 1.45.0's get_participants of a testserver's supergroup, measured
(the peer of bench/src/bin/participants.rs, plain mode).
Usage: python telethon_participants.py INFO_JSON [MIN_CPU_S [SESSION_FILE]]
Prints one JSON line {"members": .., "wall_s": .., "cpu_s": .., "listings": ..}:
wall time and this process's CPU time (getrusage: user + system) of the
listings alone, from the first channels.getParticipants to the last answer.
With MIN_CPU_S the listing is repeated until that much CPU has been spent in it
(at most 200 times); with SESSION_FILE Telethon keeps its default SQLite session
there instead of a MemorySession.
"""

import asyncio
import json
import resource
import sys
import time

from telethon import TelegramClient
from telethon.crypto import rsa
from telethon.sessions import MemorySession, SQLiteSession


async def main():
    info = json.loads(sys.argv[1])
    min_cpu = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    session = SQLiteSession(sys.argv[3]) if len(sys.argv) > 3 else MemorySession()
    rsa.add_key(info["rsa_public_key_pem"], old=False)
    client = TelegramClient(session, 12345, "0123456789abcdef0123456789abcdef",
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
    members = listings = 0
    cpu = wall = 0.0
    while listings == 0 or (cpu < min_cpu and listings < 200):
        before = cpu_seconds()
        started = time.perf_counter()
        async for _ in client.iter_participants(chat):
            members += 1
        wall += time.perf_counter() - started
        cpu += cpu_seconds() - before
        listings += 1
    await client.disconnect()
    print(json.dumps({"members": members, "wall_s": wall, "cpu_s": cpu,
                      "listings": listings}))


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    asyncio.run(main())
