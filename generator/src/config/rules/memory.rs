//! The resizer's memory against the image limits: a config whose largest accepted image cannot be decoded in
//! the resizer's memory is refused here, with the formula, instead of OOM-killing the function in production
//! (where Lambda retries it twice and the event ends in the failure queue). The figures are the contract's
//! (`pipeline_contract::memory`), the same ones the resizer checks each image's header against.

use pipeline_contract::memory::{config_peak, decode_budget, worst_bytes_per_pixel, MIB};
use pipeline_contract::ImageType;

use super::{Checker, IssueCode};
use crate::config::model::{Avatar, ImageKind, Lambdas, Upload};
use crate::config::raw::RawConfig;

pub(super) fn check_resizer_memory(
    c: &mut Checker,
    raw: &RawConfig,
    upload: &Upload,
    avatar: &Avatar,
    lambda: &Lambdas,
    images: &[ImageKind],
) {
    let widest = images
        .iter()
        .flat_map(|k| k.outputs.iter().map(|o| o.width))
        .max()
        .unwrap_or(0);
    let peak = config_peak(
        &upload.content_types,
        avatar.max_pixels,
        avatar.max_dimension,
        widest,
    );
    let memory_mb = u64::from(lambda.avatar_resize.memory_mb);
    if peak <= decode_budget(memory_mb, upload.max_bytes) {
        return;
    }
    let worst = upload
        .content_types
        .iter()
        .copied()
        .max_by_key(|&t| worst_bytes_per_pixel(t))
        .unwrap_or(ImageType::Png);
    let per_pixel = worst_bytes_per_pixel(worst);
    let fixed = peak - avatar.max_pixels * per_pixel;
    let needed_mb =
        (peak + pipeline_contract::memory::RESERVED_BYTES + upload.max_bytes).div_ceil(MIB);
    let fitting_pixels =
        decode_budget(memory_mb, upload.max_bytes).saturating_sub(fixed) / per_pixel;
    // Point at what the user set: the memory if they chose it, else the limit they raised.
    let span = [
        raw.lambda
            .avatar_resize
            .memory_mb
            .as_ref()
            .map(|v| v.span()),
        raw.avatar.max_pixels.as_ref().map(|v| v.span()),
        raw.avatar.max_dimension.as_ref().map(|v| v.span()),
        raw.upload.max_bytes.as_ref().map(|v| v.span()),
    ]
    .into_iter()
    .flatten()
    .next()
    .unwrap_or(0..0);
    c.report(
        IssueCode::ResizerMemory,
        span,
        format!(
            "the resizer's {memory_mb} MB cannot decode the largest image the limits accept ({} pixels of {})",
            avatar.max_pixels,
            worst.name()
        ),
        format!("needs {needed_mb} MB"),
        format!(
            "peak = max_pixels × {per_pixel} bytes ({} at its worst) + widest output {widest} × max_dimension {} × 4 \
             + 4 MiB = {} MiB, plus 64 MiB for the runtime and upload.max_bytes ({} MiB); set \
             lambda.avatar_resize.memory_mb to at least {needed_mb}, or avatar.max_pixels to at most {fitting_pixels}",
            worst.name(),
            avatar.max_dimension,
            peak / MIB,
            upload.max_bytes.div_ceil(MIB),
        ),
    );
}
