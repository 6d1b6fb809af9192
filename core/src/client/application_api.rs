//! The friend application APIs (`getFriendApplicationList`,
//! `acceptFriendApplication`, `refuseFriendApplication`,
//! `deleteFriendApplication`, `setFriendApplicationRead`;
//! relationship-facts §3). The list is held in `relations.rs`; as in the
//! official SDK, accept, refuse and delete do not change it themselves:
//! the server's `FriendListMod` push makes the client fetch it again.

use std::time::Instant;

use super::conv_api::parse_reply;
use super::request::Call;
use super::{Client, RequestId};
use crate::error::{ChatError, ErrorCode};
use crate::model::FriendApplicationList;
use crate::proto::sns::{
    FriendResponseRequest, PendencyDeleteRequest, PendencyReportRequest, ResponseFriendItem,
    SnsResultReply, FRIEND_RESPONSE, PENDENCY_COME_IN, PENDENCY_DELETE, PENDENCY_REPORT,
    PENDENCY_SEND_OUT, RESPONSE_AGREE, RESPONSE_AGREE_AND_ADD, RESPONSE_REJECT,
};
use crate::proto::BaseReply;
use crate::types::SnsApplicationType;
use crate::wire::Frame;

/// The one result of a per-user reply: `Ok` for `ResultCode` 0, the code
/// otherwise, 2903 without a `ResultItem` for `user` (as the official SDK).
fn single_result(reply: &SnsResultReply, user: &str, cmd: &str) -> Result<(), ChatError> {
    let Some(item) = reply.result_item.iter().find(|i| i.to_account == user) else {
        return Err(ChatError::new(
            ErrorCode::UNCAUGHT_ERROR,
            format!("{cmd} reply without a ResultItem for the user"),
        ));
    };
    if item.result_code == 0 {
        Ok(())
    } else {
        Err(ChatError::new(
            ErrorCode(item.result_code),
            item.result_info.clone(),
        ))
    }
}

impl Client {
    /// `getFriendApplicationList()`: the applications (both directions)
    /// and the unread count, as fetched at login and kept by pushes.
    pub fn get_friend_application_list(
        &mut self,
        _now: Instant,
    ) -> Result<RequestId<FriendApplicationList>, ChatError> {
        self.require_ready("getFriendApplicationList")?;
        let list = FriendApplicationList {
            friend_application_list: self.relations.applications.clone(),
            unread_count: self.relations.unread_applications,
        };
        let id = self.next_request_id();
        self.complete(id, Ok(list));
        Ok(id)
    }

    fn respond_to_application(
        &mut self,
        now: Instant,
        api: &str,
        user_id: &str,
        action: &str,
        remark: &str,
    ) -> Result<RequestId<()>, ChatError> {
        let me = self.require_ready(api)?.user_id.clone();
        self.check_user_ids(api, &[user_id.to_owned()], 1)?;
        if remark.len() > 96 {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!("{api}: a remark is at most 96 bytes"),
            ));
        }
        self.check_capacity()?;
        let body = FriendResponseRequest {
            from_account: me,
            response_friend_item: vec![ResponseFriendItem {
                to_account: user_id.to_owned(),
                remark: remark.to_owned(),
                tag_name: String::new(),
                response_action: action.to_owned(),
            }],
        };
        let user = user_id.to_owned();
        Ok(self.enqueue_command(now, FRIEND_RESPONSE, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, _, id, status, frame: &Frame| {
                    let outcome = parse_reply::<SnsResultReply>(status, frame)
                        .and_then(|r| single_result(&r, &user, FRIEND_RESPONSE));
                    client.complete(id, outcome);
                },
            )
        }))
    }

    /// `acceptFriendApplication({userID, remark, type})`:
    /// `sns.friend_response`, both ways (`both`, the default of the
    /// official SDK: `Response_Action_AgreeAndAdd`) or one way (the
    /// applicant gets me as a friend). Completes with `()`; the push that
    /// follows brings FRIEND_LIST_UPDATED and FRIEND_APPLICATION_LIST_UPDATED.
    /// The server refuses with 30001 when the user sent no application.
    pub fn accept_friend_application(
        &mut self,
        now: Instant,
        user_id: &str,
        remark: &str,
        both: bool,
    ) -> Result<RequestId<()>, ChatError> {
        let action = if both {
            RESPONSE_AGREE_AND_ADD
        } else {
            RESPONSE_AGREE
        };
        self.respond_to_application(now, "acceptFriendApplication", user_id, action, remark)
    }

    /// `refuseFriendApplication({userID})`: `sns.friend_response` with
    /// `Response_Action_Reject`. Completes with `()`;
    /// FRIEND_APPLICATION_LIST_UPDATED follows from the push.
    pub fn refuse_friend_application(
        &mut self,
        now: Instant,
        user_id: &str,
    ) -> Result<RequestId<()>, ChatError> {
        self.respond_to_application(now, "refuseFriendApplication", user_id, RESPONSE_REJECT, "")
    }

    /// `deleteFriendApplication({userID, type})`: `sns.pendency_delete`.
    /// Refused with 2716 without a request when that application is not
    /// in the list (as the official SDK). Completes with `()`;
    /// FRIEND_APPLICATION_LIST_UPDATED follows from the push.
    pub fn delete_friend_application(
        &mut self,
        now: Instant,
        user_id: &str,
        kind: SnsApplicationType,
    ) -> Result<RequestId<()>, ChatError> {
        const API: &str = "deleteFriendApplication";
        let me = self.require_ready(API)?.user_id.clone();
        let known = self
            .relations
            .applications
            .iter()
            .any(|a| a.user_id == user_id && a.kind == kind);
        if !known {
            return Err(self.api_error(
                ErrorCode::FRIEND_APPLICATION_NOT_EXIST,
                format!("{API}: no such application from or to {user_id:?}"),
            ));
        }
        self.check_capacity()?;
        let body = PendencyDeleteRequest {
            from_account: me,
            pendency_type: match kind {
                SnsApplicationType::SentToMe => PENDENCY_COME_IN,
                SnsApplicationType::SentByMe => PENDENCY_SEND_OUT,
            }
            .to_owned(),
            to_account: vec![user_id.to_owned()],
        };
        let user = user_id.to_owned();
        Ok(self.enqueue_command(now, PENDENCY_DELETE, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, _, id, status, frame: &Frame| {
                    let outcome = parse_reply::<SnsResultReply>(status, frame)
                        .and_then(|r| single_result(&r, &user, PENDENCY_DELETE));
                    client.complete(id, outcome);
                },
            )
        }))
    }

    /// `setFriendApplicationRead()`: `sns.pendency_report` with the server
    /// time. On success the unread count is 0 (no event here, as the
    /// official SDK; the user's other instances get
    /// FRIEND_APPLICATION_LIST_UPDATED with 0).
    pub fn set_friend_application_read(
        &mut self,
        now: Instant,
    ) -> Result<RequestId<()>, ChatError> {
        const API: &str = "setFriendApplicationRead";
        let me = self.require_ready(API)?.user_id.clone();
        self.check_capacity()?;
        let body = PendencyReportRequest {
            from_account: me,
            latest_pendency_time_stamp: self.clock.server_secs(now),
        };
        Ok(self.enqueue_command(now, PENDENCY_REPORT, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, _, id, status, frame: &Frame| {
                    let outcome = parse_reply::<BaseReply>(status, frame).map(|_| {
                        client.relations.unread_applications = 0;
                    });
                    client.complete(id, outcome);
                },
            )
        }))
    }
}
