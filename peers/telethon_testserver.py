"""Telethon 1.45.0 against a running ferrogram testserver.

Usage: python telethon_testserver.py INFO_JSON
INFO_JSON is the line the server prints when ready. The script talks to the test
over stdin/stdout: it prints `STEP <name>` lines and waits for one line on stdin
before going on (so the test can turn fault knobs at the right moment), and ends
with one line `RESULT <json>` saying what Telethon read.
"""

import asyncio
import json
import logging
import sys

from telethon import TelegramClient, events
from telethon.crypto import rsa
from telethon.errors import SessionPasswordNeededError
from telethon.network import (ConnectionTcpAbridged, ConnectionTcpFull,
                              ConnectionTcpIntermediate, ConnectionTcpObfuscated)
from telethon.sessions import MemorySession
from telethon.tl.functions.photos import UploadProfilePhotoRequest

API_ID = 12345
API_HASH = "0123456789abcdef0123456789abcdef"
WAIT = 20  # seconds: every wait is bounded

FRAMINGS = {
    "full": ConnectionTcpFull,
    "intermediate": ConnectionTcpIntermediate,
    "abridged": ConnectionTcpAbridged,
    "obfuscated": ConnectionTcpObfuscated,
}


def step(name):
    print("STEP", name, flush=True)
    line = sys.stdin.readline()
    if not line:
        raise SystemExit("test went away")


def client(info, dc, framing):
    c = TelegramClient(MemorySession(), API_ID, API_HASH, connection=FRAMINGS[framing],
                       request_retries=3, connection_retries=3, retry_delay=0.2,
                       auto_reconnect=True, timeout=WAIT)
    addr = next(d["addr"] for d in info["dcs"] if d["id"] == dc)
    host, port = addr.rsplit(":", 1)
    c.session.set_dc(dc, host, int(port))
    return c


async def main():
    info = json.loads(sys.argv[1])
    rsa.add_key(info["rsa_public_key_pem"], old=False)
    result = {}

    # The bot signs in over every framing.
    result["bot_framings"] = {}
    for framing in FRAMINGS:
        bot = client(info, info["dc_id"], framing)
        await asyncio.wait_for(bot.connect(), WAIT)
        await bot.sign_in(bot_token=info["bot_token"])
        me = await bot.get_me()
        result["bot_framings"][framing] = {"id": me.id, "username": me.username, "bot": me.bot}
        await bot.disconnect()

    # The user starts on DC 1: PHONE_MIGRATE takes Telethon to the home DC.
    user_info = info["user"]
    other_dc = next(d["id"] for d in info["dcs"] if d["id"] != info["dc_id"])
    user = client(info, other_dc, "full")
    await asyncio.wait_for(user.connect(), WAIT)
    await user.send_code_request(user_info["phone"])
    try:
        await user.sign_in(user_info["phone"], user_info["code"])
        result["password_needed"] = False
    except SessionPasswordNeededError:
        result["password_needed"] = True
        await user.sign_in(password=user_info["password"])
    me = await user.get_me()
    result["user"] = {"id": me.id, "phone": me.phone, "dc": user.session.dc_id}

    # A bot session listening for updates; the user writes to it.
    bot = client(info, info["dc_id"], "intermediate")
    await asyncio.wait_for(bot.connect(), WAIT)
    await bot.sign_in(bot_token=info["bot_token"])
    bot_got = asyncio.get_running_loop().create_future()

    @bot.on(events.NewMessage(incoming=True))
    async def on_bot_message(event):
        if not bot_got.done():
            sender = await event.get_sender()
            bot_got.set_result({"text": event.raw_text, "sender": sender.id})
            await event.respond("hi human")

    user_got = asyncio.get_running_loop().create_future()

    @user.on(events.NewMessage(incoming=True))
    async def on_user_message(event):
        if not user_got.done():
            user_got.set_result({"text": event.raw_text, "sender": event.sender_id})

    # Make both sessions known to the server as update receivers.
    await bot.catch_up()
    await user.catch_up()
    sent = await user.send_message("ferrogram_test_bot", "hello from telethon")
    result["sent_id"] = sent.id
    result["bot_got"] = await asyncio.wait_for(bot_got, WAIT)
    result["user_got"] = await asyncio.wait_for(user_got, WAIT)
    history = await user.get_messages("ferrogram_test_bot", limit=10)
    result["history"] = [m.message for m in history]

    # A profile photo, uploaded and downloaded back.
    photo = bytes(range(256)) * 700  # 179,200 bytes: two 128 KiB parts
    uploaded = await user.upload_file(photo, file_name="me.jpg")
    await user(UploadProfilePhotoRequest(file=uploaded))
    downloaded = await user.download_profile_photo("me", file=bytes)
    result["photo_roundtrip"] = downloaded == photo
    result["photo_size"] = len(downloaded or b"")

    # The server drops the connection after executing the next request.
    step("drop")
    after = await asyncio.wait_for(user.send_message("me", "after the drop"), 3 * WAIT)
    result["after_drop_id"] = after.id
    saved = await user.get_messages("me", limit=10)
    result["saved"] = [m.message for m in saved]

    await bot.disconnect()
    await user.disconnect()
    print("RESULT", json.dumps(result), flush=True)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    asyncio.run(main())
