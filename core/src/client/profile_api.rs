//! The profile APIs (`getMyProfile`, `getUserProfile`, `updateMyProfile`;
//! relationship-facts §1). What the client holds is in `relations.rs`.

use std::time::Instant;

use super::conv_api::parse_reply;
use super::relations::{apply_profile_tags, Relations};
use super::request::Call;
use super::{Client, RequestId};
use crate::error::{ChatError, ErrorCode};
use crate::event::Event;
use crate::model::{CustomField, Profile};
use crate::proto::sns::{
    tag, PortraitGetReply, PortraitGetRequest, PortraitSetRequest, PortraitUserItem, TagValue,
    PORTRAIT_GET, PORTRAIT_SET,
};
use crate::proto::BaseReply;
use crate::wire::Frame;

/// What `update_my_profile` changes: only the fields that are `Some` (and
/// the custom fields listed) are sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateProfileOptions {
    /// Nickname, at most 500 bytes.
    pub nick: Option<String>,
    /// Avatar URL, at most 500 bytes.
    pub avatar: Option<String>,
    /// `Gender_Type_Unknown`, `Gender_Type_Female` or `Gender_Type_Male`.
    pub gender: Option<String>,
    /// Self signature, at most 500 bytes.
    pub self_signature: Option<String>,
    /// `AllowType_Type_AllowAny`, `AllowType_Type_NeedConfirm` or
    /// `AllowType_Type_DenyAny`: who may befriend me.
    pub allow_type: Option<String>,
    /// Birthday (the application's encoding, e.g. 19900101).
    pub birthday: Option<u64>,
    /// Location, at most 500 bytes.
    pub location: Option<String>,
    /// Language code.
    pub language: Option<u64>,
    /// Message settings: 0 or 1.
    pub message_settings: Option<u64>,
    /// `AdminForbid_Type_None` or `AdminForbid_Type_SendOut`.
    pub admin_forbid_type: Option<String>,
    /// Level.
    pub level: Option<u64>,
    /// Role.
    pub role: Option<u64>,
    /// Custom fields: each key must start with `Tag_Profile_Custom`.
    pub profile_custom_field: Vec<CustomField>,
}

impl UpdateProfileOptions {
    /// Most bytes of a text field (the official SDK's nick limit; tcchat
    /// applies it to every text field, the server too).
    pub const MAX_TEXT_BYTES: usize = 500;
    /// Most custom fields in one call.
    pub const MAX_CUSTOM_FIELDS: usize = 20;
}

/// The tags of `opts`, or why they are refused.
fn profile_tags(opts: &UpdateProfileOptions) -> Result<Vec<TagValue>, String> {
    let mut tags = Vec::new();
    let texts = [
        (tag::NICK, &opts.nick),
        (tag::IMAGE, &opts.avatar),
        (tag::GENDER, &opts.gender),
        (tag::SELF_SIGNATURE, &opts.self_signature),
        (tag::ALLOW_TYPE, &opts.allow_type),
        (tag::LOCATION, &opts.location),
        (tag::ADMIN_FORBID_TYPE, &opts.admin_forbid_type),
    ];
    for (name, value) in texts {
        if let Some(v) = value {
            if v.len() > UpdateProfileOptions::MAX_TEXT_BYTES {
                return Err(format!(
                    "{name} is {} bytes, at most {} allowed",
                    v.len(),
                    UpdateProfileOptions::MAX_TEXT_BYTES
                ));
            }
            tags.push(TagValue::text(name, v.clone()));
        }
    }
    let enums: [(&str, &Option<String>, &[&str]); 3] = [
        (
            tag::GENDER,
            &opts.gender,
            &[
                "Gender_Type_Unknown",
                "Gender_Type_Female",
                "Gender_Type_Male",
            ],
        ),
        (
            tag::ALLOW_TYPE,
            &opts.allow_type,
            &[
                "AllowType_Type_AllowAny",
                "AllowType_Type_NeedConfirm",
                "AllowType_Type_DenyAny",
            ],
        ),
        (
            tag::ADMIN_FORBID_TYPE,
            &opts.admin_forbid_type,
            &["AdminForbid_Type_None", "AdminForbid_Type_SendOut"],
        ),
    ];
    for (name, value, allowed) in enums {
        if let Some(v) = value {
            if !allowed.contains(&v.as_str()) {
                return Err(format!("{name} must be one of {allowed:?}"));
            }
        }
    }
    let numbers = [
        (tag::BIRTHDAY, opts.birthday),
        (tag::LANGUAGE, opts.language),
        (tag::MSG_SETTINGS, opts.message_settings),
        (tag::LEVEL, opts.level),
        (tag::ROLE, opts.role),
    ];
    for (name, value) in numbers {
        if let Some(v) = value {
            tags.push(TagValue::number(name, v));
        }
    }
    if opts.profile_custom_field.len() > UpdateProfileOptions::MAX_CUSTOM_FIELDS {
        return Err(format!(
            "at most {} custom fields",
            UpdateProfileOptions::MAX_CUSTOM_FIELDS
        ));
    }
    for f in &opts.profile_custom_field {
        if !f.key.starts_with(tag::CUSTOM_PREFIX) || f.key.len() > 64 {
            return Err(format!(
                "a custom key must start with {} and be at most 64 bytes",
                tag::CUSTOM_PREFIX
            ));
        }
        if f.value.len() > UpdateProfileOptions::MAX_TEXT_BYTES {
            return Err(format!(
                "a custom value is at most {} bytes",
                UpdateProfileOptions::MAX_TEXT_BYTES
            ));
        }
        tags.push(TagValue::text(&f.key, f.value.clone()));
    }
    Ok(tags)
}

impl Client {
    /// `getMyProfile()`: my profile, from what the client holds (fetched at
    /// login and kept up to date by pushes), or `profile.portrait_get_all`
    /// when it has not arrived yet. 2999 before login.
    pub fn get_my_profile(&mut self, now: Instant) -> Result<RequestId<Profile>, ChatError> {
        const API: &str = "getMyProfile";
        let me = self.require_ready(API)?.user_id.clone();
        if let Some(p) = self.relations.me.clone() {
            let id = self.next_request_id();
            self.complete(id, Ok(p));
            return Ok(id);
        }
        self.check_capacity()?;
        let body = PortraitGetRequest {
            from_account: me.clone(),
            user_item: vec![PortraitUserItem {
                to_account: me.clone(),
                ..PortraitUserItem::default()
            }],
        };
        Ok(self.enqueue_command(now, PORTRAIT_GET, &body, |id| {
            Call::query(
                id,
                move |client: &mut Client, now, id, status, frame: &Frame| {
                    let outcome = parse_reply::<PortraitGetReply>(status, frame).map(|r| {
                        let mut p = Profile {
                            user_id: me.clone(),
                            last_updated_time: client.clock.local_ms(now),
                            ..Profile::default()
                        };
                        if let Some(item) = r.user_profile_item.iter().find(|u| u.to_account == me)
                        {
                            apply_profile_tags(&mut p, &item.profile_item);
                        }
                        client.relations.me = Some(p.clone());
                        p
                    });
                    client.complete(id, outcome);
                },
            )
        }))
    }

    /// `getUserProfile({userIDList})`: the profiles of 1 to 100 users, in
    /// the order asked (a user the server does not know is left out). The
    /// profiles this client holds (me, friends, users fetched before) are
    /// served locally, as the official SDK does; the others are fetched
    /// with `profile.portrait_get_all`. 2905 for a bad ID list.
    pub fn get_user_profile(
        &mut self,
        now: Instant,
        user_ids: &[String],
    ) -> Result<RequestId<Vec<Profile>>, ChatError> {
        const API: &str = "getUserProfile";
        let me = self.require_ready(API)?.user_id.clone();
        self.check_user_ids(API, user_ids, Relations::PROFILE_BATCH)?;
        let mut wanted: Vec<String> = Vec::new();
        for u in user_ids {
            if !wanted.contains(u) {
                wanted.push(u.clone());
            }
        }
        let missing: Vec<String> = wanted
            .iter()
            .filter(|u| self.relations.cached_profile(&me, u).is_none())
            .cloned()
            .collect();
        if missing.is_empty() {
            let list = wanted
                .iter()
                .filter_map(|u| self.relations.cached_profile(&me, u))
                .collect();
            let id = self.next_request_id();
            self.complete(id, Ok(list));
            return Ok(id);
        }
        self.check_capacity()?;
        let body = PortraitGetRequest {
            from_account: me.clone(),
            user_item: missing
                .iter()
                .map(|u| PortraitUserItem {
                    to_account: u.clone(),
                    ..PortraitUserItem::default()
                })
                .collect(),
        };
        Ok(self.enqueue_command(now, PORTRAIT_GET, &body, |id| {
            Call::query(
                id,
                move |client: &mut Client, now, id, status, frame: &Frame| {
                    let outcome = parse_reply::<PortraitGetReply>(status, frame).map(|r| {
                        let now_ms = client.clock.local_ms(now);
                        for item in &r.user_profile_item {
                            if !missing.contains(&item.to_account) {
                                continue;
                            }
                            let mut p = Profile {
                                user_id: item.to_account.clone(),
                                last_updated_time: now_ms,
                                ..Profile::default()
                            };
                            apply_profile_tags(&mut p, &item.profile_item);
                            if p.user_id == me {
                                client.relations.me = Some(p);
                            } else if let Some(f) = client.relations.friends.get_mut(&p.user_id) {
                                f.profile = p;
                            } else {
                                client.relations.keep_stranger(p);
                            }
                        }
                        wanted
                            .iter()
                            .filter_map(|u| client.relations.cached_profile(&me, u))
                            .collect::<Vec<_>>()
                    });
                    client.complete(id, outcome);
                },
            )
        }))
    }

    /// `updateMyProfile(options)`: `profile.portrait_set` with only the
    /// fields given. Refused without a request with 2721 for an invalid
    /// field (a text over 500 bytes, an unknown enumerated value, a custom
    /// key not starting with `Tag_Profile_Custom`) and 2722 when nothing is
    /// given. On success my profile is updated, PROFILE_UPDATED fires if
    /// anything changed, and it completes with my whole profile; the
    /// server pushes the change to my other instances and to my friends.
    pub fn update_my_profile(
        &mut self,
        now: Instant,
        opts: &UpdateProfileOptions,
    ) -> Result<RequestId<Profile>, ChatError> {
        const API: &str = "updateMyProfile";
        let me = self.require_ready(API)?.user_id.clone();
        let tags = match profile_tags(opts) {
            Ok(tags) => tags,
            Err(why) => {
                return Err(self.api_error(
                    ErrorCode::UPDATE_PROFILE_INVALID_PARAM,
                    format!("{API}: {why}"),
                ))
            }
        };
        if tags.is_empty() {
            return Err(self.api_error(
                ErrorCode::UPDATE_PROFILE_NO_KEY,
                format!("{API}: nothing to update"),
            ));
        }
        self.check_capacity()?;
        let body = PortraitSetRequest {
            from_account: me.clone(),
            profile_item: tags.clone(),
        };
        Ok(self.enqueue_command(now, PORTRAIT_SET, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, now, id, status, frame: &Frame| {
                    let outcome = parse_reply::<BaseReply>(status, frame).map(|_| {
                        let now_ms = client.clock.local_ms(now);
                        let p = client.relations.me.get_or_insert_with(|| Profile {
                            user_id: me.clone(),
                            ..Profile::default()
                        });
                        let changed = apply_profile_tags(p, &tags);
                        if changed {
                            p.last_updated_time = now_ms;
                        }
                        let p = p.clone();
                        if changed {
                            client.emit(Event::ProfileUpdated(vec![p.clone()]));
                        }
                        p
                    });
                    client.complete(id, outcome);
                },
            )
        }))
    }
}
