//! `tcchat-server`: run the reference server, mint a UserSig, or call the
//! REST admin API.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Parser, Subcommand};
use serde::Deserialize;
use tcchat_server::engine::{EngineConfig, InstancePolicy, RateLimit};
use tcchat_server::{gen_usersig, AppConfig, DbLocation, ServerConfig};

/// jemalloc instead of the system allocator. After a flood of large frames
/// glibc's per-thread arenas kept about 7 MiB of freed memory resident
/// (`malloc_trim` on the load run's server gave it back;
/// docs/HOSTILE_INPUT.md); jemalloc's background thread returns freed pages
/// to the OS on its own, within about a second with [`MALLOC_CONF`].
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's options, read at its start: purge from a background thread,
/// unused dirty pages after 1 s, and muzzy ones at once.
#[cfg(not(target_env = "msvc"))]
// The one `unsafe` outside the benches: jemalloc reads its options from
// this exported symbol, the only way to set them at build time.
#[allow(non_upper_case_globals, unsafe_code)]
#[export_name = "_rjem_malloc_conf"]
pub static MALLOC_CONF: &[u8] = b"background_thread:true,max_background_threads:1,narenas:2,dirty_decay_ms:1000,muzzy_decay_ms:0\0";

/// Reference server for tcchat: the Tencent Cloud Chat Web SDK wire format
/// over WebSocket, with SQLite storage. For local development.
#[derive(Debug, Parser)]
#[command(name = "tcchat-server", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server until Ctrl-C.
    Serve(ServeArgs),
    /// Print a UserSig (TLSSigAPIv2) for a user.
    Usersig(UsersigArgs),
    /// Force every session of a user offline through the REST admin API
    /// (`im_open_login_svc/kick`); prints the JSON response.
    Kick(KickArgs),
}

#[derive(Debug, clap::Args)]
struct KickArgs {
    /// Base URL of the server's HTTP listener.
    #[arg(long, default_value = "http://127.0.0.1:9001")]
    url: String,
    /// The application's SDKAppID.
    #[arg(long)]
    sdkappid: u64,
    /// The application's secret key (signs the administrator's UserSig).
    #[arg(long)]
    key: String,
    /// The administrator identity to call as.
    #[arg(long, default_value = "administrator")]
    admin: String,
    /// The user to kick.
    #[arg(long)]
    user: String,
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// TOML configuration file; flags given on the command line override it.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// WebSocket listen address [default: 127.0.0.1:9000].
    #[arg(long, value_name = "ADDR")]
    ws_addr: Option<SocketAddr>,
    /// Database file, or `:memory:` [default: tcchat.db].
    #[arg(long, value_name = "PATH")]
    db: Option<String>,
    /// An application as SDKAPPID:SECRETKEY; repeat for several. Replaces
    /// the applications of the config file.
    #[arg(long = "app", value_name = "SDKAPPID:SECRETKEY", value_parser = parse_app)]
    apps: Vec<AppConfig>,
    /// HelloInterval sent to clients, seconds [default: 120].
    #[arg(long, value_name = "SECS")]
    hello_interval: Option<u64>,
    /// HTTP listen address of the REST admin API, or `off`
    /// [default: 127.0.0.1:9001].
    #[arg(long, value_name = "ADDR|off")]
    http_addr: Option<String>,
}

#[derive(Debug, clap::Args)]
struct UsersigArgs {
    /// The application's SDKAppID.
    #[arg(long)]
    sdkappid: u64,
    /// The application's secret key.
    #[arg(long)]
    key: String,
    /// The user ID.
    #[arg(long)]
    user: String,
    /// Validity in seconds from now.
    #[arg(long, default_value_t = 604_800)]
    expire: u64,
}

/// The config file: the same fields as the flags, plus the other knobs.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    ws_addr: Option<SocketAddr>,
    http_addr: Option<String>,
    admins: Option<Vec<String>>,
    max_conns_per_ip: Option<usize>,
    instances: Option<FileInstances>,
    login_rate_per_ip: Option<FileRate>,
    login_rate_per_user: Option<FileRate>,
    login_rate_total: Option<FileRate>,
    message_rate_per_user: Option<FileRate>,
    frame_rate_before_login: Option<FileRate>,
    max_frame_bytes_before_login: Option<usize>,
    auto_create_accounts: Option<bool>,
    max_input_bytes: Option<usize>,
    max_http_conns_per_ip: Option<usize>,
    db: Option<String>,
    hello_interval: Option<u64>,
    login_timeout_secs: Option<u64>,
    idle_timeout_secs: Option<u64>,
    a2_max_ttl_secs: Option<u64>,
    getmsg_page_size: Option<usize>,
    revoke_time_limit_secs: Option<u64>,
    files: Option<FileFiles>,
    outbound_queue_len: Option<usize>,
    max_frame_bytes: Option<usize>,
    groups: Option<FileGroups>,
    #[serde(default)]
    apps: Vec<FileApp>,
}

/// `[files]`: uploads (docs/FILES.md).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFiles {
    base_url: Option<String>,
    max_file_bytes: Option<usize>,
    max_total_bytes: Option<usize>,
    url_ttl_secs: Option<u64>,
    require_auth_key: Option<bool>,
    simple_cos: Option<bool>,
}

/// `[groups]`: member limits per group type, groups per user.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileGroups {
    private_members: Option<u64>,
    public_members: Option<u64>,
    chat_room_members: Option<u64>,
    av_chat_room_members: Option<u64>,
    community_members: Option<u64>,
    max_joined_per_user: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileApp {
    sdk_app_id: u64,
    secret_key: String,
    admins: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileInstances {
    per_class: Option<usize>,
    kick_other_classes: Option<bool>,
    max_per_user: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRate {
    burst: u32,
    per_minute: u32,
}

impl From<FileRate> for RateLimit {
    fn from(r: FileRate) -> RateLimit {
        RateLimit {
            burst: r.burst,
            per_minute: r.per_minute,
        }
    }
}

/// `ADDR` or `off`.
fn parse_http_addr(s: &str) -> Result<Option<SocketAddr>, String> {
    if s == "off" || s.is_empty() {
        return Ok(None);
    }
    s.parse()
        .map(Some)
        .map_err(|_| format!("http_addr {s:?} is neither an address nor \"off\""))
}

fn parse_app(s: &str) -> Result<AppConfig, String> {
    let (id, key) = s
        .split_once(':')
        .ok_or_else(|| "expected SDKAPPID:SECRETKEY".to_owned())?;
    let sdk_app_id = id
        .parse()
        .map_err(|_| format!("SDKAppID {id:?} is not a number"))?;
    if key.is_empty() {
        return Err("the secret key is empty".to_owned());
    }
    Ok(AppConfig {
        sdk_app_id,
        secret_key: key.to_owned(),
    })
}

fn load_file(path: &Path) -> Result<FileConfig, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn server_config(args: ServeArgs) -> Result<ServerConfig, String> {
    let file = match &args.config {
        Some(path) => load_file(path)?,
        None => FileConfig::default(),
    };
    let mut config = ServerConfig::ephemeral(Vec::new());
    config.ws_addr = args
        .ws_addr
        .or(file.ws_addr)
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 9000)));
    config.http_addr = match args.http_addr.or(file.http_addr) {
        Some(v) => parse_http_addr(&v)?,
        None => Some(SocketAddr::from(([127, 0, 0, 1], 9001))),
    };
    if let Some(admins) = file.admins {
        config.admins = admins;
    }
    if let Some(v) = file.max_conns_per_ip {
        config.max_conns_per_ip = v;
    }
    if let Some(i) = file.instances {
        let d = InstancePolicy::DEFAULT;
        config.instances = InstancePolicy {
            per_class: i.per_class.unwrap_or(d.per_class),
            kick_other_classes: i.kick_other_classes.unwrap_or(d.kick_other_classes),
            max_per_user: i.max_per_user.unwrap_or(d.max_per_user),
        };
    }
    if let Some(r) = file.login_rate_per_ip {
        config.login_rate_per_ip = r.into();
    }
    if let Some(r) = file.login_rate_per_user {
        config.login_rate_per_user = r.into();
    }
    if let Some(r) = file.login_rate_total {
        config.login_rate_total = r.into();
    }
    // The library's default has no message rate (tests, benchmarks); a
    // server someone runs gets one.
    config.message_rate_per_user = file
        .message_rate_per_user
        .map_or(EngineConfig::DEFAULT_MESSAGE_RATE_PER_USER, RateLimit::from);
    if let Some(r) = file.frame_rate_before_login {
        config.frame_rate_before_login = r.into();
    }
    if let Some(v) = file.max_frame_bytes_before_login {
        config.max_frame_bytes_before_login = v;
    }
    if let Some(v) = file.auto_create_accounts {
        config.auto_create_accounts = v;
    }
    if let Some(v) = file.max_input_bytes {
        config.max_input_bytes = v;
    }
    if let Some(v) = file.max_http_conns_per_ip {
        config.max_http_conns_per_ip = v;
    }
    config.db = DbLocation::parse(args.db.or(file.db).as_deref().unwrap_or("tcchat.db"));
    if let Some(v) = args.hello_interval.or(file.hello_interval) {
        config.hello_interval_secs = v;
    }
    if let Some(v) = file.login_timeout_secs {
        config.login_timeout_secs = v;
    }
    if let Some(v) = file.idle_timeout_secs {
        config.idle_timeout_secs = v;
    }
    if let Some(v) = file.a2_max_ttl_secs {
        config.a2_max_ttl_secs = v;
    }
    if let Some(v) = file.getmsg_page_size {
        config.getmsg_page_size = v;
    }
    if let Some(v) = file.revoke_time_limit_secs {
        config.revoke_time_limit_secs = v;
    }
    if let Some(files) = file.files {
        if let Some(v) = files.base_url {
            config.files.base_url = Some(v);
        }
        if let Some(v) = files.max_file_bytes {
            config.files.max_file_bytes = v;
        }
        if let Some(v) = files.max_total_bytes {
            config.files.max_total_bytes = v;
        }
        if let Some(v) = files.url_ttl_secs {
            config.files.url_ttl = std::time::Duration::from_secs(v);
        }
        if let Some(v) = files.require_auth_key {
            config.files.require_auth_key = v;
        }
        if let Some(v) = files.simple_cos {
            config.files.simple_cos = Some(v);
        }
    }
    if let Some(v) = file.outbound_queue_len {
        config.outbound_queue_len = v;
    }
    if let Some(v) = file.max_frame_bytes {
        config.limits.max_frame_bytes = v;
    }
    if let Some(g) = file.groups {
        let d = &mut config.groups;
        d.private_members = g.private_members.unwrap_or(d.private_members);
        d.public_members = g.public_members.unwrap_or(d.public_members);
        d.chat_room_members = g.chat_room_members.unwrap_or(d.chat_room_members);
        d.av_chat_room_members = g.av_chat_room_members.unwrap_or(d.av_chat_room_members);
        d.community_members = g.community_members.unwrap_or(d.community_members);
        d.max_joined_per_user = g.max_joined_per_user.unwrap_or(d.max_joined_per_user);
    }
    let mut app_admins = BTreeMap::new();
    config.apps = if args.apps.is_empty() {
        file.apps
            .into_iter()
            .map(|a| {
                if let Some(admins) = a.admins {
                    app_admins.insert(a.sdk_app_id, admins);
                }
                AppConfig {
                    sdk_app_id: a.sdk_app_id,
                    secret_key: a.secret_key,
                }
            })
            .collect()
    } else {
        args.apps
    };
    config.app_admins = app_admins;
    config.validate().map_err(|e| e.to_string())?;
    Ok(config)
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

async fn serve(config: ServerConfig) -> Result<(), String> {
    let server = tcchat_server::start(config)
        .await
        .map_err(|e| e.to_string())?;
    eprintln!("tcchat-server: listening on {}/binfo", server.ws_url());
    if let Some(url) = server.http_url() {
        eprintln!("tcchat-server: REST admin API on {url}/v4/...");
    }
    if let Err(err) = tokio::signal::ctrl_c().await {
        tracing::error!(%err, "cannot wait for Ctrl-C; shutting down");
    }
    eprintln!("tcchat-server: shutting down");
    server.shutdown().await;
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Usersig(args) => {
            let sig = gen_usersig(
                args.sdkappid,
                &args.key,
                &args.user,
                args.expire,
                unix_now(),
            );
            println!("{sig}");
            ExitCode::SUCCESS
        }
        Command::Kick(args) => match kick(&args) {
            Ok((code, body)) => {
                println!("{body}");
                if code == 0 {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                }
            }
            Err(err) => {
                eprintln!("tcchat-server kick: {err}");
                ExitCode::FAILURE
            }
        },
        Command::Serve(args) => {
            tracing_subscriber::fmt()
                .with_env_filter(
                    tracing_subscriber::EnvFilter::try_from_default_env()
                        .unwrap_or_else(|_| "info".into()),
                )
                .with_writer(std::io::stderr)
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
                .init();
            let result = server_config(args).and_then(|config| {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .map_err(|e| format!("cannot start the runtime: {e}"))?;
                runtime.block_on(serve(config))
            });
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(err) => {
                    eprintln!("tcchat-server: {err}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// `POST {url}/v4/im_open_login_svc/kick` as the administrator; returns the
/// response's `ErrorCode` and body.
fn kick(args: &KickArgs) -> Result<(u64, String), String> {
    let reply = tcchat_server::admin_client::rest_kick(
        &args.url,
        args.sdkappid,
        &args.key,
        &args.admin,
        &args.user,
        unix_now(),
    )?;
    Ok((reply.error_code, reply.body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(config: Option<PathBuf>) -> ServeArgs {
        ServeArgs {
            config,
            ws_addr: None,
            db: None,
            apps: Vec::new(),
            hello_interval: None,
            http_addr: None,
        }
    }

    #[test]
    fn every_documented_key_of_the_config_file_is_read() {
        let path = std::env::temp_dir().join(format!("tcchat-cfg-{}.toml", std::process::id()));
        std::fs::write(
            &path,
            r#"
ws_addr = "127.0.0.1:9100"
http_addr = "off"
db = ":memory:"
admins = ["ops"]
max_conns_per_ip = 7
max_frame_bytes_before_login = 4096
auto_create_accounts = false
max_input_bytes = 33554432
max_http_conns_per_ip = 3
[message_rate_per_user]
burst = 8
per_minute = 9
[frame_rate_before_login]
burst = 10
per_minute = 11
[instances]
per_class = 2
kick_other_classes = true
max_per_user = 5
[login_rate_per_ip]
burst = 3
per_minute = 4
[login_rate_per_user]
burst = 5
per_minute = 6
[login_rate_total]
burst = 7
per_minute = 8
[groups]
public_members = 50
max_joined_per_user = 7
[[apps]]
sdk_app_id = 1
secret_key = "k"
admins = ["root"]
[[apps]]
sdk_app_id = 2
secret_key = "k2"
"#,
        )
        .unwrap();
        let config = server_config(args(Some(path.clone()))).unwrap();
        let _ = std::fs::remove_file(&path);
        assert_eq!(config.http_addr, None);
        assert_eq!(config.admins, ["ops"]);
        assert_eq!(config.app_admins.get(&1).unwrap(), &["root"]);
        assert!(!config.app_admins.contains_key(&2));
        assert_eq!(config.max_conns_per_ip, 7);
        assert_eq!(
            config.instances,
            InstancePolicy {
                per_class: 2,
                kick_other_classes: true,
                max_per_user: 5
            }
        );
        assert_eq!(config.login_rate_per_ip.burst, 3);
        assert_eq!(config.login_rate_per_user.per_minute, 6);
        assert_eq!(config.login_rate_total.burst, 7);
        assert_eq!(config.login_rate_total.per_minute, 8);
        assert_eq!(config.max_frame_bytes_before_login, 4096);
        assert!(!config.auto_create_accounts);
        assert_eq!(config.max_input_bytes, 32 << 20);
        assert_eq!(config.max_http_conns_per_ip, 3);
        let engine = config.engine_config();
        assert_eq!(engine.message_rate_per_user.burst, 8);
        assert_eq!(engine.message_rate_per_user.per_minute, 9);
        assert_eq!(engine.frame_rate_before_login.burst, 10);
        assert_eq!(engine.frame_rate_before_login.per_minute, 11);
        assert!(!engine.auto_create_accounts);
        assert_eq!(engine.max_frame_bytes_before_login, 4096);
        assert!(engine.is_admin(1, "root") && !engine.is_admin(1, "ops"));
        assert!(engine.is_admin(2, "ops"));
        assert_eq!(engine.groups.public_members, 50);
        assert_eq!(engine.groups.max_joined_per_user, 7);
        assert_eq!(
            engine.groups.private_members, 200,
            "unset keys keep their default"
        );
    }

    #[test]
    fn defaults_serve_http_on_9001() {
        let mut a = args(None);
        a.apps = vec![parse_app("1:k").unwrap()];
        let mut b = args(None);
        b.apps = vec![parse_app("1:k").unwrap()];
        let served = server_config(b).unwrap();
        assert_eq!(
            served.message_rate_per_user,
            EngineConfig::DEFAULT_MESSAGE_RATE_PER_USER,
            "a served server has a message rate"
        );
        let config = server_config(a).unwrap();
        assert_eq!(
            config.http_addr,
            Some(SocketAddr::from(([127, 0, 0, 1], 9001)))
        );
        assert_eq!(config.admins, ["administrator"]);
        assert_eq!(config.instances, InstancePolicy::DEFAULT);
        assert!(parse_http_addr("nonsense").is_err());
    }
}
