//! What the decoders do not say before they allocate, read from the container itself: whether a JPEG has more
//! than one scan (libjpeg-turbo then buffers every coefficient of the image), and the size of every GIF frame
//! (the `image` crate checks only the logical screen, and a 100×100 screen can hold a 10000×10000 frame).
//! Both walks only skip over segment lengths (and, as libjpeg does, stray bytes before a JPEG marker); they
//! allocate nothing and stop at the first inconsistency, which the decoder then reports. The JPEG walk also says
//! whether the first scan holds any picture data (a file cut after its headers decodes to libjpeg's fill).

/// What the marker walk finds of a JPEG's scans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct JpegScans {
    /// SOS markers seen, counting stops at 2.
    pub count: u32,
    /// Bytes of entropy-coded data after the first SOS header (0: the file ends, or the next marker follows,
    /// before any picture data).
    pub first_data_bytes: usize,
}

pub(crate) fn jpeg_scans(bytes: &[u8]) -> JpegScans {
    let mut found = JpegScans {
        count: 0,
        first_data_bytes: 0,
    };
    let mut i = 2; // after SOI
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            // Stray bytes before a marker: libjpeg skips them with a warning, and so does this walk.
            i += 1;
            continue;
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
            found.count += 1;
            let end = skip_entropy_coded(bytes, i);
            if found.count == 1 {
                found.first_data_bytes = end.saturating_sub(i);
            } else {
                break;
            }
            i = end;
        }
    }
    found
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

/// The ICC profile of a WebP: the payload of its `ICCP` chunk (an extended-format file), if any.
pub(crate) fn webp_icc(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WEBP" {
        return None;
    }
    let mut i = 12;
    while i + 8 <= bytes.len() {
        let fourcc = &bytes[i..i + 4];
        let size =
            u32::from_le_bytes([bytes[i + 4], bytes[i + 5], bytes[i + 6], bytes[i + 7]]) as usize;
        let data = bytes.get(i + 8..i + 8 + size)?;
        if fourcc == b"ICCP" {
            return Some(data.to_vec());
        }
        // Chunks are padded to an even size.
        i += 8 + size + (size & 1);
    }
    None
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
        assert_eq!(
            jpeg_scans(&one),
            JpegScans {
                count: 1,
                first_data_bytes: 6
            }
        );
        let mut two = one[..13].to_vec();
        two.extend_from_slice(&[0xDA, 0x00, 0x02, 0x56, 0xFF, 0xD9]);
        assert_eq!(jpeg_scans(&two).count, 2);
    }

    #[test]
    fn skips_stray_bytes_before_a_marker_and_sees_a_scan_without_data() {
        // SOI, three stray bytes, an SOS header, then the file ends.
        let headers_only = [0xFF, 0xD8, 0x00, 0x13, 0x37, 0xFF, 0xDA, 0x00, 0x02];
        assert_eq!(
            jpeg_scans(&headers_only),
            JpegScans {
                count: 1,
                first_data_bytes: 0
            }
        );
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
