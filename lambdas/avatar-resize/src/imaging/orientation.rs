//! EXIF orientation (tag 0x0112): how the stored pixels must be turned to display upright. Phones store
//! portrait photos landscape with orientation 6; ignoring it gives a sideways avatar.

use std::io::Cursor;

use super::Rgb;

/// The eight EXIF orientations; 1 is "as stored".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Orientation(u8);

impl Orientation {
    pub const NORMAL: Orientation = Orientation(1);

    /// Orientation from an EXIF value; anything outside 1..=8 is treated as 1, as browsers do.
    pub fn from_exif(value: u32) -> Self {
        match value {
            1..=8 => Orientation(value as u8),
            _ => Self::NORMAL,
        }
    }

    /// Reads the orientation from the file's EXIF block (JPEG APP1, PNG eXIf, WebP EXIF); 1 when absent or broken.
    pub fn read(bytes: &[u8]) -> Self {
        let Ok(exif) = exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) else {
            return Self::NORMAL;
        };
        exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY)
            .and_then(|field| field.value.get_uint(0))
            .map_or(Self::NORMAL, Self::from_exif)
    }

    pub fn value(self) -> u8 {
        self.0
    }

    /// Orientations 5–8 turn the image by a quarter, so width and height trade places.
    pub fn swaps_axes(self) -> bool {
        self.0 >= 5
    }

    /// Returns the upright image.
    pub(crate) fn apply(self, image: Rgb) -> Rgb {
        if self == Self::NORMAL {
            return image;
        }
        let (w, h) = (image.width as usize, image.height as usize);
        let (out_w, out_h) = if self.swaps_axes() { (h, w) } else { (w, h) };
        let mut data = vec![0u8; image.data.len()];
        for y in 0..out_h {
            for x in 0..out_w {
                // Where the displayed pixel (x, y) is stored.
                let (sx, sy) = match self.0 {
                    2 => (w - 1 - x, y),
                    3 => (w - 1 - x, h - 1 - y),
                    4 => (x, h - 1 - y),
                    5 => (y, x),
                    6 => (y, h - 1 - x),
                    7 => (w - 1 - y, h - 1 - x),
                    8 => (w - 1 - y, x),
                    _ => (x, y),
                };
                let src = (sy * w + sx) * 3;
                let dst = (y * out_w + x) * 3;
                data[dst..dst + 3].copy_from_slice(&image.data[src..src + 3]);
            }
        }
        Rgb {
            width: out_w as u32,
            height: out_h as u32,
            data,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2×1 image, red then blue, turned every way.
    #[test]
    fn every_orientation_moves_pixels_where_exif_says() {
        let red = [255, 0, 0];
        let blue = [0, 0, 255];
        let image = || Rgb {
            width: 2,
            height: 1,
            data: [red, blue].concat(),
        };
        let cases = [
            (1u8, (2u32, 1u32), vec![red, blue]),
            (2, (2, 1), vec![blue, red]),
            (3, (2, 1), vec![blue, red]),
            (4, (2, 1), vec![red, blue]),
            (5, (1, 2), vec![red, blue]),
            (6, (1, 2), vec![red, blue]),
            (7, (1, 2), vec![blue, red]),
            (8, (1, 2), vec![blue, red]),
        ];
        for (value, (w, h), pixels) in cases {
            let out = Orientation::from_exif(u32::from(value)).apply(image());
            assert_eq!((out.width, out.height), (w, h), "orientation {value}");
            assert_eq!(out.data, pixels.concat(), "orientation {value}");
        }
    }

    #[test]
    fn out_of_range_values_mean_as_stored() {
        assert_eq!(Orientation::from_exif(0), Orientation::NORMAL);
        assert_eq!(Orientation::from_exif(9), Orientation::NORMAL);
        assert_eq!(Orientation::read(b"not an image"), Orientation::NORMAL);
    }
}
