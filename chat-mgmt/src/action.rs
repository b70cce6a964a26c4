//! `action`: typing and upload indicators that repeat until dropped.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::str::FromStr;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::{enums, functions, types};
use tokio::sync::Notify;

use crate::{Error, Result};

/// What the indicator says (Telethon's action strings; see
/// [`ChatAction::from_str`]). With the `clap` feature it is a
/// `clap::ValueEnum` (named as [`ChatAction::name`], Telethon's strings as
/// aliases).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChatAction {
    /// Typing text.
    Typing,
    /// Choosing a contact to share.
    ChooseContact,
    /// Playing a game.
    PlayGame,
    /// Choosing a location.
    GeoLocation,
    /// Choosing a sticker.
    ChooseSticker,
    /// Recording a voice message.
    RecordAudio,
    /// Recording a round video.
    RecordRound,
    /// Recording a video.
    RecordVideo,
    /// Uploading audio.
    UploadAudio,
    /// Uploading a round video.
    UploadRound,
    /// Uploading a video.
    UploadVideo,
    /// Uploading a photo.
    UploadPhoto,
    /// Uploading a document.
    UploadDocument,
    /// Speaking in a voice chat.
    Speaking,
    /// Cancels whatever indicator is shown.
    Cancel,
}

impl FromStr for ChatAction {
    type Err = Error;

    /// Case-insensitive; `-` and `_` are the same. Telethon's strings (`typing`,
    /// `contact`, `game`, `location`, `sticker`, `record-audio`,
    /// `record-voice`, `record-round`, `record-video`, `audio`, `voice`, `song`,
    /// `round`, `video`, `photo`, `document`, `file`, `cancel`) and the seed's
    /// (`upload_photo`, `upload_video`, `upload_audio`, `upload_document`,
    /// `choose_sticker`, `speaking`) are all accepted.
    fn from_str(s: &str) -> Result<Self> {
        let name = s.trim().to_lowercase().replace('-', "_");
        Self::ALL
            .iter()
            .copied()
            .find(|a| a.name() == name || a.aliases().iter().any(|x| x.replace('-', "_") == name))
            .ok_or_else(|| Error::UnknownName {
                kind: "chat action",
                name,
                valid: Self::ALL
                    .iter()
                    .map(|a| a.name())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

impl ChatAction {
    /// Every action.
    pub const ALL: &'static [ChatAction] = &[
        Self::Typing,
        Self::ChooseContact,
        Self::PlayGame,
        Self::GeoLocation,
        Self::ChooseSticker,
        Self::RecordAudio,
        Self::RecordRound,
        Self::RecordVideo,
        Self::UploadAudio,
        Self::UploadRound,
        Self::UploadVideo,
        Self::UploadPhoto,
        Self::UploadDocument,
        Self::Speaking,
        Self::Cancel,
    ];

    /// Its name (the seed's: `typing`, `upload_photo`, ...); `name().parse()`
    /// gives it back.
    pub fn name(self) -> &'static str {
        match self {
            Self::Typing => "typing",
            Self::ChooseContact => "choose_contact",
            Self::PlayGame => "play_game",
            Self::GeoLocation => "geo_location",
            Self::ChooseSticker => "choose_sticker",
            Self::RecordAudio => "record_audio",
            Self::RecordRound => "record_round",
            Self::RecordVideo => "record_video",
            Self::UploadAudio => "upload_audio",
            Self::UploadRound => "upload_round",
            Self::UploadVideo => "upload_video",
            Self::UploadPhoto => "upload_photo",
            Self::UploadDocument => "upload_document",
            Self::Speaking => "speaking",
            Self::Cancel => "cancel",
        }
    }

    /// Telethon's other strings for it (`record_voice`, `file`, ...; `-`
    /// and `_` are the same everywhere).
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Self::ChooseContact => &["contact"],
            Self::PlayGame => &["game"],
            Self::GeoLocation => &["location", "geo"],
            Self::ChooseSticker => &["sticker"],
            Self::RecordAudio => &["record_voice"],
            Self::UploadAudio => &["audio", "voice", "song", "upload_voice"],
            Self::UploadRound => &["round"],
            Self::UploadVideo => &["video"],
            Self::UploadPhoto => &["photo"],
            Self::UploadDocument => &["document", "file", "upload_file"],
            _ => &[],
        }
    }

    /// Whether this action carries an upload percentage.
    pub fn has_progress(self) -> bool {
        matches!(
            self,
            Self::UploadAudio
                | Self::UploadRound
                | Self::UploadVideo
                | Self::UploadPhoto
                | Self::UploadDocument
        )
    }

    /// The TL action, with `progress` (0..=100) for uploads.
    pub fn to_tl(self, progress: i32) -> enums::SendMessageAction {
        use enums::SendMessageAction as A;
        match self {
            Self::Typing => A::SendMessageTypingAction,
            Self::ChooseContact => A::SendMessageChooseContactAction,
            Self::PlayGame => A::SendMessageGamePlayAction,
            Self::GeoLocation => A::SendMessageGeoLocationAction,
            Self::ChooseSticker => A::SendMessageChooseStickerAction,
            Self::RecordAudio => A::SendMessageRecordAudioAction,
            Self::RecordRound => A::SendMessageRecordRoundAction,
            Self::RecordVideo => A::SendMessageRecordVideoAction,
            Self::UploadAudio => A::from(types::SendMessageUploadAudioAction { progress }),
            Self::UploadRound => A::from(types::SendMessageUploadRoundAction { progress }),
            Self::UploadVideo => A::from(types::SendMessageUploadVideoAction { progress }),
            Self::UploadPhoto => A::from(types::SendMessageUploadPhotoAction { progress }),
            Self::UploadDocument => A::from(types::SendMessageUploadDocumentAction { progress }),
            Self::Speaking => A::SpeakingInGroupCallAction,
            Self::Cancel => A::SendMessageCancelAction,
        }
    }
}

impl std::fmt::Display for ChatAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(feature = "clap")]
impl clap::ValueEnum for ChatAction {
    fn value_variants<'a>() -> &'a [Self] {
        Self::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(
            clap::builder::PossibleValue::new(self.name())
                .alias(self.name().replace('_', "-"))
                .aliases(self.aliases().iter().copied()),
        )
    }
}

/// What [`crate::ChatManagement::action`] accepts: a [`ChatAction`] or one of
/// its strings.
pub trait IntoChatAction {
    /// The action, or why the string names none.
    fn into_chat_action(self) -> Result<ChatAction>;
}

impl IntoChatAction for ChatAction {
    fn into_chat_action(self) -> Result<ChatAction> {
        Ok(self)
    }
}

impl IntoChatAction for &str {
    fn into_chat_action(self) -> Result<ChatAction> {
        self.parse()
    }
}

impl IntoChatAction for String {
    fn into_chat_action(self) -> Result<ChatAction> {
        self.parse()
    }
}

/// Starts an action; `.await` it to send the first one and get the
/// [`ActionGuard`] that repeats it. See [`crate::ChatManagement::action`].
#[must_use = "an action does nothing until awaited"]
pub struct ActionBuilder {
    client: Client,
    chat: PeerRef,
    action: Result<ChatAction>,
    delay: Duration,
    auto_cancel: bool,
    topic: Option<i32>,
}

impl ActionBuilder {
    pub(crate) fn new(client: Client, chat: PeerRef, action: Result<ChatAction>) -> Self {
        Self {
            client,
            chat,
            action,
            delay: Duration::from_secs(4),
            auto_cancel: true,
            topic: None,
        }
    }

    /// The interval between repeats (default 4 s; Telegram shows an action for
    /// about 5 s). As in Telethon, this is how often it is sent, not how long
    /// it is shown. At least 100 ms.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay.max(Duration::from_millis(100));
        self
    }

    /// Whether to send a cancel when the guard is dropped or finished
    /// (default true).
    pub fn auto_cancel(mut self, yes: bool) -> Self {
        self.auto_cancel = yes;
        self
    }

    /// Shows the action in one forum topic (its id, the id of its first
    /// message) instead of the whole chat (`top_msg_id`).
    pub fn topic(mut self, topic: i32) -> Self {
        self.topic = Some(topic);
        self
    }

    async fn start(self) -> Result<ActionGuard> {
        let action = self.action?;
        let peer = self.client.get_input_entity(self.chat).await?;
        let top_msg_id = self.topic;
        let send = {
            let client = self.client.clone();
            let peer = peer.clone();
            move |a: enums::SendMessageAction| {
                let client = client.clone();
                let peer = peer.clone();
                async move {
                    client
                        .invoke(&functions::messages::SetTyping {
                            peer,
                            top_msg_id,
                            action: a,
                        })
                        .await
                        .map(drop)
                        .map_err(Error::from)
                }
            }
        };
        send(action.to_tl(0)).await?;
        let shared = Arc::new(Shared {
            progress: AtomicI32::new(0),
            sent_progress: AtomicI32::new(0),
            changed: Notify::new(),
            error: Mutex::new(None),
            sent: AtomicI32::new(1),
        });
        if action == ChatAction::Cancel {
            return Ok(ActionGuard {
                client: self.client,
                peer,
                action,
                shared,
                task: None,
                auto_cancel: false,
            });
        }
        let task = {
            let shared = shared.clone();
            let delay = self.delay;
            tokio::spawn(async move {
                loop {
                    tokio::select! {
                        _ = tokio::time::sleep(delay) => {}
                        _ = shared.changed.notified() => {}
                    }
                    let progress = shared.progress.load(Ordering::Relaxed);
                    match send(action.to_tl(progress)).await {
                        Ok(()) => {
                            shared.sent_progress.store(progress, Ordering::Relaxed);
                            shared.sent.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(e) => {
                            *shared.error.lock().expect("not poisoned") = Some(e);
                            return;
                        }
                    }
                }
            })
        };
        Ok(ActionGuard {
            client: self.client,
            peer,
            action,
            shared,
            task: Some(task),
            auto_cancel: self.auto_cancel,
        })
    }
}

impl IntoFuture for ActionBuilder {
    type Output = Result<ActionGuard>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.start())
    }
}

#[derive(Debug)]
struct Shared {
    progress: AtomicI32,
    /// The progress last sent (a change not sent yet goes out on `finish`).
    sent_progress: AtomicI32,
    changed: Notify,
    error: Mutex<Option<Error>>,
    sent: AtomicI32,
}

/// A running action: sent again every `delay` until dropped or
/// [`finish`](ActionGuard::finish)ed, then cancelled if `auto_cancel`.
/// Dropping it cancels in the background (on the current tokio runtime);
/// `finish` waits for the cancel and reports any error a repeat met.
#[derive(Debug)]
#[must_use = "dropping the guard stops the action at once"]
pub struct ActionGuard {
    client: Client,
    peer: enums::InputPeer,
    action: ChatAction,
    shared: Arc<Shared>,
    task: Option<tokio::task::JoinHandle<()>>,
    auto_cancel: bool,
}

impl ActionGuard {
    /// Sets the upload progress shown by upload actions from bytes done out
    /// of a total (real percentages, where Telethon rounds to 0 or 100), and
    /// sends it at once when it changed.
    pub fn progress(&self, done: u64, total: u64) {
        let percent = (u128::from(done.min(total)) * 100)
            .checked_div(u128::from(total))
            .unwrap_or(100) as i32;
        if self.shared.progress.swap(percent, Ordering::Relaxed) != percent {
            self.shared.changed.notify_one();
        }
    }

    /// How many times the action has been sent so far.
    pub fn times_sent(&self) -> u32 {
        self.shared.sent.load(Ordering::Relaxed).max(0) as u32
    }

    /// Stops repeating, sends a progress set since the last repeat (so
    /// `progress(100, 100)` right before `finish` is seen), then the cancel
    /// (if `auto_cancel`), and reports the first error a repeat met, if any.
    pub async fn finish(mut self) -> Result<()> {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
            let progress = self.shared.progress.load(Ordering::Relaxed);
            if progress != self.shared.sent_progress.load(Ordering::Relaxed) {
                self.client
                    .invoke(&functions::messages::SetTyping {
                        peer: self.peer.clone(),
                        top_msg_id: None,
                        action: self.action.to_tl(progress),
                    })
                    .await?;
                self.shared.sent.fetch_add(1, Ordering::Relaxed);
            }
        }
        let failed = self.shared.error.lock().expect("not poisoned").take();
        if std::mem::take(&mut self.auto_cancel) {
            self.client
                .invoke(&functions::messages::SetTyping {
                    peer: self.peer.clone(),
                    top_msg_id: None,
                    action: enums::SendMessageAction::SendMessageCancelAction,
                })
                .await?;
        }
        failed.map_or(Ok(()), Err)
    }
}

impl Drop for ActionGuard {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
        if self.auto_cancel
            && let Ok(rt) = tokio::runtime::Handle::try_current()
        {
            let client = self.client.clone();
            let peer = self.peer.clone();
            rt.spawn(async move {
                let _ = client
                    .invoke(&functions::messages::SetTyping {
                        peer,
                        top_msg_id: None,
                        action: enums::SendMessageAction::SendMessageCancelAction,
                    })
                    .await;
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn telethon_and_seed_strings_parse() {
        for (s, a) in [
            ("typing", ChatAction::Typing),
            ("TYPING", ChatAction::Typing),
            ("photo", ChatAction::UploadPhoto),
            ("upload_photo", ChatAction::UploadPhoto),
            ("sticker", ChatAction::ChooseSticker),
            ("choose_sticker", ChatAction::ChooseSticker),
            ("record-voice", ChatAction::RecordAudio),
            ("song", ChatAction::UploadAudio),
            ("file", ChatAction::UploadDocument),
            ("upload_document", ChatAction::UploadDocument),
            ("speaking", ChatAction::Speaking),
            ("cancel", ChatAction::Cancel),
            ("contact", ChatAction::ChooseContact),
            ("game", ChatAction::PlayGame),
            ("location", ChatAction::GeoLocation),
            ("round", ChatAction::UploadRound),
            ("record-round", ChatAction::RecordRound),
            ("record-video", ChatAction::RecordVideo),
            ("video", ChatAction::UploadVideo),
        ] {
            assert_eq!(s.parse::<ChatAction>().unwrap(), a, "{s}");
        }
        assert!(matches!(
            "dancing".parse::<ChatAction>(),
            Err(Error::UnknownName {
                kind: "chat action",
                ..
            })
        ));
    }

    #[test]
    fn uploads_carry_their_progress() {
        match ChatAction::UploadPhoto.to_tl(42) {
            enums::SendMessageAction::SendMessageUploadPhotoAction(a) => {
                assert_eq!(a.progress, 42)
            }
            other => panic!("{other:?}"),
        }
        assert!(!ChatAction::Typing.has_progress());
    }
}
