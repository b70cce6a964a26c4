//! Messages and files: enough for moderation and the chat-management examples.

use ferrogram_tl_types::{enums, functions, types};
use rand_core::{OsRng, RngCore};

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
            return Err(InvocationError::Invalid(
                "cannot upload an empty file".into(),
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
                return Err(InvocationError::Invalid(format!(
                    "the server refused part {i}"
                )));
            }
        }
        Ok(if big {
            enums::InputFile::from(types::InputFileBig {
                id: file_id,
                parts,
                name: name.to_owned(),
            })
        } else {
            enums::InputFile::from(types::InputFile {
                id: file_id,
                parts,
                name: name.to_owned(),
                md5_checksum: String::new(),
            })
        })
    }

    /// Downloads a whole file from `location`, asking DC `dc` (the file's DC;
    /// a borrowed connection when it is not home).
    pub async fn download_file(
        &self,
        location: enums::InputFileLocation,
        dc: i32,
    ) -> Result<Vec<u8>, InvocationError> {
        let mut out = Vec::new();
        loop {
            let request = functions::upload::GetFile {
                precise: false,
                cdn_supported: false,
                location: location.clone(),
                offset: out.len() as i64,
                limit: DOWNLOAD_CHUNK,
            };
            let file = self.invoke_in_dc(dc, &request).await?;
            let enums::upload::File::File(f) = file else {
                return Err(InvocationError::Invalid(
                    "CDN redirects are not supported".into(),
                ));
            };
            let n = f.bytes.len();
            out.extend_from_slice(&f.bytes);
            if n < DOWNLOAD_CHUNK as usize {
                return Ok(out);
            }
        }
    }

    /// Sets the signed-in account's profile photo from image bytes.
    pub async fn upload_profile_photo(
        &self,
        bytes: &[u8],
    ) -> Result<types::Photo, InvocationError> {
        let file = self.upload_file(bytes, "photo.jpg").await?;
        let enums::photos::Photo::Photo(p) = self
            .invoke(&functions::photos::UploadProfilePhoto {
                fallback: false,
                bot: None,
                file: Some(file),
                video: None,
                video_start_ts: None,
                video_emoji_markup: None,
            })
            .await?;
        match p.photo {
            enums::Photo::Photo(photo) => Ok(*photo),
            enums::Photo::Empty(_) => {
                Err(InvocationError::Invalid("the server kept no photo".into()))
            }
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
        let random_id = OsRng.next_u64() as i64;
        let updates = self
            .invoke(&functions::messages::SendMessage {
                no_webpage: false,
                silent: false,
                background: false,
                clear_draft: false,
                noforwards: false,
                update_stickersets_order: false,
                invert_media: false,
                allow_paid_floodskip: false,
                peer,
                reply_to: None,
                message: text.to_owned(),
                random_id,
                reply_markup: None,
                entities: None,
                schedule_date: None,
                schedule_repeat_period: None,
                send_as: None,
                quick_reply_shortcut: None,
                effect: None,
                allow_paid_stars: None,
                suggested_post: None,
                rich_message: None,
            })
            .await?;
        sent_message_id(&updates, random_id)
            .ok_or_else(|| InvocationError::Invalid("the answer names no sent message".into()))
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
