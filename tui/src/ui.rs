//! Drawing the [`App`] with ratatui: conversations on the left, messages
//! and the compose box on the right, a status line at the bottom.

use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph, Wrap};
use ratatui::Frame;
use tcchat_tokio::types::Flow;

use crate::app::{App, Focus};

/// Longest text of one field drawn (peer strings are bounded before they
/// reach the screen).
const MAX_FIELD: usize = 2_000;

fn bounded(s: &str) -> String {
    s.chars()
        .take(MAX_FIELD)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Draw the whole screen.
pub fn draw(frame: &mut Frame<'_>, app: &App) {
    let [main, status] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(frame.area());
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(30), Constraint::Min(10)]).areas(main);
    let [history, compose] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(3)]).areas(right);

    let focused = |f: Focus| {
        if app.focus() == f {
            Style::default().add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        }
    };

    let items: Vec<ListItem<'_>> = app
        .conversations()
        .iter()
        .map(|c| {
            let pin = if c.is_pinned { "📌 " } else { "" };
            let unread = if c.unread_count > 0 {
                format!(" ({})", c.unread_count)
            } else {
                String::new()
            };
            ListItem::new(format!("{pin}{}{unread}", bounded(&c.user_profile.user_id)))
        })
        .collect();
    let mut state = ListState::default();
    if !app.conversations().is_empty() {
        state.select(Some(app.selected()));
    }
    let list = List::new(items)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title("Conversations")
                .title_style(focused(Focus::Conversations)),
        )
        .highlight_symbol("> ");
    frame.render_stateful_widget(list, left, &mut state);

    let title = match app.open() {
        Some(id) if app.has_older() => format!("{} (PgUp: older)", bounded(id)),
        Some(id) => bounded(id),
        None => "no conversation open".to_owned(),
    };
    let lines: Vec<Line<'_>> = app
        .messages()
        .iter()
        .map(|m| {
            let who = if m.flow == Flow::Out {
                "me"
            } else {
                m.from.as_str()
            };
            let body = if m.is_revoked {
                "[revoked]".to_owned()
            } else {
                bounded(m.text().unwrap_or("[not a text message]"))
            };
            let read = if m.flow == Flow::Out && m.is_peer_read {
                " ✓✓"
            } else {
                ""
            };
            Line::from(format!("{}: {body}{read}", bounded(who)))
        })
        .collect();
    // Show the newest lines: scroll so the last one is at the bottom.
    let inner_height = history.height.saturating_sub(2);
    let scroll = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_sub(inner_height);
    let messages = Paragraph::new(lines)
        .block(Block::default().borders(Borders::ALL).title(title))
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0));
    frame.render_widget(messages, history);

    let input = Paragraph::new(app.input()).block(
        Block::default()
            .borders(Borders::ALL)
            .title("Message (Enter to send, /open USER)")
            .title_style(focused(Focus::Compose)),
    );
    frame.render_widget(input, compose);

    let net = app.net().as_str();
    let session = if app.kicked().is_some() {
        "kicked out"
    } else if app.ready() {
        "online"
    } else {
        "not logged in"
    };
    let line = format!(
        "{} ({session}) | {net} | {}",
        bounded(app.user()),
        bounded(app.status())
    );
    frame.render_widget(Paragraph::new(line), status);
}
