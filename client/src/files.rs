//! Messages and files: enough for moderation and the chat-management examples.

use ferrogram_tl_types::{enums, functions, types};
use rand_core::{OsRng, RngCore};

use crate::history::message_id;
use crate::{Client, InvocationError};

/// Files larger than this are uploaded with `upload.saveBigFilePart`.
pub const BIG_FILE: usize = 10 << 20;
/// The download chunk (a divisor of 1 MiB, as `upload.getFile` requires).
pub const DOWNLOAD_CHUNK: i32 = 128 * 1024;

/// The upload part size Telegram's clients use for a file of `size` bytes.
pub fn part_size(size: usize) -> usize {
    match size {
        0..=104_857_600 => 128 * 1024,
        104_857_601..=786_432_000 => 256 * 1024,
        _ => 512 * 1024,
    }
}

impl Client {
    /// Uploads `bytes` in parts and returns the `InputFile` to send or set as a
    /// photo (`inputFileBig` above 10 MiB).
    pub async fn upload_file(
        &self,
        bytes: &[u8],
        name: &str,
    ) -> Result<enums::InputFile, InvocationError> {
        if bytes.is_empty() {
            return Err(InvocationError::InvalidArgument(
                "cannot upload an empty file",
            ));
        }
        let file_id = OsRng.next_u64() as i64;
        let part = part_size(bytes.len());
        let parts = bytes.len().div_ceil(part) as i32;
        let big = bytes.len() > BIG_FILE;
        for (i, chunk) in bytes.chunks(part).enumerate() {
            let ok = if big {
                self.invoke(&functions::upload::SaveBigFilePart {
                    file_id,
                    file_part: i as i32,
                    file_total_parts: parts,
                    bytes: chunk.to_vec(),
                })
                .await?
            } else {
                self.invoke(&functions::upload::SaveFilePart {
                    file_id,
                    file_part: i as i32,
                    bytes: chunk.to_vec(),
                })
                .await?
            };
            if !ok {
                return Err(InvocationError::UnexpectedAnswer {
                    method: "upload.saveFilePart",
                    what: "false (the part was not saved)",
                });
            }
        }
        Ok(if big {
            enums::InputFile::from(types::InputFileBig {
                id: file_id,
                parts,
                name: name.into(),
            })
        } else {
            enums::InputFile::from(types::InputFile {
                id: file_id,
                parts,
                name: name.into(),
                md5_checksum: Default::default(),
            })
        })
    }

    /// Downloads a whole file from `location`, asking DC `dc` (the file's DC;
    /// a borrowed connection when it is not home). Stops with
    /// [`InvocationError::FileTooLarge`] as soon as the file outgrows
    /// [`crate::Config::max_download_size`].
    pub async fn download_file(
        &self,
        location: enums::InputFileLocation,
        dc: i32,
    ) -> Result<Vec<u8>, InvocationError> {
        let limit = self.max_download_size();
        let mut out = Vec::new();
        loop {
            let request = functions::upload::GetFile {
                offset: out.len() as i64,
                limit: DOWNLOAD_CHUNK,
                ..functions::upload::GetFile::new(location.clone())
            };
            let file = self.invoke_in_dc(dc, &request).await?;
            let enums::upload::File::File(f) = file else {
                return Err(InvocationError::Unsupported(
                    "downloads redirected to a CDN",
                ));
            };
            let n = f.bytes.len();
            if out.len() + n > limit {
                return Err(InvocationError::FileTooLarge { limit });
            }
            out.extend_from_slice(&f.bytes);
            if n < DOWNLOAD_CHUNK as usize {
                return Ok(out);
            }
        }
    }

    /// Downloads the largest size of a photo.
    pub async fn download_photo(&self, photo: &types::Photo) -> Result<Vec<u8>, InvocationError> {
        let (thumb_size, size) = largest_photo_size(photo);
        self.check_size(size as i64)?;
        let location = enums::InputFileLocation::from(types::InputPhotoFileLocation {
            id: photo.id,
            access_hash: photo.access_hash,
            file_reference: photo.file_reference.clone(),
            thumb_size: thumb_size.into(),
        });
        self.download_file(location, photo.dc_id).await
    }

    /// Downloads a document (any file sent as a file).
    pub async fn download_document(
        &self,
        document: &types::Document,
    ) -> Result<Vec<u8>, InvocationError> {
        self.check_size(document.size)?;
        let location = enums::InputFileLocation::from(types::InputDocumentFileLocation {
            id: document.id,
            access_hash: document.access_hash,
            file_reference: document.file_reference.clone(),
            thumb_size: Default::default(),
        });
        self.download_file(location, document.dc_id).await
    }

    fn check_size(&self, size: i64) -> Result<(), InvocationError> {
        let limit = self.max_download_size();
        if size > limit as i64 {
            return Err(InvocationError::FileTooLarge { limit });
        }
        Ok(())
    }

    /// Downloads what a message carries: the photo or document of its media, or
    /// the new photo of a chat-photo service message. `None` when it has nothing
    /// to download.
    ///
    /// File references expire (Telegram: after a few hours or when the file moves);
    /// on `FILE_REFERENCE_EXPIRED` the message is fetched again
    /// (`messages.getMessages`, or `channels.getMessages` in a channel) and the
    /// download retried once with the fresh reference. FILE_MIGRATE is followed
    /// through a borrowed connection.
    pub async fn download_media(
        &self,
        message: &enums::Message,
    ) -> Result<Option<Vec<u8>>, InvocationError> {
        let Some(media) = Media::of(message) else {
            return Ok(None);
        };
        match self.download_one(&media).await {
            Err(e) if e.is("FILE_REFERENCE_*") => {
                tracing::debug!(
                    id = message_id(message),
                    "file reference expired; refetching the message"
                );
                let fresh = self.refetch(message).await?;
                match fresh.as_ref().and_then(Media::of) {
                    Some(media) => self.download_one(&media).await.map(Some),
                    None => Err(e),
                }
            }
            r => r.map(Some),
        }
    }

    async fn download_one(&self, media: &Media) -> Result<Vec<u8>, InvocationError> {
        match media {
            Media::Photo(p) => self.download_photo(p).await,
            Media::Document(d) => self.download_document(d).await,
        }
    }

    /// The message as the server has it now (with current file references).
    async fn refetch(
        &self,
        message: &enums::Message,
    ) -> Result<Option<enums::Message>, InvocationError> {
        let id = message_id(message);
        let peer = match message {
            enums::Message::Message(m) => Some(&m.peer_id),
            enums::Message::Service(m) => Some(&m.peer_id),
            enums::Message::Empty(m) => m.peer_id.as_ref(),
        };
        let ids = vec![enums::InputMessage::from(types::InputMessageID { id })];
        let found = match peer {
            Some(enums::Peer::Channel(c)) => {
                let marked = ferrogram_session::marked_id(
                    ferrogram_session::PeerKind::Channel,
                    c.channel_id,
                );
                let enums::InputPeer::Channel(ch) = self.get_input_entity(marked).await? else {
                    return Err(InvocationError::Unresolved(format!(
                        "channel {}",
                        c.channel_id
                    )));
                };
                self.invoke(&functions::channels::GetMessages {
                    channel: enums::InputChannel::from(types::InputChannel {
                        channel_id: ch.channel_id,
                        access_hash: ch.access_hash,
                    }),
                    id: ids,
                })
                .await?
            }
            _ => {
                self.invoke(&functions::messages::GetMessages { id: ids })
                    .await?
            }
        };
        Ok(crate::MessagesPage::from(found)
            .messages
            .into_iter()
            .find(|m| message_id(m) == id && !matches!(m, enums::Message::Empty(_))))
    }

    /// Sends a file: images (`.jpg`, `.jpeg`, `.png`, `.webp`) as photos, anything
    /// else as a document with its name and a MIME type guessed from the
    /// extension. Uploads in parts (`upload.saveBigFilePart` above 10 MiB) and
    /// returns the new message's id.
    pub async fn send_file(
        &self,
        peer: impl Into<crate::PeerRef>,
        bytes: &[u8],
        name: &str,
        caption: &str,
    ) -> Result<i32, InvocationError> {
        let peer = self.get_input_entity(peer.into()).await?;
        let file = self.upload_file(bytes, name).await?;
        let mime = mime_type(name);
        let media = if mime.starts_with("image/") && mime != "image/gif" {
            enums::InputMedia::from(types::InputMediaUploadedPhoto::new(file))
        } else {
            enums::InputMedia::from(types::InputMediaUploadedDocument {
                force_file: true,
                mime_type: mime.into(),
                attributes: vec![enums::DocumentAttribute::from(
                    types::DocumentAttributeFilename {
                        file_name: name.into(),
                    },
                )],
                ..types::InputMediaUploadedDocument::new(file)
            })
        };
        let random_id = OsRng.next_u64() as i64;
        let updates = self
            .invoke(&functions::messages::SendMedia {
                message: caption.into(),
                random_id,
                ..functions::messages::SendMedia::new(peer, media)
            })
            .await?;
        sent_message_id(&updates, random_id).ok_or(InvocationError::UnexpectedAnswer {
            method: "messages.sendMedia",
            what: "updates that name no sent message",
        })
    }

    /// Sets the signed-in account's profile photo from image bytes.
    pub async fn upload_profile_photo(
        &self,
        bytes: &[u8],
    ) -> Result<types::Photo, InvocationError> {
        let file = self.upload_file(bytes, "photo.jpg").await?;
        let enums::photos::Photo::Photo(p) = self
            .invoke(&functions::photos::UploadProfilePhoto {
                file: Some(file),
                ..Default::default()
            })
            .await?;
        match p.photo {
            enums::Photo::Photo(photo) => Ok(*photo),
            enums::Photo::Empty(_) => Err(InvocationError::UnexpectedAnswer {
                method: "photos.uploadProfilePhoto",
                what: "photoEmpty",
            }),
        }
    }

    /// Downloads a user's current profile photo (`None` if they have none), from
    /// whichever DC stores it.
    pub async fn download_profile_photo(
        &self,
        user: enums::InputUser,
        big: bool,
    ) -> Result<Option<Vec<u8>>, InvocationError> {
        let users = self
            .invoke(&functions::users::GetUsers {
                id: vec![user.clone()],
            })
            .await?;
        let Some(enums::User::User(u)) = users.into_iter().next() else {
            return Ok(None);
        };
        let Some(enums::UserProfilePhoto::UserProfilePhoto(photo)) = u.photo else {
            return Ok(None);
        };
        let peer = match user {
            enums::InputUser::InputUserSelf => enums::InputPeer::InputPeerSelf,
            _ => enums::InputPeer::from(types::InputPeerUser {
                user_id: u.id,
                access_hash: u.access_hash.unwrap_or(0),
            }),
        };
        let location = enums::InputFileLocation::from(types::InputPeerPhotoFileLocation {
            big,
            peer,
            photo_id: photo.photo_id,
        });
        self.download_file(location, photo.dc_id).await.map(Some)
    }

    /// Sends a text message to anything [`crate::PeerRef`] names and returns
    /// its id.
    pub async fn send_message(
        &self,
        peer: impl Into<crate::PeerRef>,
        text: &str,
    ) -> Result<i32, InvocationError> {
        let peer = self.get_input_entity(peer.into()).await?;
        self.send_text(functions::messages::SendMessage {
            message: text.into(),
            ..functions::messages::SendMessage::new(peer)
        })
        .await
    }

    /// Sends `request` under a fresh `random_id` and returns the new
    /// message's id.
    async fn send_text(
        &self,
        request: functions::messages::SendMessage,
    ) -> Result<i32, InvocationError> {
        let random_id = OsRng.next_u64() as i64;
        let updates = self
            .invoke(&functions::messages::SendMessage {
                random_id,
                ..request
            })
            .await?;
        sent_message_id(&updates, random_id).ok_or(InvocationError::UnexpectedAnswer {
            method: "messages.sendMessage",
            what: "updates that name no sent message",
        })
    }
}

impl Client {
    /// Sends a text message into a forum topic (`topic`: the topic's id, the
    /// id of its first message; a closed topic refuses members with
    /// `TOPIC_CLOSED`). Returns the new message's id.
    ///
    /// ```no_run
    /// # async fn demo(client: ferrogram_client::Client) -> Result<(), ferrogram_client::InvocationError> {
    /// let id = client.send_message_to_topic("@help_desk", 42, "Fixed in 1.2").await?;
    /// # Ok(()) }
    /// ```
    pub async fn send_message_to_topic(
        &self,
        peer: impl Into<crate::PeerRef>,
        topic: i32,
        text: &str,
    ) -> Result<i32, InvocationError> {
        let peer = self.get_input_entity(peer.into()).await?;
        let reply_to = enums::InputReplyTo::from(types::InputReplyToMessage {
            reply_to_msg_id: topic,
            top_msg_id: Some(topic),
            ..Default::default()
        });
        self.send_text(functions::messages::SendMessage {
            message: text.into(),
            reply_to: Some(reply_to),
            ..functions::messages::SendMessage::new(peer)
        })
        .await
    }

    /// Sends a text message to a supergroup as one of your public channels
    /// (`send_as`; `channels.getSendAs` lists whom you may post as). A
    /// channel you may not post as, one the group banned among them, is
    /// refused with `SEND_AS_PEER_INVALID`. Returns the new message's id.
    ///
    /// ```no_run
    /// # async fn demo(client: ferrogram_client::Client) -> Result<(), ferrogram_client::InvocationError> {
    /// let id = client.send_message_as("@rust_chat", "@my_channel", "Release notes are up").await?;
    /// # Ok(()) }
    /// ```
    pub async fn send_message_as(
        &self,
        peer: impl Into<crate::PeerRef>,
        send_as: impl Into<crate::PeerRef>,
        text: &str,
    ) -> Result<i32, InvocationError> {
        let peer = self.get_input_entity(peer.into()).await?;
        let send_as = self.get_input_entity(send_as.into()).await?;
        self.send_text(functions::messages::SendMessage {
            message: text.into(),
            send_as: Some(send_as),
            ..functions::messages::SendMessage::new(peer)
        })
        .await
    }
}

/// The id of the message sent with `random_id`, from the answer to a send.
pub(crate) fn sent_message_id(updates: &enums::Updates, random_id: i64) -> Option<i32> {
    match updates {
        enums::Updates::UpdateShortSentMessage(m) => Some(m.id),
        enums::Updates::Updates(u) => u.updates.iter().find_map(|x| match x {
            enums::Update::MessageID(m) if m.random_id == random_id => Some(m.id),
            _ => None,
        }),
        enums::Updates::Combined(u) => u.updates.iter().find_map(|x| match x {
            enums::Update::MessageID(m) if m.random_id == random_id => Some(m.id),
            _ => None,
        }),
        _ => None,
    }
}

/// What [`Client::download_media`] can fetch from a message.
enum Media {
    Photo(types::Photo),
    Document(types::Document),
}

impl Media {
    fn of(message: &enums::Message) -> Option<Self> {
        match message {
            enums::Message::Message(m) => match m.media.as_ref()? {
                enums::MessageMedia::Photo(p) => match p.photo.as_ref()? {
                    enums::Photo::Photo(p) => Some(Self::Photo((**p).clone())),
                    enums::Photo::Empty(_) => None,
                },
                enums::MessageMedia::Document(d) => match d.document.as_ref()? {
                    enums::Document::Document(d) => Some(Self::Document((**d).clone())),
                    enums::Document::Empty(_) => None,
                },
                _ => None,
            },
            enums::Message::Service(m) => match &m.action {
                enums::MessageAction::ChatEditPhoto(a) => match &a.photo {
                    enums::Photo::Photo(p) => Some(Self::Photo((**p).clone())),
                    enums::Photo::Empty(_) => None,
                },
                _ => None,
            },
            enums::Message::Empty(_) => None,
        }
    }
}

/// The type letter and byte size of a photo's largest size.
pub fn largest_photo_size(p: &types::Photo) -> (String, i32) {
    p.sizes
        .iter()
        .filter_map(|s| match s {
            enums::PhotoSize::PhotoSize(s) => Some((s.r#type.to_string(), s.size)),
            enums::PhotoSize::Progressive(s) => {
                Some((s.r#type.to_string(), s.sizes.last().copied().unwrap_or(0)))
            }
            _ => None,
        })
        .max_by_key(|(_, size)| *size)
        .unwrap_or_else(|| ("x".into(), 0))
}

/// A MIME type from a file name's extension (`application/octet-stream` when
/// unknown).
pub fn mime_type(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "mp4" => "video/mp4",
        "mp3" => "audio/mpeg",
        "ogg" | "oga" => "audio/ogg",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "json" => "application/json",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}
