//! The client's state and what keys do to it, apart from any terminal or
//! network, so that it can be tested and drawn anywhere.

use tcchat_tokio::types::{KickedOutType, NetState};
use tcchat_tokio::{c2c_conversation_id, Conversation, Event, Message, MessageListResult};

/// Most messages kept for the open conversation (older pages are loaded
/// again on demand).
const MAX_SHOWN: usize = 1_000;

/// Where typed keys go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// Up/Down choose a conversation, Enter opens it.
    Conversations,
    /// Typing composes a message, Enter sends it.
    Compose,
}

/// What the app asks the SDK to do after a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Load the newest page of a conversation.
    Open(String),
    /// Load the page before `next_req_message_id`.
    LoadOlder {
        /// The conversation.
        conversation_id: String,
        /// Where the loaded history starts.
        next_req_message_id: String,
    },
    /// Send a text message to a user.
    Send {
        /// The peer's user ID.
        to: String,
        /// The text.
        text: String,
    },
    /// Leave.
    Quit,
}

/// A key, as far as the app cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A printable character.
    Char(char),
    /// Enter.
    Enter,
    /// Backspace.
    Backspace,
    /// Tab: switch focus.
    Tab,
    /// Up.
    Up,
    /// Down.
    Down,
    /// Page Up: older history.
    PageUp,
    /// Esc or Ctrl-C.
    Quit,
}

/// Everything the screen shows.
#[derive(Debug)]
pub struct App {
    user: String,
    conversations: Vec<Conversation>,
    selected: usize,
    open: Option<String>,
    messages: Vec<Message>,
    next_req_message_id: Option<String>,
    input: String,
    focus: Focus,
    net: NetState,
    ready: bool,
    kicked: Option<KickedOutType>,
    status: String,
}

impl App {
    /// The state of a client logging `user` in.
    pub fn new(user: impl Into<String>) -> App {
        App {
            user: user.into(),
            conversations: Vec::new(),
            selected: 0,
            open: None,
            messages: Vec::new(),
            next_req_message_id: None,
            input: String::new(),
            focus: Focus::Conversations,
            net: NetState::Connected,
            ready: false,
            kicked: None,
            status: "logging in…".to_owned(),
        }
    }

    /// The logged-in user.
    pub fn user(&self) -> &str {
        &self.user
    }
    /// The conversations, pinned first, as the SDK sorts them.
    pub fn conversations(&self) -> &[Conversation] {
        &self.conversations
    }
    /// The index of the highlighted conversation.
    pub fn selected(&self) -> usize {
        self.selected
    }
    /// The conversation whose messages are shown.
    pub fn open(&self) -> Option<&str> {
        self.open.as_deref()
    }
    /// Its loaded messages, oldest first.
    pub fn messages(&self) -> &[Message] {
        &self.messages
    }
    /// Whether older history can be loaded.
    pub fn has_older(&self) -> bool {
        self.next_req_message_id.is_some()
    }
    /// The message being typed.
    pub fn input(&self) -> &str {
        &self.input
    }
    /// Where keys go.
    pub fn focus(&self) -> Focus {
        self.focus
    }
    /// The network state (NET_STATE_CHANGE).
    pub fn net(&self) -> NetState {
        self.net
    }
    /// Whether SDK_READY came (and no SDK_NOT_READY since).
    pub fn ready(&self) -> bool {
        self.ready
    }
    /// Why the session was ended, if it was.
    pub fn kicked(&self) -> Option<KickedOutType> {
        self.kicked
    }
    /// The last status line (errors, hints).
    pub fn status(&self) -> &str {
        &self.status
    }

    /// Set the status line.
    pub fn set_status(&mut self, status: impl Into<String>) {
        self.status = status.into();
    }

    /// Take in an SDK event.
    pub fn on_event(&mut self, event: &Event) {
        match event {
            Event::SdkReady => {
                self.ready = true;
                self.status =
                    "ready: Tab to compose, ↑↓ Enter to open, PgUp for history, Esc to quit"
                        .to_owned();
            }
            Event::SdkNotReady => self.ready = false,
            Event::ConversationListUpdated(list) => {
                let keep = self
                    .conversations
                    .get(self.selected)
                    .map(|c| c.conversation_id.clone());
                self.conversations = list.clone();
                self.selected = keep
                    .and_then(|id| list.iter().position(|c| c.conversation_id == id))
                    .unwrap_or(0)
                    .min(list.len().saturating_sub(1));
            }
            Event::MessageReceived(messages) => {
                let open = self.open.clone();
                for m in messages
                    .iter()
                    .filter(|m| Some(&m.conversation_id) == open.as_ref())
                {
                    if !self.messages.iter().any(|held| held.id == m.id) {
                        self.messages.push(m.clone());
                    }
                }
                self.trim();
            }
            Event::MessageRevoked(messages)
            | Event::MessageModified(messages)
            | Event::MessageReadByPeer(messages) => {
                for m in messages {
                    if let Some(held) = self.messages.iter_mut().find(|held| held.id == m.id) {
                        *held = m.clone();
                    }
                }
            }
            Event::NetStateChange { state, .. } => self.net = *state,
            Event::KickedOut { kind } => {
                self.kicked = Some(*kind);
                self.status = format!("kicked out ({}): Esc to quit", kind.as_str());
            }
            _ => {}
        }
    }

    /// Take in a page of history of `conversation_id`: the newest page
    /// replaces what is shown, an older one goes in front.
    pub fn on_history(&mut self, conversation_id: &str, older: bool, page: MessageListResult) {
        if self.open.as_deref() != Some(conversation_id) {
            return;
        }
        self.next_req_message_id = (!page.is_completed && !page.next_req_message_id.is_empty())
            .then_some(page.next_req_message_id);
        if older {
            let mut all = page.message_list;
            all.retain(|m| !self.messages.iter().any(|held| held.id == m.id));
            all.append(&mut self.messages);
            self.messages = all;
        } else {
            self.messages = page.message_list;
        }
        self.trim();
    }

    /// A message this client sent, as the server took it.
    pub fn on_sent(&mut self, message: Message) {
        if self.open.as_deref() == Some(message.conversation_id.as_str())
            && !self.messages.iter().any(|held| held.id == message.id)
        {
            self.messages.push(message);
            self.trim();
        }
    }

    fn trim(&mut self) {
        if self.messages.len() > MAX_SHOWN {
            let extra = self.messages.len() - MAX_SHOWN;
            self.messages.drain(..extra);
        }
    }

    /// Open a conversation with `user_id` (also one not in the list yet).
    pub fn open_with(&mut self, user_id: &str) -> Action {
        let id = c2c_conversation_id(user_id);
        self.open = Some(id.clone());
        self.messages.clear();
        self.next_req_message_id = None;
        Action::Open(id)
    }

    /// What `key` does.
    pub fn on_key(&mut self, key: Key) -> Option<Action> {
        if key == Key::Quit {
            return Some(Action::Quit);
        }
        if key == Key::Tab {
            self.focus = match self.focus {
                Focus::Conversations => Focus::Compose,
                Focus::Compose => Focus::Conversations,
            };
            return None;
        }
        if key == Key::PageUp {
            let (Some(conversation_id), Some(next)) = (&self.open, &self.next_req_message_id)
            else {
                return None;
            };
            return Some(Action::LoadOlder {
                conversation_id: conversation_id.clone(),
                next_req_message_id: next.clone(),
            });
        }
        match self.focus {
            Focus::Conversations => match key {
                Key::Up => {
                    self.selected = self.selected.saturating_sub(1);
                    None
                }
                Key::Down => {
                    if self.selected + 1 < self.conversations.len() {
                        self.selected += 1;
                    }
                    None
                }
                Key::Enter => {
                    let peer = self
                        .conversations
                        .get(self.selected)?
                        .user_profile
                        .user_id
                        .clone();
                    let action = self.open_with(&peer);
                    self.focus = Focus::Compose;
                    Some(action)
                }
                _ => None,
            },
            Focus::Compose => match key {
                Key::Char(c) => {
                    self.input.push(c);
                    None
                }
                Key::Backspace => {
                    self.input.pop();
                    None
                }
                Key::Enter => self.submit(),
                _ => None,
            },
        }
    }

    /// Enter in the compose box: `/open USER` opens a conversation, other
    /// text is sent to the open one.
    fn submit(&mut self) -> Option<Action> {
        let text = std::mem::take(&mut self.input);
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        if let Some(user) = text.strip_prefix("/open ") {
            return Some(self.open_with(user.trim()));
        }
        let Some(to) = self.open.as_deref().and_then(|id| id.strip_prefix("C2C")) else {
            self.status = "no conversation open: choose one, or type /open USER".to_owned();
            return None;
        };
        Some(Action::Send {
            to: to.to_owned(),
            text: text.to_owned(),
        })
    }
}
