//! Semantic styles. Views ask for a role ("a best value", "a flag"), never a colour, so the
//! monochrome theme (`NO_COLOR`) is the same screen with bold, underline and reverse only;
//! no meaning is carried by colour alone.

use ratatui::style::{Color, Modifier, Style};

use crate::present::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub mono: bool,
}

impl Theme {
    pub fn new(mono: bool) -> Theme {
        Theme { mono }
    }

    fn fg(&self, c: Color) -> Style {
        if self.mono {
            Style::new()
        } else {
            Style::new().fg(c)
        }
    }

    pub fn role(&self, r: Role) -> Style {
        match r {
            Role::Title => self.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            Role::Heading => self
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            Role::Label => self.fg(Color::Cyan),
            Role::Value => Style::new(),
            Role::Best => self.fg(Color::Green).add_modifier(Modifier::BOLD),
            Role::Quote => self.fg(Color::Gray).add_modifier(Modifier::ITALIC),
            Role::Flag => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            Role::Link => self.fg(Color::Blue).add_modifier(Modifier::UNDERLINED),
            Role::Dim => self.fg(Color::DarkGray),
            Role::Plain => Style::new(),
        }
    }

    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            self.fg(Color::DarkGray)
        }
    }

    /// The selected row or the line under the detail cursor.
    pub fn selected(&self) -> Style {
        if self.mono {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new()
                .bg(Color::DarkGray)
                .add_modifier(Modifier::BOLD)
        }
    }

    pub fn highlight(&self) -> Style {
        self.fg(Color::Yellow)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    pub fn badge(&self, kind: crate::corpus::Kind) -> Style {
        use crate::corpus::Kind::*;
        let c = match kind {
            Trial => Color::Magenta,
            Therapy => Color::Green,
            Disease => Color::Blue,
            Source => Color::Gray,
        };
        self.fg(c).add_modifier(Modifier::BOLD)
    }

    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn dim(&self) -> Style {
        self.role(Role::Dim)
    }

    pub fn key(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }
}
