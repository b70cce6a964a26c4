"""Telethon 1.45.0 drives the clean-up and settings methods (issue 20) and
the client configuration against a running testserver with raw requests.
Every method used here has the same constructor id in layers 229 and 230
(checked in testserver/tests/telethon_chats.rs).

Usage: python telethon_moderation.py INFO_JSON SPAMMER_PHONE SPAMMER_CODE
Prints one line `RESULT <json>` with what Telethon read.
"""

import asyncio
import json
import logging
import random
import sys

from telethon import errors
from telethon.crypto import rsa
from telethon.tl import functions, types

from peer_common import signed_in


def error_name(e):
    return type(e).__name__


async def main():
    info = json.loads(sys.argv[1])
    spammer_phone, spammer_code = sys.argv[2:4]
    rsa.add_key(info["rsa_public_key_pem"], old=False)
    out = {}
    owner = await signed_in(info, info["user"]["phone"], info["user"]["code"], info["user"]["password"])
    # flood_sleep_threshold=0: Telethon would otherwise sleep through the
    # slow-mode wait and send again.
    spammer = await signed_in(info, spammer_phone, spammer_code, flood_sleep_threshold=0)
    lounge = await owner.get_input_entity("ferrogram_lounge")
    imported = await owner(functions.contacts.ImportContactsRequest([
        types.InputPhoneContact(client_id=1, phone=spammer_phone, first_name="Spam", last_name="")]))
    sp = imported.users[0]
    sp_user = types.InputUser(sp.id, sp.access_hash)
    sp_peer = types.InputPeerUser(sp.id, sp.access_hash)
    await owner(functions.channels.InviteToChannelRequest(channel=lounge, users=[sp_user]))

    their_lounge = await spammer.get_input_entity("ferrogram_lounge")
    ids = []
    for i in range(3):
        m = await spammer.send_message(their_lounge, f"spam {i}")
        ids.append(m.id)

    # Slow mode: the next message waits.
    await owner(functions.channels.ToggleSlowModeRequest(channel=lounge, seconds=30))
    try:
        await spammer.send_message(their_lounge, "one more")
    except errors.RPCError as e:
        out["slowmode_send"] = type(e).__name__
        out["slowmode_seconds"] = getattr(e, "seconds", None)

    # Pin one, report two, the spammer deletes one of its own, the owner the rest.
    await owner(functions.messages.UpdatePinnedMessageRequest(peer=lounge, id=ids[0], silent=True))
    full = await owner(functions.channels.GetFullChannelRequest(channel=lounge))
    out["pinned"] = full.full_chat.pinned_msg_id == ids[0]
    out["slowmode_full"] = full.full_chat.slowmode_seconds
    out["reported"] = await owner(functions.channels.ReportSpamRequest(
        channel=lounge, participant=sp_peer, id=ids[:2]))
    own = await spammer(functions.channels.DeleteMessagesRequest(channel=their_lounge, id=[ids[2]]))
    out["own_deleted"] = own.pts_count
    history = await owner(functions.channels.DeleteParticipantHistoryRequest(
        channel=lounge, participant=sp_peer))
    out["history_deleted"] = history.pts_count
    out["history_offset"] = history.offset

    # Settings: too few members for anti-spam; protected content, once.
    try:
        await owner(functions.channels.ToggleAntiSpamRequest(channel=lounge, enabled=True))
    except errors.RPCError as e:
        out["antispam"] = error_name(e)
    await owner(functions.messages.ToggleNoForwardsRequest(peer=lounge, enabled=True))
    try:
        await owner(functions.messages.ToggleNoForwardsRequest(peer=lounge, enabled=True))
    except errors.RPCError as e:
        out["noforwards_again"] = type(e).__name__
    chats = await owner(functions.channels.GetChannelsRequest(id=[lounge]))
    out["noforwards"] = chats.chats[0].noforwards

    # A basic group: its message ids are in each member's common box, so
    # messages.deleteMessages names no chat. The owner deletes the spammer's
    # for everyone; the spammer the owner's for himself only.
    made = await owner(functions.messages.CreateChatRequest(users=[sp_user], title="Telethon's basic"))
    group = types.InputPeerChat(next(c.id for c in made.updates.chats if isinstance(c, types.Chat)))
    theirs = await spammer.send_message(group, "basic spam")
    mine = await owner.send_message(group, "owner's word")
    revoked = await owner(functions.messages.DeleteMessagesRequest(id=[theirs.id], revoke=True))
    out["group_revoked"] = revoked.pts_count
    seen = await spammer(functions.messages.GetMessagesRequest(id=[types.InputMessageID(theirs.id)]))
    out["group_gone_for_spammer"] = type(seen.messages[0]).__name__
    for_me = await spammer(functions.messages.DeleteMessagesRequest(id=[mine.id], revoke=True))
    out["group_for_me"] = for_me.pts_count
    kept = await owner(functions.messages.GetMessagesRequest(id=[types.InputMessageID(mine.id)]))
    out["group_kept_for_owner"] = kept.messages[0].message

    # Posting as one's public channel until the group bans the channel.
    await owner(functions.channels.ToggleSlowModeRequest(channel=lounge, seconds=0))
    made = await spammer(functions.channels.CreateChannelRequest(
        title="Cheap followers", about="", broadcast=True))
    ch = next(c for c in made.chats if isinstance(c, types.Channel))
    await spammer(functions.channels.UpdateUsernameRequest(
        channel=types.InputChannel(ch.id, ch.access_hash), username="cheap_followers"))
    offered = await spammer(functions.channels.GetSendAsRequest(peer=their_lounge))
    out["send_as"] = [type(p.peer).__name__ for p in offered.peers]
    as_channel = types.InputPeerChannel(ch.id, ch.access_hash)

    def post_as(text):
        return spammer(functions.messages.SendMessageRequest(
            peer=their_lounge, message=text, random_id=random.getrandbits(63), send_as=as_channel))

    posted = await post_as("follow us")
    out["posted_from"] = next(type(u.message.from_id).__name__ for u in posted.updates
                              if isinstance(u, types.UpdateNewChannelMessage))
    await owner(functions.channels.EditBannedRequest(
        channel=lounge, participant=await owner.get_input_entity("cheap_followers"),
        banned_rights=types.ChatBannedRights(until_date=None, view_messages=True)))
    try:
        await post_as("follow us again")
    except errors.RPCError as e:
        out["banned_send_as"] = error_name(e)

    # The client configuration.
    config = await owner(functions.help.GetAppConfigRequest(hash=0))
    values = {kv.key: kv.value.value for kv in config.config.value}
    out["antispam_min"] = values.get("telegram_antispam_group_size_min")
    again = await owner(functions.help.GetAppConfigRequest(hash=config.hash))
    out["config_not_modified"] = type(again).__name__

    for c in (owner, spammer):
        await c.disconnect()
    print("RESULT", json.dumps(out), flush=True)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    asyncio.run(main())
