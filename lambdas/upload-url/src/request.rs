//! The request body. Two forms are accepted:
//! - `{"content_type": "image/jpeg", "content_length": 123456}`: the upload is bound to that type and exact size;
//! - `{"extension": "jpg"}` (the reference frontend): mapped to a content type. It carries no size, so the URL binds
//!   the type only, and the size limit falls to the resizer, which refuses oversized originals before reading them.

use serde::Deserialize;

/// What the client declared, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadRequest {
    pub content_type: String,
    /// `None` only for the reference frontend's `{"extension"}` form.
    pub content_length: Option<u64>,
}

/// Why a body was refused; each maps to one HTTP status and a stable `error` code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("the body is not valid JSON: {0}")]
    MalformedJson(String),
    #[error("missing field `{0}`")]
    MissingField(&'static str),
    #[error("{size} bytes is above the limit of {limit}")]
    TooLarge { size: u64, limit: u64 },
    #[error("content type {0:?} is not allowed; allowed: {1}")]
    UnsupportedType(String, String),
    #[error("{0}")]
    Invalid(String),
}

impl RequestError {
    pub fn status(&self) -> u16 {
        match self {
            RequestError::MalformedJson(_) | RequestError::MissingField(_) => 400,
            RequestError::TooLarge { .. } => 413,
            RequestError::UnsupportedType(..) => 415,
            RequestError::Invalid(_) => 422,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            RequestError::MalformedJson(_) => "malformed_json",
            RequestError::MissingField(_) => "missing_field",
            RequestError::TooLarge { .. } => "too_large",
            RequestError::UnsupportedType(..) => "unsupported_media_type",
            RequestError::Invalid(_) => "invalid_request",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    content_type: Option<String>,
    content_length: Option<serde_json::Value>,
    extension: Option<String>,
}

/// The file extension (the avatar pipeline's naming) for an allowed MIME type.
pub fn extension_for(content_type: &str) -> Option<&'static str> {
    match content_type {
        "image/jpeg" => Some("jpg"),
        "image/png" => Some("png"),
        "image/webp" => Some("webp"),
        "image/gif" => Some("gif"),
        _ => None,
    }
}

fn content_type_for(extension: &str) -> Option<&'static str> {
    match extension
        .trim_start_matches('.')
        .to_ascii_lowercase()
        .as_str()
    {
        "jpg" | "jpeg" => Some("image/jpeg"),
        "png" => Some("image/png"),
        "webp" => Some("image/webp"),
        "gif" => Some("image/gif"),
        _ => None,
    }
}

/// Parses and validates `body` against the allowed types and the size limit.
pub fn parse(
    body: &[u8],
    allowed: &[String],
    max_bytes: u64,
    legacy_allowed: bool,
) -> Result<UploadRequest, RequestError> {
    let body: Body =
        serde_json::from_slice(body).map_err(|err| RequestError::MalformedJson(err.to_string()))?;
    let allowed_list = || allowed.join(", ");
    let legacy = body.extension.is_some();
    if legacy && !legacy_allowed {
        return Err(RequestError::Invalid(
            "this stack takes only {\"content_type\", \"content_length\"}: the {\"extension\"} request binds no size \
             and is turned off (upload.legacy_requests = false)"
                .to_owned(),
        ));
    }
    let content_type = match (body.content_type, body.extension) {
        (Some(content_type), None) => content_type.trim().to_ascii_lowercase(),
        (None, Some(extension)) => content_type_for(&extension)
            .ok_or_else(|| RequestError::UnsupportedType(format!(".{extension}"), allowed_list()))?
            .to_owned(),
        (Some(_), Some(_)) => {
            return Err(RequestError::Invalid(
                "send `content_type` or `extension`, not both".to_owned(),
            ));
        }
        (None, None) => return Err(RequestError::MissingField("content_type")),
    };
    if !allowed.contains(&content_type) {
        return Err(RequestError::UnsupportedType(content_type, allowed_list()));
    }
    let content_length = match body.content_length {
        None if legacy => None,
        None => return Err(RequestError::MissingField("content_length")),
        Some(value) => Some(value.as_u64().filter(|&n| n > 0).ok_or_else(|| {
            RequestError::Invalid(format!(
                "content_length must be a positive integer, not {value}"
            ))
        })?),
    };
    if let Some(size) = content_length.filter(|&size| size > max_bytes) {
        return Err(RequestError::TooLarge {
            size,
            limit: max_bytes,
        });
    }
    Ok(UploadRequest {
        content_type,
        content_length,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed() -> Vec<String> {
        ["image/jpeg", "image/png", "image/webp"]
            .map(String::from)
            .to_vec()
    }

    fn parse_str(body: &str) -> Result<UploadRequest, RequestError> {
        parse(body.as_bytes(), &allowed(), 5_242_880, true)
    }

    /// Issue 28 item 4: with `upload.legacy_requests = false`, the size-less `{"extension"}` form is refused and the
    /// sized form still works.
    #[test]
    fn the_legacy_form_can_be_turned_off() {
        let strict = |body: &str| parse(body.as_bytes(), &allowed(), 5_242_880, false);
        let Err(refused) = strict(r#"{"extension":"jpg"}"#) else {
            panic!("the extension form was taken")
        };
        assert_eq!((refused.status(), refused.code()), (422, "invalid_request"));
        assert!(
            refused.to_string().contains("upload.legacy_requests"),
            "{refused}"
        );
        assert!(strict(r#"{"content_type":"image/jpeg","content_length":10}"#).is_ok());
    }

    #[test]
    fn accepts_the_new_and_the_reference_forms() {
        assert_eq!(
            parse_str(r#"{"content_type":"image/jpeg","content_length":123456}"#),
            Ok(UploadRequest {
                content_type: "image/jpeg".into(),
                content_length: Some(123_456)
            })
        );
        assert_eq!(
            parse_str(r#"{"extension":"PNG"}"#),
            Ok(UploadRequest {
                content_type: "image/png".into(),
                content_length: None
            })
        );
        assert_eq!(
            parse_str(r#"{"extension":"jpeg","content_length":10}"#),
            Ok(UploadRequest {
                content_type: "image/jpeg".into(),
                content_length: Some(10)
            })
        );
    }

    #[test]
    fn maps_each_problem_to_its_status() {
        let status = |body: &str| parse_str(body).map_err(|e| (e.status(), e.code()));
        assert_eq!(status("not json"), Err((400, "malformed_json")));
        assert_eq!(
            status(r#"{"content_type":"image/jpeg","user_id":"x"}"#),
            Err((400, "malformed_json"))
        );
        assert_eq!(status(r#"{}"#), Err((400, "missing_field")));
        assert_eq!(
            status(r#"{"content_type":"image/jpeg"}"#),
            Err((400, "missing_field"))
        );
        assert_eq!(
            status(r#"{"content_type":"image/jpeg","content_length":5242881}"#),
            Err((413, "too_large"))
        );
        assert_eq!(
            status(r#"{"content_type":"image/svg+xml","content_length":10}"#),
            Err((415, "unsupported_media_type"))
        );
        assert_eq!(
            status(r#"{"extension":"exe"}"#),
            Err((415, "unsupported_media_type"))
        );
        assert_eq!(
            status(r#"{"content_type":"image/gif","content_length":10}"#),
            Err((415, "unsupported_media_type"))
        );
        assert_eq!(
            status(r#"{"content_type":"image/jpeg","content_length":0}"#),
            Err((422, "invalid_request"))
        );
        assert_eq!(
            status(r#"{"content_type":"image/jpeg","content_length":-5}"#),
            Err((422, "invalid_request"))
        );
        assert_eq!(
            status(r#"{"content_type":"image/jpeg","content_length":"12"}"#),
            Err((422, "invalid_request"))
        );
        assert_eq!(
            status(r#"{"content_type":"image/jpeg","extension":"jpg","content_length":1}"#),
            Err((422, "invalid_request"))
        );
    }
}
