//! One official-SDK instance in a Node process, and what it recorded.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::watch;

use super::node::node_ready;
use super::{now_ms, scratch_dir, sig, APP, PATIENCE};

/// Uplink servcmds that expect no reply.
pub const NO_REPLY: &[&str] = &["openim.ws_msg_push_ack"];

/// One official-SDK instance in its own Node process (see agent.js).
pub struct Agent {
    name: String,
    _child: Child,
    stdin: ChildStdin,
    records: Arc<Mutex<Vec<Value>>>,
    count: watch::Receiver<usize>,
    ended: Arc<AtomicBool>,
    stderr: Arc<Mutex<String>>,
    next_id: AtomicU64,
}

impl Agent {
    /// Start Node and wait for the agent's hello. `name` names the record
    /// file (`<test>-<role>`).
    pub async fn start(name: &str) -> Agent {
        let dir = tokio::task::spawn_blocking(|| node_ready().to_path_buf())
            .await
            .expect("node_ready");
        let mut child = Command::new("node")
            .arg("agent.js")
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start node agent.js");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let stderr_pipe = child.stderr.take().expect("stderr");
        let records = Arc::new(Mutex::new(Vec::new()));
        let ended = Arc::new(AtomicBool::new(false));
        let stderr = Arc::new(Mutex::new(String::new()));
        let (count_tx, count) = watch::channel(0usize);
        {
            let records = Arc::clone(&records);
            let ended = Arc::clone(&ended);
            tokio::spawn(async move {
                let mut lines = BufReader::new(stdout).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    let record = serde_json::from_str::<Value>(&line)
                        .unwrap_or_else(|_| json!({"k": "stdout", "text": line, "t": now_ms()}));
                    let n = {
                        let mut records = records.lock().unwrap();
                        records.push(record);
                        records.len()
                    };
                    let _ = count_tx.send(n);
                }
                ended.store(true, Ordering::SeqCst);
                count_tx.send_modify(|_| {});
            });
        }
        {
            let stderr = Arc::clone(&stderr);
            tokio::spawn(async move {
                let mut text = String::new();
                let mut pipe = stderr_pipe;
                let _ = pipe.read_to_string(&mut text).await;
                stderr.lock().unwrap().push_str(&text);
            });
        }
        let agent = Agent {
            name: name.to_owned(),
            _child: child,
            stdin,
            records,
            count,
            ended,
            stderr,
            next_id: AtomicU64::new(1),
        };
        agent
            .wait("the agent's hello", 0, PATIENCE, |r| r["k"] == "hello")
            .await;
        agent
    }

    /// Start Node and `TencentCloudChat.create({SDKAppID, proxyServer})`
    /// with `setLogLevel(log_level)`.
    pub async fn create(name: &str, url: &str, log_level: u8) -> Agent {
        let mut agent = Agent::start(name).await;
        agent
            .call(
                "create",
                json!({"sdkAppID": APP, "proxyServer": url, "logLevel": log_level}),
            )
            .await
            .unwrap_or_else(|e| panic!("{}: create failed: {e}", agent.name));
        agent
    }

    /// Start Node and `TencentCloudChat.create` with `options` added to
    /// `{SDKAppID, proxyServer}` (for example `uploadPlugin: true` to
    /// register `tim-upload-plugin`, `fileUploadProxy`).
    pub async fn create_with(name: &str, url: &str, log_level: u8, options: Value) -> Agent {
        let mut agent = Agent::start(name).await;
        let mut args = json!({"sdkAppID": APP, "proxyServer": url, "logLevel": log_level});
        for (k, v) in options.as_object().into_iter().flatten() {
            args[k] = v.clone();
        }
        agent
            .call("create", args)
            .await
            .unwrap_or_else(|e| panic!("{}: create failed: {e}", agent.name));
        agent
    }

    /// Send a command and wait (bounded) for its promise.
    pub async fn call(&mut self, op: &str, args: Value) -> Result<Value, Value> {
        self.call_within(op, args, PATIENCE).await
    }

    pub async fn call_within(
        &mut self,
        op: &str,
        args: Value,
        within: Duration,
    ) -> Result<Value, Value> {
        let from = self.mark();
        let id = self.submit(op, args).await;
        self.outcome(op, id, from, within).await
    }

    /// Send a command without waiting for its promise; returns its id for
    /// [`Agent::outcome`].
    pub async fn submit(&mut self, op: &str, mut args: Value) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        args["id"] = json!(id);
        args["op"] = json!(op);
        let line = format!("{args}\n");
        if let Err(e) = self.stdin.write_all(line.as_bytes()).await {
            panic!("{}: cannot send {op}: {e}\n{}", self.name, self.tail());
        }
        let _ = self.stdin.flush().await;
        id
    }

    /// Wait (bounded) for the promise of command `id` (submitted as `op`
    /// when the records were at `from`): its data, or the rejection record
    /// (`code`, `message`, `data`).
    pub async fn outcome(
        &self,
        op: &str,
        id: u64,
        from: usize,
        within: Duration,
    ) -> Result<Value, Value> {
        let (_, result) = self
            .wait(&format!("the result of {op}"), from, within, |r| {
                r["k"] == "result" && r["id"] == id
            })
            .await;
        if result["ok"] == true {
            Ok(result["data"].clone())
        } else {
            Err(result)
        }
    }

    /// `call` that must resolve: its data, or a panic with the rejection
    /// and the agent's recent records.
    pub async fn ok(&mut self, op: &str, args: Value) -> Value {
        let shown = abridge(&args.to_string(), 200);
        match self.call(op, args).await {
            Ok(data) => data,
            Err(e) => panic!("{}: {op} {shown} rejected: {e}\n{}", self.name, self.tail()),
        }
    }

    /// `call` that must reject: the rejection record (`code`, `message`,
    /// `data`), or a panic with what it resolved with.
    pub async fn refused(&mut self, op: &str, args: Value) -> Value {
        let shown = abridge(&args.to_string(), 200);
        match self.call(op, args).await {
            Ok(data) => panic!(
                "{}: {op} {shown} resolved with {data}, expected a rejection\n{}",
                self.name,
                self.tail()
            ),
            Err(e) => e,
        }
    }

    pub async fn login(&mut self, user: &str) -> Value {
        let signature = sig(user);
        self.login_with(user, &signature).await
    }

    pub async fn login_with(&mut self, user: &str, user_sig: &str) -> Value {
        let from = self.mark();
        let data = self
            .call("login", json!({"userID": user, "userSig": user_sig}))
            .await
            .unwrap_or_else(|e| {
                panic!("{}: login {user} rejected: {e}\n{}", self.name, self.tail())
            });
        self.wait_event("SDK_READY", from, PATIENCE, |_| true).await;
        data
    }

    pub async fn send_text(&mut self, to: &str, text: &str) -> Value {
        self.call("sendText", json!({"to": to, "text": text}))
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "{}: sendMessage to {to} rejected: {e}\n{}",
                    self.name,
                    self.tail()
                )
            })
    }

    /// Let the just-logged-in SDK become an idle, established client: its
    /// initial sync is over (the purchase-bits request goes out about 1 s
    /// after SDK_READY) and its socket has been open for 2 s. (The official
    /// SDK treats a socket that closes within 1 s of opening as a failed
    /// connect, and recovers from that differently.)
    pub async fn settle(&self) {
        self.wait("the initial sync to end", 0, PATIENCE, |r| {
            r["k"] == "down" && r["servcmd"] == "im_sdk_config_mgr.fetch_imsdk_purchase_bitsv2"
        })
        .await;
        let opened = self
            .records()
            .iter()
            .rev()
            .find(|r| r["k"] == "ws" && r["ev"] == "open")
            .and_then(|r| r["t"].as_u64())
            .expect("an open socket");
        let age = now_ms().saturating_sub(opened);
        if age < 2000 {
            tokio::time::sleep(Duration::from_millis(2000 - age)).await;
        }
    }

    /// The number of records so far: pass it to `wait` to look only at what
    /// comes next.
    pub fn mark(&self) -> usize {
        self.records.lock().unwrap().len()
    }

    pub fn records(&self) -> Vec<Value> {
        self.records.lock().unwrap().clone()
    }

    pub fn records_since(&self, from: usize) -> Vec<Value> {
        self.records.lock().unwrap()[from..].to_vec()
    }

    /// Wait for the first record at or after index `from` matching `pred`;
    /// returns its index and the record. Panics with the agent's recent
    /// records if none comes within `within` or Node exits.
    pub async fn wait(
        &self,
        what: &str,
        from: usize,
        within: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> (usize, Value) {
        match self.try_wait(from, within, pred).await {
            Some(found) => found,
            None if self.ended.load(Ordering::SeqCst) => panic!(
                "{}: node exited while waiting for {what}\nstderr:\n{}\n{}",
                self.name,
                self.stderr.lock().unwrap(),
                self.tail()
            ),
            None => panic!(
                "{}: no {what} within {within:?}\n{}",
                self.name,
                self.tail()
            ),
        }
    }

    /// `wait` that returns `None` instead of panicking.
    pub async fn try_wait(
        &self,
        from: usize,
        within: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> Option<(usize, Value)> {
        let deadline = tokio::time::Instant::now() + within;
        let mut count = self.count.clone();
        let mut next = from;
        loop {
            {
                let records = self.records.lock().unwrap();
                if let Some(i) = (next..records.len()).find(|&i| pred(&records[i])) {
                    return Some((i, records[i].clone()));
                }
                next = records.len().max(from);
            }
            if self.ended.load(Ordering::SeqCst) {
                return None;
            }
            match tokio::time::timeout_at(deadline, count.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) => {
                    // The reader is gone: one last look happens above.
                    if self.ended.load(Ordering::SeqCst) {
                        let records = self.records.lock().unwrap();
                        return (next..records.len())
                            .find(|&i| pred(&records[i]))
                            .map(|i| (i, records[i].clone()));
                    }
                }
                Err(_) => return None,
            }
        }
    }

    /// Wait for an EVENT (by its key, e.g. "SDK_READY") whose data matches.
    pub async fn wait_event(
        &self,
        name: &str,
        from: usize,
        within: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> (usize, Value) {
        self.wait(&format!("{name} event"), from, within, |r| {
            r["k"] == "event" && r["name"] == name && pred(&r["data"])
        })
        .await
    }

    /// Events named `name` at or after `from`.
    pub fn events(&self, name: &str, from: usize) -> Vec<Value> {
        self.records_since(from)
            .into_iter()
            .filter(|r| r["k"] == "event" && r["name"] == name)
            .collect()
    }

    /// SDK log lines the agent classed as errors or warnings, uncaught
    /// exceptions, and ERROR events, at or after `from`.
    pub fn problems(&self, from: usize) -> Vec<Value> {
        self.records_since(from)
            .into_iter()
            .filter(|r| {
                r["k"] == "fatal"
                    || r["k"] == "unhandled"
                    || (r["k"] == "log" && r["class"] != "info")
                    || (r["k"] == "event" && r["name"] == "ERROR")
            })
            .collect()
    }

    pub fn assert_no_problems(&self, from: usize) {
        self.assert_no_problems_except(from, &[]);
    }

    /// `assert_no_problems`, tolerating log lines containing one of
    /// `expected` (for faults a scenario causes on purpose).
    pub fn assert_no_problems_except(&self, from: usize, expected: &[&str]) {
        let problems: Vec<Value> = self
            .problems(from)
            .into_iter()
            .filter(|r| {
                !(r["k"] == "log"
                    && expected
                        .iter()
                        .any(|e| r["text"].as_str().is_some_and(|t| t.contains(e))))
            })
            .collect();
        assert!(
            problems.is_empty(),
            "{}: the official SDK reported problems:\n{}",
            self.name,
            lines(&problems)
        );
    }

    /// Every request the SDK has sent at or after `from` (except those
    /// that expect no reply) gets a reply with the same servcmd and seq and
    /// ErrorCode 0 (waiting, bounded, for replies still on their way).
    pub async fn assert_replies_ok(&self, from: usize) {
        self.assert_replies_ok_until(from, usize::MAX).await;
    }

    /// `assert_replies_ok` for the requests among records `from..until`
    /// (for instance those sent before a destroy, which closes the socket
    /// without waiting for replies still in flight).
    pub async fn assert_replies_ok_until(&self, from: usize, until: usize) {
        self.assert_replies_ok_except_until(from, until, &[]).await;
    }

    /// `assert_replies_ok`, allowing the refusals a scenario causes on
    /// purpose: `(servcmd, ErrorCode)` pairs.
    pub async fn assert_replies_ok_except(&self, from: usize, expected: &[(&str, i64)]) {
        self.assert_replies_ok_except_until(from, usize::MAX, expected)
            .await;
    }

    async fn assert_replies_ok_except_until(
        &self,
        from: usize,
        until: usize,
        expected: &[(&str, i64)],
    ) {
        let requests: Vec<(String, i64)> = self
            .records_since(from)
            .into_iter()
            .take(until.saturating_sub(from))
            .filter(|r| r["k"] == "up")
            .filter_map(|r| Some((r["servcmd"].as_str()?.to_owned(), r["seq"].as_i64()?)))
            .filter(|(cmd, _)| !NO_REPLY.contains(&cmd.as_str()))
            .collect();
        let mut failed = Vec::new();
        for (cmd, seq) in requests {
            let (_, reply) = self
                .wait(
                    &format!("a reply to {cmd} seq {seq}"),
                    from,
                    PATIENCE,
                    |r| r["k"] == "down" && r["servcmd"] == cmd.as_str() && r["seq"] == seq,
                )
                .await;
            let code = &reply["body"]["ErrorCode"];
            let allowed = expected
                .iter()
                .any(|(c, n)| *c == cmd.as_str() && code == n);
            if *code != 0 && !allowed {
                failed.push(format!("{cmd}: {}", reply["body"]));
            }
        }
        assert!(
            failed.is_empty(),
            "{}: requests refused: {failed:?}",
            self.name
        );
    }

    /// How many times each servcmd was sent at or after `from`.
    pub fn request_counts(&self, from: usize) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for r in self.records_since(from).iter().filter(|r| r["k"] == "up") {
            *counts
                .entry(r["servcmd"].as_str().unwrap_or("?").to_owned())
                .or_insert(0) += 1;
        }
        counts
    }

    /// The last records, for failure messages (frames abridged).
    pub fn tail(&self) -> String {
        let records = self.records();
        let start = records.len().saturating_sub(40);
        format!(
            "last {} of {} records of {} (all in {}):\n{}",
            records.len() - start,
            records.len(),
            self.name,
            self.record_file().display(),
            lines(&records[start..])
        )
    }

    pub fn record_file(&self) -> PathBuf {
        scratch_dir().join(format!("{}.jsonl", self.name))
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let mut text = String::new();
        for r in self.records.lock().unwrap().iter() {
            text.push_str(&r.to_string());
            text.push('\n');
        }
        let stderr = self.stderr.lock().unwrap().clone();
        if !stderr.is_empty() {
            text.push_str(&json!({"k": "stderr", "text": stderr}).to_string());
            text.push('\n');
        }
        let _ = std::fs::write(self.record_file(), text);
        // kill_on_drop ends the Node process we started.
    }
}

/// Records as short lines: frames abridged, the rest as JSON.
pub fn lines(records: &[Value]) -> String {
    records
        .iter()
        .map(|r| match r["k"].as_str() {
            Some("up") | Some("down") => format!(
                "  {} {} conn {} {} seq {} {}",
                r["t"],
                r["k"],
                r["conn"],
                r["servcmd"].as_str().unwrap_or("?"),
                r["seq"],
                abridge(&r["body"].to_string(), 160)
            ),
            _ => format!("  {}", abridge(&r.to_string(), 400)),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn abridge(s: &str, n: usize) -> String {
    if s.len() <= n {
        s.to_owned()
    } else {
        let mut end = n;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}…", &s[..end])
    }
}

/// The messages of a MESSAGE_RECEIVED record (agent.js's message view).
pub fn received(record: &Value) -> Vec<Value> {
    record["data"].as_array().cloned().unwrap_or_default()
}

/// The message with `id` in an event's data that lists messages
/// (MESSAGE_RECEIVED, _MODIFIED, _REVOKED, _READ_BY_PEER: agent.js's
/// message view), or in a `messageList` result.
pub fn message_in(data: &Value, id: &str) -> Option<Value> {
    let list = data.as_array().or_else(|| data["messageList"].as_array())?;
    list.iter().find(|m| m["ID"] == id).cloned()
}

/// A predicate on event data: it lists the message `id`.
pub fn names_message(id: &str) -> impl Fn(&Value) -> bool + '_ {
    move |data| message_in(data, id).is_some()
}

/// The conversation `id` in a conversation list (CONVERSATION_LIST_UPDATED
/// data, a `conversationList` result, or CONVERSATION_IN_GROUP_UPDATED
/// data: agent.js's conversation view).
pub fn conversation_in(data: &Value, id: &str) -> Option<Value> {
    let list = data
        .as_array()
        .or_else(|| data["conversationList"].as_array())?;
    list.iter().find(|c| c["conversationID"] == id).cloned()
}

/// Index of the MESSAGE_RECEIVED records (at or after `from`) carrying each
/// message ID, in order.
pub fn deliveries(agent: &Agent, from: usize) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for r in agent.events("MESSAGE_RECEIVED", from) {
        for m in received(&r) {
            *counts
                .entry(m["ID"].as_str().unwrap_or("").to_owned())
                .or_insert(0) += 1;
        }
    }
    counts
}
