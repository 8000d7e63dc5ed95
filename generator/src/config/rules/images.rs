//! `[upload]`, `[avatar]` and `[[images]]`: what may be uploaded, and each image kind's routes, prefixes and
//! outputs, within the limits the resizer and the upload function share.

use super::*;

use pipeline_contract::limits::{self, MAX_OUTPUTS_PER_KIND, MAX_OUTPUT_PIXELS};

/// An upper bound that keeps the number of functions small (each kind has a resizer and an upload function).
pub const MAX_IMAGE_KINDS: usize = 5;

const KIND_HELP: &str = "each kind needs its own value";

/// Reports `value` if an earlier entry had it.
pub(super) fn unique(
    c: &mut Checker,
    seen: &mut Vec<(String, Range<usize>)>,
    value: &str,
    span: Range<usize>,
    key: &str,
    help: &str,
) {
    if seen.iter().any(|(v, _)| v == value) {
        c.report(
            IssueCode::Duplicate,
            span.clone(),
            format!("`{key}` \"{value}\" appears twice"),
            "duplicate",
            help,
        );
    }
    seen.push((value.to_owned(), span));
}

/// Reports a prefix that contains, or is contained in, an earlier one: one key would belong to two kinds (and
/// S3 refuses overlapping notification filters).
pub(super) fn disjoint(
    c: &mut Checker,
    seen: &mut Vec<(String, Range<usize>)>,
    prefix: &Spanned<String>,
    key: &str,
) {
    let p = prefix.get_ref();
    if let Some((other, _)) = seen
        .iter()
        .find(|(o, _)| o.starts_with(p.as_str()) || p.starts_with(o.as_str()))
    {
        c.report(
            IssueCode::OverlappingPrefixes,
            prefix.span(),
            format!("`{key}` \"{p}\" overlaps \"{other}\""),
            "overlapping prefix",
            "allowed: prefixes where neither starts with the other, so every key belongs to one kind",
        );
    }
    seen.push((p.clone(), prefix.span()));
}

pub(super) fn check_images(
    c: &mut Checker,
    raw: Option<&Spanned<Vec<Spanned<RawImageKind>>>>,
    avatar: &Avatar,
) -> Vec<ImageKind> {
    let Some(list) = raw else {
        return ImageKind::defaults(avatar);
    };
    if list.get_ref().is_empty() || list.get_ref().len() > MAX_IMAGE_KINDS {
        c.report(
            IssueCode::Images,
            list.span(),
            format!("{} image kinds", list.get_ref().len()),
            "wrong number of kinds",
            format!("allowed: 1..={MAX_IMAGE_KINDS} `[[images]]` tables (or none: the avatar and banner defaults)"),
        );
    }
    let mut kinds = Vec::new();
    // (value, span) of every name, route and prefix seen so far, for the uniqueness and overlap checks.
    let mut names: Vec<(String, Range<usize>)> = Vec::new();
    let mut routes: Vec<(String, Range<usize>)> = Vec::new();
    let mut originals: Vec<(String, Range<usize>)> = Vec::new();
    let mut outputs_seen: Vec<(String, Range<usize>)> = Vec::new();
    for kind in list.get_ref() {
        let k = kind.get_ref();
        let name = k.name.get_ref();
        let name_ok = (1..=16).contains(&name.len())
            && name.starts_with(|ch: char| ch.is_ascii_lowercase())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if !name_ok {
            c.report(
                IssueCode::ImageName,
                k.name.span(),
                format!("`images.name` is \"{name}\""),
                "not a kind name",
                "allowed: 1 to 16 of a-z0-9, starting with a letter (it names the kind's functions)",
            );
        }
        unique(c, &mut names, name, k.name.span(), "images.name", KIND_HELP);
        let route = k.route.get_ref();
        let route_ok = route.starts_with('/')
            && route.len() <= 64
            && route[1..].split('/').all(|seg| {
                !seg.is_empty()
                    && seg
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-".contains(&b))
            })
            && !route.starts_with("/api/");
        if !route_ok {
            c.report(
                IssueCode::ImageRoute,
                k.route.span(),
                format!("`images.route` is \"{route}\""),
                "not an upload route",
                "allowed: a path such as \"/banners/key_upload\" (segments of a-z0-9_-, not under /api/); it is served as POST",
            );
        }
        unique(
            c,
            &mut routes,
            route,
            k.route.span(),
            "images.route",
            KIND_HELP,
        );
        for (key, prefix) in [
            ("originals_prefix", &k.originals_prefix),
            ("output_prefix", &k.output_prefix),
        ] {
            let p = prefix.get_ref();
            let ok = p.ends_with('/')
                && !p.starts_with('/')
                && p.len() <= 64
                && !p.contains("//")
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-/".contains(&b));
            if !ok {
                c.report(
                    IssueCode::ImagePrefix,
                    prefix.span(),
                    format!("`images.{key}` is \"{p}\""),
                    "not a key prefix",
                    "allowed: a-z0-9_-/ ending with /, e.g. \"banners/original/\"",
                );
            }
        }
        disjoint(
            c,
            &mut originals,
            &k.originals_prefix,
            "images.originals_prefix",
        );
        disjoint(
            c,
            &mut outputs_seen,
            &k.output_prefix,
            "images.output_prefix",
        );

        let outs = k.outputs.get_ref();
        if outs.is_empty() || outs.len() > MAX_OUTPUTS_PER_KIND {
            c.report(
                IssueCode::ImageOutputs,
                k.outputs.span(),
                format!("kind \"{name}\" has {} outputs", outs.len()),
                "wrong number of outputs",
                format!("allowed: 1..={MAX_OUTPUTS_PER_KIND} `[[images.outputs]]` per kind"),
            );
        }
        let mut files: Vec<(String, Range<usize>)> = Vec::new();
        let mut versioned_files: Vec<(String, Range<usize>)> = Vec::new();
        let mut outputs = Vec::new();
        for (i, out) in outs.iter().enumerate() {
            let o = out.get_ref();
            let width: u32 = c.int_in(
                "images.outputs.width",
                &Some(o.width.clone()),
                &limits::OUTPUT_EDGE,
                512,
            );
            let height: u32 = c.int_in(
                "images.outputs.height",
                &Some(o.height.clone()),
                &limits::OUTPUT_EDGE,
                512,
            );
            if u64::from(width) * u64::from(height) > MAX_OUTPUT_PIXELS {
                c.report(
                    IssueCode::ImageSize,
                    out.span(),
                    format!(
                        "{width}×{height} is {} pixels",
                        u64::from(width) * u64::from(height)
                    ),
                    "output too large",
                    format!("allowed: at most {MAX_OUTPUT_PIXELS} pixels per output"),
                );
            }
            if let Some(fit) = &o.fit {
                c.one_of("images.outputs.fit", fit, &["cover"]);
            }
            let format = match &o.format {
                None => ImageFormat::Jpeg,
                Some(f) => c
                    .one_of(
                        "images.outputs.format",
                        f,
                        &ImageFormat::ALL.map(ImageFormat::name),
                    )
                    .and_then(ImageFormat::parse)
                    .unwrap_or(ImageFormat::Jpeg),
            };
            let quality = c.int_in(
                "images.outputs.quality",
                &o.quality,
                &limits::OUTPUT_QUALITY,
                80,
            );
            let suffix = match &o.suffix {
                Some(sfx) => {
                    let text = sfx.get_ref();
                    if !limits::is_output_suffix(text) {
                        c.report(
                            IssueCode::ImageSuffix,
                            sfx.span(),
                            format!("`images.outputs.suffix` is \"{text}\""),
                            "not a key suffix",
                            "allowed: up to 16 of a-z0-9_- (\"\" for the main output)",
                        );
                    }
                    if i == 0 && !text.is_empty() {
                        c.report(
                            IssueCode::ImageSuffix,
                            sfx.span(),
                            format!("the first output of kind \"{name}\" has suffix \"{text}\""),
                            "the main output has no suffix",
                            "allowed: \"\" for the first output: it is the kind's main image, <output_prefix><sub>.<ext>",
                        );
                    }
                    text.clone()
                }
                None if i == 0 => String::new(),
                None => format!("_{width}x{height}"),
            };
            let file = format!("{suffix}.{}", format.extension());
            unique(
                c,
                &mut files,
                &file,
                out.span(),
                "images.outputs (suffix and format)",
                "each output of a kind needs its own suffix or format: they name its stable key",
            );
            // The versioned copy's name (pipeline_contract::delivery::versioned_key) is its size and format.
            unique(
                c,
                &mut versioned_files,
                &format!("{width}x{height}.{}", format.extension()),
                out.span(),
                "images.outputs (size and format)",
                "each output of a kind needs its own size or format: they name its versioned copy, <prefix><sub>/<version>/<w>x<h>.<ext>",
            );
            outputs.push(ImageOutput {
                width,
                height,
                format,
                quality,
                suffix,
            });
        }
        let alternates = check_alternates(c, k.alternates.as_ref(), &outputs);
        kinds.push(ImageKind {
            name: name.clone(),
            route: route.clone(),
            originals_prefix: k.originals_prefix.get_ref().clone(),
            output_prefix: k.output_prefix.get_ref().clone(),
            outputs,
            alternates,
        });
    }
    kinds
}

/// `images.alternates`: formats other than JPEG, each once, none of whose files another output of the kind has.
fn check_alternates(
    c: &mut Checker,
    raw: Option<&Spanned<Vec<Spanned<String>>>>,
    outputs: &[ImageOutput],
) -> Vec<ImageFormat> {
    let Some(list) = raw else {
        return ImageKind::DEFAULT_ALTERNATES.to_vec();
    };
    let allowed: Vec<&str> = ImageFormat::ALL
        .into_iter()
        .filter(|&f| f != ImageFormat::Jpeg)
        .map(ImageFormat::name)
        .collect();
    let mut formats = Vec::new();
    for entry in list.get_ref() {
        let Some(format) = c
            .one_of("images.alternates", entry, &allowed)
            .and_then(ImageFormat::parse)
        else {
            continue;
        };
        if formats.contains(&format) {
            c.report(
                IssueCode::ImageAlternates,
                entry.span(),
                format!("`images.alternates` lists \"{}\" twice", format.name()),
                "duplicate",
                "list each format once",
            );
            continue;
        }
        formats.push(format);
    }
    let settings: Vec<_> = outputs.iter().map(ImageOutput::settings).collect();
    for problem in pipeline_contract::delivery::alternate_clashes(&settings, &formats) {
        c.report(
            IssueCode::ImageAlternates,
            list.span(),
            format!("`images.alternates`: {problem}"),
            "an alternate would overwrite an output",
            "drop the alternate, or give the clashing output another suffix and size",
        );
    }
    formats
}

pub(super) fn check_upload(c: &mut Checker, u: &RawUpload) -> Upload {
    let max_bytes = c.int_in(
        "upload.max_bytes",
        &u.max_bytes,
        &limits::UPLOAD_BYTES,
        5 * 1024 * 1024,
    );
    let mut content_types = BTreeSet::new();
    match &u.content_types {
        None => content_types.extend([ContentType::Jpeg, ContentType::Png, ContentType::Webp]),
        Some(list) if list.get_ref().is_empty() => c.report(
            IssueCode::ContentTypes,
            list.span(),
            "`upload.content_types` is empty",
            "no type allowed",
            "list at least one of the supported types",
        ),
        Some(list) => {
            let supported: Vec<&str> = ContentType::ALL.iter().map(|t| t.mime()).collect();
            for t in list.get_ref() {
                match ContentType::from_mime(t.get_ref()) {
                    Some(ct) if !content_types.insert(ct) => c.report(
                        IssueCode::ContentTypes,
                        t.span(),
                        format!("`upload.content_types` lists \"{}\" twice", t.get_ref()),
                        "duplicate",
                        "list each type once",
                    ),
                    Some(_) => {}
                    None => c.report(
                        IssueCode::ContentTypes,
                        t.span(),
                        format!(
                            "`upload.content_types` has \"{}\", which is not supported",
                            t.get_ref()
                        ),
                        "unsupported type",
                        format!("supported: {}", quoted_list(&supported)),
                    ),
                }
            }
        }
    }
    let uploads_per_user_per_hour = c.int(
        "upload.uploads_per_user_per_hour",
        &u.uploads_per_user_per_hour,
        1,
        i64::from(limits::MAX_UPLOADS_PER_USER_PER_HOUR),
        30,
    );
    Upload {
        max_bytes,
        content_types: content_types.into_iter().collect(),
        url_ttl_seconds: c.int_in(
            "upload.url_ttl_seconds",
            &u.url_ttl_seconds,
            &limits::URL_TTL_SECONDS,
            300,
        ),
        expire_originals_after_days: c.int(
            "upload.expire_originals_after_days",
            &u.expire_originals_after_days,
            1,
            365,
            7,
        ),
        uploads_per_user_per_hour,
        // Twice the URLs by default: a user's upload, a retry of it and a second kind fit; a flood of changed PUTs
        // through one URL does not.
        resizes_per_user_per_hour: c.int_in(
            "upload.resizes_per_user_per_hour",
            &u.resizes_per_user_per_hour,
            &limits::RESIZES_PER_USER_PER_HOUR,
            (uploads_per_user_per_hour * 2).min(*limits::RESIZES_PER_USER_PER_HOUR.end()),
        ),
        // On by default: the reference frontend sends `{"extension"}`; a stack whose clients all send
        // `{content_type, content_length}` turns it off and every URL then binds a size.
        legacy_requests: u
            .legacy_requests
            .as_ref()
            .is_none_or(|flag| *flag.get_ref()),
    }
}

/// What the stable URLs (`avatars/<sub>.jpg`) are served with: a browser and CloudFront keep an avatar a minute,
/// so a new one shows within that time without an invalidation per upload (CloudFront revalidates, by ETag, at most
/// once a minute per edge and object).
pub const DEFAULT_CACHE_CONTROL: &str = "public, max-age=60";

/// The longest lifetime a stable URL may have without `cdn.invalidate_on_upload`: past it, a changed avatar would
/// stay invisible for longer than a user waits.
const MAX_UNINVALIDATED_SECONDS: u64 = 3600;

/// The `max-age` and `s-maxage` of a Cache-Control value, the larger one (what the CDN keeps an object for).
fn longest_lifetime(cache_control: &str) -> Option<u64> {
    cache_control
        .split(',')
        .filter_map(|directive| {
            let (name, value) = directive.trim().split_once('=')?;
            matches!(
                name.trim().to_ascii_lowercase().as_str(),
                "max-age" | "s-maxage"
            )
            .then(|| value.trim().trim_matches('"').parse::<u64>().ok())
            .flatten()
        })
        .max()
}

/// Without invalidations, the stable URLs must expire soon enough for a new avatar to show.
pub(super) fn check_cache_lifetime(
    c: &mut Checker,
    raw: &RawAvatar,
    avatar: &Avatar,
    invalidate_on_upload: bool,
) {
    let Some(written) = &raw.cache_control else {
        return;
    };
    if let Some(seconds) = longest_lifetime(&avatar.cache_control)
        .filter(|&seconds| !invalidate_on_upload && seconds > MAX_UNINVALIDATED_SECONDS)
    {
        c.report(
            IssueCode::CacheControl,
            written.span(),
            format!(
                "`avatar.cache_control` keeps an avatar {seconds} s, and nothing invalidates it on upload"
            ),
            "a new avatar would not show for that long",
            format!(
                "use a max-age and s-maxage of at most {MAX_UNINVALIDATED_SECONDS} s (default \"{DEFAULT_CACHE_CONTROL}\"), \
                 or set [cdn] invalidate_on_upload = true (one CloudFront invalidation per upload; beyond 1,000 paths a \
                 month, $0.005 each)"
            ),
        );
    }
}

pub(super) fn check_avatar(c: &mut Checker, a: &RawAvatar) -> Avatar {
    let format = match &a.format {
        None => ImageFormat::Jpeg,
        Some(f) => c
            .one_of("avatar.format", f, &ImageFormat::ALL.map(ImageFormat::name))
            .and_then(ImageFormat::parse)
            .unwrap_or(ImageFormat::Jpeg),
    };
    let cache_control = match &a.cache_control {
        None => DEFAULT_CACHE_CONTROL.to_owned(),
        Some(v) => {
            let s = v.get_ref();
            if s.trim().is_empty()
                || s.len() > 256
                || !s.chars().all(|ch| (' '..='~').contains(&ch))
            {
                c.report(
                    IssueCode::CacheControl,
                    v.span(),
                    format!("`avatar.cache_control` is \"{}\"", s.escape_debug()),
                    "not a header value",
                    "allowed: 1 to 256 printable ASCII characters, e.g. \"public, max-age=300\"",
                );
            }
            s.clone()
        }
    };
    let background = match &a.background {
        None => "#ffffff".to_owned(),
        Some(v) => {
            let s = v.get_ref();
            let ok = s.len() == 7
                && s.starts_with('#')
                && s[1..]
                    .chars()
                    .all(|ch| ch.is_ascii_digit() || ('a'..='f').contains(&ch));
            if !ok {
                c.report(
                    IssueCode::Background,
                    v.span(),
                    format!("`avatar.background` is \"{s}\""),
                    "not a colour",
                    "allowed: #rrggbb in lowercase hex, e.g. \"#ffffff\"",
                );
            }
            s.clone()
        }
    };
    Avatar {
        size: c.int_in("avatar.size", &a.size, &limits::OUTPUT_EDGE, 512),
        format,
        quality: c.int_in("avatar.quality", &a.quality, &limits::OUTPUT_QUALITY, 80),
        cache_control,
        max_pixels: c.int_in(
            "avatar.max_pixels",
            &a.max_pixels,
            &limits::SOURCE_PIXELS,
            50_000_000,
        ),
        max_dimension: c.int_in(
            "avatar.max_dimension",
            &a.max_dimension,
            &limits::SOURCE_EDGE,
            16_384,
        ),
        background,
    }
}
