//! Centre-crop to the target's aspect ratio, then Lanczos3 down to the target, with `fast_image_resize`
//! (SIMD on x86_64 and NEON on arm64).

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};

use super::{Pixels, Rejection, Rgb};

/// Every target of a kind from one source, in the order of `targets`. Larger targets are made first; each one is
/// then made from the smallest image already made with its aspect ratio that covers it (the same size is a copy),
/// else from `src`. A 1000×750 decode gives 512² from the source and 128² from the 512² output: the smaller
/// outputs' cost follows their own size instead of the source's (a Lanczos pass reads every source pixel).
pub(crate) fn crop_to_fill_all(
    src: &Pixels,
    targets: &[(u32, u32)],
) -> Result<Vec<Pixels>, Rejection> {
    let area = |&(w, h): &(u32, u32)| u64::from(w) * u64::from(h);
    let mut order: Vec<usize> = (0..targets.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(area(&targets[i])));
    let mut made: Vec<Option<Pixels>> = vec![None; targets.len()];
    for &i in &order {
        let (width, height) = targets[i];
        let covering = order
            .iter()
            .filter(|&&j| {
                let (w, h) = targets[j];
                made[j].is_some()
                    && w >= width
                    && h >= height
                    && u64::from(w) * u64::from(height) == u64::from(h) * u64::from(width)
            })
            .min_by_key(|&&j| area(&targets[j]));
        let pixels = match covering.and_then(|&j| made[j].as_ref()) {
            Some(done) if done.size() == (width, height) => done.clone(),
            Some(done) => crop_to_fill(done, width, height)?,
            None => crop_to_fill(src, width, height)?,
        };
        made[i] = Some(pixels);
    }
    Ok(made.into_iter().flatten().collect())
}

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

    fn gradient(width: u32, height: u32) -> Pixels {
        let mut data = Vec::new();
        for y in 0..height {
            for x in 0..width {
                data.extend_from_slice(&[(x * 255 / width) as u8, (y * 255 / height) as u8, 128]);
            }
        }
        Pixels::Rgb(Rgb {
            width,
            height,
            data,
        })
    }

    #[test]
    fn every_target_is_made_in_order_and_a_cascaded_one_matches_a_direct_one() {
        let src = gradient(1000, 750);
        let targets = [(128, 128), (512, 512), (300, 100), (512, 512)];
        let all = crop_to_fill_all(&src, &targets).expect("resize");
        let sizes: Vec<_> = all.iter().map(Pixels::size).collect();
        assert_eq!(sizes, targets);
        // 128² is made from the 512² output; a smooth image gives the same pixels (±2) as from the source.
        let direct = crop_to_fill(&src, 128, 128).expect("resize");
        let (Pixels::Rgb(a), Pixels::Rgb(b)) = (&all[0], &direct) else {
            panic!("rgb in, rgb out");
        };
        let worst = a
            .data
            .iter()
            .zip(&b.data)
            .map(|(x, y)| x.abs_diff(*y))
            .max();
        assert!(worst <= Some(2), "largest difference {worst:?}");
    }

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
