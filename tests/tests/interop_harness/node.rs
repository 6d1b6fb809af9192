//! Node and the official SDK's npm packages (`tests/interop`).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;

pub fn interop_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("interop")
}

/// `node_modules` holds exactly what package-lock.json pins.
pub fn deps_installed(dir: &Path) -> bool {
    let installed = |name: &str| -> Option<String> {
        let text =
            std::fs::read_to_string(dir.join("node_modules").join(name).join("package.json"))
                .ok()?;
        let v: Value = serde_json::from_str(&text).ok()?;
        v["version"].as_str().map(str::to_owned)
    };
    let Ok(lock) = std::fs::read_to_string(dir.join("package-lock.json")) else {
        return false;
    };
    let Ok(lock) = serde_json::from_str::<Value>(&lock) else {
        return false;
    };
    ["@tencentcloud/chat", "ws", "tim-upload-plugin"]
        .iter()
        .all(|name| {
            let pinned = lock["packages"][format!("node_modules/{name}")]["version"].as_str();
            pinned.is_some() && installed(name).as_deref() == pinned
        })
}

/// Run `cmd` to completion within `limit`, or explain why not.
pub fn run_bounded(
    mut cmd: std::process::Command,
    what: &str,
    limit: Duration,
) -> Result<(), String> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{what}: cannot start: {e}"))?;
    // Drain output on threads so a chatty child cannot block on a full pipe.
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut text);
            }
            text
        })
    };
    let out = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let err = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{what}: did not finish within {limit:?}"));
            }
            Err(e) => return Err(format!("{what}: {e}")),
        }
    };
    let out = out.join().unwrap_or_default();
    let err = err.join().unwrap_or_default();
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what}: {status}\nstdout:\n{out}\nstderr:\n{err}"))
    }
}

/// Node is present and `tests/interop/node_modules` matches the lock file,
/// installing it with `npm ci` if not (once per test binary).
pub fn node_ready() -> &'static Path {
    static READY: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let result = READY.get_or_init(|| {
        let dir = interop_dir();
        let mut node = std::process::Command::new("node");
        node.arg("--version");
        run_bounded(node, "node --version", Duration::from_secs(30))
            .map_err(|e| format!("the interop tests need Node.js 20+ on PATH (and npm): {e}"))?;
        if !deps_installed(&dir) {
            let mut npm = std::process::Command::new("npm");
            npm.args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(&dir);
            run_bounded(npm, "npm ci in tests/interop", Duration::from_secs(300))?;
            if !deps_installed(&dir) {
                return Err(
                    "npm ci finished but node_modules does not match package-lock.json".into(),
                );
            }
        }
        Ok(dir)
    });
    match result {
        Ok(dir) => dir,
        Err(e) => panic!("{e}"),
    }
}
