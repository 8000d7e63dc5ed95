//! PNG with shrink-on-load: rows are unfiltered one at a time and averaged straight into a 1/2, 1/4 or 1/8 image
//! (a box filter, as libjpeg-turbo's scaled JPEG decode effectively is), so a 2000×2000 RGBA upload never holds its
//! 16 MB of full-size pixels and the Lanczos pass that follows reads a quarter of them. Used when the outputs allow a
//! shrink and the file is not interlaced (Adam7 rows arrive in seven passes); otherwise the `image` crate decodes
//! it whole (`decode.rs`).

use std::io::Cursor;

use pipeline_contract::memory::Decode;

use super::{Limits, Pixels, Rejection, Rgb};

/// A PNG decoded at 1/`denom` of its size (rounded up), its size as stored, and its ICC profile.
pub(crate) struct Shrunk {
    pub pixels: Pixels,
    pub width: u32,
    pub height: u32,
    pub icc: Option<Vec<u8>>,
}

fn corrupt(err: impl std::fmt::Display) -> Rejection {
    Rejection::Corrupt(format!("PNG: {err}"))
}

/// Reads the header, checks it against `limits` (dimensions and the memory budget, with `widest` the widest
/// output), and decodes at 1/`denom_for(width, height)`. `None` when the file is interlaced or the denominator is
/// 1: the caller decodes it whole.
pub(crate) fn decode_shrunk(
    bytes: &[u8],
    limits: &Limits,
    widest: u32,
    denom_for: impl Fn(u32, u32) -> u32,
) -> Result<Option<Shrunk>, Rejection> {
    let mut decoder = png::Decoder::new_with_limits(
        Cursor::new(bytes),
        png::Limits {
            bytes: usize::try_from(limits.max_alloc()).unwrap_or(usize::MAX),
        },
    );
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let header = decoder.read_header_info().map_err(corrupt)?;
    let (width, height) = (header.width, header.height);
    let interlaced = header.interlaced;
    limits.check(width, height)?;
    // Channels after expansion: a palette becomes RGB, and tRNS adds alpha.
    let transparency = u8::from(header.trns.is_some());
    let channels = match header.color_type {
        png::ColorType::Grayscale => 1 + transparency,
        png::ColorType::Rgb | png::ColorType::Indexed => 3 + transparency,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgba => 4,
    };
    limits.check_memory(
        &Decode::Png {
            width,
            height,
            channels,
            sixteen_bit: header.bit_depth == png::BitDepth::Sixteen,
        },
        widest,
    )?;
    let denom = denom_for(width, height);
    if interlaced || denom < 2 {
        return Ok(None);
    }
    let mut reader = decoder.read_info().map_err(corrupt)?;
    let icc = reader.info().icc_profile.as_ref().map(|p| p.to_vec());
    let (colour, _) = reader.output_color_type();
    let (samples, alpha) = match colour {
        png::ColorType::Grayscale => (1, false),
        png::ColorType::GrayscaleAlpha => (2, true),
        png::ColorType::Rgb => (3, false),
        png::ColorType::Rgba => (4, true),
        png::ColorType::Indexed => return Err(corrupt("palette not expanded")),
    };
    let mut shrink = BoxShrink::new(width, height, denom, alpha);
    let row_len = width as usize * samples;
    for _ in 0..height {
        let row = reader
            .next_row()
            .map_err(corrupt)?
            .ok_or_else(|| corrupt("fewer rows than the header states"))?;
        let data = row
            .data()
            .get(..row_len)
            .ok_or_else(|| corrupt("short row"))?;
        match samples {
            1 => shrink.add_row::<1, false>(data),
            2 => shrink.add_row::<2, true>(data),
            3 => shrink.add_row::<3, false>(data),
            _ => shrink.add_row::<4, true>(data),
        }
        shrink.end_row();
    }
    Ok(Some(Shrunk {
        pixels: shrink.finish(),
        width,
        height,
        icc,
    }))
}

/// Box averages of `denom`×`denom` blocks (the last row and column of blocks may be smaller), one band of rows at a
/// time. With alpha the colour is averaged weighted by alpha (premultiplied), so transparent pixels lend no colour.
struct BoxShrink {
    width: u32,
    height: u32,
    denom: u32,
    alpha: bool,
    out_width: usize,
    /// Per output pixel of the current band: the channel sums (×alpha with alpha) and the alpha sum.
    sums: Vec<[u32; 4]>,
    rows_in_band: u32,
    rows_done: u32,
    out: Vec<u8>,
}

impl BoxShrink {
    fn new(width: u32, height: u32, denom: u32, alpha: bool) -> Self {
        let out_width = width.div_ceil(denom) as usize;
        let out_height = height.div_ceil(denom) as usize;
        let channels = if alpha { 4 } else { 3 };
        Self {
            width,
            height,
            denom,
            alpha,
            out_width,
            sums: vec![[0; 4]; out_width],
            rows_in_band: 0,
            rows_done: 0,
            out: Vec::with_capacity(out_width * out_height * channels),
        }
    }

    /// Adds one row of `SAMPLES`-channel pixels (grey, grey+alpha, RGB, RGBA; `ALPHA` for the second and fourth)
    /// to the band's sums.
    fn add_row<const SAMPLES: usize, const ALPHA: bool>(&mut self, row: &[u8]) {
        // The denominator is a power of two: a shift finds each pixel's block.
        let shift = self.denom.trailing_zeros();
        for (x, px) in row.chunks_exact(SAMPLES).enumerate() {
            let sum = &mut self.sums[x >> shift];
            let (r, g, b) = if SAMPLES >= 3 {
                (px[0], px[1], px[2])
            } else {
                (px[0], px[0], px[0])
            };
            if ALPHA {
                let a = u32::from(px[SAMPLES - 1]);
                sum[0] += u32::from(r) * a;
                sum[1] += u32::from(g) * a;
                sum[2] += u32::from(b) * a;
                sum[3] += a;
            } else {
                sum[0] += u32::from(r);
                sum[1] += u32::from(g);
                sum[2] += u32::from(b);
            }
        }
    }

    fn end_row(&mut self) {
        self.rows_in_band += 1;
        self.rows_done += 1;
        if self.rows_in_band < self.denom && self.rows_done < self.height {
            return;
        }
        for (ox, sum) in self.sums.iter_mut().enumerate() {
            let first = ox as u32 * self.denom;
            let columns = self.denom.min(self.width - first);
            let count = columns * self.rows_in_band;
            let round = |total: u32, by: u32| ((total + by / 2) / by) as u8;
            if self.alpha {
                let a = sum[3];
                for &c in &sum[..3] {
                    self.out.push(if a == 0 { 0 } else { round(c, a) });
                }
                self.out.push(round(a, count));
            } else {
                for &c in &sum[..3] {
                    self.out.push(round(c, count));
                }
            }
            sum.fill(0);
        }
        self.rows_in_band = 0;
    }

    fn finish(self) -> Pixels {
        let width = self.out_width as u32;
        let height = self.height.div_ceil(self.denom);
        if self.alpha {
            Pixels::Rgba {
                width,
                height,
                data: self.out,
            }
        } else {
            Pixels::Rgb(Rgb {
                width,
                height,
                data: self.out,
            })
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn encode(
        width: u32,
        height: u32,
        colour: png::ColorType,
        data: &[u8],
        interlaced: bool,
    ) -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut encoder = png::Encoder::new(&mut bytes, width, height);
        encoder.set_color(colour);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(data).unwrap();
        writer.finish().unwrap();
        if interlaced {
            // The encoder writes no Adam7; the header's interlace byte (and its chunk's CRC) is all the shrink reads.
            bytes[28] = 1;
            let crc = crc32(&bytes[12..29]);
            bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        }
        bytes
    }

    /// PNG's CRC-32 (ISO 3309), bit by bit.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    fn shrunk(bytes: &[u8], denom: u32) -> Option<Pixels> {
        decode_shrunk(bytes, &Limits::default(), 512, |_, _| denom)
            .unwrap()
            .map(|s| s.pixels)
    }

    #[test]
    fn blocks_are_averaged_and_partial_edge_blocks_by_their_own_count() {
        // 5×3 grey ramp: values 10·x + 100·y.
        let data: Vec<u8> = (0..3)
            .flat_map(|y| (0..5).map(move |x| (10 * x + 100 * y) as u8))
            .collect();
        let Some(Pixels::Rgb(rgb)) =
            shrunk(&encode(5, 3, png::ColorType::Grayscale, &data, false), 2)
        else {
            panic!("an opaque grey PNG shrinks to RGB");
        };
        assert_eq!((rgb.width, rgb.height), (3, 2));
        let red: Vec<u8> = rgb.data.chunks_exact(3).map(|px| px[0]).collect();
        // Rows 0–1: (0,10,100,110)/4 = 55, (20,30,120,130)/4 = 75, (40,140)/2 = 90; row 2: (200,210)/2, (220,230)/2, 240.
        assert_eq!(red, [55, 75, 90, 205, 225, 240]);
    }

    /// The shrink then Lanczos gives what Lanczos from the whole decode gives, within rounding.
    #[test]
    fn a_shrunk_decode_resizes_like_the_whole_one() {
        let (width, height) = (1200u32, 900u32);
        let data: Vec<u8> = (0..height)
            .flat_map(|y| {
                (0..width).flat_map(move |x| {
                    let alpha = if (x / 100 + y / 100) % 2 == 0 {
                        255
                    } else {
                        96
                    };
                    [
                        (x * 255 / width) as u8,
                        (y * 255 / height) as u8,
                        128,
                        alpha,
                    ]
                })
            })
            .collect();
        let bytes = encode(width, height, png::ColorType::Rgba, &data, false);
        let shrunk = shrunk(&bytes, 2).unwrap();
        assert_eq!(shrunk.size(), (600, 450));
        let whole = Pixels::Rgba {
            width,
            height,
            data,
        };
        let resize = |pixels: &Pixels| {
            super::super::resize::crop_to_fill(pixels, 400, 400)
                .unwrap()
                .flatten([255, 255, 255])
                .data
        };
        let differences: Vec<u8> = resize(&shrunk)
            .iter()
            .zip(resize(&whole))
            .map(|(a, b)| a.abs_diff(b))
            .collect();
        let mean =
            differences.iter().map(|&d| f64::from(d)).sum::<f64>() / differences.len() as f64;
        let worst = differences.iter().max().copied().unwrap_or(0);
        // Away from the hard alpha edges the two agree within rounding; at them Lanczos rings differently
        // (as it does after libjpeg-turbo's scaled decode).
        assert!(mean < 0.5 && worst <= 16, "mean {mean:.3}, largest {worst}");
    }

    #[test]
    fn transparent_pixels_lend_no_colour() {
        // One block: two opaque red pixels, two fully transparent green ones.
        let data = [255, 0, 0, 255, 0, 255, 0, 0, 0, 255, 0, 0, 255, 0, 0, 255];
        let Some(Pixels::Rgba { data, .. }) =
            shrunk(&encode(2, 2, png::ColorType::Rgba, &data, false), 2)
        else {
            panic!("RGBA stays RGBA");
        };
        assert_eq!(data, [255, 0, 0, 128]);
    }

    #[test]
    fn interlaced_files_and_no_shrink_are_left_to_the_whole_decode() {
        let data = vec![7u8; 8 * 8 * 3];
        assert!(shrunk(&encode(8, 8, png::ColorType::Rgb, &data, true), 2).is_none());
        assert!(shrunk(&encode(8, 8, png::ColorType::Rgb, &data, false), 1).is_none());
    }

    #[test]
    fn a_truncated_file_is_corrupt() {
        let data: Vec<u8> = (0..64 * 64 * 3).map(|i| (i * 7 % 251) as u8).collect();
        let bytes = encode(64, 64, png::ColorType::Rgb, &data, false);
        let cut = &bytes[..bytes.len() / 2];
        assert!(matches!(
            decode_shrunk(cut, &Limits::default(), 16, |_, _| 2),
            Err(Rejection::Corrupt(_))
        ));
    }
}
