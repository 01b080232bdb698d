//! Semantic styles. Views ask for a role ("a best value", "a flag"), never a colour.
//!
//! Two colour themes, dark and light, are built from the xterm 256-colour cube and grey ramp
//! (colours 16–255), whose values are fixed, and never from colours 0–15, which every terminal
//! redefines (on Solarized Dark colour 8 is the background itself). Each theme paints its own
//! background (black or white) over the whole screen, so the contrast computed here from the
//! xterm palette is the contrast the user sees whatever the terminal's own colours are. Every
//! text colour reaches 4.5:1 (WCAG AA) against both the background and the selected-row
//! background, which the unit tests below compute for every role.
//!
//! The monochrome theme (`NO_COLOR`, `--theme mono`) is the same screen with bold, underline
//! and reverse only, in the terminal's own colours; no meaning is carried by colour alone.

use ratatui::style::{Color, Modifier, Style};

use crate::present::Role;

/// The themes a user can choose (`--theme`, `EVIDEX_THEME`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ThemeName {
    /// Light text on a black background.
    #[default]
    Dark,
    /// Dark text on a white background.
    Light,
    /// No colours: bold, underline and reverse video in the terminal's own colours.
    Mono,
}

impl ThemeName {
    pub fn label(self) -> &'static str {
        match self {
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
            ThemeName::Mono => "mono",
        }
    }
}

/// The colours of a theme, each an xterm 256-colour index (16–255). Every field but the two
/// backgrounds is a text colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    /// Painted behind everything.
    pub background: u8,
    /// Behind the selected result and the detail line under the cursor.
    pub selected: u8,
    pub text: u8,
    pub title: u8,
    pub heading: u8,
    pub label: u8,
    pub best: u8,
    pub quote: u8,
    pub flag: u8,
    pub link: u8,
    pub dim: u8,
    pub border: u8,
    pub highlight: u8,
    pub key: u8,
    pub trial: u8,
    pub therapy: u8,
    pub disease: u8,
    pub source: u8,
}

/// Light text on black (16); the selected row is a dark grey (236).
pub const DARK: Palette = Palette {
    background: 16,
    selected: 236,
    text: 252,
    title: 117,
    heading: 221,
    label: 116,
    best: 114,
    quote: 250,
    flag: 210,
    link: 111,
    dim: 247,
    border: 247,
    highlight: 214,
    key: 222,
    trial: 213,
    therapy: 114,
    disease: 111,
    source: 250,
};

/// Dark text on white (231); the selected row is a light grey (254).
pub const LIGHT: Palette = Palette {
    background: 231,
    selected: 254,
    text: 235,
    title: 24,
    heading: 18,
    label: 23,
    best: 22,
    quote: 238,
    flag: 124,
    link: 25,
    dim: 241,
    border: 241,
    highlight: 127,
    key: 94,
    trial: 90,
    therapy: 22,
    disease: 25,
    source: 240,
};

impl Palette {
    /// Every text colour, named, for checks that must cover them all.
    pub fn foregrounds(&self) -> [(&'static str, u8); 16] {
        [
            ("text", self.text),
            ("title", self.title),
            ("heading", self.heading),
            ("label", self.label),
            ("best", self.best),
            ("quote", self.quote),
            ("flag", self.flag),
            ("link", self.link),
            ("dim", self.dim),
            ("border", self.border),
            ("highlight", self.highlight),
            ("key", self.key),
            ("trial", self.trial),
            ("therapy", self.therapy),
            ("disease", self.disease),
            ("source", self.source),
        ]
    }

    /// Every background text is drawn on.
    pub fn backgrounds(&self) -> [(&'static str, u8); 2] {
        [("background", self.background), ("selected", self.selected)]
    }
}

impl Palette {
    /// The colour named `role` (a name of [`Palette::foregrounds`] or
    /// [`Palette::backgrounds`]), to change it.
    fn slot(&mut self, role: &str) -> Option<&mut u8> {
        Some(match role {
            "background" => &mut self.background,
            "selected" => &mut self.selected,
            "text" => &mut self.text,
            "title" => &mut self.title,
            "heading" => &mut self.heading,
            "label" => &mut self.label,
            "best" => &mut self.best,
            "quote" => &mut self.quote,
            "flag" => &mut self.flag,
            "link" => &mut self.link,
            "dim" => &mut self.dim,
            "border" => &mut self.border,
            "highlight" => &mut self.highlight,
            "key" => &mut self.key,
            "trial" => &mut self.trial,
            "therapy" => &mut self.therapy,
            "disease" => &mut self.disease,
            "source" => &mut self.source,
            _ => return None,
        })
    }
}

/// The names of the colours a configuration may set (`[colors] heading = 33`).
pub const ROLE_NAMES: [&str; 18] = [
    "background",
    "selected",
    "text",
    "title",
    "heading",
    "label",
    "best",
    "quote",
    "flag",
    "link",
    "dim",
    "border",
    "highlight",
    "key",
    "trial",
    "therapy",
    "disease",
    "source",
];

/// Colours the configuration sets for theme roles, each an xterm 256-colour index. They apply
/// to the dark and light themes; mono has no colours.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides(Vec<(&'static str, u8)>);

impl Overrides {
    /// Sets `role` to colour `index`; `Err` names the roles when `role` is not one.
    pub fn set(&mut self, role: &str, index: u8) -> Result<(), String> {
        let Some(&name) = ROLE_NAMES.iter().find(|n| **n == role) else {
            return Err(format!(
                "no colour named {role:?}; the names are {}",
                ROLE_NAMES.join(", ")
            ));
        };
        self.0.retain(|(n, _)| *n != name);
        self.0.push((name, index));
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    name: ThemeName,
    /// `None` in monochrome.
    palette: Option<Palette>,
}

impl Theme {
    pub fn new(name: ThemeName) -> Theme {
        let palette = match name {
            ThemeName::Dark => Some(DARK),
            ThemeName::Light => Some(LIGHT),
            ThemeName::Mono => None,
        };
        Theme { name, palette }
    }

    /// The theme with the configuration's colours in place of its own.
    pub fn with(mut self, overrides: &Overrides) -> Theme {
        if let Some(p) = self.palette.as_mut() {
            for (role, index) in &overrides.0 {
                if let Some(slot) = p.slot(role) {
                    *slot = *index;
                }
            }
        }
        self
    }

    pub fn name(&self) -> ThemeName {
        self.name
    }

    pub fn palette(&self) -> Option<&Palette> {
        self.palette.as_ref()
    }

    fn fg(&self, pick: impl Fn(&Palette) -> u8) -> Style {
        match &self.palette {
            Some(p) => Style::new().fg(Color::Indexed(pick(p))),
            None => Style::new(),
        }
    }

    /// The style painted over the whole screen before anything is drawn: the theme's text on
    /// its background. Nothing in monochrome (the terminal's own colours).
    pub fn base(&self) -> Style {
        match &self.palette {
            Some(p) => Style::new()
                .fg(Color::Indexed(p.text))
                .bg(Color::Indexed(p.background)),
            None => Style::new(),
        }
    }

    pub fn role(&self, r: Role) -> Style {
        match r {
            Role::Title => self.fg(|p| p.title).add_modifier(Modifier::BOLD),
            Role::Heading => self
                .fg(|p| p.heading)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            Role::Label => self.fg(|p| p.label),
            Role::Value | Role::Plain => self.fg(|p| p.text),
            Role::Best => self.fg(|p| p.best).add_modifier(Modifier::BOLD),
            Role::Quote => self.fg(|p| p.quote).add_modifier(Modifier::ITALIC),
            Role::Flag => self.fg(|p| p.flag).add_modifier(Modifier::BOLD),
            Role::Link => self.fg(|p| p.link).add_modifier(Modifier::UNDERLINED),
            Role::Dim => self.fg(|p| p.dim),
        }
    }

    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.fg(|p| p.title).add_modifier(Modifier::BOLD)
        } else {
            self.fg(|p| p.border)
        }
    }

    /// The selected row or the line under the detail cursor: a background every text colour
    /// of the theme reads on, and bold.
    pub fn selected(&self) -> Style {
        match &self.palette {
            Some(p) => Style::new()
                .bg(Color::Indexed(p.selected))
                .add_modifier(Modifier::BOLD),
            None => Style::new().add_modifier(Modifier::REVERSED),
        }
    }

    /// The web address the detail's link cursor has chosen, on the cursor's line: reversed
    /// against the selected line (in monochrome, where the line is reversed, not reversed),
    /// so it stands out without colour.
    pub fn chosen_link(&self) -> Style {
        match &self.palette {
            Some(_) => Style::new().add_modifier(Modifier::REVERSED),
            None => Style::new().remove_modifier(Modifier::REVERSED),
        }
    }

    pub fn highlight(&self) -> Style {
        self.fg(|p| p.highlight)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    pub fn badge(&self, kind: crate::corpus::Kind) -> Style {
        use crate::corpus::Kind::*;
        let style = match kind {
            Trial => self.fg(|p| p.trial),
            Therapy => self.fg(|p| p.therapy),
            Disease => self.fg(|p| p.disease),
            Source => self.fg(|p| p.source),
        };
        style.add_modifier(Modifier::BOLD)
    }

    pub fn error(&self) -> Style {
        self.fg(|p| p.flag).add_modifier(Modifier::BOLD)
    }

    pub fn dim(&self) -> Style {
        self.role(Role::Dim)
    }

    pub fn key(&self) -> Style {
        self.fg(|p| p.key).add_modifier(Modifier::BOLD)
    }
}

/// The red, green and blue of an xterm 256-colour index as xterm sets it by default. Colours
/// 0–15 are the xterm defaults too, though terminals commonly redefine them.
pub fn xterm_rgb(i: u8) -> (u8, u8, u8) {
    const BASE: [(u8, u8, u8); 16] = [
        (0, 0, 0),
        (205, 0, 0),
        (0, 205, 0),
        (205, 205, 0),
        (0, 0, 238),
        (205, 0, 205),
        (0, 205, 205),
        (229, 229, 229),
        (127, 127, 127),
        (255, 0, 0),
        (0, 255, 0),
        (255, 255, 0),
        (92, 92, 255),
        (255, 0, 255),
        (0, 255, 255),
        (255, 255, 255),
    ];
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    match i {
        0..=15 => BASE[i as usize],
        16..=231 => {
            let n = i - 16;
            (
                LEVELS[(n / 36) as usize],
                LEVELS[(n / 6 % 6) as usize],
                LEVELS[(n % 6) as usize],
            )
        }
        232..=255 => {
            let v = 8 + 10 * (i - 232);
            (v, v, v)
        }
    }
}

/// WCAG 2 relative luminance of an sRGB colour.
pub fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// WCAG 2 contrast ratio (1 to 21) between two xterm colours.
pub fn contrast(a: u8, b: u8) -> f64 {
    let (la, lb) = (luminance(xterm_rgb(a)), luminance(xterm_rgb(b)));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The WCAG AA contrast every text of a colour theme reaches.
pub const MIN_CONTRAST: f64 = 4.5;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Kind;

    #[test]
    fn the_palette_follows_xterm() {
        assert_eq!(xterm_rgb(16), (0, 0, 0));
        assert_eq!(xterm_rgb(231), (255, 255, 255));
        assert_eq!(xterm_rgb(196), (255, 0, 0));
        assert_eq!(xterm_rgb(117), (135, 215, 255));
        assert_eq!(xterm_rgb(232), (8, 8, 8));
        assert_eq!(xterm_rgb(255), (238, 238, 238));
        assert!((contrast(16, 231) - 21.0).abs() < 1e-9);
        assert!((contrast(5, 5) - 1.0).abs() < 1e-9);
    }

    /// The colours the issue measured on the old theme fail, so the check can tell.
    #[test]
    fn the_old_colours_fail_the_check() {
        // Yellow on white, cyan on white, blue on black, grey on grey.
        assert!(contrast(3, 15) < 2.0);
        assert!(contrast(6, 15) < MIN_CONTRAST);
        assert!(contrast(4, 0) < 2.5);
        assert!(contrast(8, 8) < MIN_CONTRAST);
    }

    #[test]
    fn every_text_role_reaches_aa_on_every_background() {
        for (name, p) in [("dark", DARK), ("light", LIGHT)] {
            for (bg_name, bg) in p.backgrounds() {
                assert!(bg >= 16, "{name} {bg_name} uses a redefinable colour {bg}");
                for (fg_name, fg) in p.foregrounds() {
                    assert!(fg >= 16, "{name} {fg_name} uses a redefinable colour {fg}");
                    let c = contrast(fg, bg);
                    assert!(
                        c >= MIN_CONTRAST,
                        "{name}: {fg_name} ({fg}) on {bg_name} ({bg}) is {c:.2}:1"
                    );
                }
            }
        }
    }

    #[test]
    fn the_dark_theme_is_dark_and_the_light_theme_light() {
        assert!(luminance(xterm_rgb(DARK.background)) < 0.01);
        assert!(luminance(xterm_rgb(LIGHT.background)) > 0.99);
    }

    /// Every style a view can ask for, alone and on the selected row, resolves to colours
    /// that reach AA (the style's own foreground, or the theme text it inherits).
    #[test]
    fn every_style_reaches_aa_alone_and_selected() {
        for name in [ThemeName::Dark, ThemeName::Light] {
            let t = Theme::new(name);
            let p = *t.palette().unwrap();
            let roles = [
                Role::Title,
                Role::Heading,
                Role::Label,
                Role::Value,
                Role::Best,
                Role::Quote,
                Role::Flag,
                Role::Link,
                Role::Dim,
                Role::Plain,
            ];
            let mut styles: Vec<(String, Style)> = roles
                .iter()
                .map(|r| (format!("{r:?}"), t.role(*r)))
                .collect();
            for k in [Kind::Trial, Kind::Therapy, Kind::Disease, Kind::Source] {
                styles.push((format!("badge {k:?}"), t.badge(k)));
            }
            styles.extend([
                ("border".into(), t.border(false)),
                ("focused border".into(), t.border(true)),
                ("highlight".into(), t.highlight()),
                ("error".into(), t.error()),
                ("dim".into(), t.dim()),
                ("key".into(), t.key()),
                ("selected".into(), t.selected()),
                ("plain".into(), Style::new()),
            ]);
            for (what, style) in styles {
                for row in [t.base(), t.base().patch(t.selected())] {
                    let s = row.patch(style);
                    let (Some(Color::Indexed(fg)), Some(Color::Indexed(bg))) = (s.fg, s.bg) else {
                        panic!("{name:?} {what}: colours not from the palette: {s:?}");
                    };
                    let c = contrast(fg, bg);
                    assert!(
                        c >= MIN_CONTRAST,
                        "{name:?} {what}: {fg} on {bg} is {c:.2}:1"
                    );
                }
            }
            // The selected background differs from the plain one, so the row shows.
            assert_ne!(p.selected, p.background);
        }
    }

    #[test]
    fn mono_has_no_colours() {
        let t = Theme::new(ThemeName::Mono);
        assert_eq!(t.base(), Style::new());
        for s in [t.key(), t.dim(), t.error(), t.highlight(), t.border(true)] {
            assert_eq!((s.fg, s.bg), (None, None));
        }
        assert!(t.selected().add_modifier.contains(Modifier::REVERSED));
    }
}
