//! `[github]` and `[plan_review]`: the OIDC roles of the repository's workflows, and the destroys a reviewer has
//! approved in advance.

use super::*;

pub(super) fn check_github(
    c: &mut Checker,
    g: &Spanned<RawGithub>,
    backend: &Backend,
    environment: &str,
) -> Option<Github> {
    let raw = g.get_ref();
    let repository = raw.repository.get_ref();
    let valid_repository = repository.split_once('/').is_some_and(|(owner, name)| {
        (1..=39).contains(&owner.len())
            && owner
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !owner.starts_with('-')
            && (1..=100).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            && name != "."
            && name != ".."
    });
    if !valid_repository {
        c.report(
            IssueCode::GithubRepository,
            raw.repository.span(),
            format!("`github.repository` is \"{repository}\", not a GitHub repository"),
            "not owner/name",
            "allowed: \"owner/name\" as in github.com/owner/name (letters, digits, - for the owner; also _ and . for the name)",
        );
    }
    if let Some(branch) = &raw.apply_branch {
        c.report(
            IssueCode::GithubApplyBranch,
            branch.span(),
            "`github.apply_branch` is no longer accepted: the apply role trusts a GitHub environment, not a branch",
            "replaced by apply_environment",
            "a job on a branch skips the environment's required reviewers; write `apply_environment = \"<name>\"` \
             (default: the environment's name) and limit that GitHub environment to the branch in its deployment rules",
        );
    }
    let apply_environment = match (&raw.apply_role, &raw.apply_environment) {
        (Some(on), _) if !*on.get_ref() => None,
        (_, None) => Some(environment.to_owned()),
        (_, Some(name)) => {
            let text = name.get_ref();
            let ok = (1..=255).contains(&text.len())
                && text
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
            if !ok {
                c.report(
                    IssueCode::GithubEnvironment,
                    name.span(),
                    format!("`github.apply_environment` is \"{text}\", not a GitHub environment name this project accepts"),
                    "invalid environment name",
                    "allowed: 1 to 255 of letters, digits, - _ . (no spaces, no IAM wildcards * or ?)",
                );
            }
            Some(text.clone())
        }
    };
    let repository_ids = match (&raw.owner_id, &raw.repository_id) {
        (None, None) => None,
        (Some(owner), Some(repo)) => {
            let mut id = |key: &str, v: &Spanned<i64>| {
                let n = *v.get_ref();
                if n < 1 {
                    c.report(
                        IssueCode::GithubId,
                        v.span(),
                        format!("`github.{key}` is {n}, not a GitHub id"),
                        "not a positive integer",
                        "allowed: the numeric id GitHub shows for it (`gh api repos/OWNER/NAME --jq .owner.id,.id`)",
                    );
                }
                n.max(0).unsigned_abs()
            };
            Some((id("owner_id", owner), id("repository_id", repo)))
        }
        (Some(one), None) | (None, Some(one)) => {
            c.report(
                IssueCode::GithubId,
                one.span(),
                "`github.owner_id` and `github.repository_id` go together",
                "only one of the two",
                "set both (GitHub's immutable subject names the owner's and the repository's ids) or neither",
            );
            None
        }
    };
    let Backend::S3 { bucket, key, .. } = backend else {
        c.report(
            IssueCode::GithubBackend,
            g.span(),
            "`[github]` needs the S3 `[backend]`: the roles are scoped to the environment's state object",
            "no S3 backend in this environment",
            "remove `[github]` from a local environment, or add `[backend]` with bucket and key",
        );
        return None;
    };
    Some(Github {
        repository: repository.clone(),
        plan_role: raw.plan_role.as_ref().is_none_or(|p| *p.get_ref()),
        apply_environment,
        repository_ids,
        create_oidc_provider: raw
            .create_oidc_provider
            .as_ref()
            .is_none_or(|p| *p.get_ref()),
        state_bucket: bucket.clone(),
        state_key: key.clone(),
    })
}

pub(super) fn check_plan_review(c: &mut Checker, p: &RawPlanReview) -> PlanReview {
    let mut allow_destroy = Vec::new();
    for address in p.allow_destroy.iter().flat_map(|l| l.get_ref()) {
        let text = address.get_ref();
        if !is_resource_address(text) {
            c.report(
                IssueCode::ResourceAddress,
                address.span(),
                format!("`plan_review.allow_destroy` has \"{text}\", not a resource address"),
                "not a resource address",
                "allowed: an address exactly as the plan summary prints it, e.g. \"module.assets_bucket.aws_s3_bucket.this\"",
            );
        }
        allow_destroy.push(text.clone());
    }
    allow_destroy.sort();
    allow_destroy.dedup();
    PlanReview { allow_destroy }
}
