"""Telethon 1.45.0 (layer 229) drives forum topics, the chat options and
communities (issue 20) against a running testserver with raw requests.
Every method used here has the same constructor id in layers 229 and 230
(checked in testserver/tests/telethon_chats.rs).

Usage: python telethon_forums.py INFO_JSON MEMBER_PHONE MEMBER_CODE
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


def name(e):
    """The RPC error's name as the server sent it (Telethon has classes
    for some, a generic BadRequestError for the others)."""
    if type(e).__name__ in ("BadRequestError", "RPCError"):
        return e.message
    # A class of its own: ChatAdminRequiredError -> CHAT_ADMIN_REQUIRED.
    words = type(e).__name__.removesuffix("Error")
    return "".join("_" + c if c.isupper() else c for c in words).lstrip("_").upper()


def channel_of(updates):
    return next(c for c in updates.chats if isinstance(c, types.Channel))


async def main():
    info = json.loads(sys.argv[1])
    member_phone, member_code = sys.argv[2:4]
    rsa.add_key(info["rsa_public_key_pem"], old=False)
    out = {}
    owner = await signed_in(info, info["user"]["phone"], info["user"]["code"], info["user"]["password"])
    member = await signed_in(info, member_phone, member_code)

    # A forum; the member joins by its username.
    made = await owner(functions.channels.CreateChannelRequest(
        title="Telethon desk", about="", megagroup=True, forum=True))
    desk = channel_of(made)
    await owner(functions.channels.UpdateUsernameRequest(channel=desk, username="telethon_desk"))
    their_desk = await member.get_input_entity("telethon_desk")
    await member(functions.channels.JoinChannelRequest(channel=their_desk))

    # Topics: made, posted in, closed to members, pinned, deleted.
    created = await owner(functions.messages.CreateForumTopicRequest(
        peer=desk, title="Bugs", random_id=random.getrandbits(63)))
    topic = next(u.message.id for u in created.updates
                 if isinstance(u, (types.UpdateNewChannelMessage, types.UpdateNewMessage)))
    sent = await member(functions.messages.SendMessageRequest(
        peer=their_desk, message="it crashes", random_id=random.getrandbits(63),
        reply_to=types.InputReplyToMessage(reply_to_msg_id=topic, top_msg_id=topic)))
    msg = next(u.message for u in sent.updates if isinstance(u, types.UpdateNewChannelMessage))
    out["reply_forum_topic"] = bool(msg.reply_to and msg.reply_to.forum_topic)
    out["reply_topic"] = msg.reply_to.reply_to_msg_id == topic if msg.reply_to else False
    await owner(functions.messages.EditForumTopicRequest(peer=desk, topic_id=topic, closed=True))
    try:
        await member(functions.messages.SendMessageRequest(
            peer=their_desk, message="again", random_id=random.getrandbits(63),
            reply_to=types.InputReplyToMessage(reply_to_msg_id=topic, top_msg_id=topic)))
    except errors.RPCError as e:
        out["closed_send"] = name(e)
    await owner(functions.messages.UpdatePinnedForumTopicRequest(peer=desk, topic_id=topic, pinned=True))
    listed = await owner(functions.messages.GetForumTopicsRequest(
        peer=desk, offset_date=0, offset_id=0, offset_topic=0, limit=10))
    out["pinned"] = [t.pinned for t in listed.topics if t.id == topic]
    try:
        await member(functions.messages.UpdatePinnedForumTopicRequest(
            peer=their_desk, topic_id=topic, pinned=False))
    except errors.RPCError as e:
        out["member_pin"] = name(e)
    deleted = await owner(functions.messages.DeleteTopicHistoryRequest(peer=desk, top_msg_id=topic))
    out["topic_deleted"] = deleted.pts_count
    by_id = await owner(functions.messages.GetForumTopicsByIDRequest(peer=desk, topics=[topic]))
    out["topic_left"] = len(by_id.topics)

    # Options: auto-delete, reactions, boosts.
    await owner(functions.messages.SetHistoryTTLRequest(peer=desk, period=86400))
    try:
        await owner(functions.messages.SetHistoryTTLRequest(peer=desk, period=3600))
    except errors.RPCError as e:
        out["ttl_hour"] = name(e)
    await owner(functions.messages.SetChatAvailableReactionsRequest(
        peer=desk, available_reactions=types.ChatReactionsSome([types.ReactionEmoji("👍")])))
    await owner(functions.channels.SetBoostsToUnblockRestrictionsRequest(channel=desk, boosts=2))
    full = await owner(functions.channels.GetFullChannelRequest(channel=desk))
    out["ttl"] = full.full_chat.ttl_period
    out["reactions"] = [r.emoticon for r in full.full_chat.available_reactions.reactions]
    out["boosts"] = full.full_chat.boosts_unrestrict

    # A community: made with the forum, the member banned in all its chats.
    community = await owner(functions.communities.CreateRequest(
        title="Telethon net", peer=desk, about="made by Telethon"))
    comm = next(c for c in community.chats if type(c).__name__ == "Community")
    out["community_title"] = comm.title
    comm_in = types.InputChannel(comm.id, comm.access_hash)
    imported = await owner(functions.contacts.ImportContactsRequest([
        types.InputPhoneContact(client_id=1, phone=member_phone, first_name="Member", last_name="")]))
    member_user = types.InputPeerUser(imported.users[0].id, imported.users[0].access_hash)
    reach = await owner(functions.communities.GetParticipantJoinedChatsRequest(
        community=comm_in, participant=member_user))
    out["reach"] = len(reach.joined_chat_ids)
    out["banned"] = await owner(functions.communities.ToggleParticipantBannedRequest(
        community=comm_in, participant=member_user))
    try:
        await owner(functions.communities.ToggleParticipantBannedRequest(
            community=comm_in, participant=member_user))
    except errors.RPCError as e:
        out["banned_again"] = name(e)
    joined = await owner(functions.communities.GetJoinedCommunitiesRequest())
    out["joined"] = len(joined.chats)

    for c in (owner, member):
        await c.disconnect()
    print("RESULT", json.dumps(out), flush=True)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    asyncio.run(main())
