//! `tcchat-server`: run the reference server, or mint a UserSig.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Parser, Subcommand};
use serde::Deserialize;
use tcchat_server::{gen_usersig, AppConfig, DbLocation, ServerConfig};

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
    http_addr: Option<SocketAddr>,
    db: Option<String>,
    hello_interval: Option<u64>,
    login_timeout_secs: Option<u64>,
    idle_timeout_secs: Option<u64>,
    a2_max_ttl_secs: Option<u64>,
    getmsg_page_size: Option<usize>,
    outbound_queue_len: Option<usize>,
    max_frame_bytes: Option<usize>,
    #[serde(default)]
    apps: Vec<FileApp>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileApp {
    sdk_app_id: u64,
    secret_key: String,
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
    config.http_addr = file.http_addr;
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
    if let Some(v) = file.outbound_queue_len {
        config.outbound_queue_len = v;
    }
    if let Some(v) = file.max_frame_bytes {
        config.limits.max_frame_bytes = v;
    }
    config.apps = if args.apps.is_empty() {
        file.apps
            .into_iter()
            .map(|a| AppConfig {
                sdk_app_id: a.sdk_app_id,
                secret_key: a.secret_key,
            })
            .collect()
    } else {
        args.apps
    };
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
