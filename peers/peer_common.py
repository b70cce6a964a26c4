"""What the Telethon peer scripts share: a client pointed at the
testserver's JSON line, and a signed-in user."""

from telethon import TelegramClient, errors
from telethon.network import ConnectionTcpIntermediate
from telethon.sessions import MemorySession

WAIT = 30


def client(info, flood_sleep_threshold=60):
    """A client of the server `info` describes (not connected)."""
    c = TelegramClient(MemorySession(), 12345, "0123456789abcdef0123456789abcdef",
                       connection=ConnectionTcpIntermediate, timeout=WAIT, request_retries=3,
                       flood_sleep_threshold=flood_sleep_threshold)
    host, port = info["addr"].rsplit(":", 1)
    c.session.set_dc(info["dc_id"], host, int(port))
    return c


async def signed_in(info, phone, code, password=None, **kwargs):
    """A connected client signed in as `phone` (with `password` for 2FA)."""
    c = client(info, **kwargs)
    await c.connect()
    await c.send_code_request(phone)
    try:
        await c.sign_in(phone, code)
    except errors.SessionPasswordNeededError:
        await c.sign_in(password=password)
    return c
