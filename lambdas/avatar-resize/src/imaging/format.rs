//! Formats are told from the bytes (magic numbers), never from the key or the Content-Type the client sent.

/// The source formats are the contract's [`ImageType`]s (the generator lists the allowed ones by the same names).
pub use pipeline_contract::ImageType as SourceFormat;

/// The format the bytes are in, from their magic number.
pub fn sniff(bytes: &[u8]) -> Option<SourceFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(SourceFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(SourceFormat::Png)
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(SourceFormat::Webp)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(SourceFormat::Gif)
    } else {
        None
    }
}

/// A set of source formats (a kind's allowed ones), small enough to copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceFormats(u8);

impl SourceFormats {
    pub const ALL: SourceFormats = SourceFormats(0b1111);

    pub fn of(formats: &[SourceFormat]) -> Self {
        SourceFormats(formats.iter().fold(0, |bits, &f| bits | Self::bit(f)))
    }

    fn bit(format: SourceFormat) -> u8 {
        1 << (SourceFormat::ALL
            .iter()
            .position(|&f| f == format)
            .unwrap_or(0) as u8)
    }

    pub fn contains(self, format: SourceFormat) -> bool {
        self.0 & Self::bit(format) != 0
    }

    pub fn to_vec(self) -> Vec<SourceFormat> {
        SourceFormat::ALL
            .into_iter()
            .filter(|&f| self.contains(f))
            .collect()
    }
}

/// The output formats are the contract's (the generator writes them into the settings by the same names).
pub use pipeline_contract::OutputFormat;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_magic_not_by_name() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Some(SourceFormat::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some(SourceFormat::Png));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(SourceFormat::Webp));
        assert_eq!(sniff(b"GIF89a"), Some(SourceFormat::Gif));
        assert_eq!(sniff(b"<html><body>"), None);
        assert_eq!(sniff(b"<svg xmlns="), None);
        assert_eq!(sniff(b"RIFF\0\0\0\0WAVE"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn a_format_set_holds_what_it_was_made_of() {
        let set = SourceFormats::of(&[SourceFormat::Jpeg, SourceFormat::Webp]);
        assert!(set.contains(SourceFormat::Jpeg) && set.contains(SourceFormat::Webp));
        assert!(!set.contains(SourceFormat::Gif) && !set.contains(SourceFormat::Png));
        assert_eq!(set.to_vec(), vec![SourceFormat::Jpeg, SourceFormat::Webp]);
        assert_eq!(SourceFormats::ALL.to_vec(), SourceFormat::ALL.to_vec());
    }
}
