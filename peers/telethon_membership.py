"""Telethon 1.45.0 drives invite links, join requests, member tags, the
ownership checks and a basic group's migration against a running testserver
with raw requests (Telethon has no high-level API for them).
Telethon speaks layer 229: every method used here has the same constructor id
in 229 and 230 (checked in testserver/tests/telethon_chats.rs). Not used:
a plain messages.importChatInvite / channels.joinChannel that succeeds, whose
layer-230 answer (messages.chatInviteJoinResultOk) layer 229 cannot read.

Usage: python telethon_membership.py INFO_JSON ASKER_PHONE ASKER_CODE DIRECT_PHONE DIRECT_CODE
Prints one line `RESULT <json>` with what Telethon read.
"""

import asyncio
import json
import logging
import sys
import time

from telethon import password as password_helpers
from telethon import errors
from telethon.crypto import rsa
from telethon.tl import functions, types

from peer_common import client, signed_in


def hash_of(link):
    return link.rsplit("+", 1)[-1]


async def main():
    info = json.loads(sys.argv[1])
    asker_phone, asker_code, direct_phone, direct_code = sys.argv[2:6]
    rsa.add_key(info["rsa_public_key_pem"], old=False)
    out = {}
    owner = await signed_in(info, info["user"]["phone"], info["user"]["code"], info["user"]["password"])
    bot = client(info)
    await bot.connect()
    await bot.sign_in(bot_token=info["bot_token"])
    lounge = await owner.get_input_entity("ferrogram_lounge")

    limited = await owner(functions.messages.ExportChatInviteRequest(
        peer=lounge, title="telethon", usage_limit=3, expire_date=int(time.time()) + 3600))
    out["limited"] = {"title": limited.title, "usage_limit": limited.usage_limit,
                      "expires": limited.expire_date is not None, "link": limited.link}
    gate = await owner(functions.messages.ExportChatInviteRequest(
        peer=lounge, request_needed=True, title="gate"))
    out["gate_request_needed"] = gate.request_needed
    try:
        await owner(functions.messages.ExportChatInviteRequest(
            peer=lounge, request_needed=True, usage_limit=2))
        out["limit_with_approval"] = "accepted"
    except errors.RPCError as e:
        out["limit_with_approval"] = type(e).__name__

    asker = await signed_in(info, asker_phone, asker_code)
    check = await asker(functions.messages.CheckChatInviteRequest(hash=hash_of(gate.link)))
    out["check_request_needed"] = check.request_needed
    try:
        await asker(functions.messages.ImportChatInviteRequest(hash=hash_of(gate.link)))
        out["import_gate"] = "joined"
    except errors.RPCError as e:
        out["import_gate"] = type(e).__name__
    asker_id = (await asker.get_me()).id
    out["asker_id"] = asker_id

    pending = await owner(functions.messages.GetChatInviteImportersRequest(
        peer=lounge, requested=True, offset_date=None, offset_user=types.InputUserEmpty(), limit=10))
    out["pending"] = [i.user_id for i in pending.importers]
    out["pending_count"] = pending.count
    full = await owner(functions.channels.GetFullChannelRequest(channel=lounge))
    out["requests_pending"] = full.full_chat.requests_pending
    asker_input = types.InputUser(asker_id, next(u.access_hash for u in pending.users if u.id == asker_id))
    await owner(functions.messages.HideChatJoinRequestRequest(peer=lounge, user_id=asker_input, approved=True))
    try:
        await owner(functions.messages.HideChatJoinRequestRequest(
            peer=lounge, user_id=asker_input, approved=True))
        out["hide_again"] = "accepted"
    except errors.RPCError as e:
        out["hide_again"] = type(e).__name__

    edited = await owner(functions.messages.EditExportedChatInviteRequest(
        peer=lounge, link=limited.link, title="renamed", usage_limit=5))
    out["edited"] = {"title": edited.invite.title, "usage_limit": edited.invite.usage_limit}
    try:
        await bot(functions.messages.EditExportedChatInviteRequest(
            peer=await bot.get_input_entity("ferrogram_lounge"), link=gate.link, title="bot's"))
        out["bot_edits_owners"] = "accepted"
    except errors.RPCError as e:
        out["bot_edits_owners"] = type(e).__name__
    revoked = await owner(functions.messages.EditExportedChatInviteRequest(
        peer=lounge, link=limited.link, revoked=True))
    out["revoked"] = revoked.invite.revoked
    # (Asked by someone not in the chat: a member is told it is in.)
    direct = await signed_in(info, direct_phone, direct_code)
    try:
        await direct(functions.messages.CheckChatInviteRequest(hash=hash_of(limited.link)))
        out["check_revoked"] = "usable"
    except errors.RPCError as e:
        out["check_revoked"] = type(e).__name__
    listed = await owner(functions.messages.GetExportedChatInvitesRequest(
        peer=lounge, admin_id=types.InputUserSelf(), limit=10, revoked=True))
    out["revoked_listed"] = listed.count
    await owner(functions.messages.DeleteRevokedExportedChatInvitesRequest(
        peer=lounge, admin_id=types.InputUserSelf()))
    listed = await owner(functions.messages.GetExportedChatInvitesRequest(
        peer=lounge, admin_id=types.InputUserSelf(), limit=10, revoked=True))
    out["revoked_after_delete"] = listed.count
    live = await owner(functions.messages.GetExportedChatInvitesRequest(
        peer=lounge, admin_id=types.InputUserSelf(), limit=10))
    out["live_links"] = [i.link for i in live.invites]
    counts = await owner(functions.messages.GetAdminsWithInvitesRequest(peer=lounge))
    out["counts"] = {str(a.admin_id): [a.invites_count, a.revoked_invites_count] for a in counts.admins}

    # Approval for direct joins, then every request declined at once.
    await owner(functions.channels.ToggleJoinRequestRequest(channel=lounge, enabled=True))
    try:
        await direct(functions.channels.JoinChannelRequest(
            channel=await direct.get_input_entity("ferrogram_lounge")))
        out["direct_join"] = "joined"
    except errors.RPCError as e:
        out["direct_join"] = type(e).__name__
    out["direct_id"] = (await direct.get_me()).id
    await owner(functions.messages.HideAllChatJoinRequestsRequest(peer=lounge, approved=False))
    pending = await owner(functions.messages.GetChatInviteImportersRequest(
        peer=lounge, requested=True, offset_date=None, offset_user=types.InputUserEmpty(), limit=10))
    out["pending_after_decline"] = pending.count

    # Ranks (layer 223): the owner tags the approved asker; the tag shows.
    await owner(functions.messages.EditChatParticipantRankRequest(
        peer=lounge, participant=types.InputPeerUser(asker_id, asker_input.access_hash), rank="Scout"))
    got = await owner(functions.channels.GetParticipantRequest(channel=lounge, participant=asker_input))
    out["asker_rank"] = got.participant.rank
    try:
        await owner(functions.messages.EditChatParticipantRankRequest(
            peer=lounge, participant=types.InputPeerUser(asker_id, asker_input.access_hash),
            rank="far too long for any tag"))
    except errors.RPCError as e:
        out["long_rank"] = type(e).__name__

    # Ownership: a session signed in just now may not hand a chat over.
    pwd = await owner(functions.account.GetPasswordRequest())
    check = password_helpers.compute_check(pwd, info["user"]["password"])
    try:
        await owner(functions.messages.EditChatCreatorRequest(peer=lounge, user_id=asker_input, password=check))
    except errors.RPCError as e:
        out["transfer_fresh"] = type(e).__name__

    # Migration: a basic group with the asker becomes a supergroup.
    made = await owner(functions.messages.CreateChatRequest(users=[asker_input], title="Telethon's crew"))
    group_id = next(c.id for c in made.updates.chats if isinstance(c, types.Chat))
    try:
        await asker(functions.messages.MigrateChatRequest(chat_id=group_id))
    except errors.RPCError as e:
        out["asker_migrates"] = type(e).__name__
    moved = await owner(functions.messages.MigrateChatRequest(chat_id=group_id))
    channel = next(c for c in moved.chats if isinstance(c, types.Channel))
    old = next(c for c in moved.chats if isinstance(c, types.Chat))
    out["migrated"] = {
        "group": group_id,
        "channel": channel.id,
        "megagroup": channel.megagroup,
        "deactivated": old.deactivated,
        "migrated_to": old.migrated_to.channel_id,
    }
    full = await owner(functions.channels.GetFullChannelRequest(
        channel=types.InputChannel(channel.id, channel.access_hash)))
    out["migrated_from"] = full.full_chat.migrated_from_chat_id
    out["migrated_members"] = full.full_chat.participants_count
    try:
        await owner(functions.messages.EditChatTitleRequest(chat_id=group_id, title="renamed"))
    except errors.RPCError as e:
        out["old_group_title"] = type(e).__name__

    for c in (owner, bot, asker, direct):
        await c.disconnect()
    print("RESULT", json.dumps(out), flush=True)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    asyncio.run(main())
