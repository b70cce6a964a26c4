//! How stored state becomes TL objects: users, chats and messages as a given viewer sees them.

use ferrogram_tl_types::{enums, types};

use crate::chats::{ChatKind, ChatMessage, Participant, Role, StoredChat, all_admin_rights};
use crate::world::{StoredMessage, World};

/// `viewer`'s view of each distinct user in `ids`.
pub(crate) fn users_of(w: &World, viewer: i64, mut ids: Vec<i64>) -> Vec<enums::User> {
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .filter_map(|id| w.user_view(viewer, id))
        .collect()
}

pub(crate) fn chat_updates(
    w: &World,
    me: i64,
    chat: i64,
    users: Vec<i64>,
    date: i32,
) -> enums::Updates {
    enums::Updates::from(types::Updates {
        updates: Vec::new(),
        users: users_of(w, me, users),
        chats: w.chat_view(me, chat).into_iter().collect(),
        date,
        seq: 0,
    })
}

/// A basic group's participant in its TL form.
pub(crate) fn chat_participant_view(p: &Participant) -> enums::ChatParticipant {
    let rank = p.tag().map(str::to_owned);
    match &p.role {
        Role::Creator { .. } => enums::ChatParticipant::from(types::ChatParticipantCreator {
            user_id: p.user,
            rank: rank.map(Into::into),
        }),
        Role::Admin { .. } => enums::ChatParticipant::from(types::ChatParticipantAdmin {
            user_id: p.user,
            inviter_id: p.inviter,
            date: p.date,
            rank: rank.map(Into::into),
        }),
        _ => enums::ChatParticipant::from(types::ChatParticipant {
            user_id: p.user,
            inviter_id: p.inviter,
            date: p.date,
            rank: rank.map(Into::into),
        }),
    }
}

/// The author of a message in TL form.
pub(crate) fn message_author(m: &enums::Message) -> Option<i64> {
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

impl World {
    /// `user` as `viewer` sees it.
    pub(crate) fn user_view(&self, viewer: i64, target: i64) -> Option<enums::User> {
        let a = self.accounts.get(&target)?;
        let is_self = viewer == target;
        let contact = self.is_contact(viewer, target);
        let photo = self
            .profile_photos
            .get(&target)
            .and_then(|v| v.last())
            .map(|id| {
                enums::UserProfilePhoto::from(types::UserProfilePhoto {
                    has_video: false,
                    personal: false,
                    photo_id: *id,
                    stripped_thumb: None,
                    dc_id: self.photos.get(id).map_or(self.home_dc, |p| p.dc),
                })
            });
        Some(enums::User::from(types::User {
            is_self,
            bot: a.bot,
            bot_nochats: a.bot_nochats,
            bot_guard: a.bot_guard,
            id: a.id,
            access_hash: Some(self.access_hash(viewer, target)),
            first_name: Some(a.first_name.as_str().into()),
            last_name: (!a.last_name.is_empty())
                .then(|| a.last_name.clone())
                .map(Into::into),
            username: a.username.as_deref().map(Into::into),
            // Phone privacy as Telegram's default ("my contacts"): visible to
            // oneself, to one's contacts, and to whoever saved the number.
            phone: if is_self || contact || self.is_contact(target, viewer) {
                a.phone.as_deref().map(Into::into)
            } else {
                None
            },
            contact,
            mutual_contact: contact && self.is_contact(target, viewer),
            photo,
            status: (!a.bot).then_some(enums::UserStatus::Recently(types::UserStatusRecently {
                by_me: false,
            })),
            bot_info_version: a.bot.then_some(1),
            ..types::User::default()
        }))
    }

    /// The TL form of a stored photo.
    pub(crate) fn photo_view(&self, id: i64) -> Option<enums::Photo> {
        let p = self.photos.get(&id)?;
        Some(enums::Photo::from(types::Photo {
            has_stickers: false,
            id,
            access_hash: self.photo_access_hash(id),
            file_reference: self.file_reference(p),
            date: p.date,
            sizes: vec![enums::PhotoSize::from(types::PhotoSize {
                r#type: "x".into(),
                w: 640,
                h: 640,
                size: p.bytes.len() as i32,
            })],
            video_sizes: None,
            dc_id: p.dc,
        }))
    }

    /// The TL form of a stored document.
    pub(crate) fn document_view(&self, id: i64) -> Option<enums::Document> {
        let p = self.photos.get(&id)?;
        let (mime, name) = p.document.clone()?;
        Some(enums::Document::from(types::Document {
            id,
            access_hash: self.photo_access_hash(id),
            file_reference: self.file_reference(p),
            date: p.date,
            mime_type: mime.into(),
            size: p.bytes.len() as i64,
            thumbs: None,
            video_thumbs: None,
            dc_id: p.dc,
            attributes: vec![enums::DocumentAttribute::from(
                types::DocumentAttributeFilename {
                    file_name: name.into(),
                },
            )],
        }))
    }

    /// `message` with the photos and documents it carries re-issued, so that
    /// their file references are the current ones (as Telegram does each time
    /// a message is fetched).
    pub(crate) fn with_fresh_files(&self, message: enums::Message) -> enums::Message {
        match message {
            enums::Message::Message(mut m) => {
                match &mut m.media {
                    Some(enums::MessageMedia::Photo(media)) => {
                        if let Some(enums::Photo::Photo(p)) = &media.photo {
                            media.photo = self.photo_view(p.id);
                        }
                    }
                    Some(enums::MessageMedia::Document(media)) => {
                        if let Some(enums::Document::Document(d)) = &media.document {
                            media.document = self.document_view(d.id);
                        }
                    }
                    _ => {}
                }
                enums::Message::Message(m)
            }
            enums::Message::Service(mut m) => {
                if let enums::MessageAction::ChatEditPhoto(a) = &mut m.action
                    && let enums::Photo::Photo(p) = &a.photo
                    && let Some(fresh) = self.photo_view(p.id)
                {
                    a.photo = fresh;
                }
                enums::Message::Service(m)
            }
            other => other,
        }
    }

    /// The TL form of a group or channel message as `viewer` sees it, with
    /// current file references.
    pub(crate) fn chat_message_view(
        &self,
        chat: &crate::chats::StoredChat,
        m: &crate::chats::ChatMessage,
        viewer: i64,
    ) -> enums::Message {
        self.with_fresh_files(chat.message_view(m, viewer))
    }

    /// The TL form of a stored message.
    pub(crate) fn message_view(&self, m: &StoredMessage) -> enums::Message {
        self.with_fresh_files(enums::Message::from(types::Message {
            out: m.out,
            id: m.id,
            from_id: Some(enums::Peer::from(types::PeerUser { user_id: m.from })),
            date: m.date,
            message: m.text.as_str().into(),
            media: m.media.clone(),
            ..types::Message::new(enums::Peer::from(types::PeerUser { user_id: m.peer }))
        }))
    }

    /// The `chatPhoto` of a chat (`chatPhotoEmpty` without one).
    fn chat_photo_small(&self, c: &StoredChat) -> enums::ChatPhoto {
        match c.photo.and_then(|id| self.photos.get(&id)) {
            Some(p) => enums::ChatPhoto::from(types::ChatPhoto {
                has_video: false,
                photo_id: p.id,
                stripped_thumb: None,
                dc_id: p.dc,
            }),
            None => enums::ChatPhoto::Empty,
        }
    }

    /// A chat as `viewer` sees it.
    pub(crate) fn chat_view(&self, viewer: i64, id: i64) -> Option<enums::Chat> {
        let c = self.chats.get(&id)?;
        let me = c.participant(viewer);
        let left = !me.is_some_and(Participant::is_member);
        if c.kind == ChatKind::Group {
            return Some(enums::Chat::from(types::Chat {
                creator: c.creator == viewer,
                left,
                noforwards: c.settings.noforwards,
                deactivated: c.migrated_to.is_some(),
                migrated_to: c.migrated_to.map(|to| {
                    enums::InputChannel::from(types::InputChannel {
                        channel_id: to,
                        access_hash: self.channel_access_hash(viewer, to),
                    })
                }),
                id: c.id,
                title: c.title.as_str().into(),
                participants_count: c.count_members(),
                date: c.date,
                version: 1,
                admin_rights: me.and_then(|p| match &p.role {
                    Role::Admin { rights, .. } => {
                        Some(enums::ChatAdminRights::from(rights.clone()))
                    }
                    _ => None,
                }),
                default_banned_rights: Some(enums::ChatBannedRights::from(
                    c.default_banned.clone(),
                )),
                ..types::Chat::new(self.chat_photo_small(c))
            }));
        }
        let admin_rights = me.and_then(|p| match &p.role {
            Role::Creator { .. } => Some(enums::ChatAdminRights::from(all_admin_rights())),
            Role::Admin { rights, .. } => Some(enums::ChatAdminRights::from(rights.clone())),
            _ => None,
        });
        let banned_rights = me.and_then(|p| match &p.role {
            Role::Restricted { rights, .. } => Some(enums::ChatBannedRights::from(rights.clone())),
            _ => None,
        });
        Some(enums::Chat::from(types::Channel {
            creator: c.creator == viewer,
            left,
            broadcast: c.kind == ChatKind::Channel,
            megagroup: c.kind == ChatKind::Supergroup,
            forum: c.forum,
            join_request: c.join_request,
            has_link: c.linked_chat.is_some(),
            slowmode_enabled: c.settings.slowmode > 0,
            noforwards: c.settings.noforwards,
            join_to_send: c.settings.join_to_send,
            signatures: c.settings.signatures,
            id: c.id,
            access_hash: Some(self.channel_access_hash(viewer, c.id)),
            title: c.title.as_str().into(),
            username: c.username.as_deref().map(Into::into),
            date: c.date,
            admin_rights,
            banned_rights,
            default_banned_rights: Some(enums::ChatBannedRights::from(c.default_banned.clone())),
            participants_count: Some(c.count_members()),
            linked_community_id: self.community_of(c.id),
            ..types::Channel::new(self.chat_photo_small(c))
        }))
    }

    /// `channelFull` of a supergroup or channel.
    pub(crate) fn channel_full(&self, id: i64) -> Option<types::ChannelFull> {
        let c = self.chats.get(&id)?;
        Some(types::ChannelFull {
            can_view_participants: true,
            can_view_stats: c.kind != ChatKind::Group,
            id: c.id,
            about: c.about.as_str().into(),
            participants_count: Some(c.count_members()),
            admins_count: Some(c.count_admins()),
            kicked_count: Some(c.count_kicked()),
            banned_count: Some(c.count_banned()),
            pts: c.pts,
            linked_chat_id: c.linked_chat,
            slowmode_seconds: (c.settings.slowmode > 0).then_some(c.settings.slowmode),
            hidden_prehistory: c.settings.prehistory_hidden,
            participants_hidden: c.settings.participants_hidden,
            antispam: c.settings.antispam,
            ttl_period: (c.settings.ttl_period > 0).then_some(c.settings.ttl_period),
            available_reactions: c.settings.reactions.clone(),
            reactions_limit: c.settings.reactions_limit,
            boosts_unrestrict: (c.settings.boosts_unrestrict > 0)
                .then_some(c.settings.boosts_unrestrict),
            restricted_sponsored: c.settings.sponsored_restricted,
            pinned_msg_id: c.pinned.last().copied(),
            migrated_from_chat_id: c.migrated_from.map(|(id, _)| id),
            migrated_from_max_id: c.migrated_from.map(|(_, max)| max),
            ..types::ChannelFull::new(
                c.photo
                    .and_then(|p| self.photo_view(p))
                    .unwrap_or(enums::Photo::Empty(types::PhotoEmpty { id: 0 })),
                enums::PeerNotifySettings::from(types::PeerNotifySettings::default()),
            )
        })
    }

    /// A participant in its TL form.
    pub(crate) fn participant_view(
        &self,
        p: &Participant,
        viewer: i64,
    ) -> enums::ChannelParticipant {
        let peer = enums::Peer::from(types::PeerUser { user_id: p.user });
        match &p.role {
            Role::Creator { rank } => {
                enums::ChannelParticipant::from(types::ChannelParticipantCreator {
                    user_id: p.user,
                    admin_rights: enums::ChatAdminRights::from(all_admin_rights()),
                    rank: rank.as_deref().map(Into::into),
                })
            }
            Role::Admin {
                rights,
                rank,
                promoted_by,
            } => enums::ChannelParticipant::from(types::ChannelParticipantAdmin {
                can_edit: *promoted_by == viewer,
                is_self: p.user == viewer,
                user_id: p.user,
                inviter_id: Some(p.inviter),
                promoted_by: *promoted_by,
                date: p.date,
                admin_rights: enums::ChatAdminRights::from(rights.clone()),
                rank: rank.as_deref().map(Into::into),
            }),
            // The caller sees itself as `channelParticipantSelf` ("Myself",
            // with `via_request` when an admin approved its request).
            Role::Member if p.user == viewer => {
                enums::ChannelParticipant::from(types::ChannelParticipantSelf {
                    via_request: p.via_request,
                    user_id: p.user,
                    inviter_id: p.inviter,
                    date: p.date,
                    subscription_until_date: None,
                    rank: p.rank.as_deref().map(Into::into),
                })
            }
            Role::Member => enums::ChannelParticipant::from(types::ChannelParticipant {
                user_id: p.user,
                date: p.date,
                subscription_until_date: None,
                rank: p.rank.as_deref().map(Into::into),
            }),
            Role::Restricted { rights, kicked_by } | Role::Banned { rights, kicked_by } => {
                enums::ChannelParticipant::from(types::ChannelParticipantBanned {
                    left: matches!(p.role, Role::Banned { .. }),
                    peer,
                    kicked_by: *kicked_by,
                    date: p.date,
                    banned_rights: enums::ChatBannedRights::from(rights.clone()),
                    rank: p.rank.as_deref().map(Into::into),
                })
            }
            Role::Left => enums::ChannelParticipant::from(types::ChannelParticipantLeft { peer }),
        }
    }

    /// `chatFull` of a basic group.
    pub(crate) fn chat_full(&self, id: i64) -> Option<types::ChatFull> {
        let c = self.chats.get(&id)?;
        let participants = enums::ChatParticipants::from(types::ChatParticipants {
            chat_id: c.id,
            participants: c
                .participants
                .iter()
                .filter(|p| p.is_member())
                .map(chat_participant_view)
                .collect(),
            version: 1,
        });
        Some(types::ChatFull {
            id: c.id,
            about: c.about.as_str().into(),
            chat_photo: c.photo.and_then(|p| self.photo_view(p)),
            pinned_msg_id: c.pinned.last().copied(),
            ..types::ChatFull::new(
                participants,
                enums::PeerNotifySettings::from(types::PeerNotifySettings::default()),
            )
        })
    }
}

impl World {
    /// What an invite link shows someone not in `chat` yet.
    pub(crate) fn chat_invite_view(&self, chat: &StoredChat) -> types::ChatInvite {
        let kind = chat.kind;
        let photo = chat
            .photo
            .and_then(|p| self.photo_view(p))
            .unwrap_or(enums::Photo::Empty(types::PhotoEmpty { id: 0 }));
        types::ChatInvite {
            channel: kind != ChatKind::Group,
            broadcast: kind == ChatKind::Channel,
            megagroup: kind == ChatKind::Supergroup,
            public: chat.username.is_some(),
            title: chat.title.as_str().into(),
            about: (!chat.about.is_empty())
                .then(|| chat.about.clone())
                .map(Into::into),
            participants_count: chat.count_members(),
            ..types::ChatInvite::new(photo)
        }
    }

    /// `userFull` of `id` as `viewer` sees it: a generated about line (none
    /// for bots), the current profile photo, and the groups and channels both
    /// are members of.
    pub(crate) fn user_full_view(&self, viewer: i64, id: i64) -> Option<types::UserFull> {
        let a = self.accounts.get(&id)?;
        let common = if id == viewer {
            0
        } else {
            self.chats
                .values()
                .filter(|c| {
                    c.participant(viewer).is_some_and(Participant::is_member)
                        && c.participant(id).is_some_and(Participant::is_member)
                })
                .count() as i32
        };
        Some(types::UserFull {
            id,
            about: (!a.bot)
                .then(|| {
                    format!(
                        "{} {} on the Ferrogram test server",
                        a.first_name, a.last_name
                    )
                    .trim()
                    .to_owned()
                })
                .map(Into::into),
            profile_photo: self
                .profile_photos
                .get(&id)
                .and_then(|v| v.last())
                .and_then(|p| self.photo_view(*p)),
            common_chats_count: common,
            ..types::UserFull::new(
                enums::PeerSettings::from(types::PeerSettings::default()),
                enums::PeerNotifySettings::from(types::PeerNotifySettings::default()),
            )
        })
    }
}

impl StoredChat {
    /// The TL form of a message, as `viewer` sees it. Broadcast posts carry
    /// no author.
    pub fn message_view(&self, m: &ChatMessage, viewer: i64) -> enums::Message {
        let post = self.kind == ChatKind::Channel;
        let from_id = Some(match m.as_channel {
            Some(channel_id) => enums::Peer::from(types::PeerChannel { channel_id }),
            None => enums::Peer::from(types::PeerUser { user_id: m.from }),
        });
        match &m.action {
            Some(action) => enums::Message::from(types::MessageService {
                out: m.from == viewer,
                mentioned: false,
                media_unread: false,
                reactions_are_possible: false,
                silent: false,
                post,
                legacy: false,
                id: m.id,
                from_id,
                peer_id: self.peer(),
                saved_peer_id: None,
                reply_to: m.reply_to.map(|to| {
                    enums::MessageReplyHeader::from(types::MessageReplyHeader {
                        reply_to_msg_id: Some(to),
                        ..Default::default()
                    })
                }),
                date: m.date,
                action: action.clone(),
                reactions: None,
                ttl_period: None,
            }),
            None => {
                let views = post.then(|| crate::stats::post_views(self, m.id));
                enums::Message::from(types::Message {
                    out: m.from == viewer,
                    post,
                    id: m.id,
                    from_id: if post { None } else { from_id },
                    date: m.date,
                    message: m.text.as_str().into(),
                    // Posted in a forum topic: a reply to its first message.
                    reply_to: m.topic.map(|t| {
                        enums::MessageReplyHeader::from(types::MessageReplyHeader {
                            forum_topic: true,
                            reply_to_msg_id: Some(t),
                            ..Default::default()
                        })
                    }),
                    reactions: message_reactions(&m.reactions, viewer),
                    ttl_period: (m.ttl > 0).then_some(m.ttl),
                    // views and forwards share one flag bit: both or neither.
                    views,
                    forwards: views.map(|v| v / 50),
                    ..types::Message::new(self.peer())
                })
            }
        }
    }
}

/// A message's `messageReactions` as `viewer` sees them (`None`: none).
fn message_reactions(
    reactions: &[(i64, enums::Reaction, i32)],
    viewer: i64,
) -> Option<enums::MessageReactions> {
    if reactions.is_empty() {
        return None;
    }
    let mut results: Vec<types::ReactionCount> = Vec::new();
    for (user, r, _) in reactions {
        let mine = *user == viewer;
        match results.iter_mut().find(|c| &c.reaction == r) {
            Some(c) => {
                c.count += 1;
                if mine {
                    c.chosen_order = Some(0);
                }
            }
            None => results.push(types::ReactionCount {
                chosen_order: mine.then_some(0),
                reaction: r.clone(),
                count: 1,
            }),
        }
    }
    let recent = reactions
        .iter()
        .rev()
        .take(5)
        .map(|(user, r, date)| {
            enums::MessagePeerReaction::from(types::MessagePeerReaction {
                big: false,
                unread: false,
                my: *user == viewer,
                peer_id: enums::Peer::from(types::PeerUser { user_id: *user }),
                date: *date,
                reaction: r.clone(),
            })
        })
        .collect();
    Some(enums::MessageReactions::from(types::MessageReactions {
        can_see_list: true,
        results: results
            .into_iter()
            .map(enums::ReactionCount::from)
            .collect(),
        recent_reactions: Some(recent),
        ..Default::default()
    }))
}
