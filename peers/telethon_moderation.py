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
