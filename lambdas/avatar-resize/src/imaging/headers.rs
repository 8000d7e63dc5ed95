//! What the decoders do not say before they allocate, read from the container itself: whether a JPEG has more
//! than one scan (libjpeg-turbo then buffers every coefficient of the image), and the size of every GIF frame
//! (the `image` crate checks only the logical screen, and a 100×100 screen can hold a 10000×10000 frame).
//! Both walks only skip over segment lengths; they allocate nothing and stop at the first inconsistency, which
//! the decoder then reports.

/// True when the JPEG has a second SOS marker (progressive, or sequential with one scan per component).
pub(crate) fn jpeg_has_multiple_scans(bytes: &[u8]) -> bool {
    let mut scans = 0;
    let mut i = 2; // after SOI
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            return scans > 1;
        }
        let marker = bytes[i + 1];
        if marker == 0xFF {
            i += 1; // fill byte
            continue;
        }
        if marker == 0xD9 {
            break; // EOI
        }
        if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            i += 2; // markers without a length
            continue;
        }
        let length = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        i += 2 + length;
        if marker == 0xDA {
            scans += 1;
            if scans > 1 {
                return true;
            }
            i = skip_entropy_coded(bytes, i);
        }
    }
    scans > 1
}

/// The offset of the next marker after entropy-coded data (byte stuffing `FF 00` and restarts `FF D0..D7`
/// belong to the data).
fn skip_entropy_coded(bytes: &[u8], mut i: usize) -> usize {
    while i + 1 < bytes.len() {
        if bytes[i] == 0xFF && bytes[i + 1] != 0x00 && !(0xD0..=0xD7).contains(&bytes[i + 1]) {
            return i;
        }
        i += 1;
    }
    bytes.len()
}

/// Width and height of every image descriptor of a GIF, in file order (as far as the file is well formed).
pub(crate) fn gif_frames(bytes: &[u8]) -> Vec<(u32, u32)> {
    let mut frames = Vec::new();
    let u16_at = |i: usize| u32::from(u16::from_le_bytes([bytes[i], bytes[i + 1]]));
    // Header (6) and logical screen descriptor (7), then the global colour table.
    if bytes.len() < 13 {
        return frames;
    }
    let mut i = 13 + colour_table_len(bytes[10]);
    while i < bytes.len() {
        match bytes[i] {
            0x21 if i + 2 <= bytes.len() => i = skip_sub_blocks(bytes, i + 2),
            0x2C if i + 10 <= bytes.len() => {
                frames.push((u16_at(i + 5), u16_at(i + 7)));
                // Local colour table, then the LZW minimum code size, then the data sub-blocks.
                i = skip_sub_blocks(bytes, i + 10 + colour_table_len(bytes[i + 9]) + 1);
            }
            _ => break, // 0x3B trailer, or damage
        }
    }
    frames
}

fn colour_table_len(packed: u8) -> usize {
    if packed & 0x80 == 0 {
        0
    } else {
        3 << ((packed & 0x07) + 1)
    }
}

fn skip_sub_blocks(bytes: &[u8], mut i: usize) -> usize {
    while let Some(&size) = bytes.get(i) {
        i += 1 + usize::from(size);
        if size == 0 {
            return i;
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_scans_past_stuffed_bytes_and_restarts() {
        // SOI, one SOS (length 2) whose data holds FF 00 and FF D3, then EOI.
        let one = [
            0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0x12, 0xFF, 0x00, 0xFF, 0xD3, 0x34, 0xFF, 0xD9,
        ];
        assert!(!jpeg_has_multiple_scans(&one));
        let mut two = one[..13].to_vec();
        two.extend_from_slice(&[0xDA, 0x00, 0x02, 0x56, 0xFF, 0xD9]);
        assert!(jpeg_has_multiple_scans(&two));
    }

    #[test]
    fn finds_a_frame_larger_than_the_screen() {
        let mut gif = b"GIF89a".to_vec();
        gif.extend_from_slice(&[100, 0, 100, 0, 0x80, 0, 0]); // 100×100, 2-colour global table
        gif.extend_from_slice(&[0, 0, 0, 255, 255, 255]);
        gif.extend_from_slice(&[0x21, 0xF9, 4, 0, 0, 0, 0, 0]); // graphic control extension
        gif.extend_from_slice(&[0x2C, 0, 0, 0, 0, 0x10, 0x27, 0x10, 0x27, 0]); // 10000×10000 at (0,0)
        gif.extend_from_slice(&[2, 2, 0x4C, 0x01, 0, 0x3B]);
        assert_eq!(gif_frames(&gif), vec![(10_000, 10_000)]);
        assert_eq!(gif_frames(&gif[..20]), Vec::<(u32, u32)>::new());
    }
}
