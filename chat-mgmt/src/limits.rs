//! The limits chat administration depends on, from the client configuration
//! (`help.getAppConfig`, <https://core.telegram.org/api/config#client-configuration>).

use ferrogram_client::Client;
use ferrogram_tl_types::{enums, functions};

use crate::Result;

/// Limits of chat administration ([`crate::ChatManagement::chat_limits`]);
/// `None` for what the server did not say.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct ChatLimits {
    /// The fewest members a supergroup needs for aggressive anti-spam
    /// (`telegram_antispam_group_size_min`).
    pub antispam_group_size_min: Option<u32>,
    /// The account whose anti-spam actions the admin log shows
    /// (`telegram_antispam_user_id`).
    pub antispam_user_id: Option<i64>,
    /// The fewest members a supergroup needs to hide its member list
    /// (`hidden_members_group_size_min`).
    pub hidden_members_group_size_min: Option<u32>,
    /// The most pinned forum topics (`topics_pinned_limit`).
    pub pinned_topics_max: Option<u32>,
}

/// A JSON number as a whole number, if it is one.
fn whole(v: &enums::JSONValue) -> Option<i64> {
    match v {
        // Whole numbers below 2^53 are exact in a double.
        enums::JSONValue::JsonNumber(n) if n.value.fract() == 0.0 && n.value.abs() < 9.0e15 => {
            Some(n.value as i64)
        }
        _ => None,
    }
}

/// Reads the limits from a configuration object.
pub(crate) fn from_config(config: &enums::JSONValue) -> ChatLimits {
    let mut limits = ChatLimits::default();
    let enums::JSONValue::JsonObject(o) = config else {
        return limits;
    };
    for enums::JSONObjectValue::JsonObjectValue(kv) in &o.value {
        let n = whole(&kv.value);
        let count = n.and_then(|n| u32::try_from(n).ok());
        match kv.key.as_str() {
            "telegram_antispam_group_size_min" => limits.antispam_group_size_min = count,
            "telegram_antispam_user_id" => limits.antispam_user_id = n,
            "hidden_members_group_size_min" => limits.hidden_members_group_size_min = count,
            "topics_pinned_limit" => limits.pinned_topics_max = count,
            _ => {}
        }
    }
    limits
}

/// Asks the server.
pub(crate) async fn get(client: &Client) -> Result<ChatLimits> {
    match client
        .invoke(&functions::help::GetAppConfig { hash: 0 })
        .await?
    {
        enums::help::AppConfig::AppConfig(c) => Ok(from_config(&c.config)),
        // Asked with hash 0: never "not modified"; nothing said if it is.
        enums::help::AppConfig::NotModified => Ok(ChatLimits::default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferrogram_tl_types::types;

    fn config(pairs: &[(&str, enums::JSONValue)]) -> enums::JSONValue {
        enums::JSONValue::from(types::JsonObject {
            value: pairs
                .iter()
                .map(|(k, v)| {
                    enums::JSONObjectValue::from(types::JsonObjectValue {
                        key: (*k).into(),
                        value: v.clone(),
                    })
                })
                .collect(),
        })
    }

    fn number(value: f64) -> enums::JSONValue {
        enums::JSONValue::from(types::JsonNumber { value })
    }

    #[test]
    fn only_whole_numbers_in_range_are_read() {
        let limits = from_config(&config(&[
            ("telegram_antispam_group_size_min", number(200.0)),
            ("hidden_members_group_size_min", number(99.5)),
            ("topics_pinned_limit", number(-1.0)),
            ("telegram_antispam_user_id", number(1e300)),
            ("unknown", number(1.0)),
        ]));
        assert_eq!(limits.antispam_group_size_min, Some(200));
        assert_eq!(limits.hidden_members_group_size_min, None, "not whole");
        assert_eq!(limits.pinned_topics_max, None, "negative");
        assert_eq!(limits.antispam_user_id, None, "out of range");
        assert_eq!(from_config(&number(3.0)), ChatLimits::default());
    }
}
