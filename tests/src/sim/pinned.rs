//! What each seed pinned as a `regression_*` test in `tests/sim.rs` must
//! still run into. A seed reproduces its bug only as long as the random
//! draws take the same path; a change anywhere can send it elsewhere, and
//! the regression would then pass without testing anything. Each question
//! here reads a run's [`WholeTrace`] and says whether the situation that
//! triggered the bug happened (the invariants say whether it was handled).
//!
//! The questions read the trace's text: the lines of `world.rs`,
//! `actors.rs`, `msgops.rs` and `oracle.rs` and the notes about frames
//! (`cli<-`, `lost`). A change of those texts makes a question fail
//! loudly, never pass silently.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use super::trace::{Line, WholeTrace};

/// A message the server accepted, from its `ACCEPT` line.
#[derive(Debug, Clone)]
struct Accept {
    /// The trace index of the `ACCEPT` line.
    at: usize,
    /// The slot whose instance sent it.
    slot: usize,
    from: String,
    to: String,
    /// Its `MsgRandom`, the last part of its message ID.
    random: String,
}

/// `ACCEPT #k uA->uB inbox=… seq=… rnd=R` lines by `k`.
fn accepts(t: &WholeTrace) -> BTreeMap<u64, Accept> {
    let mut out = BTreeMap::new();
    for (i, l) in t.lines().iter().enumerate() {
        let Some(rest) = l.what.strip_prefix("ACCEPT #") else {
            continue;
        };
        let mut words = rest.split_whitespace();
        let (Some(k), Some(pair), Some(slot)) = (words.next(), words.next(), l.slot) else {
            continue;
        };
        let (Ok(k), Some((from, to))) = (k.parse(), pair.split_once("->")) else {
            continue;
        };
        let random = words
            .find_map(|w| w.strip_prefix("rnd="))
            .unwrap_or_default()
            .to_owned();
        out.insert(
            k,
            Accept {
                at: i,
                slot,
                from: from.to_owned(),
                to: to.to_owned(),
                random,
            },
        );
    }
    out
}

/// The message numbers (`#k`) a `MESSAGE_RECEIVED` line lists.
fn received(l: &Line) -> Vec<u64> {
    let Some(rest) = l.what.strip_prefix("ev MESSAGE_RECEIVED") else {
        return Vec::new();
    };
    rest.split_whitespace()
        .filter_map(|w| w.strip_prefix('#'))
        .filter_map(|w| w.split('(').next()?.parse().ok())
        .collect()
}

/// The number after `key` in `text` (`seq=` → `123`).
fn number_after(text: &str, key: &str) -> Option<u64> {
    let rest = &text[text.find(key)? + key.len()..];
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// The link of a `srv<- L7 …`, `close L7 …`, `cli<- L7 …`, `lost L7 …` or
/// `lost up L7 …` line.
fn link_of(l: &Line) -> Option<u64> {
    number_after(&l.what, " L")
}

/// Whether the client of `slot` is in a session (between SDK_READY and
/// SDK_NOT_READY), at each line: `ready[i]`.
fn ready_at(t: &WholeTrace, slot: usize) -> Vec<bool> {
    let mut ready = false;
    t.lines()
        .iter()
        .map(|l| {
            if l.of(slot) {
                if l.what == "ev SDK_READY" {
                    ready = true;
                } else if l.what == "ev SDK_NOT_READY" || l.starts("create instance") {
                    ready = false;
                }
            }
            ready
        })
        .collect()
}

/// The slots that appear in the trace.
fn slots(t: &WholeTrace) -> BTreeSet<usize> {
    t.lines().iter().filter_map(|l| l.slot).collect()
}

/// The user `uN` a `cmd login uN: Ok(())` line logs in.
fn login_user(l: &Line) -> Option<&str> {
    let rest = l.what.strip_prefix("cmd login ")?;
    let (user, result) = rest.split_once(": ")?;
    result.starts_with("Ok").then_some(user)
}

/// Bug 1: an instance sent a message as one user, later logged in (same
/// instance) as its recipient, and received it there.
pub fn sent_then_received_as_the_recipient(t: &WholeTrace) -> bool {
    let lines = t.lines();
    accepts(t).iter().any(|(&k, a)| {
        if a.from == a.to {
            return false;
        }
        let Some(login) = t.find(a.at, |l| {
            l.of(a.slot) && (login_user(l) == Some(&a.to) || l.starts("create instance"))
        }) else {
            return false;
        };
        if lines[login].starts("create instance") {
            return false;
        }
        t.find(login, |l| l.of(a.slot) && received(l).contains(&k))
            .is_some()
    })
}

/// Bug 3: a final `getmsg` page that carried messages was lost with its
/// link (the server once moved the user's cursor when it sent one).
pub fn lost_sync_reply_with_messages(t: &WholeTrace) -> bool {
    t.any(|l| {
        l.note
            && l.starts("lost L")
            && l.has("openim.getmsg")
            && l.has("err=0")
            && l.has("flag=2")
            && number_after(&l.what, "msgs=").is_some_and(|n| n > 0)
    })
}

/// Bug 4: a push of messages reached a client outside a session (which
/// once acked it and dropped its messages).
pub fn push_reached_a_client_outside_a_session(t: &WholeTrace) -> bool {
    slots(t).into_iter().any(|s| {
        let ready = ready_at(t, s);
        t.lines().iter().enumerate().any(|(i, l)| {
            l.of(s) && l.note && l.starts("cli<- L") && l.has("im_open_push.msg_push") && !ready[i]
        })
    })
}

/// Bug 5: the same instance logged in on another socket, and the server
/// closed the socket of the session it replaced (4409).
pub fn same_instance_login_closed_the_old_socket(t: &WholeTrace) -> bool {
    t.any(|l| l.starts("srv closes L") && l.has(": 4409 "))
}

/// Bug 6: a `login` was called while a `destroy` waited.
pub fn login_while_destroying(t: &WholeTrace) -> bool {
    slots(t).into_iter().any(|s| {
        let mut destroying = false;
        t.lines().iter().filter(|l| l.of(s)).any(|l| {
            if l.what == "cmd destroy" {
                destroying = true;
            } else if l.starts("create instance") || (l.starts("done ") && l.has(" Destroyed")) {
                destroying = false;
            }
            destroying && l.starts("cmd login ")
        })
    })
}

/// Bug 7: a re-login (no command waits for it: no completion follows)
/// refused by the login rate limit (70050) reached an instance in a
/// session, which must go on.
pub fn relogin_rate_limited_in_a_session(t: &WholeTrace) -> bool {
    let lines = t.lines();
    slots(t).into_iter().any(|s| {
        let ready = ready_at(t, s);
        lines.iter().enumerate().any(|(i, l)| {
            let refused = l.of(s)
                && l.note
                && l.starts("cli<- L")
                && l.has("im_open_status.wslogin")
                && l.has("err=70050");
            let completed = lines[i + 1..]
                .iter()
                .find(|m| m.of(s) && !m.note)
                .is_some_and(|m| m.at == l.at && m.starts("done ") && m.has("error 70050"));
            refused && ready[i] && !completed
        })
    })
}

/// Bug 8: an instance received a message, its session ended, the message
/// was revoked while it had none, and it logged in as the recipient again.
pub fn revoked_while_logged_out_then_a_new_login(t: &WholeTrace) -> bool {
    let lines = t.lines();
    let acc = accepts(t);
    for (i, l) in lines.iter().enumerate() {
        let Some(s) = l.slot else { continue };
        for k in received(l) {
            let Some(a) = acc.get(&k) else { continue };
            let Some(end) = t.find(i, |l| l.of(s) && l.what == "ev SDK_NOT_READY") else {
                continue;
            };
            let Some(back) = t.find(end, |l| {
                l.of(s) && (l.what == "ev SDK_READY" || l.starts("create instance"))
            }) else {
                continue;
            };
            let revoke = format!("-{}: Ok", a.random);
            let revoked_meanwhile =
                (end..back).any(|j| lines[j].starts("cmd revoke ") && lines[j].has(&revoke));
            let as_recipient =
                (end..back).any(|j| lines[j].of(s) && login_user(&lines[j]) == Some(&a.to));
            if revoked_meanwhile && as_recipient && lines[back].what == "ev SDK_READY" {
                return true;
            }
        }
    }
    false
}

/// Bug 9: a note to self sent by one instance reached another instance
/// of its user.
pub fn note_to_self_reached_another_instance(t: &WholeTrace) -> bool {
    let acc = accepts(t);
    t.lines().iter().any(|l| {
        l.slot.is_some_and(|s| {
            received(l)
                .iter()
                .any(|k| acc.get(k).is_some_and(|a| a.from == a.to && a.slot != s))
        })
    })
}

/// `Duration`'s `Debug` text (`18.6s`, `850ms`, `12µs`).
fn parse_debug_duration(text: &str) -> Option<Duration> {
    let (num, unit) = if let Some(n) = text.strip_suffix("ms") {
        (n, 1e-3)
    } else if let Some(n) = text.strip_suffix("µs") {
        (n, 1e-6)
    } else if let Some(n) = text.strip_suffix("ns") {
        (n, 1e-9)
    } else {
        (text.strip_suffix('s')?, 1.0)
    };
    Some(Duration::from_secs_f64(num.parse::<f64>().ok()? * unit))
}

/// The harness bug of seed 6699: a server stall began while another was
/// still on.
pub fn overlapping_server_stalls(t: &WholeTrace) -> bool {
    let mut until = Duration::ZERO;
    t.lines().iter().any(|l| {
        let Some(d) = l
            .what
            .strip_prefix("FAULT server stalls for ")
            .and_then(parse_debug_duration)
        else {
            return false;
        };
        let overlaps = l.at < until;
        until = until.max(l.at + d);
        overlaps
    })
}

/// Bug 15: a change (`servcmd`) failed on its client with 2801 (timed out)
/// while the server applied it: its successful reply came too late or was
/// lost.
pub fn change_applied_after_its_timeout(t: &WholeTrace, servcmd: &str) -> bool {
    let timed_out: BTreeSet<(usize, u64)> = t
        .lines()
        .iter()
        .filter(|l| l.starts("done ") && l.has(&format!("error 2801 {servcmd} (seq ")))
        .filter_map(|l| Some((l.slot?, number_after(&l.what, "(seq ")?)))
        .collect();
    t.any(|l| {
        l.note
            && (l.starts("cli<- L") || l.starts("lost L"))
            && l.has(&format!(" {servcmd} seq="))
            && l.has("err=0")
            && l.slot
                .zip(number_after(&l.what, "seq="))
                .is_some_and(|k| timed_out.contains(&k))
    })
}

/// Bug 15 on a closed link: the server applied a change (`servcmd`) whose
/// frames reached it after the client had closed their link.
pub fn change_applied_on_a_link_the_client_closed(t: &WholeTrace, servcmd: &str) -> bool {
    let mut closed: BTreeSet<(usize, u64)> = BTreeSet::new();
    t.lines().iter().any(|l| {
        let Some(s) = l.slot else { return false };
        if l.starts("close L") {
            closed.extend(link_of(l).map(|link| (s, link)));
            return false;
        }
        l.starts("srv<- L")
            && l.has(&format!(" {servcmd} seq="))
            && link_of(l).is_some_and(|link| closed.contains(&(s, link)))
    })
}

/// Bug 16: a change (`servcmd`) reached the server on a link its client
/// had closed, after the client had logged in again on a new link.
pub fn change_from_an_abandoned_link_after_a_relogin(t: &WholeTrace, servcmd: &str) -> bool {
    let lines = t.lines();
    lines.iter().enumerate().any(|(i, l)| {
        let (Some(s), Some(link)) = (l.slot, link_of(l)) else {
            return false;
        };
        if !(l.starts("srv<- L") && l.has(&format!(" {servcmd} seq="))) {
            return false;
        }
        let Some(close) = (0..i).rev().find(|&j| {
            lines[j].of(s) && lines[j].starts("close L") && link_of(&lines[j]) == Some(link)
        }) else {
            return false;
        };
        (close..i).any(|j| {
            lines[j].of(s)
                && lines[j].starts("srv<- L")
                && lines[j].has("im_open_status.wslogin")
                && link_of(&lines[j]) != Some(link)
        })
    })
}

/// Bug 10: after a login's final `getmsg` page counted a peer's unread
/// messages and before `page_get` answered, a message from that peer came
/// by push.
pub fn message_between_the_counts_and_the_list(t: &WholeTrace) -> bool {
    let lines = t.lines();
    let acc = accepts(t);
    lines.iter().enumerate().any(|(i, l)| {
        let Some(s) = l.slot else { return false };
        if !(l.note && l.starts("cli<- L") && l.has("openim.getmsg") && l.has("flag=2")) {
            return false;
        }
        let Some(unread) = l.what.split(" unread=[").nth(1) else {
            return false;
        };
        // Only the first sync of a login: no page_get answered since it.
        let Some(login) = (0..i)
            .rev()
            .find(|&j| lines[j].of(s) && lines[j].starts("cmd login "))
        else {
            return false;
        };
        let listed_before = (login..i).any(|j| {
            lines[j].of(s)
                && lines[j].note
                && lines[j].starts("cli<- L")
                && lines[j].has("recentcontact.page_get")
        });
        if listed_before {
            return false;
        }
        let Some(list) = t.find(i, |l| {
            l.of(s) && l.note && l.starts("cli<- L") && l.has("recentcontact.page_get")
        }) else {
            return false;
        };
        (i..list).any(|j| {
            lines[j].of(s)
                && lines[j].has("via Push")
                && received(&lines[j]).iter().any(|k| {
                    acc.get(k)
                        .is_some_and(|a| unread.contains(&format!("\"{}\":", a.from)))
                })
        })
    })
}

/// Bug 11: a `page_get` lost with its link (request or reply) was sent
/// again, with the same seq, on the link of a re-login.
pub fn list_request_resent_on_a_new_link(t: &WholeTrace) -> bool {
    let lines = t.lines();
    lines.iter().enumerate().any(|(i, l)| {
        let Some(s) = l.slot else { return false };
        if !(l.note && l.starts("lost ") && l.has("recentcontact.page_get seq=")) {
            return false;
        }
        let (Some(seq), Some(link)) = (number_after(&l.what, "seq="), link_of(l)) else {
            return false;
        };
        t.find(i, |m| {
            m.of(s)
                && m.starts("srv<- L")
                && m.has("recentcontact.page_get seq=")
                && number_after(&m.what, "seq=") == Some(seq)
                && link_of(m) != Some(link)
        })
        .is_some()
    })
}

/// The sessions of `slot`: (trace index of SDK_READY, index of its end or
/// the trace's end, the user).
fn sessions(t: &WholeTrace, slot: usize) -> Vec<(usize, usize, String)> {
    let lines = t.lines();
    let mut out = Vec::new();
    let mut user: Option<String> = None;
    let mut open: Option<(usize, String)> = None;
    for (i, l) in lines.iter().enumerate().filter(|(_, l)| l.of(slot)) {
        if let Some(u) = login_user(l) {
            user = Some(u.to_owned());
        } else if l.what == "ev SDK_READY" {
            open = user.clone().map(|u| (i, u));
        } else if l.what == "ev SDK_NOT_READY" || l.starts("create instance") {
            if let Some((start, u)) = open.take() {
                out.push((start, i, u));
            }
        }
    }
    if let Some((start, u)) = open {
        out.push((start, lines.len(), u));
    }
    out
}

/// Bug 12: a message delivered to another instance of its recipient
/// before this one's login (so counted by that login's unread counts,
/// never held here) was revoked by its sender during this one's session.
pub fn revoke_of_a_counted_message_never_held(t: &WholeTrace) -> bool {
    let lines = t.lines();
    let acc = accepts(t);
    let mut got: BTreeMap<u64, Vec<(usize, usize)>> = BTreeMap::new();
    for (i, l) in lines.iter().enumerate() {
        if let Some(s) = l.slot {
            for k in received(l) {
                got.entry(k).or_default().push((i, s));
            }
        }
    }
    slots(t).into_iter().any(|s| {
        sessions(t, s).into_iter().any(|(start, end, user)| {
            acc.iter().any(|(k, a)| {
                let deliveries = got.get(k).map(Vec::as_slice).unwrap_or_default();
                a.to == user
                    && a.from != user
                    && deliveries.iter().any(|&(i, o)| o != s && i < start)
                    && deliveries.iter().all(|&(_, o)| o != s)
                    && (start..end).any(|j| {
                        lines[j].starts("cmd revoke ")
                            && lines[j].has(&format!("-{}: Ok", a.random))
                    })
            })
        })
    })
}

/// Bug 17: after its wall clock jumped back, an instance reported a
/// conversation read while it held no message of it (as after a new
/// login).
pub fn read_with_nothing_held_after_a_clock_jump_back(t: &WholeTrace) -> bool {
    let lines = t.lines();
    let acc = accepts(t);
    slots(t).into_iter().any(|s| {
        let Some(jump) = t.find(0, |l| l.of(s) && l.starts("FAULT wall clock jumps -")) else {
            return false;
        };
        sessions(t, s).into_iter().any(|(start, end, user)| {
            (start.max(jump)..end).any(|j| {
                let Some(peer) = lines[j]
                    .what
                    .strip_prefix("cmd read C2C")
                    .and_then(|r| r.strip_suffix(": Ok(())"))
                else {
                    return false;
                };
                let of_the_conversation = |a: &Accept| {
                    (a.from == peer && a.to == user) || (a.from == user && a.to == peer)
                };
                let received_one = (start..j).any(|x| {
                    lines[x].of(s)
                        && received(&lines[x])
                            .iter()
                            .any(|k| acc.get(k).is_some_and(of_the_conversation))
                });
                let sent_one = acc
                    .values()
                    .any(|a| a.slot == s && a.at > start && a.at < j && of_the_conversation(a));
                lines[j].of(s) && !received_one && !sent_one
            })
        })
    })
}

/// Bug 18: a message the server had taken and that was modified since was
/// sent again (`cmd resend`); with `after_a_new_login`, the resending
/// instance had logged in anew between the modification and the resend.
pub fn resend_of_a_taken_and_modified_message(t: &WholeTrace, after_a_new_login: bool) -> bool {
    let lines = t.lines();
    let acc = accepts(t);
    lines.iter().enumerate().any(|(i, l)| {
        let Some(s) = l.slot else { return false };
        let Some(id) = l
            .what
            .strip_prefix("cmd resend ")
            .and_then(|r| r.strip_suffix(": Ok(())"))
        else {
            return false;
        };
        let random = id.rsplit('-').next().unwrap_or_default();
        let taken = acc.values().any(|a| a.at < i && a.random == random);
        let Some(modified) = (0..i)
            .rev()
            .find(|&j| lines[j].starts(&format!("cmd modify {id} ")) && lines[j].has(": Ok"))
        else {
            return false;
        };
        taken
            && (!after_a_new_login
                || (modified..i).any(|j| lines[j].of(s) && lines[j].what == "ev SDK_READY"))
    })
}

/// Bug 22: an instance marked a group read (`cmd group gread`); before the
/// read report's reply reached it, a `page_get` reply (the server's unread
/// counts, as after a re-login) did, with a count reaching past what the
/// report said, so the read was reported a second time right after the
/// first reply.
pub fn group_read_overtaken_by_a_list_count(t: &WholeTrace) -> bool {
    let lines = t.lines();
    lines.iter().enumerate().any(|(j, l)| {
        let Some(s) = l.slot else { return false };
        if !(l.starts("cmd group gread ") && l.has(": Ok")) {
            return false;
        }
        let reply = |x: &Line, cmd: &str| x.of(s) && x.has("cli<-") && x.has(cmd);
        let Some(first_reply) = t.find(j, |x| reply(x, "msg_read_report")) else {
            return false;
        };
        let overtaken = (j..first_reply).any(|k| reply(&lines[k], "recentcontact.page_get"));
        // The next read-report line of this instance after the reply is a
        // second request of the same command (no new `gread` before it).
        let next = t.find(first_reply + 1, |x| {
            x.of(s) && (x.has("msg_read_report") || x.starts("cmd group gread "))
        });
        let again = next.is_some_and(|k| lines[k].has("srv<-"));
        overtaken && again
    })
}

/// A question about a run: did the situation happen?
pub type Question = fn(&WholeTrace) -> bool;

/// Every question above by name, for the `find_pinned` search in
/// `tests/sim.rs` (`SIM_SCENARIO=<name>`), which looks for seeds that run
/// into one when its pinned seed no longer does.
pub const BY_NAME: &[(&str, Question)] = &[
    (
        "group_read_overtaken_by_a_list_count",
        group_read_overtaken_by_a_list_count,
    ),
    (
        "sent_then_received_as_the_recipient",
        sent_then_received_as_the_recipient,
    ),
    (
        "lost_sync_reply_with_messages",
        lost_sync_reply_with_messages,
    ),
    (
        "push_reached_a_client_outside_a_session",
        push_reached_a_client_outside_a_session,
    ),
    (
        "same_instance_login_closed_the_old_socket",
        same_instance_login_closed_the_old_socket,
    ),
    ("login_while_destroying", login_while_destroying),
    (
        "relogin_rate_limited_in_a_session",
        relogin_rate_limited_in_a_session,
    ),
    (
        "revoked_while_logged_out_then_a_new_login",
        revoked_while_logged_out_then_a_new_login,
    ),
    (
        "note_to_self_reached_another_instance",
        note_to_self_reached_another_instance,
    ),
    ("overlapping_server_stalls", overlapping_server_stalls),
    ("revoke_applied_after_its_timeout", |t| {
        change_applied_after_its_timeout(t, "openim.msgwithdraw")
    }),
    ("modify_applied_after_its_timeout", |t| {
        change_applied_after_its_timeout(t, "openim.modify_c2c_msg")
    }),
    ("revoke_applied_on_a_link_the_client_closed", |t| {
        change_applied_on_a_link_the_client_closed(t, "openim.msgwithdraw")
    }),
    ("read_from_an_abandoned_link_after_a_relogin", |t| {
        change_from_an_abandoned_link_after_a_relogin(t, "openim.msgreaded")
    }),
    (
        "message_between_the_counts_and_the_list",
        message_between_the_counts_and_the_list,
    ),
    (
        "list_request_resent_on_a_new_link",
        list_request_resent_on_a_new_link,
    ),
    (
        "revoke_of_a_counted_message_never_held",
        revoke_of_a_counted_message_never_held,
    ),
    (
        "read_with_nothing_held_after_a_clock_jump_back",
        read_with_nothing_held_after_a_clock_jump_back,
    ),
    ("resend_of_a_taken_and_modified_message", |t| {
        resend_of_a_taken_and_modified_message(t, false)
    }),
    (
        "resend_after_a_new_login_of_a_taken_and_modified_message",
        |t| resend_of_a_taken_and_modified_message(t, true),
    ),
];
