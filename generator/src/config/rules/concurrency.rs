//! Reserved concurrency against the account's quota. Lambda refuses a reservation that would leave fewer than
//! 100 concurrent executions unreserved in the region (`InvalidParameterValueException` at apply), and a new
//! account's quota can be as low as 10, where nothing can be reserved at all. So a reservation needs the quota
//! stated (`lambda.account_concurrency`, from `aws lambda get-account-settings`), and the total must leave 100.

use super::{Checker, IssueCode};
use crate::config::model::Lambdas;
use crate::config::raw::RawConfig;

/// What Lambda keeps unreserved for the functions without a reservation.
pub const MIN_UNRESERVED: u32 = 100;

pub(super) fn check_reserved_concurrency(
    c: &mut Checker,
    raw: &RawConfig,
    lambda: &Lambdas,
    kinds: usize,
) {
    let kinds = kinds as u32;
    // The resizer and the upload function exist once per image kind; profile-api once.
    let reserved = [
        (
            "avatar_resize",
            &lambda.avatar_resize,
            kinds,
            &raw.lambda.avatar_resize,
        ),
        (
            "upload_url",
            &lambda.upload_url,
            kinds,
            &raw.lambda.upload_url,
        ),
        (
            "profile_api",
            &lambda.profile_api,
            1,
            &raw.lambda.profile_api,
        ),
    ];
    let total: u32 = reserved
        .iter()
        .filter_map(|(_, f, copies, _)| f.reserved_concurrency.map(|n| n * copies))
        .sum();
    let Some((first_name, _, _, first_raw)) = reserved
        .iter()
        .find(|(_, f, _, _)| f.reserved_concurrency.is_some())
    else {
        return;
    };
    let span = first_raw
        .reserved_concurrency
        .as_ref()
        .map_or(0..0, |v| v.span());
    let breakdown = reserved
        .iter()
        .filter_map(|(name, f, copies, _)| {
            f.reserved_concurrency
                .map(|n| format!("{name} {n} × {copies}"))
        })
        .collect::<Vec<_>>()
        .join(" + ");
    match &raw.lambda.account_concurrency {
        None => c.report(
            IssueCode::ReservedConcurrency,
            span,
            format!(
                "`lambda.{first_name}.reserved_concurrency` reserves {total} executions in all ({breakdown}), \
                 but `lambda.account_concurrency` is not set"
            ),
            "cannot be checked against the account",
            format!(
                "Lambda keeps {MIN_UNRESERVED} executions unreserved, and a new account's quota can be 10 (nothing can \
                 be reserved there): set lambda.account_concurrency to the ConcurrentExecutions of `aws lambda \
                 get-account-settings`, or remove the reservations"
            ),
        ),
        Some(quota) => {
            let quota_value = *quota.get_ref();
            let available = quota_value - i64::from(MIN_UNRESERVED);
            if i64::from(total) > available {
                c.report(
                    IssueCode::ReservedConcurrency,
                    quota.span(),
                    format!(
                        "the reservations total {total} ({breakdown}), but an account quota of {quota_value} \
                         allows at most {}",
                        available.max(0)
                    ),
                    format!("leaves {} unreserved", quota_value - i64::from(total)),
                    format!(
                        "Lambda refuses a reservation that leaves fewer than {MIN_UNRESERVED} unreserved: lower the \
                         reservations, or raise the account's quota (Service Quotas) and this value"
                    ),
                );
            }
        }
    }
}
