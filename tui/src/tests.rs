//! The client drawn into ratatui's `TestBackend`, driven by SDK events and
//! keys.

use ratatui::backend::TestBackend;
use ratatui::Terminal;
use tcchat_core::model::Profile;
use tcchat_tokio::types::{ConversationType, Flow, KickedOutType, MessageStatus, NetState};
use tcchat_tokio::{Conversation, Event, Message, MessageListResult, MessageReceipt, Payload};

use crate::app::{Action, App, Focus, Key};
use crate::ui;

/// A conversation with `user`, as the SDK reports one.
fn conversation(user: &str, unread: u64, pinned: bool) -> Conversation {
    Conversation {
        conversation_id: format!("C2C{user}"),
        conversation_type: ConversationType::C2c,
        unread_count: unread,
        last_message: None,
        is_pinned: pinned,
        draft_text: String::new(),
        conversation_group_list: Vec::new(),
        mark_list: Vec::new(),
        message_remind_type: Default::default(),
        peer_read_time: 0,
        user_profile: Profile {
            user_id: user.to_owned(),
            ..Profile::default()
        },
        group_profile: None,
        group_at_info_list: Vec::new(),
    }
}

/// A text message between alice and a peer (`out`: alice sent it).
fn message(id: &str, from: &str, to: &str, text: &str, out: bool) -> Message {
    let peer = if out { to } else { from };
    Message {
        id: id.to_owned(),
        conversation_id: format!("C2C{peer}"),
        conversation_type: ConversationType::C2c,
        from: from.to_owned(),
        to: to.to_owned(),
        flow: if out { Flow::Out } else { Flow::In },
        msg_type: "TIMTextElem".to_owned(),
        payload: Payload::Text {
            text: text.to_owned(),
        },
        time: 0,
        sequence: 0,
        random: 0,
        client_time: 0,
        sender_tiny_id: String::new(),
        status: MessageStatus::Success,
        is_read: false,
        is_peer_read: false,
        is_revoked: false,
        is_modified: false,
        version: 0,
        nick: String::new(),
        cloud_custom_data: String::new(),
        need_read_receipt: false,
        read_receipt_info: MessageReceipt::default(),
        is_support_extension: false,
        is_deleted: false,
        revoker: String::new(),
        revoke_reason: String::new(),
        client_sequence: 0,
        name_card: String::new(),
        avatar: String::new(),
        is_system_message: false,
        at_user_list: Vec::new(),
    }
}

fn page(messages: Vec<Message>, next: &str) -> MessageListResult {
    MessageListResult {
        message_list: messages,
        next_req_message_id: next.to_owned(),
        is_completed: next.is_empty(),
    }
}

/// The screen as text, one string per row.
fn render(app: &App) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(80, 16)).expect("test terminal");
    terminal.draw(|f| ui::draw(f, app)).expect("draw");
    let buffer = terminal.backend().buffer().clone();
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol().to_owned())
                .collect::<String>()
        })
        .collect()
}

fn shows(screen: &[String], text: &str) -> bool {
    screen.iter().any(|row| row.contains(text))
}

#[test]
fn conversations_show_unread_counts_and_pins() {
    let mut app = App::new("alice");
    app.on_event(&Event::SdkReady);
    app.on_event(&Event::ConversationListUpdated(vec![
        conversation("bob", 2, true),
        conversation("carol", 0, false),
    ]));
    let screen = render(&app);
    // The pin is two cells wide: the test backend pads it with a blank.
    let bob = screen
        .iter()
        .find(|row| row.contains("bob (2)"))
        .unwrap_or_else(|| panic!("{screen:#?}"));
    assert!(bob.contains("📌"), "{bob}");
    assert!(shows(&screen, "carol"), "{screen:#?}");
    assert!(!shows(&screen, "carol ("), "{screen:#?}");
    assert!(
        shows(&screen, "alice (online) | connected | ready"),
        "{screen:#?}"
    );
}

#[test]
fn opening_paging_receiving_and_sending() {
    let mut app = App::new("alice");
    app.on_event(&Event::ConversationListUpdated(vec![conversation(
        "bob", 1, false,
    )]));
    assert_eq!(app.on_key(Key::Enter), Some(Action::Open("C2Cbob".into())));
    assert_eq!(app.focus(), Focus::Compose);

    let newest = page(vec![message("m2", "bob", "alice", "second", false)], "m2");
    app.on_history("C2Cbob", false, newest);
    assert!(shows(&render(&app), "(PgUp: older)"));
    assert_eq!(
        app.on_key(Key::PageUp),
        Some(Action::LoadOlder {
            conversation_id: "C2Cbob".into(),
            next_req_message_id: "m2".into()
        })
    );
    let older = page(vec![message("m1", "bob", "alice", "first", false)], "");
    app.on_history("C2Cbob", true, older);
    app.on_event(&Event::MessageReceived(vec![message(
        "m3", "bob", "alice", "third", false,
    )]));
    // Another conversation's message is not shown here.
    app.on_event(&Event::MessageReceived(vec![message(
        "x",
        "carol",
        "alice",
        "elsewhere",
        false,
    )]));

    for c in "hi bob".chars() {
        assert_eq!(app.on_key(Key::Char(c)), None);
    }
    assert!(shows(&render(&app), "hi bob"));
    assert_eq!(
        app.on_key(Key::Enter),
        Some(Action::Send {
            to: "bob".into(),
            text: "hi bob".into()
        })
    );
    app.on_sent(message("m4", "alice", "bob", "hi bob", true));

    let screen = render(&app);
    let rows: Vec<usize> = ["bob: first", "bob: second", "bob: third", "me: hi bob"]
        .iter()
        .map(|line| {
            screen
                .iter()
                .position(|row| row.contains(line))
                .unwrap_or_else(|| panic!("{line:?} not on {screen:#?}"))
        })
        .collect();
    assert!(rows.windows(2).all(|w| w[0] < w[1]), "order {rows:?}");
    assert!(!shows(&screen, "elsewhere"));
    assert!(!shows(&screen, "✓✓"));
    // Revokes and read reports update the shown messages in place.
    let mut read = message("m4", "alice", "bob", "hi bob", true);
    read.is_peer_read = true;
    app.on_event(&Event::MessageReadByPeer(vec![read]));
    let mut revoked = message("m1", "bob", "alice", "first", false);
    revoked.is_revoked = true;
    app.on_event(&Event::MessageRevoked(vec![revoked]));
    let screen = render(&app);
    assert!(shows(&screen, "me: hi bob ✓✓"), "{screen:#?}");
    assert!(shows(&screen, "bob: [revoked]"), "{screen:#?}");
    assert!(!shows(&screen, "PgUp"), "history is complete");
}

#[test]
fn network_state_and_kicks_show_live() {
    let mut app = App::new("alice");
    app.on_event(&Event::SdkReady);
    app.on_event(&Event::NetStateChange {
        state: NetState::Connecting,
        cause: None,
    });
    assert!(shows(&render(&app), "alice (online) | connecting |"));
    app.on_event(&Event::NetStateChange {
        state: NetState::Connected,
        cause: None,
    });
    app.on_event(&Event::KickedOut {
        kind: KickedOutType::MultipleAccount,
    });
    let screen = render(&app);
    assert!(
        shows(
            &screen,
            "alice (kicked out) | connected | kicked out (multipleAccount)"
        ),
        "{screen:#?}"
    );
    assert_eq!(app.on_key(Key::Quit), Some(Action::Quit));
}

#[test]
fn typing_without_an_open_conversation_says_how() {
    let mut app = App::new("alice");
    app.on_key(Key::Tab);
    for c in "hello".chars() {
        app.on_key(Key::Char(c));
    }
    assert_eq!(app.on_key(Key::Enter), None);
    assert!(shows(&render(&app), "no conversation open"));
    for c in "/open dave".chars() {
        app.on_key(Key::Char(c));
    }
    assert_eq!(app.on_key(Key::Enter), Some(Action::Open("C2Cdave".into())));
}
