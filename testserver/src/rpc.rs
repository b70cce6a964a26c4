//! The API methods the server implements, with Telegram's semantics and error names.

use ferrogram_mtproto::srp::SrpServer;
use ferrogram_tl_types::service::RpcError;
use ferrogram_tl_types::{
    AnyObject, Deserializable, DeserializeErrorKind, Serializable, enums, functions, types,
};
use rand_core::RngCore;

use crate::world::{self, Authorization, PendingCode, StoredMessage, World};
use crate::{Shared, lock};

/// How long a login code stays valid.
const CODE_TTL_SECS: i32 = 300;
/// The largest file part `upload.saveFilePart` accepts.
const MAX_PART: usize = 512 * 1024;
/// The most parts one upload may have (Telegram allows 4000 parts of 512 KiB;
/// the test server keeps files small so memory stays bounded).
const MAX_PARTS: i32 = 4000;
/// The most bytes of unfinished uploads one user may hold.
const MAX_UPLOAD_BYTES: usize = 64 << 20;
/// The most updates one `updates.getDifference` returns before answering a slice.
const DIFFERENCE_LIMIT: usize = 100;

/// Who is calling.
pub(crate) struct Ctx<'a> {
    pub shared: &'a Shared,
    pub dc: i32,
    pub key_id: i64,
    pub conn: u64,
}

/// A decoded request.
pub(crate) struct Call {
    /// The innermost method's TL name (for counters and flood knobs).
    pub method: &'static str,
    /// The innermost method, or the error to answer when it cannot be decoded.
    pub object: Result<AnyObject, RpcErr>,
    /// Wrapped in `invokeWithoutUpdates`.
    pub without_updates: bool,
}

/// An error answer.
#[derive(Clone, Debug)]
pub(crate) struct RpcErr {
    code: i32,
    message: String,
}

fn err(code: i32, message: impl Into<String>) -> RpcErr {
    RpcErr {
        code,
        message: message.into(),
    }
}

fn bad(message: &str) -> RpcErr {
    err(400, message)
}

type R = Result<Vec<u8>, RpcErr>;

/// The TL bytes of an `rpc_error`.
pub(crate) fn error_bytes(code: i32, message: &str) -> Vec<u8> {
    RpcError::new(code, message).to_bytes()
}

/// Decodes a request and unwraps `invokeWithLayer`, `initConnection`,
/// `invokeWithoutUpdates` and the other wrappers.
pub(crate) fn decode(body: &[u8]) -> Call {
    let mut object = match AnyObject::from_bytes(body) {
        Ok(o) => o,
        Err(e) => {
            // An unknown top-level constructor is an unknown method; a known one
            // whose fields do not parse is a fetch error.
            let known = !matches!(
                e.kind,
                DeserializeErrorKind::UnknownConstructor { .. } if e.offset == 0
            );
            let message = if known {
                "INPUT_FETCH_ERROR"
            } else {
                "INPUT_METHOD_INVALID"
            };
            return Call {
                method: "unknown",
                object: Err(bad(message)),
                without_updates: false,
            };
        }
    };
    let mut without_updates = false;
    loop {
        object = match object {
            AnyObject::InvokeWithLayer(x) => x.query,
            AnyObject::InitConnection(x) => x.query,
            AnyObject::InvokeWithoutUpdates(x) => {
                without_updates = true;
                x.query
            }
            AnyObject::InvokeAfterMsg(x) => x.query,
            AnyObject::InvokeAfterMsgs(x) => x.query,
            AnyObject::InvokeWithMessagesRange(x) => x.query,
            AnyObject::InvokeWithTakeout(x) => x.query,
            other => {
                object = other;
                break;
            }
        };
    }
    Call {
        method: object.name(),
        object: Ok(object),
        without_updates,
    }
}

/// Executes one request and returns the bytes to put in its `rpc_result`.
pub(crate) fn execute(ctx: &Ctx<'_>, object: Result<AnyObject, RpcErr>) -> Vec<u8> {
    let result = object.and_then(|o| dispatch(ctx, o));
    match result {
        Ok(bytes) => bytes,
        Err(e) => error_bytes(e.code, &e.message),
    }
}

/// The user the caller's auth key is signed in as, if any.
pub(crate) fn authorized_user(ctx: &Ctx<'_>) -> Option<i64> {
    lock(&ctx.shared.world)
        .authorizations
        .get(&ctx.key_id)
        .map(|a| a.user)
}

fn dispatch(ctx: &Ctx<'_>, object: AnyObject) -> R {
    let shared = ctx.shared;
    let mut w = lock(&shared.world);
    let w = &mut *w;
    match object {
        AnyObject::HelpGetConfig(_) => Ok(get_config(ctx)),
        AnyObject::HelpGetNearestDc(_) => Ok(enums::NearestDc::from(types::NearestDc {
            country: "ZZ".into(),
            this_dc: ctx.dc,
            nearest_dc: w.home_dc,
        })
        .to_bytes()),
        AnyObject::AuthSendCode(x) => send_code(ctx, w, &x.phone_number),
        AnyObject::AuthSignIn(x) => sign_in(ctx, w, *x),
        AnyObject::AuthSignUp(x) => sign_up(ctx, w, *x),
        AnyObject::AuthImportBotAuthorization(x) => {
            let Some(&bot) = w.bot_tokens.get(&x.bot_auth_token) else {
                return Err(bad("ACCESS_TOKEN_INVALID"));
            };
            let home = w.accounts[&bot].home_dc;
            if home != ctx.dc {
                return Err(err(303, format!("USER_MIGRATE_{home}")));
            }
            Ok(authorize(ctx, w, bot, false))
        }
        AnyObject::AccountGetPassword(_) => get_password(ctx, w),
        AnyObject::AuthCheckPassword(x) => check_password(ctx, w, x.password),
        AnyObject::AuthLogOut(_) => {
            if w.authorizations.remove(&ctx.key_id).is_none() {
                return Err(err(401, "AUTH_KEY_UNREGISTERED"));
            }
            Ok(enums::auth::LoggedOut::from(types::auth::LoggedOut {
                future_auth_token: None,
            })
            .to_bytes())
        }
        AnyObject::AuthExportAuthorization(x) => {
            let me = signed_in(ctx, w)?;
            if x.dc_id == ctx.dc || shared.dc_addr(x.dc_id).is_none() {
                return Err(bad("DC_ID_INVALID"));
            }
            let (id, bytes) = w.export_authorization(me, x.dc_id);
            Ok(
                enums::auth::ExportedAuthorization::from(types::auth::ExportedAuthorization {
                    id,
                    bytes,
                })
                .to_bytes(),
            )
        }
        AnyObject::AuthImportAuthorization(x) => match w.exported.get(&x.id) {
            Some((user, bytes, dc)) if *bytes == x.bytes && *dc == ctx.dc => {
                let user = *user;
                w.exported.remove(&x.id);
                Ok(authorize(ctx, w, user, true))
            }
            _ => Err(bad("AUTH_BYTES_INVALID")),
        },
        AnyObject::UsersGetUsers(x) => {
            let me = me(ctx, w)?;
            let users: Vec<enums::User> =
                x.id.iter()
                    .filter_map(|u| match u {
                        enums::InputUser::InputUserSelf => Some(me),
                        enums::InputUser::InputUser(u) => (w.accounts.contains_key(&u.user_id)
                            && w.access_hash(me, u.user_id) == u.access_hash)
                            .then_some(u.user_id),
                        _ => None,
                    })
                    .filter_map(|id| w.user_view(me, id))
                    .collect();
            Ok(users.to_bytes())
        }
        AnyObject::ContactsResolveUsername(x) => {
            let me = me(ctx, w)?;
            let name = x.username.trim_start_matches('@').to_ascii_lowercase();
            if name.len() < 4
                || name.len() > 32
                || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                return Err(bad("USERNAME_INVALID"));
            }
            if let Some(chat) = w
                .chats
                .values()
                .find(|c| c.username.as_deref().map(str::to_ascii_lowercase) == Some(name.clone()))
            {
                let id = chat.id;
                return Ok(
                    enums::contacts::ResolvedPeer::from(types::contacts::ResolvedPeer {
                        peer: enums::Peer::from(types::PeerChannel { channel_id: id }),
                        chats: w.chat_view(me, id).into_iter().collect(),
                        users: Vec::new(),
                    })
                    .to_bytes(),
                );
            }
            let Some(id) = w
                .accounts
                .values()
                .find(|a| a.username.as_deref().map(str::to_ascii_lowercase) == Some(name.clone()))
                .map(|a| a.id)
            else {
                return Err(bad("USERNAME_NOT_OCCUPIED"));
            };
            Ok(
                enums::contacts::ResolvedPeer::from(types::contacts::ResolvedPeer {
                    peer: enums::Peer::from(types::PeerUser { user_id: id }),
                    chats: Vec::new(),
                    users: w.user_view(me, id).into_iter().collect(),
                })
                .to_bytes(),
            )
        }
        AnyObject::UsersGetFullUser(x) => {
            let me = me(ctx, w)?;
            let id = input_user_id(me, &x.id)?;
            let Some(a) = w.accounts.get(&id) else {
                return Err(bad("USER_ID_INVALID"));
            };
            // Groups and channels both are members of.
            let common = if id == me {
                0
            } else {
                w.chats
                    .values()
                    .filter(|c| {
                        c.participant(me).is_some_and(|p| p.is_member())
                            && c.participant(id).is_some_and(|p| p.is_member())
                    })
                    .count() as i32
            };
            Ok(enums::users::UserFull::from(types::users::UserFull {
                full_user: enums::UserFull::from(types::UserFull {
                    blocked: false,
                    phone_calls_available: false,
                    phone_calls_private: false,
                    can_pin_message: false,
                    has_scheduled: false,
                    video_calls_available: false,
                    voice_messages_forbidden: false,
                    translations_disabled: false,
                    stories_pinned_available: false,
                    blocked_my_stories_from: false,
                    wallpaper_overridden: false,
                    contact_require_premium: false,
                    read_dates_private: false,
                    sponsored_enabled: false,
                    can_view_revenue: false,
                    bot_can_manage_emoji_status: false,
                    display_gifts_button: false,
                    noforwards_my_enabled: false,
                    noforwards_peer_enabled: false,
                    unofficial_security_risk: false,
                    id,
                    about: (!a.bot).then(|| {
                        format!(
                            "{} {} on the Ferrogram test server",
                            a.first_name, a.last_name
                        )
                        .trim()
                        .to_owned()
                    }),
                    settings: enums::PeerSettings::from(types::PeerSettings::default()),
                    personal_photo: None,
                    profile_photo: w
                        .profile_photos
                        .get(&id)
                        .and_then(|v| v.last())
                        .and_then(|p| w.photo_view(*p)),
                    fallback_photo: None,
                    notify_settings: enums::PeerNotifySettings::from(
                        types::PeerNotifySettings::default(),
                    ),
                    bot_info: None,
                    pinned_msg_id: None,
                    common_chats_count: common,
                    folder_id: None,
                    ttl_period: None,
                    theme: None,
                    private_forward_name: None,
                    bot_group_admin_rights: None,
                    bot_broadcast_admin_rights: None,
                    wallpaper: None,
                    stories: None,
                    business_work_hours: None,
                    business_location: None,
                    business_greeting_message: None,
                    business_away_message: None,
                    business_intro: None,
                    birthday: None,
                    personal_channel_id: None,
                    personal_channel_message: None,
                    stargifts_count: None,
                    starref_program: None,
                    bot_verification: None,
                    send_paid_messages_stars: None,
                    disallowed_gifts: None,
                    stars_rating: None,
                    stars_my_pending_rating: None,
                    stars_my_pending_rating_date: None,
                    main_tab: None,
                    saved_music: None,
                    note: None,
                    bot_manager_id: None,
                }),
                chats: Vec::new(),
                users: users_of(w, me, vec![id]),
            })
            .to_bytes())
        }
        AnyObject::ContactsImportContacts(x) => {
            let me = me(ctx, w)?;
            if w.accounts[&me].bot {
                return Err(bad("BOT_METHOD_INVALID"));
            }
            let mut imported = Vec::new();
            let mut ids = Vec::new();
            for c in &x.contacts {
                let enums::InputContact::InputPhoneContact(c) = c;
                let phone = world::normalize_phone(&c.phone);
                if let Some(&id) = w.phones.get(&phone)
                    && id != me
                {
                    w.contacts.entry(me).or_default().insert(id);
                    imported.push(enums::ImportedContact::from(types::ImportedContact {
                        user_id: id,
                        client_id: c.client_id,
                    }));
                    ids.push(id);
                }
            }
            Ok(
                enums::contacts::ImportedContacts::from(types::contacts::ImportedContacts {
                    imported,
                    popular_invites: Vec::new(),
                    retry_contacts: Vec::new(),
                    users: users_of(w, me, ids),
                })
                .to_bytes(),
            )
        }
        AnyObject::ContactsGetContacts(_) => {
            let me = me(ctx, w)?;
            if w.accounts[&me].bot {
                return Err(bad("BOT_METHOD_INVALID"));
            }
            let ids: Vec<i64> = w
                .contacts
                .get(&me)
                .map(|c| c.iter().copied().collect())
                .unwrap_or_default();
            Ok(enums::contacts::Contacts::from(types::contacts::Contacts {
                contacts: ids
                    .iter()
                    .map(|&id| {
                        enums::Contact::from(types::Contact {
                            user_id: id,
                            mutual: w.is_contact(id, me),
                        })
                    })
                    .collect(),
                saved_count: ids.len() as i32,
                users: users_of(w, me, ids),
            })
            .to_bytes())
        }
        AnyObject::ContactsDeleteContacts(x) => {
            let me = me(ctx, w)?;
            if w.accounts[&me].bot {
                return Err(bad("BOT_METHOD_INVALID"));
            }
            let mut ids = Vec::new();
            for u in &x.id {
                let id = input_user_id(me, u)?;
                if w.contacts.get_mut(&me).is_some_and(|c| c.remove(&id)) {
                    ids.push(id);
                }
            }
            Ok(enums::Updates::from(types::Updates {
                updates: Vec::new(),
                users: users_of(w, me, ids),
                chats: Vec::new(),
                date: shared.clock.unix(),
                seq: 0,
            })
            .to_bytes())
        }
        AnyObject::ContactsResolvePhone(x) => {
            let me = me(ctx, w)?;
            let phone = world::normalize_phone(&x.phone);
            let Some(&id) = w.phones.get(&phone) else {
                return Err(bad("PHONE_NOT_OCCUPIED"));
            };
            Ok(
                enums::contacts::ResolvedPeer::from(types::contacts::ResolvedPeer {
                    peer: enums::Peer::from(types::PeerUser { user_id: id }),
                    chats: Vec::new(),
                    users: w.user_view(me, id).into_iter().collect(),
                })
                .to_bytes(),
            )
        }
        AnyObject::ChannelsGetMessages(x) => {
            let me = me(ctx, w)?;
            let id = channel_id(w, me, &x.channel)?;
            let c = &w.chats[&id];
            if x.id.len() > 100 {
                return Err(bad("LIMIT_INVALID"));
            }
            let messages: Vec<enums::Message> =
                x.id.iter()
                    .map(|m| {
                        let found = match m {
                            enums::InputMessage::ID(i) => c.message(i.id),
                            _ => None,
                        };
                        match found {
                            Some(m) => w.chat_message_view(c, m, me),
                            None => enums::Message::from(types::MessageEmpty {
                                id: match m {
                                    enums::InputMessage::ID(i) => i.id,
                                    _ => 0,
                                },
                                peer_id: Some(c.peer()),
                            }),
                        }
                    })
                    .collect();
            let mut authors: Vec<i64> = messages.iter().filter_map(message_author).collect();
            authors.sort_unstable();
            authors.dedup();
            Ok(
                enums::messages::Messages::from(types::messages::ChannelMessages {
                    inexact: false,
                    pts: c.pts,
                    count: messages.len() as i32,
                    offset_id_offset: None,
                    messages,
                    topics: Vec::new(),
                    chats: w.chat_view(me, id).into_iter().collect(),
                    users: users_of(w, me, authors),
                })
                .to_bytes(),
            )
        }
        AnyObject::ChannelsGetChannels(x) => {
            let me = me(ctx, w)?;
            let mut chats = Vec::new();
            for c in &x.id {
                let id = channel_id(w, me, c)?;
                chats.extend(w.chat_view(me, id));
            }
            Ok(enums::messages::Chats::from(types::messages::Chats { chats }).to_bytes())
        }
        AnyObject::MessagesGetChats(x) => {
            let me = me(ctx, w)?;
            let chats =
                x.id.iter()
                    .filter(|id| {
                        w.chats.get(id).is_some_and(|c| {
                            c.kind == crate::chats::ChatKind::Group && c.participant(me).is_some()
                        })
                    })
                    .filter_map(|id| w.chat_view(me, *id))
                    .collect();
            Ok(enums::messages::Chats::from(types::messages::Chats { chats }).to_bytes())
        }
        AnyObject::ChannelsGetFullChannel(x) => {
            let me = me(ctx, w)?;
            w.expire_restrictions(shared.clock.unix());
            let id = readable_channel(w, me, &x.channel)?;
            let full = w.channel_full(id).expect("exists");
            Ok(enums::messages::ChatFull::from(types::messages::ChatFull {
                full_chat: enums::ChatFull::from(full),
                chats: w.chat_view(me, id).into_iter().collect(),
                users: Vec::new(),
            })
            .to_bytes())
        }
        AnyObject::ChannelsGetParticipants(x) => {
            let me = me(ctx, w)?;
            w.expire_restrictions(shared.clock.unix());
            get_participants(w, me, &x)
        }
        AnyObject::ChannelsGetParticipant(x) => {
            let me = me(ctx, w)?;
            w.expire_restrictions(shared.clock.unix());
            let id = readable_channel(w, me, &x.channel)?;
            let user = match &x.participant {
                enums::InputPeer::InputPeerSelf => me,
                enums::InputPeer::User(u) => u.user_id,
                _ => return Err(bad("PARTICIPANT_ID_INVALID")),
            };
            let c = &w.chats[&id];
            let Some(p) = c
                .participant(user)
                .filter(|p| !matches!(p.role, crate::chats::Role::Left))
            else {
                return Err(bad("USER_NOT_PARTICIPANT"));
            };
            let participant = w.participant_view(p, me);
            Ok(
                enums::channels::ChannelParticipant::from(types::channels::ChannelParticipant {
                    participant,
                    chats: w.chat_view(me, id).into_iter().collect(),
                    users: users_of(w, me, vec![user]),
                })
                .to_bytes(),
            )
        }
        AnyObject::ChannelsJoinChannel(x) => {
            let me = me(ctx, w)?;
            let now = shared.clock.unix();
            w.expire_restrictions(now);
            let id = channel_id(w, me, &x.channel)?;
            let chat = &w.chats[&id];
            match chat.participant(me).map(|p| &p.role) {
                Some(crate::chats::Role::Banned { .. }) => return Err(bad("CHANNEL_PRIVATE")),
                Some(r) if !matches!(r, crate::chats::Role::Left) => {
                    return Err(bad("USER_ALREADY_PARTICIPANT"));
                }
                _ => {}
            }
            if chat.username.is_none() {
                return Err(bad("CHANNEL_PRIVATE"));
            }
            let c = w.chats.get_mut(&id).expect("exists");
            c.add(me, crate::chats::Role::Member, now, me);
            c.log(
                now,
                me,
                Some(me),
                enums::ChannelAdminLogEventAction::ParticipantJoin,
            );
            // Layer 230 wraps the updates in messages.chatInviteJoinResultOk.
            let updates = enums::Updates::from_bytes(&chat_updates(w, me, id, vec![me], now))
                .expect("just encoded");
            Ok(enums::messages::ChatInviteJoinResult::from(
                types::messages::ChatInviteJoinResultOk { updates },
            )
            .to_bytes())
        }
        AnyObject::MessagesExportChatInvite(x) => {
            let me = me(ctx, w)?;
            let now = shared.clock.unix();
            let id = chat_of_peer(w, me, &x.peer)?;
            let chat = &w.chats[&id];
            let allowed = match chat.kind {
                crate::chats::ChatKind::Group => chat.participant(me).is_some_and(|p| p.is_admin()),
                _ => caller_rights(chat, me).is_some_and(|(_, r)| r.invite_users),
            };
            if !allowed {
                return Err(bad("CHAT_ADMIN_REQUIRED"));
            }
            let n = chat.invites.len() as u64;
            let hash: String = w.keyed(&[b"invite", &id.to_le_bytes(), &n.to_le_bytes()])[..12]
                .iter()
                .map(|b| {
                    const A: &[u8] =
                        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
                    A[usize::from(*b) % 64] as char
                })
                .collect();
            let invite = crate::chats::Invite {
                hash,
                admin: me,
                date: now,
                usage: 0,
            };
            let view = invite.view();
            w.chats.get_mut(&id).expect("exists").invites.push(invite);
            Ok(view.to_bytes())
        }
        AnyObject::MessagesCheckChatInvite(x) => {
            let me = me(ctx, w)?;
            let Some(id) = invite_chat(w, &x.hash) else {
                return Err(bad("INVITE_HASH_INVALID"));
            };
            let chat = &w.chats[&id];
            if chat.participant(me).is_some_and(|p| p.is_member()) {
                let view = w.chat_view(me, id).expect("a member sees the chat");
                return Ok(
                    enums::ChatInvite::from(types::ChatInviteAlready { chat: view }).to_bytes(),
                );
            }
            let kind = chat.kind;
            Ok(enums::ChatInvite::from(types::ChatInvite {
                channel: kind != crate::chats::ChatKind::Group,
                broadcast: kind == crate::chats::ChatKind::Channel,
                megagroup: kind == crate::chats::ChatKind::Supergroup,
                public: chat.username.is_some(),
                title: chat.title.clone(),
                about: (!chat.about.is_empty()).then(|| chat.about.clone()),
                photo: chat
                    .photo
                    .and_then(|p| w.photo_view(p))
                    .unwrap_or(enums::Photo::Empty(types::PhotoEmpty { id: 0 })),
                participants_count: chat.count_members(),
                request_needed: false,
                verified: false,
                scam: false,
                fake: false,
                can_refulfill_subscription: false,
                participants: None,
                color: 0,
                subscription_pricing: None,
                subscription_form_id: None,
                bot_verification: None,
            })
            .to_bytes())
        }
        AnyObject::MessagesImportChatInvite(x) => {
            let me = me(ctx, w)?;
            let now = shared.clock.unix();
            w.expire_restrictions(now);
            let Some(id) = invite_chat(w, &x.hash) else {
                return Err(bad("INVITE_HASH_INVALID"));
            };
            let chat = &w.chats[&id];
            match chat.participant(me).map(|p| &p.role) {
                Some(crate::chats::Role::Banned { .. }) => {
                    return Err(bad("USER_BANNED_IN_CHANNEL"));
                }
                Some(r) if !matches!(r, crate::chats::Role::Left) => {
                    return Err(bad("USER_ALREADY_PARTICIPANT"));
                }
                _ => {}
            }
            let c = w.chats.get_mut(&id).expect("exists");
            let i = c
                .invites
                .iter()
                .position(|i| i.hash == x.hash)
                .expect("found");
            c.invites[i].usage += 1;
            let inviter = c.invites[i].admin;
            let invite = c.invites[i].view();
            c.add(me, crate::chats::Role::Member, now, inviter);
            if c.kind != crate::chats::ChatKind::Group {
                c.log(
                    now,
                    me,
                    Some(me),
                    enums::ChannelAdminLogEventAction::from(
                        types::ChannelAdminLogEventActionParticipantJoinByInvite {
                            via_chatlist: false,
                            invite,
                        },
                    ),
                );
            }
            let updates = enums::Updates::from_bytes(&chat_updates(w, me, id, vec![me], now))
                .expect("just encoded");
            Ok(enums::messages::ChatInviteJoinResult::from(
                types::messages::ChatInviteJoinResultOk { updates },
            )
            .to_bytes())
        }
        AnyObject::MessagesSetTyping(x) => {
            let me = me(ctx, w)?;
            set_typing(ctx, w, me, &x)
        }
        AnyObject::PhotosGetUserPhotos(x) => {
            let me = me(ctx, w)?;
            let user = input_user_id(me, &x.user_id)?;
            if !w.accounts.contains_key(&user) {
                return Err(bad("USER_ID_INVALID"));
            }
            // Newest first.
            let all: Vec<i64> = w
                .profile_photos
                .get(&user)
                .map(|v| v.iter().rev().copied().collect())
                .unwrap_or_default();
            // max_id first, then the offset within what is left (as Telegram).
            let below: Vec<i64> = all
                .iter()
                .copied()
                .filter(|id| x.max_id == 0 || *id < x.max_id)
                .collect();
            let start = (x.offset.max(0) as usize).min(below.len());
            let limit = x.limit.clamp(0, 100) as usize;
            let photos: Vec<enums::Photo> = below[start..]
                .iter()
                .take(limit)
                .filter_map(|id| w.photo_view(*id))
                .collect();
            let users = users_of(w, me, vec![user]);
            let out = if photos.len() + start == all.len() && start == 0 {
                enums::photos::Photos::from(types::photos::Photos { photos, users })
            } else {
                enums::photos::Photos::from(types::photos::PhotosSlice {
                    count: all.len() as i32,
                    photos,
                    users,
                })
            };
            Ok(out.to_bytes())
        }
        AnyObject::MessagesEditChatDefaultBannedRights(x) => {
            let me = me(ctx, w)?;
            let now = shared.clock.unix();
            let id = match &x.peer {
                enums::InputPeer::Channel(c) => channel_id(
                    w,
                    me,
                    &enums::InputChannel::from(types::InputChannel {
                        channel_id: c.channel_id,
                        access_hash: c.access_hash,
                    }),
                )?,
                enums::InputPeer::Chat(c) => group_id(w, me, c.chat_id)?,
                _ => return Err(bad("PEER_ID_INVALID")),
            };
            let chat = &w.chats[&id];
            let Some((_, mine)) = caller_rights(chat, me) else {
                return Err(bad("CHAT_ADMIN_REQUIRED"));
            };
            if !mine.ban_users {
                return Err(bad("CHAT_ADMIN_REQUIRED"));
            }
            let enums::ChatBannedRights::ChatBannedRights(mut rights) = x.banned_rights.clone();
            rights.until_date = 0;
            if rights.view_messages {
                return Err(bad("RIGHT_FORBIDDEN"));
            }
            if rights == chat.default_banned {
                return Err(bad("CHAT_NOT_MODIFIED"));
            }
            let prev = chat.default_banned.clone();
            let c = w.chats.get_mut(&id).expect("exists");
            c.default_banned = rights.clone();
            if c.kind != crate::chats::ChatKind::Group {
                c.log(
                    now,
                    me,
                    None,
                    enums::ChannelAdminLogEventAction::from(
                        types::ChannelAdminLogEventActionDefaultBannedRights {
                            prev_banned_rights: enums::ChatBannedRights::from(prev),
                            new_banned_rights: enums::ChatBannedRights::from(rights),
                        },
                    ),
                );
            }
            Ok(chat_updates(w, me, id, Vec::new(), now))
        }
        AnyObject::ChannelsEditPhoto(x) => {
            let me = me(ctx, w)?;
            let id = channel_id(w, me, &x.channel)?;
            edit_chat_photo(ctx, w, me, id, &x.photo)
        }
        AnyObject::MessagesEditChatPhoto(x) => {
            let me = me(ctx, w)?;
            let id = group_id(w, me, x.chat_id)?;
            edit_chat_photo(ctx, w, me, id, &x.photo)
        }
        AnyObject::ChannelsEditTitle(x) => {
            let me = me(ctx, w)?;
            let id = channel_id(w, me, &x.channel)?;
            edit_chat_title(ctx, w, me, id, &x.title)
        }
        AnyObject::MessagesEditChatTitle(x) => {
            let me = me(ctx, w)?;
            let id = group_id(w, me, x.chat_id)?;
            edit_chat_title(ctx, w, me, id, &x.title)
        }
        AnyObject::ChannelsCheckUsername(x) => {
            let me = me(ctx, w)?;
            let id = channel_id(w, me, &x.channel)?;
            let name = valid_chat_username(&x.username)?;
            Ok((!username_taken(w, &name, Some(id))).to_bytes())
        }
        AnyObject::ChannelsUpdateUsername(x) => {
            let me = me(ctx, w)?;
            let now = shared.clock.unix();
            let id = channel_id(w, me, &x.channel)?;
            if w.chats[&id].creator != me {
                // Only the owner changes a chat's public link.
                return Err(bad("CHAT_ADMIN_REQUIRED"));
            }
            let new = if x.username.is_empty() {
                None
            } else {
                Some(valid_chat_username(&x.username)?)
            };
            let old = w.chats[&id].username.clone();
            if old.as_deref().map(str::to_ascii_lowercase) == new {
                return Err(bad("USERNAME_NOT_MODIFIED"));
            }
            if let Some(name) = &new
                && username_taken(w, name, Some(id))
            {
                return Err(bad("USERNAME_OCCUPIED"));
            }
            let c = w.chats.get_mut(&id).expect("exists");
            c.username = new.as_ref().map(|_| x.username.clone());
            c.log(
                now,
                me,
                None,
                enums::ChannelAdminLogEventAction::from(
                    types::ChannelAdminLogEventActionChangeUsername {
                        prev_value: old.unwrap_or_default(),
                        new_value: x.username.clone(),
                    },
                ),
            );
            Ok(true.to_bytes())
        }
        AnyObject::MessagesEditChatAbout(x) => {
            let me = me(ctx, w)?;
            let now = shared.clock.unix();
            let id = chat_of_peer(w, me, &x.peer)?;
            let chat = &w.chats[&id];
            if !may_change_info(chat, me) {
                return Err(bad("CHAT_ADMIN_REQUIRED"));
            }
            if x.about.chars().count() > 255 {
                return Err(bad("CHAT_ABOUT_TOO_LONG"));
            }
            if chat.about == x.about {
                return Err(bad("CHAT_ABOUT_NOT_MODIFIED"));
            }
            let c = w.chats.get_mut(&id).expect("exists");
            let prev = std::mem::replace(&mut c.about, x.about.clone());
            if c.kind != crate::chats::ChatKind::Group {
                c.log(
                    now,
                    me,
                    None,
                    enums::ChannelAdminLogEventAction::from(
                        types::ChannelAdminLogEventActionChangeAbout {
                            prev_value: prev,
                            new_value: x.about.clone(),
                        },
                    ),
                );
            }
            Ok(true.to_bytes())
        }
        AnyObject::ChannelsToggleForum(x) => {
            let me = me(ctx, w)?;
            let now = shared.clock.unix();
            let id = channel_id(w, me, &x.channel)?;
            let chat = &w.chats[&id];
            if chat.kind != crate::chats::ChatKind::Supergroup {
                return Err(bad("CHANNEL_INVALID"));
            }
            if chat.creator != me {
                return Err(bad("CHAT_ADMIN_REQUIRED"));
            }
            if chat.forum == x.enabled {
                return Err(bad("CHAT_NOT_MODIFIED"));
            }
            let c = w.chats.get_mut(&id).expect("exists");
            c.forum = x.enabled;
            c.log(
                now,
                me,
                None,
                enums::ChannelAdminLogEventAction::from(
                    types::ChannelAdminLogEventActionToggleForum {
                        new_value: x.enabled,
                    },
                ),
            );
            Ok(chat_updates(w, me, id, Vec::new(), now))
        }
        AnyObject::MessagesCreateForumTopic(x) => {
            let me = me(ctx, w)?;
            let now = shared.clock.unix();
            w.expire_restrictions(now);
            let id = forum_of(w, me, &x.peer)?;
            if !may_manage_topics(&w.chats[&id], me, None) {
                return Err(bad("CHAT_ADMIN_REQUIRED"));
            }
            let title = x.title.trim();
            if title.is_empty() && !x.title_missing {
                return Err(bad("TOPIC_TITLE_EMPTY"));
            }
            let icon_color = x.icon_color.unwrap_or(0x6F_B9F0);
            let c = w.chats.get_mut(&id).expect("exists");
            let m = c.add_service(
                now,
                me,
                enums::MessageAction::from(types::MessageActionTopicCreate {
                    title_missing: x.title_missing,
                    title: title.to_owned(),
                    icon_color,
                    icon_emoji_id: None,
                }),
            );
            let topic = crate::chats::Topic {
                id: m.id,
                date: now,
                creator: me,
                title: title.to_owned(),
                icon_color,
                closed: false,
            };
            c.log(
                now,
                me,
                None,
                enums::ChannelAdminLogEventAction::from(
                    types::ChannelAdminLogEventActionCreateTopic {
                        topic: topic.view(c.peer(), me),
                    },
                ),
            );
            c.topics.push(topic);
            Ok(service_updates(ctx, w, me, id, &m, vec![me]))
        }
        AnyObject::MessagesEditForumTopic(x) => {
            let me = me(ctx, w)?;
            let now = shared.clock.unix();
            let id = forum_of(w, me, &x.peer)?;
            let chat = &w.chats[&id];
            let Some(i) = chat.topics.iter().position(|t| t.id == x.topic_id) else {
                return Err(bad("TOPIC_ID_INVALID"));
            };
            if !may_manage_topics(chat, me, Some(&chat.topics[i])) {
                return Err(bad("CHAT_ADMIN_REQUIRED"));
            }
            let before = chat.topics[i].clone();
            let mut after = before.clone();
            if let Some(t) = &x.title {
                if t.trim().is_empty() {
                    return Err(bad("TOPIC_TITLE_EMPTY"));
                }
                after.title = t.trim().to_owned();
            }
            if let Some(closed) = x.closed {
                after.closed = closed;
            }
            if after.title == before.title && after.closed == before.closed {
                return Err(bad("TOPIC_NOT_MODIFIED"));
            }
            let c = w.chats.get_mut(&id).expect("exists");
            c.topics[i] = after.clone();
            let peer = c.peer();
            c.log(
                now,
                me,
                None,
                enums::ChannelAdminLogEventAction::from(
                    types::ChannelAdminLogEventActionEditTopic {
                        prev_topic: before.view(peer.clone(), me),
                        new_topic: after.view(peer, me),
                    },
                ),
            );
            let m = c.add_service(
                now,
                me,
                enums::MessageAction::from(types::MessageActionTopicEdit {
                    title: x.title.as_ref().map(|_| after.title.clone()),
                    icon_emoji_id: None,
                    closed: x.closed,
                    hidden: None,
                }),
            );
            Ok(service_updates(ctx, w, me, id, &m, vec![me]))
        }
        AnyObject::MessagesGetForumTopics(x) => {
            let me = me(ctx, w)?;
            let id = forum_of(w, me, &x.peer)?;
            let c = &w.chats[&id];
            let q = x.q.as_deref().unwrap_or("").to_lowercase();
            let matching: Vec<&crate::chats::Topic> = c
                .topics
                .iter()
                .rev()
                .filter(|t| q.is_empty() || t.title.to_lowercase().contains(&q))
                .collect();
            let limit = if x.limit <= 0 { 20 } else { x.limit.min(100) } as usize;
            let page: Vec<&crate::chats::Topic> = matching
                .iter()
                .filter(|t| x.offset_topic <= 0 || t.id < x.offset_topic)
                .take(limit)
                .copied()
                .collect();
            let messages: Vec<enums::Message> = page
                .iter()
                .filter_map(|t| c.message(t.id))
                .map(|m| w.chat_message_view(c, m, me))
                .collect();
            let mut authors: Vec<i64> = page.iter().map(|t| t.creator).collect();
            authors.sort_unstable();
            authors.dedup();
            Ok(
                enums::messages::ForumTopics::from(types::messages::ForumTopics {
                    order_by_create_date: true,
                    count: matching.len() as i32,
                    topics: page.iter().map(|t| t.view(c.peer(), me)).collect(),
                    messages,
                    chats: w.chat_view(me, id).into_iter().collect(),
                    users: users_of(w, me, authors),
                    pts: c.pts,
                })
                .to_bytes(),
            )
        }
        AnyObject::MessagesSearch(x) => {
            let me = me(ctx, w)?;
            search_messages(w, me, &x)
        }
        AnyObject::MessagesGetFullChat(x) => {
            let me = me(ctx, w)?;
            let id = group_id(w, me, x.chat_id)?;
            let full = w.chat_full(id).expect("exists");
            let members: Vec<i64> = w.chats[&id]
                .participants
                .iter()
                .filter(|p| p.is_member())
                .map(|p| p.user)
                .collect();
            Ok(enums::messages::ChatFull::from(types::messages::ChatFull {
                full_chat: enums::ChatFull::from(full),
                chats: w.chat_view(me, id).into_iter().collect(),
                users: users_of(w, me, members),
            })
            .to_bytes())
        }
        AnyObject::MessagesEditChatAdmin(x) => {
            let me = me(ctx, w)?;
            let id = group_id(w, me, x.chat_id)?;
            let user = input_user_id(me, &x.user_id)?;
            let chat = &w.chats[&id];
            if chat.creator != me {
                // Only the creator appoints admins in a basic group.
                return Err(bad("CHAT_ADMIN_REQUIRED"));
            }
            let Some(p) = chat.participant(user).filter(|p| p.is_member()).cloned() else {
                return Err(bad("USER_NOT_PARTICIPANT"));
            };
            if matches!(p.role, crate::chats::Role::Creator { .. }) {
                return Err(bad("USER_CREATOR"));
            }
            let is_admin = matches!(p.role, crate::chats::Role::Admin { .. });
            if is_admin == x.is_admin {
                return Err(bad("CHAT_NOT_MODIFIED"));
            }
            let role = if x.is_admin {
                crate::chats::Role::Admin {
                    rights: crate::chats::group_admin_rights(),
                    rank: None,
                    promoted_by: me,
                }
            } else {
                crate::chats::Role::Member
            };
            w.chats
                .get_mut(&id)
                .expect("exists")
                .add(user, role, p.date, p.inviter);
            Ok(true.to_bytes())
        }
        AnyObject::MessagesDeleteChatUser(x) => {
            let me = me(ctx, w)?;
            let now = shared.clock.unix();
            let id = group_id(w, me, x.chat_id)?;
            let user = input_user_id(me, &x.user_id)?;
            let chat = &w.chats[&id];
            let Some(p) = chat.participant(user).filter(|p| p.is_member()).cloned() else {
                return Err(bad("USER_NOT_PARTICIPANT"));
            };
            if user != me {
                let mine = chat.participant(me).map(|p| p.role.clone());
                let allowed = match mine {
                    Some(crate::chats::Role::Creator { .. }) => true,
                    // Admins remove only the users they invited (and non-admins).
                    Some(crate::chats::Role::Admin { .. }) => !p.is_admin() && p.inviter == me,
                    _ => false,
                };
                if matches!(p.role, crate::chats::Role::Creator { .. }) {
                    return Err(bad("USER_CREATOR"));
                }
                if !allowed {
                    return Err(bad("CHAT_ADMIN_REQUIRED"));
                }
            }
            let c = w.chats.get_mut(&id).expect("exists");
            c.add(user, crate::chats::Role::Left, p.date, p.inviter);
            let m = c.add_service(
                now,
                me,
                enums::MessageAction::from(types::MessageActionChatDeleteUser { user_id: user }),
            );
            Ok(service_updates(ctx, w, me, id, &m, vec![me, user]))
        }
        AnyObject::MessagesAddChatUser(x) => {
            let me = me(ctx, w)?;
            let now = shared.clock.unix();
            let id = group_id(w, me, x.chat_id)?;
            let user = input_user_id(me, &x.user_id)?;
            if !w.accounts.contains_key(&user) {
                return Err(bad("USER_ID_INVALID"));
            }
            let chat = &w.chats[&id];
            if chat.participant(user).is_some_and(|p| p.is_member()) {
                return Err(bad("USER_ALREADY_PARTICIPANT"));
            }
            let can_invite = chat.participant(me).is_some_and(|p| p.is_admin())
                || !chat.default_banned.invite_users;
            if !can_invite {
                return Err(bad("CHAT_ADMIN_REQUIRED"));
            }
            w.chats
                .get_mut(&id)
                .expect("exists")
                .add(user, crate::chats::Role::Member, now, me);
            let updates = enums::Updates::from_bytes(&chat_updates(w, me, id, vec![user], now))
                .expect("just encoded");
            Ok(
                enums::messages::InvitedUsers::from(types::messages::InvitedUsers {
                    updates,
                    missing_invitees: Vec::new(),
                })
                .to_bytes(),
            )
        }
        AnyObject::ChannelsLeaveChannel(x) => {
            let me = me(ctx, w)?;
            let now = shared.clock.unix();
            let id = channel_id(w, me, &x.channel)?;
            let chat = &w.chats[&id];
            let Some(p) = chat.participant(me).filter(|p| p.is_member()).cloned() else {
                return Err(bad("USER_NOT_PARTICIPANT"));
            };
            if matches!(p.role, crate::chats::Role::Creator { .. }) {
                // Telegram makes the creator transfer ownership first.
                return Err(bad("USER_CREATOR"));
            }
            let c = w.chats.get_mut(&id).expect("exists");
            c.add(me, crate::chats::Role::Left, p.date, p.inviter);
            c.log(
                now,
                me,
                Some(me),
                enums::ChannelAdminLogEventAction::ParticipantLeave,
            );
            Ok(chat_updates(w, me, id, Vec::new(), now))
        }
        AnyObject::ChannelsInviteToChannel(x) => {
            let me = me(ctx, w)?;
            let now = shared.clock.unix();
            let id = channel_id(w, me, &x.channel)?;
            let chat = &w.chats[&id];
            let can_invite = match caller_rights(chat, me) {
                Some((_, r)) => r.invite_users,
                None => {
                    chat.kind == crate::chats::ChatKind::Supergroup
                        && chat.participant(me).is_some_and(|p| p.is_member())
                        && !chat.default_banned.invite_users
                }
            };
            if !can_invite {
                return Err(bad("CHAT_ADMIN_REQUIRED"));
            }
            let mut added = Vec::new();
            for u in &x.users {
                let user = input_user_id(me, u)?;
                if !w.accounts.contains_key(&user) {
                    return Err(bad("USER_ID_INVALID"));
                }
                let chat = &w.chats[&id];
                match chat.participant(user).map(|p| &p.role) {
                    Some(crate::chats::Role::Banned { .. }) => return Err(bad("USER_KICKED")),
                    Some(r) if !matches!(r, crate::chats::Role::Left) => continue,
                    _ => {}
                }
                let c = w.chats.get_mut(&id).expect("exists");
                c.add(user, crate::chats::Role::Member, now, me);
                c.log(
                    now,
                    me,
                    Some(user),
                    enums::ChannelAdminLogEventAction::from(
                        types::ChannelAdminLogEventActionParticipantInvite {
                            participant: enums::ChannelParticipant::from(
                                types::ChannelParticipant {
                                    user_id: user,
                                    date: now,
                                    subscription_until_date: None,
                                    rank: None,
                                },
                            ),
                        },
                    ),
                );
                added.push(user);
            }
            let updates = enums::Updates::from_bytes(&chat_updates(w, me, id, added, now))
                .expect("just encoded");
            Ok(
                enums::messages::InvitedUsers::from(types::messages::InvitedUsers {
                    updates,
                    missing_invitees: Vec::new(),
                })
                .to_bytes(),
            )
        }
        AnyObject::StatsGetBroadcastStats(x) => {
            let (me, id) = stats_access(ctx, w, &x.channel)?;
            let chat = &w.chats[&id];
            if chat.kind != crate::chats::ChatKind::Channel {
                return Err(bad("BROADCAST_REQUIRED"));
            }
            let _ = me;
            on_stats_dc(ctx, w)?;
            Ok(crate::stats::broadcast(chat, shared.clock.unix()).to_bytes())
        }
        AnyObject::StatsGetMegagroupStats(x) => {
            let (me, id) = stats_access(ctx, w, &x.channel)?;
            let chat = &w.chats[&id];
            if chat.kind != crate::chats::ChatKind::Supergroup {
                return Err(bad("MEGAGROUP_REQUIRED"));
            }
            on_stats_dc(ctx, w)?;
            let users = users_of(w, me, vec![chat.creator]);
            Ok(crate::stats::megagroup(chat, shared.clock.unix(), users).to_bytes())
        }
        AnyObject::StatsGetMessageStats(x) => {
            let (_, id) = stats_access(ctx, w, &x.channel)?;
            let chat = &w.chats[&id];
            if chat.kind != crate::chats::ChatKind::Channel {
                return Err(bad("BROADCAST_REQUIRED"));
            }
            if chat.message(x.msg_id).is_none_or(|m| m.action.is_some()) {
                return Err(bad("MSG_ID_INVALID"));
            }
            on_stats_dc(ctx, w)?;
            Ok(crate::stats::message(chat, x.msg_id, shared.clock.unix()).to_bytes())
        }
        AnyObject::StatsLoadAsyncGraph(x) => {
            let me = me(ctx, w)?;
            if w.accounts[&me].bot {
                return Err(bad("BOT_METHOD_INVALID"));
            }
            let stats_dc = shared.stats_dc(w.home_dc);
            if ctx.dc != stats_dc {
                return Err(err(303, format!("STATS_MIGRATE_{stats_dc}")));
            }
            let (chat, which) = x
                .token
                .split_once(':')
                .and_then(|(c, w)| Some((c.parse::<i64>().ok()?, w)))
                .ok_or_else(|| bad("GRAPH_INVALID_RELOAD"))?;
            let Some(c) = w.chats.get(&chat) else {
                return Err(bad("GRAPH_INVALID_RELOAD"));
            };
            if caller_rights(c, me).is_none() {
                return Err(bad("CHAT_ADMIN_REQUIRED"));
            }
            crate::stats::async_graph(c, shared.clock.unix(), which)
                .map(|g| g.to_bytes())
                .ok_or_else(|| bad("GRAPH_INVALID_RELOAD"))
        }
        AnyObject::ChannelsEditAdmin(x) => {
            let me = me(ctx, w)?;
            w.expire_restrictions(shared.clock.unix());
            edit_admin(ctx, w, me, &x)
        }
        AnyObject::ChannelsEditBanned(x) => {
            let me = me(ctx, w)?;
            w.expire_restrictions(shared.clock.unix());
            edit_banned(ctx, w, me, &x)
        }
        AnyObject::ChannelsGetAdminLog(x) => {
            let me = me(ctx, w)?;
            if w.accounts[&me].bot {
                return Err(bad("BOT_METHOD_INVALID"));
            }
            get_admin_log(w, me, &x)
        }
        AnyObject::UpdatesGetState(_) => {
            let me = me(ctx, w)?;
            let date = shared.clock.unix();
            let m = w.mailbox(me);
            Ok(enums::updates::State::from(types::updates::State {
                pts: m.pts,
                qts: m.qts,
                date,
                seq: m.seq,
                unread_count: 0,
            })
            .to_bytes())
        }
        AnyObject::UpdatesGetDifference(x) => get_difference(ctx, w, &x),
        AnyObject::UpdatesGetChannelDifference(x) => {
            let me = me(ctx, w)?;
            channel_difference(w, me, &x)
        }
        AnyObject::MessagesSendMessage(x) => {
            let me = me(ctx, w)?;
            if x.message.trim().is_empty() {
                return Err(bad("MESSAGE_EMPTY"));
            }
            if x.message.chars().count() > 4096 {
                return Err(bad("MESSAGE_TOO_LONG"));
            }
            if matches!(
                x.peer,
                enums::InputPeer::Chat(_) | enums::InputPeer::Channel(_)
            ) {
                return send_to_chat(ctx, w, me, &x.peer, &x.message, x.random_id);
            }
            let peer = resolve_user_peer(w, me, &x.peer)?;
            let (id, pts, date) = match sent_before(w, me, x.random_id) {
                Some(m) => (m.id, m.pts, m.date),
                None => {
                    let sent = deliver(ctx, w, me, peer, x.message.clone(), None);
                    w.random_ids.insert((me, x.random_id), sent.0);
                    sent
                }
            };
            Ok(enums::Updates::from(types::UpdateShortSentMessage {
                out: true,
                id,
                pts,
                pts_count: 1,
                date,
                ..Default::default()
            })
            .to_bytes())
        }
        AnyObject::MessagesSendMedia(x) => {
            let me = me(ctx, w)?;
            let peer = resolve_user_peer(w, me, &x.peer)?;
            if let Some(m) = sent_before(w, me, x.random_id) {
                return Ok(sent_media_updates(w, me, peer, &m, x.random_id));
            }
            let photo = match &x.media {
                enums::InputMedia::UploadedPhoto(p) => {
                    let bytes = take_upload(w, me, &p.file)?;
                    let dc = w.accounts[&me].home_dc;
                    w.add_photo(me, shared.clock.unix(), dc, bytes)
                }
                enums::InputMedia::Photo(p) => match &p.id {
                    enums::InputPhoto::InputPhoto(i) => {
                        check_photo(w, i.id, i.access_hash, &i.file_reference)?;
                        i.id
                    }
                    enums::InputPhoto::Empty => return Err(bad("MEDIA_EMPTY")),
                },
                enums::InputMedia::UploadedDocument(d) => {
                    let bytes = take_upload(w, me, &d.file)?;
                    let dc = w.accounts[&me].home_dc;
                    let id = w.add_photo(me, shared.clock.unix(), dc, bytes);
                    let name = d
                        .attributes
                        .iter()
                        .find_map(|a| match a {
                            enums::DocumentAttribute::Filename(f) => Some(f.file_name.clone()),
                            _ => None,
                        })
                        .unwrap_or_else(|| "file".into());
                    w.photos.get_mut(&id).expect("just added").document =
                        Some((d.mime_type.clone(), name));
                    id
                }
                enums::InputMedia::Document(d) => match &d.id {
                    enums::InputDocument::InputDocument(i) => {
                        check_photo(w, i.id, i.access_hash, &i.file_reference).map_err(
                            |e| match e.message.as_str() {
                                "PHOTO_INVALID" => bad("DOCUMENT_INVALID"),
                                _ => e,
                            },
                        )?;
                        if w.photos[&i.id].document.is_none() {
                            return Err(bad("DOCUMENT_INVALID"));
                        }
                        i.id
                    }
                    enums::InputDocument::Empty => return Err(bad("MEDIA_EMPTY")),
                },
                _ => return Err(bad("MEDIA_INVALID")),
            };
            let media = if w.photos[&photo].document.is_some() {
                enums::MessageMedia::from(types::MessageMediaDocument {
                    document: w.document_view(photo),
                    ..Default::default()
                })
            } else {
                enums::MessageMedia::from(types::MessageMediaPhoto {
                    photo: w.photo_view(photo),
                    ..Default::default()
                })
            };
            let (id, _, _) = deliver(ctx, w, me, peer, x.message.clone(), Some(media));
            w.random_ids.insert((me, x.random_id), id);
            let message = w.mailbox(me).messages[&id].clone();
            Ok(sent_media_updates(w, me, peer, &message, x.random_id))
        }
        AnyObject::MessagesGetHistory(x) => {
            let me = me(ctx, w)?;
            if w.accounts[&me].bot {
                return Err(bad("BOT_METHOD_INVALID"));
            }
            if matches!(
                x.peer,
                enums::InputPeer::Chat(_) | enums::InputPeer::Channel(_)
            ) {
                return chat_history(w, me, &x);
            }
            let peer = resolve_user_peer(w, me, &x.peer)?;
            get_history(w, me, peer, &x)
        }
        AnyObject::MessagesGetMessages(x) => {
            let me = me(ctx, w)?;
            let mailbox = w.mailbox(me).clone();
            let mut peers = vec![me];
            let messages: Vec<enums::Message> =
                x.id.iter()
                    .map(|m| match m {
                        enums::InputMessage::ID(i) => match mailbox.messages.get(&i.id) {
                            Some(s) => {
                                peers.push(s.peer);
                                w.message_view(s)
                            }
                            None => enums::Message::from(types::MessageEmpty {
                                id: i.id,
                                peer_id: None,
                            }),
                        },
                        _ => enums::Message::from(types::MessageEmpty {
                            id: 0,
                            peer_id: None,
                        }),
                    })
                    .collect();
            Ok(enums::messages::Messages::from(types::messages::Messages {
                messages,
                topics: Vec::new(),
                chats: Vec::new(),
                users: users_of(w, me, peers),
            })
            .to_bytes())
        }
        AnyObject::UploadSaveFilePart(x) => {
            let me = me(ctx, w)?;
            save_part(w, me, x.file_id, x.file_part, None, x.bytes)
        }
        AnyObject::UploadSaveBigFilePart(x) => {
            let me = me(ctx, w)?;
            save_part(
                w,
                me,
                x.file_id,
                x.file_part,
                Some(x.file_total_parts),
                x.bytes,
            )
        }
        AnyObject::UploadGetFile(x) => {
            let me = me(ctx, w)?;
            get_file(ctx, w, me, &x)
        }
        AnyObject::PhotosUploadProfilePhoto(x) => {
            let me = me(ctx, w)?;
            if x.bot.is_some() {
                return Err(bad("BOT_INVALID"));
            }
            let Some(file) = &x.file else {
                return Err(bad("PHOTO_FILE_MISSING"));
            };
            let bytes = take_upload(w, me, file)?;
            let dc = w.accounts[&me].home_dc;
            let id = w.add_photo(me, shared.clock.unix(), dc, bytes);
            w.profile_photos.entry(me).or_default().push(id);
            let photo = w.photo_view(id).expect("just added");
            Ok(enums::photos::Photo::from(types::photos::Photo {
                photo,
                users: w.user_view(me, me).into_iter().collect(),
            })
            .to_bytes())
        }
        _ => Err(bad("INPUT_METHOD_INVALID")),
    }
}

fn get_config(ctx: &Ctx<'_>) -> Vec<u8> {
    let now = ctx.shared.clock.unix();
    let dc_options = crate::lock(&ctx.shared.dcs)
        .iter()
        .map(|d| {
            enums::DcOption::from(types::DcOption {
                id: d.id,
                ip_address: d.addr.ip().to_string(),
                port: i32::from(d.addr.port()),
                ..Default::default()
            })
        })
        .collect();
    enums::Config::from(types::Config {
        date: now,
        expires: now + 3600,
        test_mode: false,
        this_dc: ctx.dc,
        dc_options,
        dc_txt_domain_name: "localhost".into(),
        chat_size_max: 200,
        megagroup_size_max: 200_000,
        forwarded_count_max: 100,
        online_update_period_ms: 210_000,
        offline_blur_timeout_ms: 5_000,
        offline_idle_timeout_ms: 30_000,
        online_cloud_timeout_ms: 300_000,
        notify_cloud_delay_ms: 30_000,
        notify_default_delay_ms: 1_500,
        push_chat_period_ms: 60_000,
        push_chat_limit: 2,
        edit_time_limit: 172_800,
        revoke_time_limit: i32::MAX,
        revoke_pm_time_limit: i32::MAX,
        rating_e_decay: 2_419_200,
        stickers_recent_limit: 200,
        channels_read_media_period: 604_800,
        call_receive_timeout_ms: 20_000,
        call_ring_timeout_ms: 90_000,
        call_connect_timeout_ms: 30_000,
        call_packet_timeout_ms: 10_000,
        me_url_prefix: "https://t.me/".into(),
        caption_length_max: 1024,
        message_length_max: 4096,
        webfile_dc_id: ctx.dc,
        ..Default::default()
    })
    .to_bytes()
}

/// The signed-in user, checking that this DC is allowed to serve them.
fn me(ctx: &Ctx<'_>, w: &World) -> Result<i64, RpcErr> {
    let Some(a) = w.authorizations.get(&ctx.key_id) else {
        return Err(err(401, "AUTH_KEY_UNREGISTERED"));
    };
    let home = w.accounts.get(&a.user).map_or(ctx.dc, |x| x.home_dc);
    if home != ctx.dc && !a.imported {
        return Err(err(303, format!("USER_MIGRATE_{home}")));
    }
    Ok(a.user)
}

/// The signed-in user, on any DC (for moving the authorization elsewhere).
fn signed_in(ctx: &Ctx<'_>, w: &World) -> Result<i64, RpcErr> {
    w.authorizations
        .get(&ctx.key_id)
        .map(|a| a.user)
        .ok_or_else(|| err(401, "AUTH_KEY_UNREGISTERED"))
}

fn authorize(ctx: &Ctx<'_>, w: &mut World, user: i64, imported: bool) -> Vec<u8> {
    w.authorizations
        .insert(ctx.key_id, Authorization { user, imported });
    w.pending_password.remove(&ctx.key_id);
    let view = w.user_view(user, user).expect("account exists");
    enums::auth::Authorization::from(types::auth::Authorization {
        setup_password_required: false,
        otherwise_relogin_days: None,
        tmp_sessions: None,
        future_auth_token: None,
        user: view,
    })
    .to_bytes()
}

/// The DC whose accounts include `phone` (an existing account's home DC, else the
/// DC the number names, else the home DC).
fn phone_home(ctx: &Ctx<'_>, w: &World, phone: &str) -> i32 {
    if let Some(id) = w.phones.get(phone) {
        return w.accounts[id].home_dc;
    }
    world::phone_dc(phone)
        .filter(|d| ctx.shared.dc_addr(*d).is_some())
        .unwrap_or(w.home_dc)
}

fn send_code(ctx: &Ctx<'_>, w: &mut World, phone: &str) -> R {
    let phone = world::normalize_phone(phone);
    if phone.len() < 5 || phone.len() > 15 {
        return Err(bad("PHONE_NUMBER_INVALID"));
    }
    let dc = phone_home(ctx, w, &phone);
    if dc != ctx.dc {
        return Err(err(303, format!("PHONE_MIGRATE_{dc}")));
    }
    let mut nonce = [0u8; 8];
    lock(&ctx.shared.rng).fill_bytes(&mut nonce);
    let hash: String = w.keyed(&[b"code", phone.as_bytes(), &nonce])[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    w.codes.insert(
        hash.clone(),
        PendingCode {
            phone: phone.clone(),
            code: world::login_code(&phone),
            expires: ctx.shared.clock.unix().saturating_add(CODE_TTL_SECS),
        },
    );
    Ok(enums::auth::SentCode::from(types::auth::SentCode {
        r#type: enums::auth::SentCodeType::from(types::auth::SentCodeTypeApp { length: 5 }),
        phone_code_hash: hash,
        next_type: None,
        timeout: None,
    })
    .to_bytes())
}

/// Checks a phone code hash; the pending code.
fn pending_code(ctx: &Ctx<'_>, w: &World, phone: &str, hash: &str) -> Result<PendingCode, RpcErr> {
    if hash.is_empty() {
        return Err(bad("PHONE_CODE_HASH_EMPTY"));
    }
    let Some(p) = w.codes.get(hash) else {
        return Err(bad("PHONE_CODE_EXPIRED"));
    };
    if p.phone != world::normalize_phone(phone) {
        return Err(bad("PHONE_NUMBER_INVALID"));
    }
    if ctx.shared.clock.unix() > p.expires {
        return Err(bad("PHONE_CODE_EXPIRED"));
    }
    Ok(p.clone())
}

fn sign_in(ctx: &Ctx<'_>, w: &mut World, x: functions::auth::SignIn) -> R {
    let p = pending_code(ctx, w, &x.phone_number, &x.phone_code_hash)?;
    let dc = phone_home(ctx, w, &p.phone);
    if dc != ctx.dc {
        return Err(err(303, format!("PHONE_MIGRATE_{dc}")));
    }
    match x.phone_code.as_deref() {
        None | Some("") => return Err(bad("PHONE_CODE_EMPTY")),
        Some(c) if c != p.code => return Err(bad("PHONE_CODE_INVALID")),
        Some(_) => {}
    }
    let Some(&user) = w.phones.get(&p.phone) else {
        return Ok(
            enums::auth::Authorization::from(types::auth::AuthorizationSignUpRequired {
                terms_of_service: None,
            })
            .to_bytes(),
        );
    };
    w.codes.remove(&x.phone_code_hash);
    if w.accounts[&user].password.is_some() {
        w.pending_password.insert(ctx.key_id, user);
        return Err(err(401, "SESSION_PASSWORD_NEEDED"));
    }
    Ok(authorize(ctx, w, user, false))
}

fn sign_up(ctx: &Ctx<'_>, w: &mut World, x: functions::auth::SignUp) -> R {
    let p = pending_code(ctx, w, &x.phone_number, &x.phone_code_hash)?;
    if w.phones.contains_key(&p.phone) {
        return Err(bad("PHONE_NUMBER_OCCUPIED"));
    }
    let first = x.first_name.trim();
    if first.is_empty() || first.chars().count() > 64 {
        return Err(bad("FIRST_NAME_INVALID"));
    }
    if x.last_name.chars().count() > 64 {
        return Err(bad("LASTNAME_INVALID"));
    }
    w.codes.remove(&x.phone_code_hash);
    let user = w.create_account(first, x.last_name.trim(), Some(&p.phone), false, ctx.dc);
    Ok(authorize(ctx, w, user, false))
}

fn srp_algo(params: &ferrogram_mtproto::srp::SrpParams) -> enums::PasswordKdfAlgo {
    enums::PasswordKdfAlgo::from(
        types::PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow {
            salt1: params.salt1.clone(),
            salt2: params.salt2.clone(),
            g: params.g,
            p: params.p.clone(),
        },
    )
}

fn get_password(ctx: &Ctx<'_>, w: &mut World) -> R {
    let user = w
        .pending_password
        .get(&ctx.key_id)
        .copied()
        .or_else(|| w.authorizations.get(&ctx.key_id).map(|a| a.user));
    let password = user.and_then(|u| w.accounts[&u].password.clone());
    let mut rng = lock(&ctx.shared.rng);
    let mut secure = vec![0u8; 32];
    rng.fill_bytes(&mut secure);
    let mut salt = vec![0u8; 8];
    rng.fill_bytes(&mut salt);
    let new_params = ferrogram_mtproto::srp::SrpParams {
        salt1: salt.clone(),
        salt2: salt.clone(),
        g: 3,
        p: ferrogram_mtproto::dh::telegram_dh_prime().to_bytes_be(),
    };
    let mut out = types::account::Password {
        has_recovery: false,
        has_secure_values: false,
        has_password: false,
        current_algo: None,
        srp_b: None,
        srp_id: None,
        hint: None,
        email_unconfirmed_pattern: None,
        new_algo: srp_algo(&new_params),
        new_secure_algo: enums::SecurePasswordKdfAlgo::from(
            types::SecurePasswordKdfAlgoPBKDF2HMACSHA512iter100000 { salt },
        ),
        secure_random: secure,
        pending_reset_date: None,
        login_email_pattern: None,
    };
    if let (Some(user), Some(pw)) = (user, password) {
        let server = SrpServer::new(pw.params.clone(), &pw.verifier, &mut *rng)
            .map_err(|_| err(500, "SRP_FAILED"))?;
        let srp_id = (rng.next_u64() >> 1) as i64;
        out.has_password = true;
        out.current_algo = Some(srp_algo(&pw.params));
        out.srp_b = Some(server.srp_b().to_vec());
        out.srp_id = Some(srp_id);
        out.hint = (!pw.hint.is_empty()).then(|| pw.hint.clone());
        // Only the latest SRP session of a user is valid, as on Telegram.
        w.srp.retain(|_, (u, _)| *u != user);
        w.srp.insert(srp_id, (user, server));
    }
    Ok(enums::account::Password::from(out).to_bytes())
}

fn check_password(ctx: &Ctx<'_>, w: &mut World, input: enums::InputCheckPasswordSRP) -> R {
    let enums::InputCheckPasswordSRP::InputCheckPasswordSRP(p) = input else {
        return Err(bad("PASSWORD_HASH_INVALID"));
    };
    let Some((user, server)) = w.srp.remove(&p.srp_id) else {
        return Err(bad("SRP_ID_INVALID"));
    };
    let allowed = w.pending_password.get(&ctx.key_id) == Some(&user)
        || w.authorizations.get(&ctx.key_id).map(|a| a.user) == Some(user);
    if !allowed {
        return Err(bad("SRP_ID_INVALID"));
    }
    match server.verify(&p.a, &p.m1) {
        Ok(true) => Ok(authorize(ctx, w, user, false)),
        Ok(false) => Err(bad("PASSWORD_HASH_INVALID")),
        Err(_) => Err(bad("SRP_A_INVALID")),
    }
}

/// The user a private-chat peer names (chats and channels are part 2).
fn resolve_user_peer(w: &World, me: i64, peer: &enums::InputPeer) -> Result<i64, RpcErr> {
    match peer {
        enums::InputPeer::InputPeerSelf => Ok(me),
        enums::InputPeer::User(u) => {
            if u.user_id == me
                || (w.accounts.contains_key(&u.user_id)
                    && w.access_hash(me, u.user_id) == u.access_hash)
            {
                Ok(u.user_id)
            } else {
                Err(bad("PEER_ID_INVALID"))
            }
        }
        enums::InputPeer::Channel(_) | enums::InputPeer::ChannelFromMessage(_) => {
            Err(bad("CHANNEL_INVALID"))
        }
        _ => Err(bad("PEER_ID_INVALID")),
    }
}

/// Stores a message from `me` to `peer` in both mailboxes and pushes it to the
/// other sessions of both. Returns the sender's (id, pts, date).
fn deliver(
    ctx: &Ctx<'_>,
    w: &mut World,
    me: i64,
    peer: i64,
    text: String,
    media: Option<enums::MessageMedia>,
) -> (i32, i32, i32) {
    let date = ctx.shared.clock.unix();
    let store = |w: &mut World, owner: i64, other: i64, out: bool| {
        let m = w.mailbox(owner);
        let id = m.next_id;
        m.next_id += 1;
        m.pts += 1;
        let pts = m.pts;
        let msg = StoredMessage {
            id,
            peer: other,
            from: me,
            out,
            date,
            text: text.clone(),
            media: media.clone(),
            pts,
        };
        m.messages.insert(id, msg.clone());
        (msg, pts)
    };
    let (mine, pts) = store(w, me, peer, true);
    let push = |w: &World, owner: i64, msg: &StoredMessage, except: Option<u64>| {
        let update = if msg.media.is_none() {
            enums::Updates::from(types::UpdateShortMessage {
                out: msg.out,
                id: msg.id,
                user_id: msg.peer,
                message: msg.text.clone(),
                pts: msg.pts,
                pts_count: 1,
                date: msg.date,
                ..Default::default()
            })
        } else {
            enums::Updates::from(types::Updates {
                updates: vec![enums::Update::from(types::UpdateNewMessage {
                    message: w.message_view(msg),
                    pts: msg.pts,
                    pts_count: 1,
                })],
                users: users_of(w, owner, vec![owner, msg.peer, msg.from]),
                chats: Vec::new(),
                date: msg.date,
                seq: 0,
            })
        };
        ctx.shared.push_update(owner, except, &update.to_bytes());
    };
    push(w, me, &mine, Some(ctx.conn));
    if peer != me {
        let (theirs, _) = store(w, peer, me, false);
        push(w, peer, &theirs, None);
    }
    (mine.id, pts, date)
}

/// The message `me` already sent with `random_id`, if any.
fn sent_before(w: &mut World, me: i64, random_id: i64) -> Option<StoredMessage> {
    let id = *w.random_ids.get(&(me, random_id))?;
    w.mailbox(me).messages.get(&id).cloned()
}

/// What `messages.sendMedia` answers for the sender's copy of `message`.
fn sent_media_updates(
    w: &World,
    me: i64,
    peer: i64,
    message: &StoredMessage,
    random_id: i64,
) -> Vec<u8> {
    enums::Updates::from(types::Updates {
        updates: vec![
            enums::Update::from(types::UpdateMessageID {
                id: message.id,
                random_id,
            }),
            enums::Update::from(types::UpdateNewMessage {
                message: w.message_view(message),
                pts: message.pts,
                pts_count: 1,
            }),
        ],
        users: users_of(w, me, vec![me, peer]),
        chats: Vec::new(),
        date: message.date,
        seq: 0,
    })
    .to_bytes()
}

/// `viewer`'s view of each distinct user in `ids`.
fn users_of(w: &World, viewer: i64, mut ids: Vec<i64>) -> Vec<enums::User> {
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .filter_map(|id| w.user_view(viewer, id))
        .collect()
}

fn get_history(w: &mut World, me: i64, peer: i64, x: &functions::messages::GetHistory) -> R {
    let mailbox = w.mailbox(me).clone();
    // Newest first, as Telegram returns them.
    let all: Vec<&StoredMessage> = mailbox
        .messages
        .values()
        .rev()
        .filter(|m| m.peer == peer)
        .filter(|m| x.max_id <= 0 || m.id < x.max_id)
        .filter(|m| x.min_id <= 0 || m.id > x.min_id)
        .collect();
    let start = all
        .iter()
        .position(|m| {
            (x.offset_id <= 0 || m.id < x.offset_id)
                && (x.offset_date <= 0 || m.date < x.offset_date)
        })
        .unwrap_or(all.len());
    let start = (start as i64 + i64::from(x.add_offset)).clamp(0, all.len() as i64) as usize;
    let limit = if x.limit <= 0 { 20 } else { x.limit.min(100) } as usize;
    let page: Vec<&StoredMessage> = all.iter().skip(start).take(limit).copied().collect();
    let messages = page.iter().map(|m| w.message_view(m)).collect();
    let users = users_of(w, me, vec![me, peer]);
    let out = if page.len() == all.len() {
        enums::messages::Messages::from(types::messages::Messages {
            messages,
            topics: Vec::new(),
            chats: Vec::new(),
            users,
        })
    } else {
        enums::messages::Messages::from(types::messages::MessagesSlice {
            count: all.len() as i32,
            messages,
            users,
            ..Default::default()
        })
    };
    Ok(out.to_bytes())
}

fn get_difference(ctx: &Ctx<'_>, w: &mut World, x: &functions::updates::GetDifference) -> R {
    let me = me(ctx, w)?;
    let date = ctx.shared.clock.unix();
    let m = w.mailbox(me).clone();
    let state = |pts: i32| {
        enums::updates::State::from(types::updates::State {
            pts,
            qts: m.qts,
            date,
            seq: m.seq,
            unread_count: 0,
        })
    };
    let limit = x
        .pts_total_limit
        .filter(|l| *l > 0)
        .map_or(DIFFERENCE_LIMIT, |l| (l as usize).min(DIFFERENCE_LIMIT));
    let mut new: Vec<&StoredMessage> = m.messages.values().filter(|s| s.pts > x.pts).collect();
    new.sort_by_key(|s| s.pts);
    if new.is_empty() {
        return Ok(
            enums::updates::Difference::from(types::updates::DifferenceEmpty { date, seq: m.seq })
                .to_bytes(),
        );
    }
    let more = new.len() > limit;
    new.truncate(limit);
    let peers: Vec<i64> = new
        .iter()
        .flat_map(|s| [s.peer, s.from])
        .chain([me])
        .collect();
    let new_messages = new.iter().map(|s| w.message_view(s)).collect();
    let users = users_of(w, me, peers);
    let out = if more {
        let last = new.last().map_or(x.pts, |s| s.pts);
        enums::updates::Difference::from(types::updates::DifferenceSlice {
            new_messages,
            new_encrypted_messages: Vec::new(),
            other_updates: Vec::new(),
            chats: Vec::new(),
            users,
            intermediate_state: state(last),
        })
    } else {
        enums::updates::Difference::from(types::updates::Difference {
            new_messages,
            new_encrypted_messages: Vec::new(),
            other_updates: Vec::new(),
            chats: Vec::new(),
            users,
            state: state(m.pts),
        })
    };
    Ok(out.to_bytes())
}

fn save_part(
    w: &mut World,
    me: i64,
    file_id: i64,
    part: i32,
    total: Option<i32>,
    bytes: Vec<u8>,
) -> R {
    if !(0..MAX_PARTS).contains(&part) || total.is_some_and(|t| t <= part || t > MAX_PARTS) {
        return Err(bad("FILE_PART_INVALID"));
    }
    if bytes.len() > MAX_PART {
        return Err(bad("FILE_PART_TOO_BIG"));
    }
    if bytes.is_empty() {
        return Err(bad("FILE_PART_EMPTY"));
    }
    let held: usize = w
        .uploads
        .iter()
        .filter(|((u, _), _)| *u == me)
        .flat_map(|(_, up)| up.parts.values().map(Vec::len))
        .sum();
    if held + bytes.len() > MAX_UPLOAD_BYTES {
        return Err(bad("FILE_PARTS_INVALID"));
    }
    let up = w.uploads.entry((me, file_id)).or_default();
    if total.is_some() {
        up.total = total;
    }
    up.parts.insert(part, bytes);
    Ok(true.to_bytes())
}

/// Assembles (and forgets) an uploaded file.
fn take_upload(w: &mut World, me: i64, file: &enums::InputFile) -> Result<Vec<u8>, RpcErr> {
    let (id, parts) = match file {
        enums::InputFile::InputFile(f) => (f.id, f.parts),
        enums::InputFile::Big(f) => (f.id, f.parts),
        _ => return Err(bad("FILE_PARTS_INVALID")),
    };
    let Some(up) = w.uploads.get(&(me, id)) else {
        return Err(bad("FILE_PARTS_INVALID"));
    };
    if parts <= 0
        || up.parts.len() != parts as usize
        || !(0..parts).all(|p| up.parts.contains_key(&p))
    {
        return Err(bad("FILE_PARTS_INVALID"));
    }
    let up = w.uploads.remove(&(me, id)).expect("present");
    Ok(up.parts.into_values().flatten().collect())
}

fn check_photo(w: &World, id: i64, access_hash: i64, reference: &[u8]) -> Result<(), RpcErr> {
    let Some(p) = w.photos.get(&id) else {
        return Err(bad("PHOTO_INVALID"));
    };
    if w.photo_access_hash(id) != access_hash {
        return Err(bad("PHOTO_INVALID"));
    }
    if w.file_reference(p) != reference {
        return Err(bad("FILE_REFERENCE_EXPIRED"));
    }
    Ok(())
}

fn get_file(ctx: &Ctx<'_>, w: &mut World, me: i64, x: &functions::upload::GetFile) -> R {
    let id = match &x.location {
        enums::InputFileLocation::InputPhotoFileLocation(l) => {
            match check_photo(w, l.id, l.access_hash, &l.file_reference) {
                Err(e) if e.message == "PHOTO_INVALID" => return Err(bad("FILE_ID_INVALID")),
                r => r?,
            }
            l.id
        }
        enums::InputFileLocation::InputDocumentFileLocation(l) => {
            match check_photo(w, l.id, l.access_hash, &l.file_reference) {
                Err(e) if e.message == "PHOTO_INVALID" => return Err(bad("FILE_ID_INVALID")),
                r => r?,
            }
            if w.photos[&l.id].document.is_none() {
                return Err(bad("FILE_ID_INVALID"));
            }
            l.id
        }
        enums::InputFileLocation::InputPeerPhotoFileLocation(l) => {
            let owner = resolve_user_peer(w, me, &l.peer)?;
            if !w
                .profile_photos
                .get(&owner)
                .is_some_and(|v| v.contains(&l.photo_id))
                || w.photos.get(&l.photo_id).map(|p| p.owner) != Some(owner)
            {
                return Err(bad("FILE_ID_INVALID"));
            }
            l.photo_id
        }
        _ => return Err(bad("LOCATION_INVALID")),
    };
    let photo = &w.photos[&id];
    if photo.dc != ctx.dc {
        return Err(err(303, format!("FILE_MIGRATE_{}", photo.dc)));
    }
    if x.offset < 0 || x.offset % 1024 != 0 {
        return Err(bad("OFFSET_INVALID"));
    }
    if x.limit <= 0 || x.limit % 1024 != 0 || x.limit > 1 << 20 {
        return Err(bad("LIMIT_INVALID"));
    }
    let start = (x.offset as usize).min(photo.bytes.len());
    let end = (start + x.limit as usize).min(photo.bytes.len());
    Ok(enums::upload::File::from(types::upload::File {
        r#type: enums::storage::FileType::FileJpeg,
        mtime: photo.date,
        bytes: photo.bytes[start..end].to_vec(),
    })
    .to_bytes())
}

/// The supergroup or channel an `InputChannel` names, if its access hash is the
/// one `me` was given.
fn channel_id(w: &World, me: i64, c: &enums::InputChannel) -> Result<i64, RpcErr> {
    match c {
        enums::InputChannel::InputChannel(c)
            if w.chats
                .get(&c.channel_id)
                .is_some_and(|x| x.kind != crate::chats::ChatKind::Group)
                && w.channel_access_hash(me, c.channel_id) == c.access_hash =>
        {
            Ok(c.channel_id)
        }
        _ => Err(bad("CHANNEL_INVALID")),
    }
}

/// A channel `me` may read: a member, or a public one.
fn readable_channel(w: &World, me: i64, c: &enums::InputChannel) -> Result<i64, RpcErr> {
    let id = channel_id(w, me, c)?;
    let chat = &w.chats[&id];
    let member = chat
        .participant(me)
        .is_some_and(crate::chats::Participant::is_member);
    if !member && chat.username.is_none() {
        return Err(bad("CHANNEL_PRIVATE"));
    }
    Ok(id)
}

fn get_participants(w: &World, me: i64, x: &functions::channels::GetParticipants) -> R {
    use crate::chats::{ChatKind, LISTING_CAP, Role, SEARCH_CAP, name_matches};
    let id = readable_channel(w, me, &x.channel)?;
    let chat = &w.chats[&id];
    let mine = chat.participant(me);
    let is_admin = mine.is_some_and(crate::chats::Participant::is_admin);
    let can_ban = mine.is_some_and(|p| match &p.role {
        Role::Creator { .. } => true,
        Role::Admin { rights, .. } => rights.ban_users,
        _ => false,
    });
    if chat.kind == ChatKind::Channel && !is_admin {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let matches = |p: &crate::chats::Participant, q: &str| {
        w.accounts
            .get(&p.user)
            .is_some_and(|a| name_matches(&a.first_name, &a.last_name, a.username.as_deref(), q))
    };
    // Newest first, as Telegram lists recent members.
    let ordered = chat.participants.iter().rev();
    let (selected, cap): (Vec<&crate::chats::Participant>, usize) = match &x.filter {
        enums::ChannelParticipantsFilter::ChannelParticipantsRecent => {
            (ordered.filter(|p| p.is_member()).collect(), LISTING_CAP)
        }
        enums::ChannelParticipantsFilter::ChannelParticipantsAdmins => {
            let mut v: Vec<_> = chat.participants.iter().filter(|p| p.is_admin()).collect();
            v.sort_by_key(|p| !matches!(p.role, Role::Creator { .. }));
            (v, LISTING_CAP)
        }
        enums::ChannelParticipantsFilter::ChannelParticipantsBots => (
            ordered
                .filter(|p| p.is_member() && w.accounts.get(&p.user).is_some_and(|a| a.bot))
                .collect(),
            LISTING_CAP,
        ),
        enums::ChannelParticipantsFilter::ChannelParticipantsKicked(k) => {
            if !can_ban {
                return Err(bad("CHAT_ADMIN_REQUIRED"));
            }
            (
                ordered
                    .filter(|p| matches!(p.role, Role::Banned { .. }) && matches(p, &k.q))
                    .collect(),
                LISTING_CAP,
            )
        }
        enums::ChannelParticipantsFilter::ChannelParticipantsBanned(b) => {
            if !can_ban {
                return Err(bad("CHAT_ADMIN_REQUIRED"));
            }
            (
                ordered
                    .filter(|p| matches!(p.role, Role::Restricted { .. }) && matches(p, &b.q))
                    .collect(),
                LISTING_CAP,
            )
        }
        enums::ChannelParticipantsFilter::ChannelParticipantsSearch(s) => {
            let cap = if s.q.trim().is_empty() {
                LISTING_CAP
            } else {
                SEARCH_CAP
            };
            if s.q.trim().is_empty() {
                (ordered.filter(|p| p.is_member()).collect(), cap)
            } else {
                (w.search_members(chat, &s.q), cap)
            }
        }
        // Members in the caller's contact list.
        enums::ChannelParticipantsFilter::ChannelParticipantsContacts(c) => (
            ordered
                .filter(|p| p.is_member() && w.is_contact(me, p.user) && matches(p, &c.q))
                .collect(),
            SEARCH_CAP,
        ),
        enums::ChannelParticipantsFilter::ChannelParticipantsMentions(m) => {
            let q = m.q.clone().unwrap_or_default();
            (
                ordered
                    .filter(|p| p.is_member() && matches(p, &q))
                    .collect(),
                SEARCH_CAP,
            )
        }
    };
    let count = selected.len() as i32;
    let offset = x.offset.max(0) as usize;
    let limit = x.limit.clamp(0, 200) as usize;
    let end = (offset + limit).min(selected.len()).min(cap);
    let page: Vec<&crate::chats::Participant> = if offset < end {
        selected[offset..end].to_vec()
    } else {
        Vec::new()
    };
    let participants = page.iter().map(|p| w.participant_view(p, me)).collect();
    let users = users_of(w, me, page.iter().map(|p| p.user).collect());
    Ok(
        enums::channels::ChannelParticipants::from(types::channels::ChannelParticipants {
            count,
            participants,
            chats: Vec::new(),
            users,
        })
        .to_bytes(),
    )
}

/// The caller's role in a channel, for rights checks.
/// A chat username as Telegram accepts it (5..=32 of `a-z0-9_`, starting with
/// a letter), lower-cased.
fn valid_chat_username(name: &str) -> Result<String, RpcErr> {
    let name = name.trim_start_matches('@').to_ascii_lowercase();
    let ok = (5..=32).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.ends_with('_');
    if ok {
        Ok(name)
    } else {
        Err(bad("USERNAME_INVALID"))
    }
}

/// Whether a (lower-case) username belongs to an account or a chat other than
/// `except`.
fn username_taken(w: &World, name: &str, except: Option<i64>) -> bool {
    let same = |u: &Option<String>| u.as_deref().is_some_and(|u| u.eq_ignore_ascii_case(name));
    w.accounts.values().any(|a| same(&a.username))
        || w.chats
            .values()
            .any(|c| Some(c.id) != except && same(&c.username))
}

/// The forum supergroup a peer names (`CHANNEL_FORUM_MISSING` for other chats).
fn forum_of(w: &World, me: i64, peer: &enums::InputPeer) -> Result<i64, RpcErr> {
    let id = chat_of_peer(w, me, peer)?;
    let c = &w.chats[&id];
    if !c.forum {
        return Err(bad("CHANNEL_FORUM_MISSING"));
    }
    if !c.participant(me).is_some_and(|p| p.is_member()) {
        return Err(bad("CHANNEL_PRIVATE"));
    }
    Ok(id)
}

/// Who may create topics (`topic` None) or edit one: admins with
/// `manage_topics`; members when the chat's defaults and their own
/// restrictions allow it; a topic's creator for their own topic.
fn may_manage_topics(
    chat: &crate::chats::StoredChat,
    me: i64,
    topic: Option<&crate::chats::Topic>,
) -> bool {
    use crate::chats::Role;
    match caller_rights(chat, me) {
        Some((_, r)) => r.manage_topics,
        None => {
            if topic.is_some_and(|t| t.creator == me) {
                return true;
            }
            topic.is_none()
                && !chat.default_banned.manage_topics
                && match chat.participant(me).map(|p| &p.role) {
                    Some(Role::Member) => true,
                    Some(Role::Restricted { rights, .. }) => !rights.manage_topics,
                    _ => false,
                }
        }
    }
}

/// Who may change a chat's title, photo or description: admins with
/// `change_info`; in a basic group, members too unless the defaults forbid it.
fn may_change_info(chat: &crate::chats::StoredChat, me: i64) -> bool {
    match caller_rights(chat, me) {
        Some((_, r)) => r.change_info,
        None => {
            chat.kind == crate::chats::ChatKind::Group
                && chat.participant(me).is_some_and(|p| p.is_member())
                && !chat.default_banned.change_info
        }
    }
}

/// The chat an invite hash opens.
fn invite_chat(w: &World, hash: &str) -> Option<i64> {
    w.chats
        .values()
        .find(|c| c.invites.iter().any(|i| i.hash == hash))
        .map(|c| c.id)
}

fn caller_rights(
    chat: &crate::chats::StoredChat,
    me: i64,
) -> Option<(bool, types::ChatAdminRights)> {
    use crate::chats::Role;
    match &chat.participant(me)?.role {
        Role::Creator { .. } => Some((true, crate::chats::all_admin_rights())),
        Role::Admin { rights, .. } => Some((false, rights.clone())),
        _ => None,
    }
}

fn input_user_id(me: i64, u: &enums::InputUser) -> Result<i64, RpcErr> {
    match u {
        enums::InputUser::InputUserSelf => Ok(me),
        enums::InputUser::InputUser(u) => Ok(u.user_id),
        _ => Err(bad("USER_ID_INVALID")),
    }
}

fn chat_updates(w: &World, me: i64, chat: i64, users: Vec<i64>, date: i32) -> Vec<u8> {
    enums::Updates::from(types::Updates {
        updates: Vec::new(),
        users: users_of(w, me, users),
        chats: w.chat_view(me, chat).into_iter().collect(),
        date,
        seq: 0,
    })
    .to_bytes()
}

fn edit_admin(ctx: &Ctx<'_>, w: &mut World, me: i64, x: &functions::channels::EditAdmin) -> R {
    use crate::chats::{ChatKind, Role, admin_right_flags};
    let id = channel_id(w, me, &x.channel)?;
    let now = ctx.shared.clock.unix();
    let user = input_user_id(me, &x.user_id)?;
    let enums::ChatAdminRights::ChatAdminRights(new_rights) = x.admin_rights.clone();
    let chat = &w.chats[&id];
    let Some((is_creator, mine)) = caller_rights(chat, me) else {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    };
    if !mine.add_admins {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    if !w.accounts.contains_key(&user) {
        return Err(bad("USER_ID_INVALID"));
    }
    let rank = x.rank.clone().filter(|r| !r.is_empty());
    if rank.as_ref().is_some_and(|r| r.chars().count() > 16) {
        return Err(bad("ADMIN_RANK_INVALID"));
    }
    if chat.kind == ChatKind::Supergroup && (new_rights.post_messages || new_rights.edit_messages) {
        // Broadcast-only rights.
        return Err(bad("RIGHT_FORBIDDEN"));
    }
    if !is_creator {
        let theirs = admin_right_flags(&new_rights);
        let ours = admin_right_flags(&mine);
        if theirs
            .iter()
            .zip(ours.iter())
            .any(|((_, want), (_, have))| *want && !*have)
        {
            return Err(bad("RIGHT_FORBIDDEN"));
        }
    }
    let prev = chat.participant(user).cloned();
    let Some(prev) = prev.filter(|p| p.is_member()) else {
        return Err(bad("USER_NOT_PARTICIPANT"));
    };
    match &prev.role {
        Role::Creator { .. } => return Err(bad("USER_CREATOR")),
        Role::Admin { promoted_by, .. } if !is_creator && *promoted_by != me => {
            return Err(bad("USER_ADMIN_INVALID"));
        }
        _ => {}
    }
    let any = admin_right_flags(&new_rights).iter().any(|(_, v)| *v);
    let role = if any {
        Role::Admin {
            rights: new_rights,
            rank,
            promoted_by: me,
        }
    } else {
        Role::Member
    };
    if role == prev.role {
        return Err(bad("CHAT_NOT_MODIFIED"));
    }
    let prev_view = w.participant_view(&prev, me);
    let mut next = prev.clone();
    next.role = role;
    let new_view = w.participant_view(&next, me);
    let c = w.chats.get_mut(&id).expect("exists");
    c.add(user, next.role, next.date, next.inviter);
    c.log(
        now,
        me,
        Some(user),
        enums::ChannelAdminLogEventAction::from(
            types::ChannelAdminLogEventActionParticipantToggleAdmin {
                prev_participant: prev_view,
                new_participant: new_view,
            },
        ),
    );
    Ok(chat_updates(w, me, id, vec![user], now))
}

fn edit_banned(ctx: &Ctx<'_>, w: &mut World, me: i64, x: &functions::channels::EditBanned) -> R {
    use crate::chats::{Participant, Role, normalize_until};
    let id = channel_id(w, me, &x.channel)?;
    let now = ctx.shared.clock.unix();
    let user = match &x.participant {
        enums::InputPeer::User(u) => u.user_id,
        enums::InputPeer::InputPeerSelf => return Err(bad("USER_ADMIN_INVALID")),
        _ => return Err(bad("PARTICIPANT_ID_INVALID")),
    };
    if !w.accounts.contains_key(&user) {
        return Err(bad("USER_ID_INVALID"));
    }
    let enums::ChatBannedRights::ChatBannedRights(mut rights) = x.banned_rights.clone();
    rights.until_date = normalize_until(rights.until_date, now);
    let chat = &w.chats[&id];
    let Some((is_creator, mine)) = caller_rights(chat, me) else {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    };
    if !mine.ban_users {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let prev = chat.participant(user).cloned().unwrap_or(Participant {
        user,
        role: Role::Left,
        date: now,
        inviter: 0,
    });
    match &prev.role {
        Role::Creator { .. } => return Err(bad("USER_CREATOR")),
        Role::Admin { promoted_by, .. } if !is_creator && *promoted_by != me => {
            return Err(bad("USER_ADMIN_INVALID"));
        }
        _ => {}
    }
    let restricted = rights.view_messages
        || rights.send_messages
        || rights.send_media
        || rights.send_stickers
        || rights.send_gifs
        || rights.send_games
        || rights.send_inline
        || rights.embed_links
        || rights.send_polls
        || rights.change_info
        || rights.invite_users
        || rights.pin_messages
        || rights.manage_topics
        || rights.send_photos
        || rights.send_videos
        || rights.send_roundvideos
        || rights.send_audios
        || rights.send_voices
        || rights.send_docs
        || rights.send_plain;
    let role = if rights.view_messages {
        Role::Banned {
            rights,
            kicked_by: me,
        }
    } else if restricted {
        if !prev.is_member() {
            return Err(bad("USER_NOT_PARTICIPANT"));
        }
        Role::Restricted {
            rights,
            kicked_by: me,
        }
    } else {
        match prev.role {
            // Unbanning a kicked user lets them join again; it does not add them.
            Role::Banned { .. } | Role::Left => Role::Left,
            _ => Role::Member,
        }
    };
    if role == prev.role {
        return Err(bad("CHAT_NOT_MODIFIED"));
    }
    let prev_view = w.participant_view(&prev, me);
    let mut next = prev.clone();
    next.role = role;
    let new_view = w.participant_view(&next, me);
    let removed = prev.is_member() && matches!(next.role, Role::Banned { .. });
    let c = w.chats.get_mut(&id).expect("exists");
    c.add(user, next.role, next.date, next.inviter);
    c.log(
        now,
        me,
        Some(user),
        enums::ChannelAdminLogEventAction::from(
            types::ChannelAdminLogEventActionParticipantToggleBan {
                prev_participant: prev_view,
                new_participant: new_view,
            },
        ),
    );
    if removed && c.kind == crate::chats::ChatKind::Supergroup {
        // "X removed Y", as Telegram shows it in supergroups.
        let m = c.add_service(
            now,
            me,
            enums::MessageAction::from(types::MessageActionChatDeleteUser { user_id: user }),
        );
        return Ok(service_updates(ctx, w, me, id, &m, vec![me, user]));
    }
    Ok(chat_updates(w, me, id, vec![user], now))
}

/// The author of a message in TL form.
fn message_author(m: &enums::Message) -> Option<i64> {
    let from = match m {
        enums::Message::Message(m) => m.from_id.as_ref(),
        enums::Message::Service(m) => m.from_id.as_ref(),
        enums::Message::Empty(_) => None,
    };
    match from {
        Some(enums::Peer::User(u)) => Some(u.user_id),
        _ => None,
    }
}

/// Announces a new service message: to every other connected member, and
/// (returned) to its author, with `users` added to the answer's users.
fn service_updates(
    ctx: &Ctx<'_>,
    w: &mut World,
    me: i64,
    chat: i64,
    m: &crate::chats::ChatMessage,
    users: Vec<i64>,
) -> Vec<u8> {
    let members: Vec<i64> = w.chats[&chat]
        .participants
        .iter()
        .filter(|p| p.is_member() && p.user != me)
        .map(|p| p.user)
        .filter(|u| ctx.shared.is_subscribed(*u))
        .collect();
    for member in members {
        let bytes = new_message_updates(w, member, chat, m, None, &[]);
        ctx.shared.push_update(member, None, &bytes);
    }
    new_message_updates(w, me, chat, m, None, &users)
}

/// A group or channel named by an input peer, for the calls that take either.
fn chat_of_peer(w: &World, me: i64, peer: &enums::InputPeer) -> Result<i64, RpcErr> {
    match peer {
        enums::InputPeer::Channel(c) => readable_channel(
            w,
            me,
            &enums::InputChannel::from(types::InputChannel {
                channel_id: c.channel_id,
                access_hash: c.access_hash,
            }),
        ),
        enums::InputPeer::Chat(c) => group_id(w, me, c.chat_id),
        _ => Err(bad("PEER_ID_INVALID")),
    }
}

/// `channels.editPhoto` / `messages.editChatPhoto`: creator or an admin with
/// change_info (in basic groups, any member unless the defaults deny it).
fn edit_chat_photo(
    ctx: &Ctx<'_>,
    w: &mut World,
    me: i64,
    id: i64,
    photo: &enums::InputChatPhoto,
) -> R {
    let now = ctx.shared.clock.unix();
    let chat = &w.chats[&id];
    if !may_change_info(chat, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let prev = chat.photo;
    let new = match photo {
        enums::InputChatPhoto::Empty => None,
        enums::InputChatPhoto::InputChatUploadedPhoto(u) => {
            let Some(file) = &u.file else {
                return Err(bad("PHOTO_FILE_MISSING"));
            };
            let bytes = take_upload(w, me, file)?;
            let dc = w.home_dc;
            Some(w.add_photo(id, now, dc, bytes))
        }
        enums::InputChatPhoto::InputChatPhoto(p) => {
            let enums::InputPhoto::InputPhoto(p) = &p.id else {
                return Err(bad("PHOTO_INVALID"));
            };
            if !w.photos.contains_key(&p.id) {
                return Err(bad("PHOTO_INVALID"));
            }
            Some(p.id)
        }
    };
    if prev.is_none() && new.is_none() {
        return Err(bad("CHAT_NOT_MODIFIED"));
    }
    let view = |w: &World, p: Option<i64>| {
        p.and_then(|p| w.photo_view(p))
            .unwrap_or(enums::Photo::Empty(types::PhotoEmpty { id: 0 }))
    };
    let (prev_view, new_view) = (view(w, prev), view(w, new));
    let c = w.chats.get_mut(&id).expect("exists");
    c.photo = new;
    if c.kind != crate::chats::ChatKind::Group {
        c.log(
            now,
            me,
            None,
            enums::ChannelAdminLogEventAction::from(types::ChannelAdminLogEventActionChangePhoto {
                prev_photo: prev_view,
                new_photo: new_view.clone(),
            }),
        );
    }
    let action = match new {
        Some(_) => {
            enums::MessageAction::from(types::MessageActionChatEditPhoto { photo: new_view })
        }
        None => enums::MessageAction::ChatDeletePhoto,
    };
    let m = c.add_service(now, me, action);
    Ok(service_updates(ctx, w, me, id, &m, vec![me]))
}

/// `channels.editTitle` / `messages.editChatTitle`.
fn edit_chat_title(ctx: &Ctx<'_>, w: &mut World, me: i64, id: i64, title: &str) -> R {
    let now = ctx.shared.clock.unix();
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 128 {
        return Err(bad("CHAT_TITLE_EMPTY"));
    }
    let chat = &w.chats[&id];
    if !may_change_info(chat, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    if chat.title == title {
        return Err(bad("CHAT_NOT_MODIFIED"));
    }
    let c = w.chats.get_mut(&id).expect("exists");
    let prev = std::mem::replace(&mut c.title, title.to_owned());
    if c.kind != crate::chats::ChatKind::Group {
        c.log(
            now,
            me,
            None,
            enums::ChannelAdminLogEventAction::from(types::ChannelAdminLogEventActionChangeTitle {
                prev_value: prev,
                new_value: title.to_owned(),
            }),
        );
    }
    let m = c.add_service(
        now,
        me,
        enums::MessageAction::from(types::MessageActionChatEditTitle {
            title: title.to_owned(),
        }),
    );
    Ok(service_updates(ctx, w, me, id, &m, vec![me]))
}

/// `messages.search` in a group or channel. Only the chat-photos filter is
/// modelled (what `iter_profile_photos` needs); other filters answer
/// `FILTER_NOT_SUPPORTED` instead of a silently empty result.
fn search_messages(w: &World, me: i64, x: &functions::messages::Search) -> R {
    if w.accounts.get(&me).is_some_and(|a| a.bot) {
        return Err(bad("BOT_METHOD_INVALID"));
    }
    if !matches!(
        x.filter,
        enums::MessagesFilter::InputMessagesFilterChatPhotos
    ) {
        return Err(bad("FILTER_NOT_SUPPORTED"));
    }
    let id = chat_of_peer(w, me, &x.peer)?;
    let c = &w.chats[&id];
    let q = x.q.to_lowercase();
    // Newest first, in the id window.
    let matching: Vec<&crate::chats::ChatMessage> = c
        .messages
        .iter()
        .rev()
        .filter(|m| matches!(m.action, Some(enums::MessageAction::ChatEditPhoto(_))))
        .filter(|_| q.is_empty())
        .filter(|m| x.max_id <= 0 || m.id < x.max_id)
        .filter(|m| m.id > x.min_id)
        .filter(|m| x.min_date <= 0 || m.date >= x.min_date)
        .filter(|m| x.max_date <= 0 || m.date <= x.max_date)
        .collect();
    let count = matching.len() as i32;
    let start = matching
        .iter()
        .position(|m| x.offset_id <= 0 || m.id < x.offset_id)
        .unwrap_or(matching.len());
    let start = (start as i64 + i64::from(x.add_offset)).clamp(0, matching.len() as i64) as usize;
    let limit = x.limit.clamp(0, 100) as usize;
    let page: Vec<enums::Message> = matching[start..]
        .iter()
        .take(limit)
        .map(|m| w.chat_message_view(c, m, me))
        .collect();
    let mut users: Vec<i64> = page.iter().filter_map(message_author).collect();
    users.sort_unstable();
    users.dedup();
    let users = users_of(w, me, users);
    let chats: Vec<enums::Chat> = w.chat_view(me, id).into_iter().collect();
    let out = if c.kind == crate::chats::ChatKind::Group {
        if page.len() as i32 == count {
            enums::messages::Messages::from(types::messages::Messages {
                messages: page,
                topics: Vec::new(),
                chats,
                users,
            })
        } else {
            enums::messages::Messages::from(types::messages::MessagesSlice {
                inexact: false,
                count,
                next_rate: None,
                offset_id_offset: None,
                search_flood: None,
                messages: page,
                topics: Vec::new(),
                chats,
                users,
            })
        }
    } else {
        enums::messages::Messages::from(types::messages::ChannelMessages {
            inexact: false,
            pts: c.pts,
            count,
            offset_id_offset: None,
            messages: page,
            topics: Vec::new(),
            chats,
            users,
        })
    };
    Ok(out.to_bytes())
}

/// Which admin-log filter flags an event answers to.
fn event_matches(e: &crate::chats::LogEvent, f: &types::ChannelAdminLogEventsFilter) -> bool {
    use enums::ChannelAdminLogEventAction as A;
    let banned = |p: &enums::ChannelParticipant| -> (bool, bool) {
        // (kicked: view_messages denied, restricted otherwise)
        match p {
            enums::ChannelParticipant::Banned(b) => {
                let enums::ChatBannedRights::ChatBannedRights(r) = &b.banned_rights;
                (r.view_messages, !r.view_messages)
            }
            _ => (false, false),
        }
    };
    match &e.action {
        A::ParticipantJoin | A::ParticipantJoinByInvite(_) | A::ParticipantJoinByRequest(_) => {
            f.join
        }
        A::ParticipantLeave => f.leave,
        A::ParticipantInvite(_) => f.invite,
        A::ParticipantToggleAdmin(t) => {
            let was = matches!(t.prev_participant, enums::ChannelParticipant::Admin(_));
            let is = matches!(t.new_participant, enums::ChannelParticipant::Admin(_));
            (is && f.promote) || (was && !is && f.demote)
        }
        A::ParticipantToggleBan(t) => {
            let (was_kicked, was_restricted) = banned(&t.prev_participant);
            let (kicked, restricted) = banned(&t.new_participant);
            (kicked && f.kick)
                || (restricted && f.ban)
                || (was_kicked && !kicked && f.unkick)
                || (was_restricted && !restricted && !kicked && f.unban)
        }
        A::ChangeTitle(_)
        | A::ChangeAbout(_)
        | A::ChangeUsername(_)
        | A::ChangeUsernames(_)
        | A::ChangePhoto(_) => f.info,
        A::ToggleForum(_)
        | A::CreateTopic(_)
        | A::EditTopic(_)
        | A::DeleteTopic(_)
        | A::PinTopic(_) => f.forums,
        A::ToggleInvites(_)
        | A::ToggleSignatures(_)
        | A::DefaultBannedRights(_)
        | A::TogglePreHistoryHidden(_)
        | A::ToggleSlowMode(_) => f.settings,
        A::UpdatePinned(_) => f.pinned,
        A::EditMessage(_) => f.edit,
        A::DeleteMessage(_) => f.delete,
        A::StartGroupCall(_) | A::DiscardGroupCall(_) => f.group_call,
        _ => false,
    }
}

fn get_admin_log(w: &World, me: i64, x: &functions::channels::GetAdminLog) -> R {
    let id = readable_channel(w, me, &x.channel)?;
    let chat = &w.chats[&id];
    if caller_rights(chat, me).is_none() {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let admins: Option<Vec<i64>> = match &x.admins {
        Some(list) => Some(
            list.iter()
                .map(|u| input_user_id(me, u))
                .collect::<Result<_, _>>()?,
        ),
        None => None,
    };
    let q = x.q.trim().to_lowercase();
    let limit = x.limit.clamp(1, 100) as usize;
    let named = |uid: i64| {
        w.accounts.get(&uid).is_some_and(|a| {
            crate::chats::name_matches(&a.first_name, &a.last_name, a.username.as_deref(), &q)
        })
    };
    let events: Vec<&crate::chats::LogEvent> = chat
        .admin_log
        .iter()
        .rev()
        .filter(|e| x.max_id == 0 || e.id < x.max_id)
        .filter(|e| e.id > x.min_id)
        .filter(|e| admins.as_ref().is_none_or(|a| a.contains(&e.actor)))
        .filter(|e| match &x.events_filter {
            Some(enums::ChannelAdminLogEventsFilter::ChannelAdminLogEventsFilter(f)) => {
                event_matches(e, f)
            }
            None => true,
        })
        .filter(|e| q.is_empty() || named(e.actor) || e.target.is_some_and(named))
        .take(limit)
        .collect();
    let users: Vec<i64> = events
        .iter()
        .flat_map(|e| std::iter::once(e.actor).chain(e.target))
        .collect();
    let tl_events = events
        .iter()
        .map(|e| {
            enums::ChannelAdminLogEvent::from(types::ChannelAdminLogEvent {
                id: e.id,
                date: e.date,
                user_id: e.actor,
                action: e.action.clone(),
            })
        })
        .collect();
    Ok(
        enums::channels::AdminLogResults::from(types::channels::AdminLogResults {
            events: tl_events,
            chats: w.chat_view(me, id).into_iter().collect(),
            users: users_of(w, me, users),
        })
        .to_bytes(),
    )
}

/// A basic group `me` belongs to.
fn group_id(w: &World, me: i64, chat_id: i64) -> Result<i64, RpcErr> {
    match w.chats.get(&chat_id) {
        Some(c) if c.kind == crate::chats::ChatKind::Group => {
            if c.participant(me)
                .is_some_and(crate::chats::Participant::is_member)
            {
                Ok(chat_id)
            } else {
                Err(bad("CHAT_FORBIDDEN"))
            }
        }
        _ => Err(bad("CHAT_ID_INVALID")),
    }
}

/// `messages.setTyping`: tells the other members' sessions (or the other user).
fn set_typing(ctx: &Ctx<'_>, w: &mut World, me: i64, x: &functions::messages::SetTyping) -> R {
    let from = enums::Peer::from(types::PeerUser { user_id: me });
    let (update, recipients): (enums::Update, Vec<i64>) = match &x.peer {
        enums::InputPeer::User(_) | enums::InputPeer::InputPeerSelf => {
            let user = resolve_user_peer(w, me, &x.peer)?;
            (
                enums::Update::from(types::UpdateUserTyping {
                    user_id: me,
                    top_msg_id: x.top_msg_id,
                    action: x.action.clone(),
                }),
                if user == me { Vec::new() } else { vec![user] },
            )
        }
        enums::InputPeer::Chat(c) => {
            let id = group_id(w, me, c.chat_id)?;
            (
                enums::Update::from(types::UpdateChatUserTyping {
                    chat_id: id,
                    from_id: from,
                    action: x.action.clone(),
                }),
                w.chats[&id]
                    .participants
                    .iter()
                    .filter(|p| p.is_member())
                    .map(|p| p.user)
                    .collect(),
            )
        }
        enums::InputPeer::Channel(c) => {
            let id = channel_id(
                w,
                me,
                &enums::InputChannel::from(types::InputChannel {
                    channel_id: c.channel_id,
                    access_hash: c.access_hash,
                }),
            )?;
            let chat = &w.chats[&id];
            let Some(p) = chat.participant(me).filter(|p| p.is_member()) else {
                return Err(bad("USER_NOT_PARTICIPANT"));
            };
            if chat.kind == crate::chats::ChatKind::Channel && !p.is_admin() {
                return Err(bad("CHAT_WRITE_FORBIDDEN"));
            }
            (
                enums::Update::from(types::UpdateChannelUserTyping {
                    channel_id: id,
                    top_msg_id: x.top_msg_id,
                    from_id: from,
                    action: x.action.clone(),
                }),
                chat.participants
                    .iter()
                    .filter(|p| p.is_member())
                    .map(|p| p.user)
                    .collect(),
            )
        }
        _ => return Err(bad("PEER_ID_INVALID")),
    };
    let date = ctx.shared.clock.unix();
    for r in recipients.into_iter().filter(|r| *r != me) {
        let body = enums::Updates::from(types::UpdateShort {
            update: update.clone(),
            date,
        });
        ctx.shared.push_update(r, None, &body.to_bytes());
    }
    Ok(true.to_bytes())
}

/// Checks a statistics request: a user (not a bot), on the stats DC, an admin of
/// the channel. Returns the caller and the channel.
fn stats_access(
    ctx: &Ctx<'_>,
    w: &World,
    channel: &enums::InputChannel,
) -> Result<(i64, i64), RpcErr> {
    let me = me(ctx, w)?;
    if w.accounts[&me].bot {
        return Err(bad("BOT_METHOD_INVALID"));
    }
    let id = readable_channel(w, me, channel)?;
    if caller_rights(&w.chats[&id], me).is_none() {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    Ok((me, id))
}

/// After the request's own checks (Telegram answers BROADCAST_REQUIRED and the
/// like on any DC; Telethon relies on that order), statistics come from the
/// stats DC only.
fn on_stats_dc(ctx: &Ctx<'_>, w: &World) -> Result<(), RpcErr> {
    let stats_dc = ctx.shared.stats_dc(w.home_dc);
    if ctx.dc != stats_dc {
        return Err(err(303, format!("STATS_MIGRATE_{stats_dc}")));
    }
    Ok(())
}

/// `messages.sendMessage` to a basic group, supergroup or channel. Members
/// write unless restricted (personally or by the chat's defaults); in
/// broadcast channels only the creator and admins with `post_messages`. The
/// new message reaches every member's connected sessions. In basic groups the
/// `updateNewMessage` carries the next pts of each member's mailbox, but the
/// message is kept with the group, not copied into every mailbox.
fn send_to_chat(
    ctx: &Ctx<'_>,
    w: &mut World,
    me: i64,
    peer: &enums::InputPeer,
    text: &str,
    random_id: i64,
) -> R {
    use crate::chats::{ChatKind, Role, expired};
    let now = ctx.shared.clock.unix();
    w.expire_restrictions(now);
    let id = chat_of_peer(w, me, peer)?;
    let chat = &w.chats[&id];
    let Some(p) = chat.participant(me).filter(|p| p.is_member()) else {
        return Err(bad("CHAT_WRITE_FORBIDDEN"));
    };
    let allowed = match (&p.role, chat.kind) {
        (Role::Creator { .. }, _) => true,
        (Role::Admin { rights, .. }, ChatKind::Channel) => rights.post_messages,
        (_, ChatKind::Channel) => false,
        (Role::Admin { .. }, _) => true,
        (Role::Restricted { rights, .. }, _) if !expired(rights, now) && rights.send_messages => {
            false
        }
        _ => !chat.default_banned.send_messages,
    };
    if !allowed {
        return Err(bad("CHAT_WRITE_FORBIDDEN"));
    }
    let m = match chat.random_ids.get(&(me, random_id)) {
        Some(&mid) => chat.message(mid).cloned().expect("stored"),
        None => {
            let c = w.chats.get_mut(&id).expect("exists");
            let m = c.add_message(now, me, text.to_owned(), None);
            c.random_ids.insert((me, random_id), m.id);
            // Everyone else connected hears of it.
            let members: Vec<i64> = c
                .participants
                .iter()
                .filter(|p| p.is_member() && p.user != me)
                .map(|p| p.user)
                .filter(|u| ctx.shared.is_subscribed(*u))
                .collect();
            for member in members {
                let bytes = new_message_updates(w, member, id, &m, None, &[]);
                ctx.shared.push_update(member, None, &bytes);
            }
            let own = new_message_updates(w, me, id, &m, None, &[]);
            ctx.shared.push_update(me, Some(ctx.conn), &own);
            m
        }
    };
    Ok(new_message_updates(w, me, id, &m, Some(random_id), &[]))
}

/// The `Updates` of a new group or channel message for `viewer` (with
/// `updateMessageID` for the sender's own answer).
fn new_message_updates(
    w: &mut World,
    viewer: i64,
    chat: i64,
    m: &crate::chats::ChatMessage,
    random_id: Option<i64>,
    extra_users: &[i64],
) -> Vec<u8> {
    let c = &w.chats[&chat];
    let message = w.chat_message_view(c, m, viewer);
    let group = c.kind == crate::chats::ChatKind::Group;
    let mut updates = Vec::new();
    if let Some(random_id) = random_id {
        updates.push(enums::Update::from(types::UpdateMessageID {
            id: m.id,
            random_id,
        }));
    }
    if group {
        let mailbox = w.mailbox(viewer);
        let pts = match mailbox.group_pts.get(&(chat, m.id)) {
            Some(&pts) => pts,
            None => {
                mailbox.pts += 1;
                mailbox.group_pts.insert((chat, m.id), mailbox.pts);
                mailbox.pts
            }
        };
        updates.push(enums::Update::from(types::UpdateNewMessage {
            message,
            pts,
            pts_count: 1,
        }));
    } else {
        updates.push(enums::Update::from(types::UpdateNewChannelMessage {
            message,
            pts: m.pts,
            pts_count: 1,
        }));
    }
    enums::Updates::from(types::Updates {
        updates,
        users: users_of(
            w,
            viewer,
            [viewer, m.from]
                .into_iter()
                .chain(extra_users.iter().copied())
                .collect(),
        ),
        chats: w.chat_view(viewer, chat).into_iter().collect(),
        date: m.date,
        seq: 0,
    })
    .to_bytes()
}

/// `messages.getHistory` of a group or channel: newest first, with Telegram's
/// `offset_id`/`add_offset`/`limit`/`max_id`/`min_id`.
fn chat_history(w: &World, me: i64, x: &functions::messages::GetHistory) -> R {
    let id = chat_of_peer(w, me, &x.peer)?;
    let c = &w.chats[&id];
    let all: Vec<&crate::chats::ChatMessage> = c
        .messages
        .iter()
        .rev()
        .filter(|m| x.max_id <= 0 || m.id < x.max_id)
        .filter(|m| x.min_id <= 0 || m.id > x.min_id)
        .collect();
    let start = all
        .iter()
        .position(|m| {
            (x.offset_id <= 0 || m.id < x.offset_id)
                && (x.offset_date <= 0 || m.date < x.offset_date)
        })
        .unwrap_or(all.len());
    let start = (start as i64 + i64::from(x.add_offset)).clamp(0, all.len() as i64) as usize;
    let limit = if x.limit <= 0 { 20 } else { x.limit.min(100) } as usize;
    let messages: Vec<enums::Message> = all
        .iter()
        .skip(start)
        .take(limit)
        .map(|m| w.chat_message_view(c, m, me))
        .collect();
    let mut authors: Vec<i64> = messages.iter().filter_map(message_author).collect();
    authors.sort_unstable();
    authors.dedup();
    let users = users_of(w, me, authors);
    let chats: Vec<enums::Chat> = w.chat_view(me, id).into_iter().collect();
    let out = if c.kind != crate::chats::ChatKind::Group {
        enums::messages::Messages::from(types::messages::ChannelMessages {
            inexact: false,
            pts: c.pts,
            count: all.len() as i32,
            offset_id_offset: None,
            messages,
            topics: Vec::new(),
            chats,
            users,
        })
    } else if messages.len() == all.len() {
        enums::messages::Messages::from(types::messages::Messages {
            messages,
            topics: Vec::new(),
            chats,
            users,
        })
    } else {
        enums::messages::Messages::from(types::messages::MessagesSlice {
            count: all.len() as i32,
            messages,
            chats,
            users,
            ..Default::default()
        })
    };
    Ok(out.to_bytes())
}

/// `updates.getChannelDifference`: the channel's messages after `pts`, at most
/// `limit` (1..=1000) at a time (`final` false while more remain).
fn channel_difference(w: &World, me: i64, x: &functions::updates::GetChannelDifference) -> R {
    let id = readable_channel(w, me, &x.channel)?;
    let c = &w.chats[&id];
    if x.pts <= 0 {
        return Err(bad("PERSISTENT_TIMESTAMP_EMPTY"));
    }
    if x.pts > c.pts {
        return Err(bad("PERSISTENT_TIMESTAMP_INVALID"));
    }
    let chats: Vec<enums::Chat> = w.chat_view(me, id).into_iter().collect();
    if x.pts == c.pts {
        return Ok(enums::updates::ChannelDifference::from(
            types::updates::ChannelDifferenceEmpty {
                r#final: true,
                pts: c.pts,
                timeout: Some(30),
            },
        )
        .to_bytes());
    }
    let limit = x.limit.clamp(1, 1000) as usize;
    let newer: Vec<&crate::chats::ChatMessage> =
        c.messages.iter().filter(|m| m.pts > x.pts).collect();
    let done = newer.len() <= limit;
    let page = &newer[..newer.len().min(limit)];
    let pts = if done {
        c.pts
    } else {
        page.last().map_or(c.pts, |m| m.pts)
    };
    let new_messages: Vec<enums::Message> =
        page.iter().map(|m| w.chat_message_view(c, m, me)).collect();
    let mut authors: Vec<i64> = new_messages.iter().filter_map(message_author).collect();
    authors.sort_unstable();
    authors.dedup();
    Ok(
        enums::updates::ChannelDifference::from(types::updates::ChannelDifference {
            r#final: done,
            pts,
            timeout: Some(30),
            new_messages,
            other_updates: Vec::new(),
            chats,
            users: users_of(w, me, authors),
        })
        .to_bytes(),
    )
}
