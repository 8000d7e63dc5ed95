//! `GET /api/profile` and `POST` or `PUT /api/profile/update` (the reference backend's method and its frontend's,
//! [`pipeline_contract::routes`]) for the user in the verified JWT claims
//! (`sub` = `users.cognito_user_id`). Every answer is JSON; errors carry a stable `error` code:
//!
//! | status | error | when |
//! |---|---|---|
//! | 400 | `malformed_json` | the body is not a JSON object of the expected fields |
//! | 403 | `foreign_api` | the event's `requestContext.accountId`/`apiId` are not this stack's (logged) |
//! | 401 | `unauthorized` | no usable `sub` claim, or not an access token (`token_use` ≠ `access`) |
//! | 404 | `user_not_found` | no row could be created for that `sub` (not expected: a first request creates it) |
//! | 422 | `invalid_profile` | with `problems`: every broken rule (`display_name_blank`, `bio_too_long`, …) |
//! | 503 | `database_unavailable` | the database could not be reached (logged; the URL never is) |

use aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayV2httpResponse};
use serde::Serialize;
use serde_json::json;

use api_lambda::{error, json};
use pipeline_contract::routes::{self, is_profile_update, PROFILE_GET, PROFILE_UPDATE};
use pipeline_contract::settings::ApiCaller;

use crate::database::{Database, DatabaseError};
use crate::links::ImageLinks;
use crate::profile::{ProfileUpdate, UpdateRequest};

pub const GET_ROUTE: &str = PROFILE_GET;
pub const UPDATE_ROUTE: &str = PROFILE_UPDATE;

pub struct ProfileApi {
    pub database: Database,
    /// The only account and HTTP API whose events are taken; `None` only when run by hand without `SETTINGS`
    /// (a local server on `DATABASE_URL`, behind no API Gateway).
    pub caller: Option<ApiCaller>,
    /// Where the user's images are served, for the answer's `images`.
    pub links: ImageLinks,
}

/// A successful answer: the profile and the user's image URLs per kind.
#[derive(Debug, Serialize)]
struct Answer<'a> {
    #[serde(flatten)]
    profile: &'a Profile,
    images: std::collections::BTreeMap<String, crate::links::UserImage>,
}

/// What both routes answer on success.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Profile {
    pub uuid: String,
    pub handle: String,
    pub display_name: String,
    pub bio: Option<String>,
}

/// What a profile created on a user's first request is called until they edit it.
pub const NEW_USER_DISPLAY_NAME: &str = "New user";

impl ProfileApi {
    pub async fn handle(&self, request: ApiGatewayV2httpRequest) -> ApiGatewayV2httpResponse {
        if let Some(caller) = &self.caller {
            if !api_lambda::from_own_api(&request, caller) {
                return api_lambda::foreign_api();
            }
        }
        let Some(sub) = api_lambda::verified_user(&request).map(str::to_owned) else {
            return error(401, "unauthorized", "no verified user in the request");
        };
        let route = request
            .route_key
            .as_deref()
            .and_then(|key| routes::declared(key, &routes::PROFILE_ROUTES));
        let result = match route {
            Some(GET_ROUTE) => self.read(&sub).await,
            Some(route) if is_profile_update(route) => {
                let update = match parse(&request) {
                    Ok(update) => update,
                    Err(response) => return *response,
                };
                self.update(&sub, update).await
            }
            _ => {
                return error(
                    404,
                    "no_such_route",
                    format!(
                        "this function serves {}, not {:?}",
                        routes::PROFILE_ROUTES.join(", "),
                        request.route_key
                    ),
                )
            }
        };
        match result {
            Ok(Some(profile)) => json(
                200,
                &Answer {
                    profile: &profile,
                    images: self.links.for_user(&sub),
                },
            ),
            Ok(None) => error(
                404,
                "user_not_found",
                "no user is registered for this sign-in",
            ),
            Err(err) => {
                tracing::error!(%err, "profile request failed");
                error(
                    503,
                    "database_unavailable",
                    "the profile store is unavailable; try again shortly",
                )
            }
        }
    }

    async fn read(&self, sub: &str) -> Result<Option<Profile>, DatabaseError> {
        if let Some(profile) = self.select(sub).await? {
            return Ok(Some(profile));
        }
        self.create(sub).await
    }

    async fn select(&self, sub: &str) -> Result<Option<Profile>, DatabaseError> {
        self.profile_query(
            "SELECT uuid::text, handle, display_name, bio FROM public.users WHERE cognito_user_id = $1",
            &[&sub],
        )
        .await
    }

    /// The row of a signed-in user who has none yet (nothing creates rows at sign-up, and users who signed up
    /// before this deploy have none): a handle from the `sub`, a neutral display name the user then edits.
    /// `ON CONFLICT DO NOTHING` makes concurrent first requests create one row; if the short handle is taken by
    /// someone else, the whole `sub` (unique, as `cognito_user_id` is) is the handle.
    async fn create(&self, sub: &str) -> Result<Option<Profile>, DatabaseError> {
        let short: String = sub
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(12)
            .collect::<String>()
            .to_ascii_lowercase();
        for handle in [
            format!("user_{short}"),
            format!("user_{}", sub.to_ascii_lowercase()),
        ] {
            self.profile_query(
                "INSERT INTO public.users (handle, display_name, cognito_user_id) VALUES ($1, $2, $3) \
                 ON CONFLICT DO NOTHING \
                 RETURNING uuid::text, handle, display_name, bio",
                &[&handle, &NEW_USER_DISPLAY_NAME, &sub],
            )
            .await?;
            if let Some(profile) = self.select(sub).await? {
                tracing::info!(
                    sub,
                    handle = profile.handle,
                    "profile created on first request"
                );
                return Ok(Some(profile));
            }
        }
        Ok(None)
    }

    async fn update(
        &self,
        sub: &str,
        update: ProfileUpdate,
    ) -> Result<Option<Profile>, DatabaseError> {
        if let Some(profile) = self.apply_update(sub, &update).await? {
            return Ok(Some(profile));
        }
        // Updating is often a user's first request.
        if self.create(sub).await?.is_none() {
            return Ok(None);
        }
        self.apply_update(sub, &update).await
    }

    async fn apply_update(
        &self,
        sub: &str,
        update: &ProfileUpdate,
    ) -> Result<Option<Profile>, DatabaseError> {
        self.profile_query(
            "UPDATE public.users SET display_name = $1, bio = $2, updated_at = now() \
             WHERE cognito_user_id = $3 \
             RETURNING uuid::text, handle, display_name, bio",
            &[&update.display_name, &update.bio, &sub],
        )
        .await
    }

    /// Runs a statement that yields at most one `(uuid, handle, display_name, bio)` row.
    async fn profile_query(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Option<Profile>, DatabaseError> {
        let client = self.database.client().await?;
        let row = client.query_opt(sql, params).await?;
        Ok(row.map(|r| profile(&r)))
    }
}

fn profile(row: &tokio_postgres::Row) -> Profile {
    Profile {
        uuid: row.get(0),
        handle: row.get(1),
        display_name: row.get(2),
        bio: row.get(3),
    }
}

/// The body as a validated update, or the 400/422 answer.
fn parse(
    request: &ApiGatewayV2httpRequest,
) -> Result<ProfileUpdate, Box<ApiGatewayV2httpResponse>> {
    let bytes = api_lambda::body_bytes(request)
        .map_err(|_| Box::new(error(400, "malformed_json", "the body is not valid base64")))?;
    let parsed: UpdateRequest = serde_json::from_slice(&bytes).map_err(|err| {
        Box::new(error(
            400,
            "malformed_json",
            format!("expected {{\"display_name\": string, \"bio\": string}}: {err}"),
        ))
    })?;
    parsed.validate().map_err(|problems| {
        Box::new(json(
            422,
            &json!({
                "error": "invalid_profile",
                "message": problems.iter().map(|p| p.message.as_str()).collect::<Vec<_>>().join("; "),
                "problems": problems,
            }),
        ))
    })
}
