//! The signed-in user's image URLs in the profile answer: for each kind, every stable output with its size (a
//! ready `srcset`) and the manifest that names the newest immutable version. They follow from the settings alone:
//! profile-api reads no bucket (its permissions boundary has no S3), so a user without an image gets the same
//! URLs, which the distribution answers with the default image.

use std::collections::BTreeMap;

use pipeline_contract::delivery::{manifest_key, stable_key};
use pipeline_contract::settings::ProfileImageSettings;
use serde::Serialize;

/// Where each kind's outputs are served; empty when run by hand without settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageLinks {
    /// The assets distribution's root, without a trailing slash.
    pub assets_base_url: String,
    pub kinds: Vec<ProfileImageSettings>,
}

/// One kind's URLs for one user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserImage {
    /// The main output's stable URL (what the reference frontend shows).
    pub url: String,
    pub width: u32,
    pub height: u32,
    /// Every stable output as `<url> <width>w`, comma-separated, main first.
    pub srcset: String,
    pub sizes: Vec<ImageSize>,
    /// The manifest: the newest version's immutable copies (and their sizes), short-lived like the stable URLs.
    pub manifest_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageSize {
    pub url: String,
    pub width: u32,
    pub height: u32,
}

impl ImageLinks {
    /// Kind name → that kind's URLs for `sub`.
    pub fn for_user(&self, sub: &str) -> BTreeMap<String, UserImage> {
        self.kinds
            .iter()
            .filter_map(|kind| {
                let sizes: Vec<ImageSize> = kind
                    .outputs
                    .iter()
                    .map(|output| ImageSize {
                        url: format!(
                            "{}/{}",
                            self.assets_base_url,
                            stable_key(
                                &kind.output_prefix,
                                sub,
                                &output.suffix,
                                output.format.extension()
                            )
                        ),
                        width: output.width,
                        height: output.height,
                    })
                    .collect();
                let main = sizes.first()?.clone();
                let srcset = sizes
                    .iter()
                    .map(|size| format!("{} {}w", size.url, size.width))
                    .collect::<Vec<_>>()
                    .join(", ");
                let image = UserImage {
                    url: main.url,
                    width: main.width,
                    height: main.height,
                    srcset,
                    sizes,
                    manifest_url: format!(
                        "{}/{}",
                        self.assets_base_url,
                        manifest_key(&kind.output_prefix, sub)
                    ),
                };
                Some((kind.kind.clone(), image))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use pipeline_contract::settings::ProfileImageOutput;
    use pipeline_contract::OutputFormat;

    use super::*;

    #[test]
    fn every_output_of_every_kind_with_its_width() {
        let output = |width, height, suffix: &str| ProfileImageOutput {
            width,
            height,
            format: OutputFormat::Jpeg,
            suffix: suffix.to_owned(),
        };
        let links = ImageLinks {
            assets_base_url: "https://assets.example.com".to_owned(),
            kinds: vec![ProfileImageSettings {
                kind: "avatar".to_owned(),
                output_prefix: "avatars/".to_owned(),
                outputs: vec![output(512, 512, ""), output(128, 128, "_128x128")],
            }],
        };
        let images = links.for_user("u1");
        let avatar = &images["avatar"];
        assert_eq!(avatar.url, "https://assets.example.com/avatars/u1.jpg");
        assert_eq!(
            avatar.srcset,
            "https://assets.example.com/avatars/u1.jpg 512w, https://assets.example.com/avatars/u1_128x128.jpg 128w"
        );
        assert_eq!(
            avatar.manifest_url,
            "https://assets.example.com/avatars/u1.json"
        );
        assert_eq!((avatar.width, avatar.height), (512, 512));
    }
}
