"""Telethon 1.45.0 runs the seed's chat-management workflow against a running
testserver (its default chat world). Usage: python telethon_chat_world.py INFO_JSON
Prints one line `RESULT <json>` with what Telethon read.
"""

import asyncio
import datetime
import json
import logging
import sys

from telethon import TelegramClient, errors
from telethon.crypto import rsa
from telethon.network import ConnectionTcpIntermediate
from telethon.sessions import MemorySession
from telethon.tl import types

WAIT = 30


def client(info):
    c = TelegramClient(MemorySession(), 12345, "0123456789abcdef0123456789abcdef",
                       connection=ConnectionTcpIntermediate, timeout=WAIT, request_retries=3)
    host, port = info["addr"].rsplit(":", 1)
    c.session.set_dc(info["dc_id"], host, int(port))
    return c


async def main():
    info = json.loads(sys.argv[1])
    rsa.add_key(info["rsa_public_key_pem"], old=False)
    out = {}
    user = client(info)
    await user.connect()
    await user.send_code_request(info["user"]["phone"])
    try:
        await user.sign_in(info["user"]["phone"], info["user"]["code"])
    except errors.SessionPasswordNeededError:
        await user.sign_in(password=info["user"]["password"])
    bot = client(info)
    await bot.connect()
    await bot.sign_in(bot_token=info["bot_token"])

    lounge = await user.get_entity("ferrogram_lounge")
    out["lounge_id"] = lounge.id
    everyone = await user.get_participants(lounge, limit=300)
    out["first_page"] = len(everyone)
    out["total"] = everyone.total
    admins = await user.get_participants(lounge, filter=types.ChannelParticipantsAdmins)
    out["admins"] = sorted(u.id for u in admins)
    out["admin_ranks"] = {str(u.id): getattr(u.participant, "rank", None) for u in admins}
    bots = await user.get_participants(lounge, filter=types.ChannelParticipantsBots, limit=50)
    out["bots_all_bots"] = all(u.bot for u in bots)
    kicked = await user.get_participants(lounge, filter=types.ChannelParticipantsKicked, limit=50)
    out["kicked_total"] = kicked.total
    found = await user.get_participants(lounge, search="love", limit=50)
    out["search_love"] = sorted(u.id for u in found)

    # Members to act on: plain members (not bots, not admins).
    plain = [u for u in everyone if not u.bot and isinstance(u.participant, types.ChannelParticipant)]
    target, target2, target3 = plain[0], plain[1], plain[2]
    out["targets"] = [target.id, target2.id, target3.id]
    await user.edit_admin(lounge, target, ban_users=True, delete_messages=True, title="Helper")
    await user.edit_permissions(lounge, target2, until_date=datetime.timedelta(hours=1), send_media=False)
    p1 = await user.get_permissions(lounge, target)
    p2 = await user.get_permissions(lounge, target2)
    out["perm_admin"] = {"is_admin": p1.is_admin, "ban_users": p1.ban_users, "change_info": p1.change_info}
    rights = p2.participant.banned_rights
    out["perm_restricted"] = {"is_banned": p2.is_banned, "send_media_denied": rights.send_media,
                              "send_messages_denied": bool(rights.send_messages),
                              "until_set": rights.until_date is not None}
    await user.kick_participant(lounge, target3)
    try:
        await user.get_permissions(lounge, target3)
        out["kicked_still_member"] = True
    except errors.UserNotParticipantError:
        out["kicked_still_member"] = False

    log = await user.get_admin_log(lounge, limit=20, admins=[await user.get_me()])
    out["log_events"] = [type(e.action).__name__ for e in log]
    promos = await user.get_admin_log(lounge, limit=20, promote=True, admins=[await user.get_me()])
    out["log_promotions"] = [e.action.new_participant.user_id for e in promos]

    async with user.action(lounge, "typing"):
        await asyncio.sleep(0.2)
    out["typing_ok"] = True

    from telethon.tl.functions.photos import UploadProfilePhotoRequest
    await user(UploadProfilePhotoRequest(file=await user.upload_file(b"\x89PNG" + bytes(100), file_name="me.png")))
    photos = await user.get_profile_photos("me")
    out["profile_photos"] = len(photos)

    stats = await user.get_stats(lounge)
    out["megagroup_members"] = stats.members.current
    news = await user.get_entity("ferrogram_news")
    bstats = await user.get_stats(news)
    out["broadcast_followers"] = bstats.followers.current
    mstats = await user.get_stats(news, message=5)
    out["message_stats"] = type(mstats).__name__

    try:
        await bot.get_admin_log(await bot.get_entity("ferrogram_lounge"), limit=1)
        out["bot_admin_log"] = "allowed"
    except errors.BotMethodInvalidError:
        out["bot_admin_log"] = "BOT_METHOD_INVALID"

    await bot.disconnect()
    await user.disconnect()
    print("RESULT", json.dumps(out), flush=True)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    asyncio.run(main())
