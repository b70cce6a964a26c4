"""Session peer: Telethon 1.45.0 writes a SQLite `.session` file and StringSessions
with known contents, for ferrogram-session's importer.
Usage: python telethon_session.py PATH_WITHOUT_SUFFIX
Writes PATH.session and prints one JSON line {"ipv4": STRING, "ipv6": STRING}.
"""

import datetime
import json
import sys

from telethon.crypto import AuthKey
from telethon.sessions import SQLiteSession, StringSession
from telethon.tl import types

KEY = bytes(range(256))
DATE = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)


def main():
    s = SQLiteSession(sys.argv[1])
    s.set_dc(2, "127.0.0.1", 4430)
    s.auth_key = AuthKey(KEY)
    s.process_entities([
        types.User(id=5, access_hash=111, first_name="Alice", last_name="Liddell",
                   username="Alice", phone="15550100"),
        types.User(id=6, access_hash=-222, first_name="Helper", bot=True, username="helper_bot"),
        types.Channel(id=777, title="News", photo=types.ChatPhotoEmpty(), date=DATE,
                      access_hash=999, username="newsroom"),
        types.Chat(id=42, title="Group", photo=types.ChatPhotoEmpty(), participants_count=3,
                   date=DATE, version=1),
    ])
    s.set_update_state(0, types.updates.State(pts=10, qts=2, date=DATE, seq=3, unread_count=0))
    s.set_update_state(777, types.updates.State(pts=55, qts=0, date=DATE, seq=0, unread_count=0))
    s.save()
    s.close()

    v4 = StringSession()
    v4.set_dc(2, "127.0.0.1", 4430)
    v4.auth_key = AuthKey(KEY)
    v6 = StringSession()
    v6.set_dc(4, "2001:db8::1", 443)
    v6.auth_key = AuthKey(KEY)
    print(json.dumps({"ipv4": v4.save(), "ipv6": v6.save()}))


if __name__ == "__main__":
    main()
