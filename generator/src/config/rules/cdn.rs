//! `[domain]` and the viewer TLS of `[cdn]`: a custom domain's certificate and zone, or an explicit opt-in to
//! CloudFront's default certificate.

use super::*;

/// CloudFront's own certificate (`*.cloudfront.net`) cannot be given a minimum TLS version, so it accepts TLS 1.0
/// and 1.1; only a custom domain gets `TLSv1.2_2021`. A real environment without `[domain]` must say so.
pub(super) fn check_viewer_tls(c: &mut Checker, raw: &RawConfig, stage: Stage, has_domain: bool) {
    let opted_out = raw.cdn.allow_default_certificate.as_ref();
    match (stage, has_domain, opted_out) {
        (Stage::Local, _, _) | (_, true, None) => {}
        (_, false, Some(v)) if *v.get_ref() => {}
        (_, false, _) => c.report(
            IssueCode::ViewerTls,
            opted_out.map_or_else(|| raw.environment.stage.span(), |v| v.span()),
            format!(
                "stage \"{}\" has no `[domain]`, so CloudFront would serve over its default certificate",
                stage.as_str()
            ),
            "TLS 1.0 and 1.1 accepted",
            "add [domain] with assets, certificate_arn (us-east-1) and hosted_zone_id for TLSv1.2_2021, or accept \
             TLS 1.0 on *.cloudfront.net explicitly with [cdn] allow_default_certificate = true",
        ),
        (_, true, Some(v)) => c.report(
            IssueCode::ViewerTls,
            v.span(),
            "`cdn.allow_default_certificate` is set, but `[domain]` gives the distribution its own certificate",
            "has no effect",
            "remove it",
        ),
    }
}

pub(super) fn check_domain(c: &mut Checker, d: &RawDomain) -> Domain {
    let assets = d.assets.get_ref();
    if !is_host_name(assets) || !assets.contains('.') {
        c.report(
            IssueCode::Domain,
            d.assets.span(),
            format!("`domain.assets` is \"{assets}\", not a fully qualified host name"),
            "invalid host name",
            "allowed: a lowercase DNS name such as \"assets.example.com\" (no scheme, no path)",
        );
    }
    let arn = d.certificate_arn.get_ref();
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let well_formed = parts.len() == 6
        && parts[0] == "arn"
        && parts[1] == "aws"
        && parts[2] == "acm"
        && parts[4].len() == 12
        && parts[4].chars().all(|ch| ch.is_ascii_digit())
        && parts[5].strip_prefix("certificate/").is_some_and(|id| {
            id.len() == 36 && id.chars().all(|ch| ch.is_ascii_hexdigit() || ch == '-')
        });
    if !well_formed {
        c.report(
            IssueCode::CertificateArn,
            d.certificate_arn.span(),
            format!("`domain.certificate_arn` is \"{arn}\", not an ACM certificate ARN"),
            "not an ACM certificate ARN",
            "allowed: arn:aws:acm:us-east-1:<12-digit account>:certificate/<uuid>",
        );
    } else if parts[3] != "us-east-1" {
        c.report(
            IssueCode::CertificateArn,
            d.certificate_arn.span(),
            format!(
                "`domain.certificate_arn` is in region \"{}\", but CloudFront only uses certificates from us-east-1",
                parts[3]
            ),
            "wrong region",
            "request or import the certificate in us-east-1 (N. Virginia)",
        );
    }
    let hosted_zone_id = d.hosted_zone_id.as_ref().map(|z| {
        let id = z.get_ref();
        let ok = id.len() >= 2
            && id.len() <= 32
            && id.starts_with('Z')
            && id
                .chars()
                .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit());
        if !ok {
            c.report(
                IssueCode::HostedZoneId,
                z.span(),
                format!("`domain.hosted_zone_id` is \"{id}\", not a Route 53 zone id"),
                "invalid zone id",
                "allowed: the zone id as shown by Route 53, e.g. \"Z0123456789ABCDEFGHIJ\" (without /hostedzone/)",
            );
        }
        id.clone()
    });
    Domain {
        assets: assets.clone(),
        certificate_arn: arn.clone(),
        hosted_zone_id,
    }
}
