//! The API methods the server implements, with Telegram's semantics and error names.
//!
//! One module per TL namespace (`auth`, `channels`, `messages`, ...), split by
//! concept where a namespace is big. Each method is a typed function of its
//! request answering the function's declared return type; [`ROUTES`] maps
//! constructor ids to them and [`serve`] encodes the answer once, here at the
//! edge. Who may do what lives in [`crate::policy`]; how stored state becomes
//! TL objects, in [`crate::view`]; what an input peer, user or channel names,
//! in [`lookup`].

mod account;
mod auth;
mod channels;
pub(crate) mod communities;
mod contacts;
mod help;
pub(crate) mod lookup;
pub(crate) mod member_updates;
pub(crate) mod messages;
mod photos;
pub(crate) mod privacy;
mod stats;
mod updates;
pub(crate) mod upload;
mod users;

use std::collections::HashMap;
use std::sync::OnceLock;

use ferrogram_tl_types::service::RpcError;
use ferrogram_tl_types::{
    AnyObject, DeserializeErrorKind, Identifiable, RemoteCall, Serializable, functions,
};

use crate::shared::{Shared, lock};
use crate::world::World;

/// What every handler module uses.
mod prelude {
    pub(crate) use super::lookup::*;
    pub(crate) use super::{Ctx, Cx, RpcErr, bad, err, internal, me, signed_in};
    pub(crate) use crate::chats::{ChatKind, Participant, Role};
    pub(crate) use crate::policy::*;
    pub(crate) use crate::shared::lock;
    pub(crate) use crate::view::*;
    pub(crate) use crate::world::{self, World};
    pub(crate) use ferrogram_tl_types::{enums, functions, types};
}

/// Who is calling.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub shared: &'a Shared,
    pub dc: i32,
    pub key_id: i64,
    pub conn: u64,
    /// The connection's peer address.
    pub peer: Option<std::net::IpAddr>,
}

/// What a handler works with: the caller, and the world (locked for the whole
/// request, so each request is atomic).
pub(crate) struct Cx<'a> {
    pub ctx: Ctx<'a>,
    pub w: &'a mut World,
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
    pub code: i32,
    pub message: String,
}

/// An error answer with this code and name.
pub(crate) fn err(code: i32, message: impl Into<String>) -> RpcErr {
    RpcErr {
        code,
        message: message.into(),
    }
}

/// What the server answers when its own state contradicts itself (a lookup
/// that an earlier check proved cannot fail): a bug of the test server, never
/// a panic, answered as Telegram answers its internal failures.
pub(crate) fn internal(what: &str) -> RpcErr {
    err(500, format!("INTERNAL_SERVER_ERROR: {what}"))
}

/// A 400 (bad request) answer.
pub(crate) fn bad(message: &str) -> RpcErr {
    err(400, message)
}

/// The TL bytes of an `rpc_error`.
pub(crate) fn error_bytes(code: i32, message: &str) -> Vec<u8> {
    RpcError::new(code, message).to_bytes()
}

/// Whether an encoded answer is an `rpc_error`.
pub(crate) fn is_error(answer: &[u8]) -> bool {
    answer.get(..4) == Some(&RpcError::CONSTRUCTOR_ID.to_le_bytes()[..])
}

/// A method's handler behind the type-erasing adapter [`serve`].
type Handler = fn(&mut Cx<'_>, AnyObject) -> Result<Vec<u8>, RpcErr>;

/// Takes the request back out of the decoded object, runs the typed handler and
/// encodes its answer: the one place answers become bytes.
fn serve<F>(
    cx: &mut Cx<'_>,
    object: AnyObject,
    handler: fn(&mut Cx<'_>, F) -> Result<F::Return, RpcErr>,
) -> Result<Vec<u8>, RpcErr>
where
    F: RemoteCall + TryFrom<AnyObject, Error = AnyObject>,
{
    // The router picked this handler by the object's constructor id, so the
    // conversion holds; a mismatch would be a routing bug, answered as such.
    let request = F::try_from(object).map_err(|_| err(500, "INTERNAL_ROUTING_ERROR"))?;
    handler(cx, request).map(|answer| answer.to_bytes())
}

/// Every method the server implements, by TL name, with its handler.
macro_rules! routes {
    ($($function:ty => $handler:path,)*) => {
        /// Every implemented method: constructor id and handler.
        static ROUTES: &[(u32, Handler)] = &[
            $((<$function as Identifiable>::CONSTRUCTOR_ID, |cx, o| serve::<$function>(cx, o, $handler)),)*
        ];
    };
}

routes! {
    functions::account::GetPassword => account::get_password,
    functions::account::GetPrivacy => privacy::get_privacy,
    functions::account::SetPrivacy => privacy::set_privacy,
    functions::auth::CheckPassword => auth::check_password,
    functions::auth::ExportAuthorization => auth::export_authorization,
    functions::auth::ImportAuthorization => auth::import_authorization,
    functions::auth::ImportBotAuthorization => auth::import_bot_authorization,
    functions::auth::LogOut => auth::log_out,
    functions::auth::SendCode => auth::send_code,
    functions::auth::SignIn => auth::sign_in,
    functions::auth::SignUp => auth::sign_up,
    functions::channels::CheckUsername => channels::settings::check_username,
    functions::channels::CreateChannel => channels::lifecycle::create_channel,
    functions::channels::DeleteChannel => channels::lifecycle::delete_channel,
    functions::channels::DeleteMessages => channels::cleanup::delete_messages,
    functions::channels::GetSendAs => channels::send_as::get_send_as,
    functions::channels::DeleteParticipantHistory => channels::cleanup::delete_participant_history,
    functions::channels::ReportSpam => channels::cleanup::report_spam,
    functions::channels::EditAdmin => channels::participants::edit_admin,
    functions::channels::EditBanned => channels::participants::edit_banned,
    functions::channels::EditPhoto => channels::settings::edit_photo,
    functions::channels::EditTitle => channels::settings::edit_title,
    functions::channels::GetAdminLog => channels::admin_log::get_admin_log,
    functions::channels::GetGroupsForDiscussion => channels::discussion::get_groups_for_discussion,
    functions::channels::SetDiscussionGroup => channels::discussion::set_discussion_group,
    functions::channels::GetChannels => channels::get_channels,
    functions::channels::GetFullChannel => channels::get_full_channel,
    functions::channels::GetMessages => channels::get_messages,
    functions::channels::GetParticipant => channels::participants::get_participant,
    functions::channels::GetParticipants => channels::participants::get_participants,
    functions::channels::InviteToChannel => channels::membership::invite_to_channel,
    functions::channels::JoinChannel => channels::membership::join_channel,
    functions::channels::LeaveChannel => channels::membership::leave_channel,
    functions::channels::ToggleAntiSpam => channels::toggles::toggle_anti_spam,
    functions::channels::ReportAntiSpamFalsePositive => channels::options::report_anti_spam_false_positive,
    functions::channels::RestrictSponsoredMessages => channels::options::restrict_sponsored_messages,
    functions::channels::SetBoostsToUnblockRestrictions => channels::options::set_boosts_to_unblock_restrictions,
    functions::messages::SetHistoryTTL => channels::options::set_history_ttl,
    functions::messages::SetChatAvailableReactions => channels::options::set_chat_available_reactions,
    functions::channels::ToggleForum => channels::settings::toggle_forum,
    functions::channels::ToggleJoinToSend => channels::toggles::toggle_join_to_send,
    functions::channels::ToggleParticipantsHidden => channels::toggles::toggle_participants_hidden,
    functions::channels::TogglePreHistoryHidden => channels::toggles::toggle_pre_history_hidden,
    functions::channels::ToggleSignatures => channels::toggles::toggle_signatures,
    functions::channels::ToggleSlowMode => channels::toggles::toggle_slow_mode,
    functions::channels::ToggleJoinRequest => channels::settings::toggle_join_request,
    functions::channels::UpdateUsername => channels::settings::update_username,
    functions::communities::Create => communities::create,
    functions::communities::GetJoinedCommunities => communities::get_joined_communities,
    functions::communities::GetParticipantJoinedChats => communities::get_participant_joined_chats,
    functions::communities::GetPeerLinkRequests => communities::get_peer_link_requests,
    functions::communities::ToggleAllPeerLinkRequestApproval => communities::toggle_all_peer_link_request_approval,
    functions::communities::ToggleParticipantBanned => communities::toggle_participant_banned,
    functions::communities::TogglePeerLink => communities::toggle_peer_link,
    functions::communities::TogglePeerLinkRequestApproval => communities::toggle_peer_link_request_approval,
    functions::contacts::DeleteContacts => contacts::delete_contacts,
    functions::contacts::GetContacts => contacts::get_contacts,
    functions::contacts::ImportContacts => contacts::import_contacts,
    functions::contacts::ResolvePhone => contacts::resolve_phone,
    functions::contacts::ResolveUsername => contacts::resolve_username,
    functions::help::GetAppConfig => help::get_app_config,
    functions::help::GetConfig => help::get_config,
    functions::help::GetNearestDc => help::get_nearest_dc,
    functions::messages::AddChatUser => messages::groups::add_chat_user,
    functions::messages::CheckChatInvite => messages::invites::check_chat_invite,
    functions::messages::CreateChat => messages::groups::create_chat,
    functions::messages::DeleteExportedChatInvite => messages::invite_links::delete_exported_chat_invite,
    functions::messages::DeleteRevokedExportedChatInvites => messages::invite_links::delete_revoked_exported_chat_invites,
    functions::messages::EditExportedChatInvite => messages::invite_links::edit_exported_chat_invite,
    functions::messages::CreateForumTopic => messages::topics::create_forum_topic,
    functions::messages::DeleteChatUser => messages::groups::delete_chat_user,
    functions::messages::DeleteMessages => messages::delete::delete_messages,
    functions::messages::DeleteParticipantReaction => messages::reactions::delete_participant_reaction,
    functions::messages::DeleteParticipantReactions => messages::reactions::delete_participant_reactions,
    functions::messages::SendReaction => messages::reactions::send_reaction,
    functions::messages::EditChatAbout => messages::chats::edit_chat_about,
    functions::messages::EditChatAdmin => messages::groups::edit_chat_admin,
    functions::messages::EditChatCreator => messages::ownership::edit_chat_creator,
    functions::messages::EditChatParticipantRank => messages::ranks::edit_chat_participant_rank,
    functions::messages::EditChatDefaultBannedRights => messages::chats::edit_chat_default_banned_rights,
    functions::messages::EditChatPhoto => messages::chats::edit_chat_photo,
    functions::messages::EditChatTitle => messages::chats::edit_chat_title,
    functions::messages::EditForumTopic => messages::topics::edit_forum_topic,
    functions::messages::ExportChatInvite => messages::invites::export_chat_invite,
    functions::messages::GetAdminsWithInvites => messages::invite_links::get_admins_with_invites,
    functions::messages::GetChatInviteImporters => messages::invite_links::get_chat_invite_importers,
    functions::messages::GetChats => messages::chats::get_chats,
    functions::messages::GetFutureChatCreatorAfterLeave => messages::leaving::get_future_chat_creator_after_leave,
    functions::messages::MigrateChat => messages::migrate::migrate_chat,
    functions::messages::UpdatePinnedMessage => messages::pins::update_pinned_message,
    functions::messages::ToggleNoForwards => channels::toggles::toggle_no_forwards,
    functions::messages::GetExportedChatInvite => messages::invite_links::get_exported_chat_invite,
    functions::messages::GetExportedChatInvites => messages::invite_links::get_exported_chat_invites,
    functions::messages::GetForumTopics => messages::topics::get_forum_topics,
    functions::messages::GetForumTopicsByID => messages::topics::get_forum_topics_by_id,
    functions::messages::UpdatePinnedForumTopic => messages::topics::update_pinned_forum_topic,
    functions::messages::ReorderPinnedForumTopics => messages::topics::reorder_pinned_forum_topics,
    functions::messages::DeleteTopicHistory => messages::topics::delete_topic_history,
    functions::messages::GetFullChat => messages::chats::get_full_chat,
    functions::messages::GetHistory => messages::history::get_history,
    functions::messages::GetMessages => messages::history::get_messages,
    functions::messages::HideAllChatJoinRequests => messages::join_requests::hide_all_chat_join_requests,
    functions::messages::HideChatJoinRequest => messages::join_requests::hide_chat_join_request,
    functions::messages::ImportChatInvite => messages::invites::import_chat_invite,
    functions::messages::Search => messages::history::search,
    functions::messages::SendMedia => messages::send::send_media,
    functions::messages::SendMessage => messages::send::send_message,
    functions::messages::SetTyping => messages::send::set_typing,
    functions::photos::GetUserPhotos => photos::get_user_photos,
    functions::photos::UploadProfilePhoto => photos::upload_profile_photo,
    functions::stats::GetBroadcastStats => stats::get_broadcast_stats,
    functions::stats::GetMegagroupStats => stats::get_megagroup_stats,
    functions::stats::GetMessageStats => stats::get_message_stats,
    functions::stats::LoadAsyncGraph => stats::load_async_graph,
    functions::updates::GetChannelDifference => updates::get_channel_difference,
    functions::updates::GetDifference => updates::get_difference,
    functions::updates::GetState => updates::get_state,
    functions::upload::GetFile => upload::get_file,
    functions::upload::SaveBigFilePart => upload::save_big_file_part,
    functions::upload::SaveFilePart => upload::save_file_part,
    functions::users::GetFullUser => users::get_full_user,
    functions::users::GetUsers => users::get_users,
}

/// The handler of a method, by constructor id.
fn route(id: u32) -> Option<Handler> {
    static TABLE: OnceLock<HashMap<u32, Handler>> = OnceLock::new();
    TABLE
        .get_or_init(|| ROUTES.iter().copied().collect())
        .get(&id)
        .copied()
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
    let result = object.and_then(|o| {
        let handler = route(o.constructor_id()).ok_or_else(|| bad("INPUT_METHOD_INVALID"))?;
        let mut world = lock(&ctx.shared.world);
        let mut cx = Cx {
            ctx: *ctx,
            w: &mut world,
        };
        // Owners who left long enough ago give way (the clock moves).
        messages::leaving::settle(cx.w, ctx.shared.clock.unix());
        // Self-deleting messages go when their time comes.
        channels::options::expire_messages(cx.w, ctx.shared.clock.unix());
        let answer = handler(&mut cx, o);
        member_updates::emit(ctx, &mut world);
        answer
    });
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

/// The signed-in user, checking that this DC is allowed to serve them.
pub(crate) fn me(ctx: &Ctx<'_>, w: &World) -> Result<i64, RpcErr> {
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
pub(crate) fn signed_in(ctx: &Ctx<'_>, w: &World) -> Result<i64, RpcErr> {
    w.authorizations
        .get(&ctx.key_id)
        .map(|a| a.user)
        .ok_or_else(|| err(401, "AUTH_KEY_UNREGISTERED"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_method_has_one_handler() {
        let mut ids: Vec<u32> = ROUTES.iter().map(|(id, _)| *id).collect();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), before, "a constructor id routed twice");
        assert!(route(functions::help::GetConfig::CONSTRUCTOR_ID).is_some());
        assert!(
            route(functions::Ping::CONSTRUCTOR_ID).is_none(),
            "the session's, not ours"
        );
    }
}
