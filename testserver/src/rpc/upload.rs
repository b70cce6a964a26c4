//! `upload.*`: file parts in, file parts out.

use super::prelude::*;

/// The most bytes of unfinished uploads one user may hold.
const MAX_UPLOAD_BYTES: usize = 64 << 20;

/// The most parts one upload may have (Telegram allows 4000 parts of 512 KiB;
/// the test server keeps files small so memory stays bounded).
const MAX_PARTS: i32 = 4000;

/// The largest file part `upload.saveFilePart` accepts.
const MAX_PART: usize = 512 * 1024;

/// `upload.saveFilePart`.
pub(crate) fn save_file_part(
    cx: &mut Cx<'_>,
    x: functions::upload::SaveFilePart,
) -> Result<bool, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    save_part(w, me, x.file_id, x.file_part, None, x.bytes)
}

/// `upload.saveBigFilePart`.
pub(crate) fn save_big_file_part(
    cx: &mut Cx<'_>,
    x: functions::upload::SaveBigFilePart,
) -> Result<bool, RpcErr> {
    let Cx { ctx, w } = cx;
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

/// `upload.getFile`.
pub(crate) fn get_file(
    cx: &mut Cx<'_>,
    x: functions::upload::GetFile,
) -> Result<enums::upload::File, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
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
    }))
}

pub(crate) fn save_part(
    w: &mut World,
    me: i64,
    file_id: i64,
    part: i32,
    total: Option<i32>,
    bytes: Vec<u8>,
) -> Result<bool, RpcErr> {
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
    Ok(true)
}

/// Assembles (and forgets) an uploaded file.
pub(crate) fn take_upload(
    w: &mut World,
    me: i64,
    file: &enums::InputFile,
) -> Result<Vec<u8>, RpcErr> {
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
    let up = w
        .uploads
        .remove(&(me, id))
        .ok_or_else(|| internal("present"))?;
    Ok(up.parts.into_values().flatten().collect())
}

pub(crate) fn check_photo(
    w: &World,
    id: i64,
    access_hash: i64,
    reference: &[u8],
) -> Result<(), RpcErr> {
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
