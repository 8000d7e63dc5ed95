//! What a reader sees of a display name. A name can look empty or like someone else's while holding characters
//! that render as nothing: format characters (bidi overrides, zero-width spaces, a lone joiner, tag characters),
//! line and paragraph separators, private-use and unassigned code points, and the Hangul fillers and blank braille
//! pattern (a letter and a symbol by category, blank on screen). Those are refused, and a name needs at least one character that shows.
//!
//! Two format characters are part of real text and stay allowed where they join something: ZWJ (U+200D) and ZWNJ
//! (U+200C) between two visible characters (emoji sequences such as 👩‍💻, Persian and Indic spelling), and tag
//! characters in an emoji tag sequence (🏴 + tags + CANCEL TAG: the flags of England, Scotland and Wales).
//! Categories are Unicode 18.0's (`unicode-properties`).

use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

/// Letters or symbols by category that display as blank space: the Hangul fillers and the blank braille pattern.
const BLANKS: [char; 5] = ['\u{115F}', '\u{1160}', '\u{3164}', '\u{FFA0}', '\u{2800}'];
const ZWJ: char = '\u{200D}';
const ZWNJ: char = '\u{200C}';
const BLACK_FLAG: char = '\u{1F3F4}';
const CANCEL_TAG: char = '\u{E007F}';
const TAGS: std::ops::RangeInclusive<char> = '\u{E0020}'..='\u{E007E}';

/// The characters of `text` a reader cannot see and that are not part of a joined sequence, in order.
pub fn hidden(text: &str) -> Vec<char> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == BLACK_FLAG {
            // An emoji tag sequence: the flag, one or more tags, the cancel tag.
            let tags = chars[i + 1..]
                .iter()
                .take_while(|&&t| TAGS.contains(&t))
                .count();
            if tags > 0 && chars.get(i + 1 + tags) == Some(&CANCEL_TAG) {
                i += tags + 2;
                continue;
            }
        }
        let joins = || {
            let shows = |other: Option<&char>| other.is_some_and(|&o| shows(o));
            i > 0 && shows(chars.get(i - 1)) && shows(chars.get(i + 1))
        };
        let refused = BLANKS.contains(&c)
            || match c.general_category() {
                GeneralCategory::Format => !((c == ZWJ || c == ZWNJ) && joins()),
                GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator
                | GeneralCategory::PrivateUse
                | GeneralCategory::Unassigned
                | GeneralCategory::Surrogate => true,
                _ => false,
            };
        if refused {
            found.push(c);
        }
        i += 1;
    }
    found
}

/// Whether `c` shows on its own: a letter, number, punctuation or symbol that is not blank.
pub fn shows(c: char) -> bool {
    !BLANKS.contains(&c)
        && matches!(
            c.general_category_group(),
            GeneralCategoryGroup::Letter
                | GeneralCategoryGroup::Number
                | GeneralCategoryGroup::Punctuation
                | GeneralCategoryGroup::Symbol
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_blank_character_is_found() {
        for (text, expected) in [
            ("Ada\u{3164}", vec!['\u{3164}']),         // Hangul filler (Lo)
            ("Ada\u{2800}", vec!['\u{2800}']),         // blank braille pattern (So)
            ("\u{115F}Ada", vec!['\u{115F}']),         // Hangul choseong filler
            ("Ada\u{2028}Lovelace", vec!['\u{2028}']), // Zl
            ("Ada\u{2029}", vec!['\u{2029}']),         // Zp
            ("Ada\u{180E}", vec!['\u{180E}']),         // Mongolian vowel separator (Cf)
            ("Ada\u{E000}", vec!['\u{E000}']),         // private use (Co)
            ("Ada\u{0378}", vec!['\u{0378}']),         // unassigned (Cn)
            ("Ada\u{E0041}", vec!['\u{E0041}']),       // a tag character outside a flag
            ("Ada\u{200D}", vec![ZWJ]),                // a lone joiner
            ("\u{200D}Ada", vec![ZWJ]),
            ("Ada \u{200D} x", vec![ZWJ]), // a joiner between spaces joins nothing
            ("Ada\u{202E}gnp", vec!['\u{202E}']), // bidi override (Cf)
            ("A\u{200B}da", vec!['\u{200B}']), // zero-width space (Cf)
        ] {
            assert_eq!(hidden(text), expected, "{text:?}");
        }
    }

    #[test]
    fn joined_sequences_and_ordinary_names_pass() {
        for text in [
            "Ada Lovelace",
            "👩\u{200D}💻 Ada",
            "می\u{200C}خواهم",
            // The flag of England: black flag, tags g b e n g, cancel tag.
            "\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F} Ada",
            "José",
            "李小龍",
            "Zoë 🎉",
        ] {
            assert_eq!(hidden(text), Vec::<char>::new(), "{text:?}");
        }
    }

    #[test]
    fn visibility_needs_a_letter_number_punctuation_or_symbol() {
        for c in ['a', '7', '!', '🎉', '李'] {
            assert!(shows(c), "{c:?}");
        }
        // A space, fillers, a lone combining accent, a joiner, the blank braille pattern.
        for c in [' ', '\u{3164}', '\u{0301}', '\u{200D}', '\u{2800}'] {
            assert!(!shows(c), "{c:?}");
        }
    }
}
