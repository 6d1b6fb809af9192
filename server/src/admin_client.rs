//! A client for the REST admin API, for the `tcchat-server kick` command and
//! for tests on any async runtime.

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;

use crate::engine::KICK_PATH;
use crate::usersig::gen_usersig;

/// What the REST API answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestReply {
    /// The response's `ErrorCode` (0 on success).
    pub error_code: u64,
    /// The whole JSON response.
    pub body: String,
}

/// Kick every session of `user` through `POST <http_url>/v4/im_open_login_svc/kick`,
/// signing as `admin` with the application's secret key.
///
/// Blocking: it runs the request on its own thread and runtime, so it can
/// be called from any context, including inside another async runtime.
pub fn rest_kick(
    http_url: &str,
    sdk_app_id: u64,
    secret_key: &str,
    admin: &str,
    user: &str,
    now_unix: u64,
) -> Result<RestReply, String> {
    let sig = gen_usersig(sdk_app_id, secret_key, admin, 300, now_unix);
    let mut url = url::Url::parse(http_url)
        .and_then(|base| base.join(KICK_PATH))
        .map_err(|e| format!("bad URL {http_url:?}: {e}"))?;
    url.query_pairs_mut()
        .append_pair("sdkappid", &sdk_app_id.to_string())
        .append_pair("identifier", admin)
        .append_pair("usersig", &sig)
        .append_pair("random", &(now_unix % 4_294_967_296).to_string())
        .append_pair("contenttype", "json");
    let body = serde_json::json!({ "UserID": user }).to_string();
    let url = url.to_string();
    let text = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the runtime: {e}"))?;
        runtime.block_on(http_post(&url, body))
    })
    .join()
    .map_err(|_| "the HTTP thread panicked".to_owned())??;
    let error_code = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v["ErrorCode"].as_u64())
        .ok_or_else(|| format!("not a REST response: {text}"))?;
    Ok(RestReply {
        error_code,
        body: text,
    })
}

/// A one-shot HTTP/1.1 POST of a JSON body over plain TCP.
async fn http_post(url: &str, body: String) -> Result<String, String> {
    let uri: hyper::Uri = url.parse().map_err(|e| format!("bad URL {url:?}: {e}"))?;
    if uri.scheme_str() != Some("http") {
        return Err("only http:// URLs are supported".into());
    }
    let host = uri.host().ok_or("the URL has no host")?.to_owned();
    let port = uri.port_u16().unwrap_or(80);
    let stream = tokio::net::TcpStream::connect((host.as_str(), port))
        .await
        .map_err(|e| format!("cannot connect to {host}:{port}: {e}"))?;
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| format!("HTTP handshake: {e}"))?;
    tokio::spawn(conn);
    let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
    let request = hyper::Request::post(path)
        .header(hyper::header::HOST, format!("{host}:{port}"))
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| e.to_string())?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| format!("HTTP request: {e}"))?;
    let bytes = response
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("HTTP response: {e}"))?
        .to_bytes();
    String::from_utf8(bytes.to_vec()).map_err(|_| "the response is not UTF-8".into())
}
