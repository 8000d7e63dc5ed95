//! The body of `POST /api/profile/update` and its rules. Every problem is reported, each with a stable code.

use serde::{Deserialize, Serialize};

pub const DISPLAY_NAME_MAX_CHARS: usize = 64;
pub const BIO_MAX_CHARS: usize = 280;

/// What the client sends. Unknown fields are refused (a typo must not silently drop an edit).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateRequest {
    pub display_name: Option<String>,
    pub bio: Option<String>,
}

/// A validated edit: the display name trimmed, the bio trimmed (an empty bio is stored as NULL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileUpdate {
    pub display_name: String,
    pub bio: Option<String>,
}

/// One rule broken, as the 422 body lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub field: &'static str,
    pub code: &'static str,
    pub message: String,
}

impl UpdateRequest {
    /// Checks every rule and returns every problem, not only the first.
    pub fn validate(self) -> Result<ProfileUpdate, Vec<Problem>> {
        let mut problems = Vec::new();
        let display_name = self.display_name.unwrap_or_default();
        let display_name = display_name.trim();
        let name_chars = display_name.chars().count();
        if name_chars == 0 {
            problems.push(problem(
                "display_name",
                "display_name_blank",
                "a display name is required".to_owned(),
            ));
        } else if name_chars > DISPLAY_NAME_MAX_CHARS {
            problems.push(problem(
                "display_name",
                "display_name_too_long",
                format!("at most {DISPLAY_NAME_MAX_CHARS} characters, got {name_chars}"),
            ));
        }
        if display_name.chars().any(char::is_control) {
            problems.push(problem(
                "display_name",
                "display_name_control_characters",
                "no control characters (tabs, line breaks, …)".to_owned(),
            ));
        }
        let hidden = crate::glyphs::hidden(display_name);
        if !hidden.is_empty() {
            let listed: Vec<String> = hidden
                .iter()
                .map(|c| format!("U+{:04X}", u32::from(*c)))
                .collect();
            problems.push(problem(
                "display_name",
                "display_name_invisible_characters",
                format!("{NAME_INVISIBLE_MESSAGE}; found {}", listed.join(", ")),
            ));
        }
        if name_chars > 0 && !display_name.chars().any(crate::glyphs::shows) {
            problems.push(problem(
                "display_name",
                "display_name_not_visible",
                "at least one visible character (a letter, digit, punctuation mark or symbol)"
                    .to_owned(),
            ));
        }

        let bio = self.bio.unwrap_or_default();
        let bio = bio.trim();
        let bio_chars = bio.chars().count();
        if bio_chars > BIO_MAX_CHARS {
            problems.push(problem(
                "bio",
                "bio_too_long",
                format!("at most {BIO_MAX_CHARS} characters, got {bio_chars}"),
            ));
        }
        // Line breaks are part of a bio; every other control character is refused.
        if bio.chars().any(|c| c.is_control() && c != '\n') {
            problems.push(problem(
                "bio",
                "bio_control_characters",
                "no control characters other than line breaks".to_owned(),
            ));
        }

        if bio.chars().any(is_invisible) {
            problems.push(problem(
                "bio",
                "bio_invisible_characters",
                INVISIBLE_MESSAGE.to_owned(),
            ));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(ProfileUpdate {
            display_name: display_name.to_owned(),
            bio: (!bio.is_empty()).then(|| bio.to_owned()),
        })
    }
}

const NAME_INVISIBLE_MESSAGE: &str =
    "no characters that show as nothing: format characters (bidi overrides, zero-width spaces, a joiner that joins \
     nothing, tags outside a flag), line or paragraph separators, private-use or unassigned code points, Hangul \
     fillers or the blank braille pattern";

const INVISIBLE_MESSAGE: &str =
    "no bidirectional overrides or isolates (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) and no \
     zero-width spaces (U+200B, U+2060, U+FEFF)";

/// In a bio: characters that change how the text around them is shown without being seen: bidi overrides and isolates
/// reorder a name (another user's name, or `gnp.exe` shown as `exe.png`), zero-width spaces make two equal-looking
/// names differ. ZWJ (U+200D) and ZWNJ (U+200C) are kept: emoji sequences and Persian or Indic spelling need them.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{061C}'
            | '\u{200B}'
            | '\u{2060}'
            | '\u{FEFF}'
    )
}

fn problem(field: &'static str, code: &'static str, message: String) -> Problem {
    Problem {
        field,
        code,
        message,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn codes(name: Option<&str>, bio: Option<&str>) -> Vec<&'static str> {
        let request = UpdateRequest {
            display_name: name.map(String::from),
            bio: bio.map(String::from),
        };
        match request.validate() {
            Ok(_) => vec![],
            Err(problems) => problems.iter().map(|p| p.code).collect(),
        }
    }

    #[test]
    fn every_rule_and_every_problem_at_once() {
        assert_eq!(codes(Some("  Ada  "), Some("")), Vec::<&str>::new());
        assert_eq!(codes(None, None), ["display_name_blank"]);
        assert_eq!(codes(Some("   "), None), ["display_name_blank"]);
        assert_eq!(
            codes(Some(&"é".repeat(64)), Some(&"x".repeat(280))),
            Vec::<&str>::new()
        );
        assert_eq!(
            codes(Some(&"é".repeat(65)), Some(&"x".repeat(281))),
            ["display_name_too_long", "bio_too_long"]
        );
        assert_eq!(
            codes(Some("a\tb"), Some("line\nbreak\u{7}")),
            ["display_name_control_characters", "bio_control_characters"]
        );
        assert_eq!(codes(Some("Ada"), Some("two\nlines")), Vec::<&str>::new());
    }

    #[test]
    fn issue_18_bidi_overrides_and_zero_width_spaces_are_refused() {
        assert_eq!(
            codes(Some("Ada\u{202E}gnp.exe"), Some("hi\u{200B}there")),
            [
                "display_name_invisible_characters",
                "bio_invisible_characters"
            ]
        );
        for c in [
            '\u{2066}', '\u{2069}', '\u{200F}', '\u{061C}', '\u{2060}', '\u{FEFF}',
        ] {
            assert_eq!(
                codes(Some(&format!("A{c}da")), None),
                ["display_name_invisible_characters"],
                "{c:?}"
            );
        }
        // Emoji sequences (ZWJ) and Persian spelling (ZWNJ) stay valid.
        assert_eq!(
            codes(Some("👩\u{200D}💻 Ada"), Some("می\u{200C}خواهم")),
            Vec::<&str>::new()
        );
    }

    /// Issue 28 item 6: names that look blank, or hide characters, are refused; each kind tested.
    #[test]
    fn a_display_name_needs_a_visible_character_and_hides_nothing() {
        for name in [
            "\u{3164}",           // Hangul filler alone
            "\u{115F}\u{3164}",   // two fillers
            "\u{2800}",           // the blank braille pattern
            "\u{180E}",           // Mongolian vowel separator
            "\u{E0041}\u{E0042}", // tag characters
            "\u{200D}",           // a lone joiner
        ] {
            assert_eq!(
                codes(Some(name), None),
                [
                    "display_name_invisible_characters",
                    "display_name_not_visible"
                ],
                "{name:?}"
            );
        }
        // Only combining marks: nothing hidden, nothing visible either.
        assert_eq!(
            codes(Some("\u{0301}\u{0301}"), None),
            ["display_name_not_visible"]
        );
        for name in [
            "Ada\u{2029}Lovelace",
            "Ada\u{F8FF}",
            "Ada\u{0378}",
            "Ada\u{2800}",
        ] {
            assert_eq!(
                codes(Some(name), None),
                ["display_name_invisible_characters"],
                "{name:?}"
            );
        }
        let problems = UpdateRequest {
            display_name: Some("Ada\u{3164}".into()),
            bio: None,
        }
        .validate()
        .unwrap_err();
        assert!(
            problems[0].message.ends_with("found U+3164"),
            "{}",
            problems[0].message
        );
        assert_eq!(codes(Some("👩\u{200D}💻 Ada"), None), Vec::<&str>::new());
    }

    #[test]
    fn values_are_trimmed_and_an_empty_bio_is_none() {
        let update = UpdateRequest {
            display_name: Some("  Ada Lovelace \n".into()),
            bio: Some("   ".into()),
        }
        .validate()
        .unwrap();
        assert_eq!(update.display_name, "Ada Lovelace");
        assert_eq!(update.bio, None);
    }
}
