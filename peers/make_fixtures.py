"""Writes the TL fixtures the demo and the benchmarks decode, encoded by Telethon
1.45.0 (an implementation independent of ours), so they stand in for captures.

Usage: python make_fixtures.py OUT_DIR

- channel_participants_200.bin: `channels.channelParticipants` with 200 participants in
  every role (creator, admins with rights and ranks, members, restricted, banned) and
  their 200 users (names, usernames, profile photos, statuses, some bots).
- messages_100.bin: `messages.messages` with 100 messages (text with entities, replies,
  reactions, views), their users and chat.

The output is deterministic (fixed seed); the files are committed, and a test checks
that this script still produces them byte for byte.
"""

import random
import sys

from telethon.tl import types
from telethon.tl.types import channels, messages

FIRST = ["Anna", "Boris", "Chen", "Daria", "Emeka", "Fatima", "Giulia", "Hiro", "Ingrid", "José",
         "Kateryna", "Liam", "Maya", "Nikolai", "Olga", "Pablo", "Qiu", "Rania", "Sven", "Tomasz",
         "Уля", "Ёжик", "محمد", "Zoë", "Aleksandr", "Björn", "Chloé", "Dmitri", "Élodie", "Farrukh"]
LAST = ["Ivanova", "Smith", "Wang", "Kowalski", "Okafor", "Haddad", "Rossi", "Tanaka", "Berg",
        "García", "Shevchenko", "O'Brien", "Kapoor", "Petrov", "Novak", "Müller", "", "Ли", "Nakamura", "Silva"]
WORDS = ("the admin log shows who changed what and when so moderators can review every ban "
         "restriction promotion and title in one place before the weekly call").split()


def user(rng, uid, bot=False):
    first = rng.choice(FIRST)
    last = rng.choice(LAST)
    uname = None
    if rng.random() < 0.7:
        uname = f"{first.lower()}_{uid % 10000}" if first.isascii() else f"user{uid}"
        if bot:
            uname = f"helper{uid % 1000}_bot"
    photo = None
    if rng.random() < 0.8:
        thumb = bytes(rng.getrandbits(8) for _ in range(rng.choice([0, 90, 110, 130, 150])))
        photo = types.UserProfilePhoto(photo_id=rng.getrandbits(63), dc_id=rng.choice([1, 2, 4, 5]),
                                       has_video=rng.random() < 0.1, stripped_thumb=thumb or None)
    status = rng.choice([
        types.UserStatusRecently(), types.UserStatusLastWeek(),
        types.UserStatusOffline(was_online=1_700_000_000 + rng.randint(0, 10**7)),
        types.UserStatusOnline(expires=1_700_000_000 + rng.randint(0, 10**7)),
    ])
    return types.User(
        id=uid, access_hash=rng.getrandbits(63) - 2**62, first_name=first, last_name=last or None,
        username=uname, photo=photo, status=None if bot else status, bot=bot,
        bot_info_version=rng.randint(1, 9) if bot else None, premium=rng.random() < 0.15,
        lang_code=rng.choice([None, "en", "ru", "es"]),
    )


def participants(rng):
    users, parts = [], []
    base = 5_000_000_000
    for i in range(200):
        uid = base + rng.randint(0, 10**9)
        bot = i % 37 == 5
        users.append(user(rng, uid, bot))
        date = 1_600_000_000 + rng.randint(0, 10**8)
        if i == 0:
            parts.append(types.ChannelParticipantCreator(
                user_id=uid, admin_rights=types.ChatAdminRights(
                    change_info=True, post_messages=True, edit_messages=True, delete_messages=True,
                    ban_users=True, invite_users=True, pin_messages=True, add_admins=True,
                    manage_call=True, other=True), rank="Owner"))
        elif i % 20 == 1:
            parts.append(types.ChannelParticipantAdmin(
                user_id=uid, promoted_by=users[0].id, date=date, can_edit=True,
                admin_rights=types.ChatAdminRights(
                    change_info=rng.random() < 0.5, delete_messages=True, ban_users=True,
                    invite_users=True, pin_messages=rng.random() < 0.5, manage_call=rng.random() < 0.3,
                    other=True),
                rank=rng.choice([None, "Moderator", "Helper", "Night shift"])))
        elif i % 25 == 3:
            parts.append(types.ChannelParticipantBanned(
                peer=types.PeerUser(uid), kicked_by=users[0].id, date=date,
                left=rng.random() < 0.5,
                banned_rights=types.ChatBannedRights(
                    until_date=1_800_000_000 + rng.randint(0, 10**6), send_messages=True,
                    send_media=True, embed_links=rng.random() < 0.5)))
        else:
            parts.append(types.ChannelParticipant(user_id=uid, date=date))
    return channels.ChannelParticipants(count=12_345, participants=parts, chats=[], users=users)


def history(rng):
    users = [user(rng, 6_000_000_000 + i) for i in range(20)]
    chat = types.Chat(id=4_100_000_000, title="Ferrogram moderators", photo=types.ChatPhotoEmpty(),
                      participants_count=20, date=1_650_000_000, version=7)
    msgs = []
    for i in range(100):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 56)))
        entities = []
        if rng.random() < 0.5:
            entities.append(types.MessageEntityBold(offset=0, length=min(5, len(text))))
        if rng.random() < 0.3:
            entities.append(types.MessageEntityTextUrl(offset=0, length=3, url="https://example.com/rules"))
        reply = types.MessageReplyHeader(reply_to_msg_id=10_000 + i - 1) if i and rng.random() < 0.3 else None
        reactions = None
        if rng.random() < 0.3:
            reactions = types.MessageReactions(results=[
                types.ReactionCount(reaction=types.ReactionEmoji(emoticon="👍"), count=rng.randint(1, 9))])
        msgs.append(types.Message(
            id=10_000 + i, peer_id=types.PeerChat(chat.id), date=1_700_000_000 + 60 * i, message=text,
            from_id=types.PeerUser(rng.choice(users).id), out=rng.random() < 0.1,
            entities=entities or None, reply_to=reply, reactions=reactions,
            edit_date=1_700_000_500 + 60 * i if rng.random() < 0.1 else None))
    return messages.Messages(messages=msgs, topics=[], chats=[chat], users=users)


def main():
    out = sys.argv[1]
    rng = random.Random(20261125)
    with open(f"{out}/channel_participants_200.bin", "wb") as f:
        f.write(bytes(participants(rng)))
    with open(f"{out}/messages_100.bin", "wb") as f:
        f.write(bytes(history(rng)))


if __name__ == "__main__":
    main()
