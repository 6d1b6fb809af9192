//! The REST admin API, as Tencent's: `POST
//! /v4/<service>/<command>?sdkappid=…&identifier=<admin>&usersig=<admin
//! sig>&random=…&contenttype=json` with a JSON body, answered with JSON
//! `{"ActionStatus","ErrorCode","ErrorInfo"}`.
//!
//! Served: `im_open_login_svc/kick`, `im_open_login_svc/account_import`
//! and `im_open_login_svc/multiaccount_import`. The HTTP side lives in the
//! tokio driver; everything from the parsed request on happens here, in
//! virtual time.

use std::net::IpAddr;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::logs::{short, short_text, LogSite};
use super::messaging::MAX_USER_ID_LEN;
use super::policy::KickType;
use super::refusal::AdminError;
use super::Engine;
use crate::store::Store;
use crate::usersig::verify_usersig;

/// Path of the kick API.
pub const KICK_PATH: &str = "/v4/im_open_login_svc/kick";
/// Path of the account import API: body `{"UserID":"u1"}` (`Nick` and
/// `FaceUrl` are accepted and not stored; the older `Identifier` is read
/// when `UserID` is absent), answered with the base response.
pub const ACCOUNT_IMPORT_PATH: &str = "/v4/im_open_login_svc/account_import";
/// Path of the batch import API: body `{"Accounts":["u1","u2"]}` (at most
/// [`MAX_IMPORT_ACCOUNTS`]), answered with the base response plus
/// `FailAccounts`, the user IDs that could not be imported.
pub const MULTIACCOUNT_IMPORT_PATH: &str = "/v4/im_open_login_svc/multiaccount_import";
/// Most accounts in one `multiaccount_import` (Tencent's limit). More:
/// 70402.
pub const MAX_IMPORT_ACCOUNTS: usize = 100;

/// Largest request body read, in bytes (the HTTP layer refuses more with
/// 60002 / HTTP 413 before it reaches the engine).
pub const MAX_REST_BODY: usize = 64 * 1024;

/// A REST call, as the HTTP layer parsed it.
#[derive(Debug, Clone, Copy)]
pub struct RestRequest<'a> {
    /// The HTTP method (`POST` is the only one served).
    pub method: &'a str,
    /// The URL path, e.g. [`KICK_PATH`].
    pub path: &'a str,
    /// The URL query string, without `?`.
    pub query: &'a str,
    /// The request body.
    pub body: &'a [u8],
    /// The caller's address, for rate limiting (`None`: not limited).
    pub peer: Option<IpAddr>,
}

/// The answer to a REST call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestResponse {
    /// HTTP status (200 unless the request never reached an API).
    pub status: u16,
    /// The `ErrorCode` in the body (0: success).
    pub error_code: u32,
    /// JSON body: `{"ActionStatus","ErrorCode","ErrorInfo"}`.
    pub body: String,
}

impl RestResponse {
    /// `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}`.
    pub fn ok() -> RestResponse {
        RestResponse::json(200, "OK", 0, "")
    }

    /// The response for a refused call.
    pub fn error(err: &AdminError) -> RestResponse {
        RestResponse::json(err.http_status(), "FAIL", err.code(), &err.to_string())
    }

    /// `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","FailAccounts":[…]}`:
    /// the answer of `multiaccount_import`.
    pub fn imported(fail_accounts: &[String]) -> RestResponse {
        let body = serde_json::json!({
            "ActionStatus": "OK",
            "ErrorCode": 0,
            "ErrorInfo": "",
            "FailAccounts": fail_accounts,
        });
        RestResponse {
            status: 200,
            error_code: 0,
            body: body.to_string(),
        }
    }

    fn json(status: u16, action: &str, code: u32, info: &str) -> RestResponse {
        #[derive(Serialize)]
        struct Body<'a> {
            #[serde(rename = "ActionStatus")]
            action_status: &'a str,
            #[serde(rename = "ErrorCode")]
            error_code: u32,
            #[serde(rename = "ErrorInfo")]
            error_info: &'a str,
        }
        let body = serde_json::to_string(&Body {
            action_status: action,
            error_code: code,
            error_info: info,
        })
        .unwrap_or_default();
        RestResponse {
            status,
            error_code: code,
            body,
        }
    }
}

/// The caller of a REST API: the URL's `sdkappid`, `identifier` and
/// `usersig`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AdminAuth {
    /// `sdkappid`.
    pub sdk_app_id: u64,
    /// `identifier`: an administrator of the application.
    pub identifier: String,
    /// `usersig`: a UserSig of `identifier`.
    pub usersig: String,
}

/// Body of `im_open_login_svc/kick`.
#[derive(Deserialize)]
struct KickBody {
    #[serde(rename = "UserID")]
    user_id: Option<serde_json::Value>,
}

/// Body of `im_open_login_svc/account_import`.
#[derive(Deserialize)]
struct ImportBody {
    #[serde(rename = "UserID")]
    user_id: Option<serde_json::Value>,
    #[serde(rename = "Identifier")]
    identifier: Option<serde_json::Value>,
}

/// Body of `im_open_login_svc/multiaccount_import`.
#[derive(Deserialize)]
struct MultiImportBody {
    #[serde(rename = "Accounts")]
    accounts: Option<Vec<serde_json::Value>>,
}

/// A user ID from a REST body: a string of 1 to [`MAX_USER_ID_LEN`] bytes.
fn user_id(value: Option<serde_json::Value>) -> Result<String, AdminError> {
    match value {
        Some(serde_json::Value::String(u)) if !u.is_empty() && u.len() <= MAX_USER_ID_LEN => Ok(u),
        Some(serde_json::Value::String(_)) => Err(AdminError::InvalidParameter(format!(
            "UserID must be 1 to {MAX_USER_ID_LEN} bytes"
        ))),
        Some(_) => Err(AdminError::InvalidParameter(
            "UserID must be a string".into(),
        )),
        None => Err(AdminError::InvalidParameter("UserID is required".into())),
    }
}

/// Decode `%XX` escapes (`+` stays `+`: UserSigs may contain it). `None`
/// when an escape is malformed or the result is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The first value of `key` in a query string, decoded.
fn query_param(query: &str, key: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(k, _)| *k == key)
        .and_then(|(_, v)| percent_decode(v))
}

impl<S: Store> Engine<S> {
    /// Serve one REST call. Kicks it causes are queued as outputs: drain
    /// [`poll_output`](Self::poll_output) afterwards.
    pub fn handle_rest(
        &mut self,
        now: Instant,
        unix_ms: u64,
        req: &RestRequest<'_>,
    ) -> RestResponse {
        match self.rest(now, unix_ms, req) {
            Ok(response) => response,
            Err(err) => {
                self.log_limited(now, LogSite::RestRefused, |suppressed| {
                    tracing::info!(path = %short(req.path), code = err.code(), err = %short_text(&err.to_string()), suppressed, "REST call refused");
                });
                RestResponse::error(&err)
            }
        }
    }

    fn rest(
        &mut self,
        now: Instant,
        unix_ms: u64,
        req: &RestRequest<'_>,
    ) -> Result<RestResponse, AdminError> {
        if ![KICK_PATH, ACCOUNT_IMPORT_PATH, MULTIACCOUNT_IMPORT_PATH].contains(&req.path) {
            return Err(AdminError::NotFound(req.path.chars().take(200).collect()));
        }
        if req.method != "POST" {
            return Err(AdminError::MethodNotAllowed(
                req.method.chars().take(16).collect(),
            ));
        }
        if req.body.len() > MAX_REST_BODY {
            return Err(AdminError::BodyTooLarge {
                limit: MAX_REST_BODY,
            });
        }
        let sdk_app_id = query_param(req.query, "sdkappid")
            .and_then(|v| v.parse().ok())
            .ok_or(AdminError::SdkAppIdMissing)?;
        let (Some(identifier), Some(usersig)) = (
            query_param(req.query, "identifier").filter(|v| !v.is_empty()),
            query_param(req.query, "usersig"),
        ) else {
            return Err(AdminError::CredentialsMissing);
        };
        if let Some(ip) = req.peer {
            if let Err(wait) = self.ip_buckets.take(&ip, now) {
                return Err(AdminError::RateLimited {
                    retry_after_secs: wait.as_secs().max(1),
                });
            }
            self.schedule_sweep(now);
        }
        let auth = AdminAuth {
            sdk_app_id,
            identifier,
            usersig,
        };
        match req.path {
            ACCOUNT_IMPORT_PATH => {
                let body: ImportBody =
                    serde_json::from_slice(req.body).map_err(|_| AdminError::InvalidJson)?;
                let user = user_id(body.user_id.or(body.identifier))?;
                self.handle_account_import(unix_ms, &auth, &user)?;
                Ok(RestResponse::ok())
            }
            MULTIACCOUNT_IMPORT_PATH => {
                let body: MultiImportBody =
                    serde_json::from_slice(req.body).map_err(|_| AdminError::InvalidJson)?;
                let accounts = body
                    .accounts
                    .ok_or_else(|| AdminError::InvalidParameter("Accounts is required".into()))?;
                if accounts.is_empty() || accounts.len() > MAX_IMPORT_ACCOUNTS {
                    return Err(AdminError::InvalidParameter(format!(
                        "Accounts must list 1 to {MAX_IMPORT_ACCOUNTS} user IDs"
                    )));
                }
                let failed = self.handle_multiaccount_import(unix_ms, &auth, accounts)?;
                Ok(RestResponse::imported(&failed))
            }
            _ => {
                let body: KickBody =
                    serde_json::from_slice(req.body).map_err(|_| AdminError::InvalidJson)?;
                let user = user_id(body.user_id)?;
                self.handle_admin_kick(unix_ms, &auth, &user)?;
                Ok(RestResponse::ok())
            }
        }
    }

    /// `im_open_login_svc/account_import` of `user`, called by `auth`: the
    /// account exists afterwards (importing an existing one is a no-op).
    pub fn handle_account_import(
        &mut self,
        unix_ms: u64,
        auth: &AdminAuth,
        user: &str,
    ) -> Result<(), AdminError> {
        self.check_admin(unix_ms, auth)?;
        let app = auth.sdk_app_id;
        match self.store.ensure_account(app, user, unix_ms) {
            Ok(account) => {
                if account.created {
                    tracing::info!(app, user = %short(user), tiny_id = account.tiny_id, "account imported");
                }
                Ok(())
            }
            Err(err) => {
                tracing::error!(%err, "store failure in a REST call");
                Err(AdminError::Internal)
            }
        }
    }

    /// `im_open_login_svc/multiaccount_import` of `accounts`, called by
    /// `auth`. Returns the entries that were not imported (not a string of
    /// 1 to 256 bytes), as given (non-strings as their JSON text, cut).
    pub fn handle_multiaccount_import(
        &mut self,
        unix_ms: u64,
        auth: &AdminAuth,
        accounts: Vec<serde_json::Value>,
    ) -> Result<Vec<String>, AdminError> {
        self.check_admin(unix_ms, auth)?;
        let mut failed = Vec::new();
        for value in accounts {
            match user_id(Some(value.clone())) {
                Ok(user) => self.handle_account_import(unix_ms, auth, &user)?,
                Err(_) => failed.push(match value {
                    serde_json::Value::String(s) => s,
                    other => other.to_string().chars().take(64).collect(),
                }),
            }
        }
        Ok(failed)
    }

    /// `im_open_login_svc/kick` for `user`, called by `auth`: every valid
    /// session of the user is forced offline with `KickType` 3 (connected
    /// ones get the push). Returns how many sessions there were.
    pub fn handle_admin_kick(
        &mut self,
        unix_ms: u64,
        auth: &AdminAuth,
        user: &str,
    ) -> Result<usize, AdminError> {
        self.check_admin(unix_ms, auth)?;
        let app = auth.sdk_app_id;
        match self.store.account(app, user) {
            Ok(Some(_)) => {}
            Ok(None) => return Err(AdminError::UserNotFound(user.to_owned())),
            Err(err) => {
                tracing::error!(%err, "store failure in a REST call");
                return Err(AdminError::Internal);
            }
        }
        let kicked = self.kick_user(unix_ms, app, user, KickType::RestApi);
        tracing::info!(app, user = %short(user), admin = %short(&auth.identifier), kicked, "REST kick");
        Ok(kicked)
    }

    /// Check that `auth` is an administrator of its application with a
    /// valid UserSig.
    pub fn check_admin(&self, unix_ms: u64, auth: &AdminAuth) -> Result<(), AdminError> {
        let app = auth.sdk_app_id;
        let secret = self
            .config
            .secret_of(app)
            .ok_or(AdminError::UnknownSdkAppId(app))?;
        verify_usersig(&auth.usersig, app, secret, &auth.identifier, unix_ms / 1000)?;
        if !self.config.is_admin(app, &auth.identifier) {
            return Err(AdminError::NotAdmin(auth.identifier.clone()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameters_are_decoded() {
        let q = "sdkappid=14&identifier=ad%20min&usersig=a*b-c_&random=9&x";
        assert_eq!(query_param(q, "identifier").as_deref(), Some("ad min"));
        assert_eq!(query_param(q, "usersig").as_deref(), Some("a*b-c_"));
        assert_eq!(query_param(q, "x").as_deref(), Some(""));
        assert_eq!(query_param(q, "nope"), None);
        assert_eq!(query_param("a=%zz", "a"), None);
        assert_eq!(query_param("a=%e2%82%ac", "a").as_deref(), Some("€"));
    }
}
