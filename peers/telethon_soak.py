"""Telethon 1.45.0 as one of the soak run's clients (`cargo xtask soak`).

Usage: python telethon_soak.py INFO_JSON PHONE CODE SECONDS
Signs in as PHONE, joins @ferrogram_lounge, then for SECONDS sends messages to
it and lists its members, while the soak driver turns the server's fault knobs.
Ends with one line `RESULT {json}`: the ids of the messages Telethon was told
it sent, the RPC errors it was answered with (by name) and the requests it got
no answer to.
"""

import asyncio
import json
import logging
import os
import sys
import time

from telethon import TelegramClient, errors
from telethon.crypto import rsa
from telethon.network import ConnectionTcpIntermediate
from telethon.sessions import MemorySession
from telethon.tl.functions.channels import JoinChannelRequest

API_ID = 12345
API_HASH = "0123456789abcdef0123456789abcdef"
LOUNGE = "ferrogram_lounge"


async def main():
    logging.basicConfig(level=os.environ.get("SOAK_TELETHON_LOG", "CRITICAL"))
    info = json.loads(sys.argv[1])
    phone, code, seconds = sys.argv[2], sys.argv[3], float(sys.argv[4])
    rsa.add_key(info["rsa_public_key_pem"], old=False)
    c = TelegramClient(MemorySession(), API_ID, API_HASH,
                       connection=ConnectionTcpIntermediate, request_retries=10,
                       connection_retries=10, retry_delay=0.2, auto_reconnect=True,
                       timeout=10, flood_sleep_threshold=60)
    addr = next(d["addr"] for d in info["dcs"] if d["id"] == info["dc_id"])
    host, port = addr.rsplit(":", 1)
    c.session.set_dc(info["dc_id"], host, int(port))
    await asyncio.wait_for(c.connect(), 30)
    await c.send_code_request(phone)
    await c.sign_in(phone, code)
    await c(JoinChannelRequest(LOUNGE))
    result = {"sent": [], "rpc_errors": {}, "unanswered": []}
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        n += 1
        try:
            if n % 4 == 0:
                m = await asyncio.wait_for(c.send_message(LOUNGE, f"telethon {phone} {n}"), 60)
                result["sent"].append(m.id)
            else:
                await asyncio.wait_for(c.get_participants(LOUNGE, limit=20), 60)
        except errors.RPCError as e:
            name = type(e).__name__
            result["rpc_errors"][name] = result["rpc_errors"].get(name, 0) + 1
        except Exception as e:  # no answer: a loss
            result["unanswered"].append(f"{'send' if n % 4 == 0 else 'list'}: {type(e).__name__}: {e}")
        await asyncio.sleep(0.3)
    await c.disconnect()
    print("RESULT " + json.dumps(result), flush=True)


asyncio.run(main())
