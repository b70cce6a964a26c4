//! `photos.*`: profile photos.

use super::prelude::*;
use crate::rpc::upload::take_upload;

/// `photos.getUserPhotos`.
pub(crate) fn get_user_photos(
    cx: &mut Cx<'_>,
    x: functions::photos::GetUserPhotos,
) -> Result<enums::photos::Photos, RpcErr> {
    let Cx { ctx, w } = cx;
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
    Ok(out)
}

/// `photos.uploadProfilePhoto`.
pub(crate) fn upload_profile_photo(
    cx: &mut Cx<'_>,
    x: functions::photos::UploadProfilePhoto,
) -> Result<enums::photos::Photo, RpcErr> {
    let Cx { ctx, w } = cx;
    let shared = ctx.shared;
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
    let photo = w.photo_view(id).ok_or_else(|| internal("just added"))?;
    Ok(enums::photos::Photo::from(types::photos::Photo {
        photo,
        users: w.user_view(me, me).into_iter().collect(),
    }))
}
