//! Centre-crop to the target's aspect ratio, then Lanczos3 down to the target, with `fast_image_resize`
//! (SIMD on x86_64 and NEON on arm64).

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};

use super::{Pixels, Rejection, Rgb};

/// RGBA is resized with premultiplied alpha (the library's default), so transparent pixels don't bleed colour.
pub(crate) fn crop_to_fill(src: &Pixels, width: u32, height: u32) -> Result<Pixels, Rejection> {
    let resize_failed = |err: &dyn std::fmt::Display| Rejection::Encode(format!("resize: {err}"));
    let (src_width, src_height, data, pixel_type) = match src {
        Pixels::Rgb(rgb) => (rgb.width, rgb.height, &rgb.data, PixelType::U8x3),
        Pixels::Rgba {
            width,
            height,
            data,
        } => (*width, *height, data, PixelType::U8x4),
    };
    let src_view =
        ImageRef::new(src_width, src_height, data, pixel_type).map_err(|e| resize_failed(&e))?;
    let mut dst = Image::new(width, height, pixel_type);
    let options = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3))
        .fit_into_destination(Some((0.5, 0.5)));
    Resizer::new()
        .resize(&src_view, &mut dst, &options)
        .map_err(|e| resize_failed(&e))?;
    let data = dst.into_vec();
    Ok(match src {
        Pixels::Rgb(_) => Pixels::Rgb(Rgb {
            width,
            height,
            data,
        }),
        Pixels::Rgba { .. } => Pixels::Rgba {
            width,
            height,
            data,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crops_the_centre_of_a_wide_image() {
        // 30×10: red | green | blue thirds. A 10×10 fill keeps only the green middle.
        let mut data = Vec::new();
        for _ in 0..10 {
            for x in 0..30 {
                data.extend_from_slice(match x / 10 {
                    0 => &[255, 0, 0],
                    1 => &[0, 255, 0],
                    _ => &[0, 0, 255],
                });
            }
        }
        let src = Pixels::Rgb(Rgb {
            width: 30,
            height: 10,
            data,
        });
        let out = crop_to_fill(&src, 4, 4).expect("resize").flatten([0, 0, 0]);
        assert_eq!((out.width, out.height), (4, 4));
        for px in out.data.chunks_exact(3) {
            assert!(px[1] > 200 && px[0] < 60 && px[2] < 60, "{px:?}");
        }
    }
}
