use std::collections::VecDeque;

use serde::Serialize;
use tcchat_core::proto::BaseReply;
use tcchat_core::wire::{encode, encode_compressed, Compression, Head};

use super::logs::{short, short_text};
use super::{ConnId, Output};

/// Frames and closes waiting to be drained by [`poll_output`](super::Engine::poll_output).
#[derive(Debug)]
pub(crate) struct Outbox {
    queue: VecDeque<Output>,
    push_seq: u64,
    compress_threshold: usize,
}

impl Outbox {
    pub(crate) fn new(compress_threshold: usize) -> Outbox {
        Outbox {
            queue: VecDeque::new(),
            push_seq: 0,
            compress_threshold,
        }
    }

    pub(crate) fn pop(&mut self) -> Option<Output> {
        self.queue.pop_front()
    }

    /// Send `{head, body}` to `conn`, as `COMP`+gzip when the client asked
    /// for it and the frame is large.
    pub(crate) fn send<B: Serialize + ?Sized>(
        &mut self,
        conn: ConnId,
        gzip: bool,
        head: &Head,
        body: &B,
    ) {
        let mut frame = encode(head, body);
        if gzip && frame.len() > self.compress_threshold {
            frame = encode_compressed(head, body, Compression::Gzip);
        }
        self.queue.push_back(Output::Send { conn, frame });
    }

    /// Reply to the request with `head` (echoed, `cs` recomputed).
    pub(crate) fn reply<B: Serialize + ?Sized>(
        &mut self,
        conn: ConnId,
        gzip: bool,
        head: &Head,
        body: &B,
    ) {
        self.send(conn, gzip, head, body);
    }

    /// Reply with `ErrorCode` `code`.
    pub(crate) fn fail(
        &mut self,
        conn: ConnId,
        gzip: bool,
        head: &Head,
        code: u32,
        info: impl Into<String>,
    ) {
        let info = info.into();
        tracing::debug!(conn = conn.0, servcmd = %short(&head.servcmd), seq = head.seq, code, info = %short_text(&info), "error reply");
        self.reply(conn, gzip, head, &BaseReply::fail(code, info));
    }

    /// Push `body` with `servcmd` to `conn`; the head has a fresh server seq.
    pub(crate) fn push<B: Serialize + ?Sized>(
        &mut self,
        conn: ConnId,
        gzip: bool,
        app: u64,
        servcmd: &str,
        body: &B,
    ) {
        self.push_seq = self.push_seq.wrapping_add(1);
        let mut head = Head::push(servcmd, self.push_seq);
        head.sdkappid = app;
        self.send(conn, gzip, &head, body);
    }

    /// Push one `body` to many connections: encoded once (and compressed
    /// once, for the connections that asked for gzip when it is large),
    /// under one server seq, the bytes shared by every copy.
    pub(crate) fn push_shared<B: Serialize + ?Sized>(
        &mut self,
        conns: &[(ConnId, bool)],
        app: u64,
        servcmd: &str,
        body: &B,
    ) {
        if conns.is_empty() {
            return;
        }
        self.push_seq = self.push_seq.wrapping_add(1);
        let mut head = Head::push(servcmd, self.push_seq);
        head.sdkappid = app;
        let plain = encode(&head, body);
        let mut packed = None;
        for &(conn, gzip) in conns {
            let frame = if gzip && plain.len() > self.compress_threshold {
                packed
                    .get_or_insert_with(|| encode_compressed(&head, body, Compression::Gzip))
                    .clone()
            } else {
                plain.clone()
            };
            self.queue.push_back(Output::Send { conn, frame });
        }
    }

    pub(crate) fn close(&mut self, conn: ConnId, code: u16, reason: impl Into<String>) {
        self.queue.push_back(Output::Close {
            conn,
            code,
            reason: reason.into(),
        });
    }
}
