//! `GET /api/profile` and `POST /api/profile/update` for the user in the verified JWT claims
//! (`sub` = `users.cognito_user_id`). Every answer is JSON; errors carry a stable `error` code:
//!
//! | status | error | when |
//! |---|---|---|
//! | 400 | `malformed_json` | the body is not a JSON object of the expected fields |
//! | 401 | `unauthorized` | no usable `sub` claim, or not an access token (`token_use` ≠ `access`) |
//! | 404 | `user_not_found` | no user has that `sub` |
//! | 422 | `invalid_profile` | with `problems`: every broken rule (`display_name_blank`, `bio_too_long`, …) |
//! | 503 | `database_unavailable` | the database could not be reached (logged; the URL never is) |

use aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayV2httpResponse};
use aws_lambda_events::encodings::Body;
use base64::Engine;
use http::{HeaderMap, HeaderValue};
use serde::Serialize;
use serde_json::json;

use crate::database::{Database, DatabaseError};
use crate::profile::{ProfileUpdate, UpdateRequest};

pub const GET_ROUTE: &str = "GET /api/profile";
pub const UPDATE_ROUTE: &str = "POST /api/profile/update";

pub struct ProfileApi {
    pub database: Database,
}

/// What both routes answer on success.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Profile {
    pub uuid: String,
    pub handle: String,
    pub display_name: String,
    pub bio: Option<String>,
}

impl ProfileApi {
    pub async fn handle(&self, request: ApiGatewayV2httpRequest) -> ApiGatewayV2httpResponse {
        let Some(sub) = verified_sub(&request) else {
            return error(401, "unauthorized", "no verified user in the request");
        };
        let result = match request.route_key.as_deref() {
            Some(GET_ROUTE) => self.read(&sub).await,
            Some(UPDATE_ROUTE) => {
                let update = match parse(&request) {
                    Ok(update) => update,
                    Err(response) => return *response,
                };
                self.update(&sub, update).await
            }
            other => {
                return error(
                    404,
                    "no_such_route",
                    &format!("this function serves {GET_ROUTE} and {UPDATE_ROUTE}, not {other:?}"),
                )
            }
        };
        match result {
            Ok(Some(profile)) => respond(200, &profile),
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
        self.profile_query(
            "SELECT uuid::text, handle, display_name, bio FROM public.users WHERE cognito_user_id = $1",
            &[&sub],
        )
        .await
    }

    async fn update(
        &self,
        sub: &str,
        update: ProfileUpdate,
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
    let body = request.body.as_deref().unwrap_or_default();
    let bytes = if request.is_base64_encoded {
        base64::engine::general_purpose::STANDARD
            .decode(body)
            .map_err(|_| Box::new(error(400, "malformed_json", "the body is not valid base64")))?
    } else {
        body.as_bytes().to_vec()
    };
    let parsed: UpdateRequest = serde_json::from_slice(&bytes).map_err(|err| {
        Box::new(error(
            400,
            "malformed_json",
            &format!("expected {{\"display_name\": string, \"bio\": string}}: {err}"),
        ))
    })?;
    parsed.validate().map_err(|problems| {
        Box::new(respond(
            422,
            &json!({
                "error": "invalid_profile",
                "message": problems.iter().map(|p| p.message.as_str()).collect::<Vec<_>>().join("; "),
                "problems": problems,
            }),
        ))
    })
}

/// The user the JWT authorizer verified (the contract's rules, the same as upload-url's).
fn verified_sub(request: &ApiGatewayV2httpRequest) -> Option<String> {
    let claims = &request
        .request_context
        .authorizer
        .as_ref()?
        .jwt
        .as_ref()?
        .claims;
    pipeline_contract::claims::verified_user(|name| claims.get(name).map(String::as_str))
        .inspect_err(|why| tracing::info!(%why, "unauthorized"))
        .ok()
        .map(str::to_owned)
}

fn respond(status: u16, body: &impl Serialize) -> ApiGatewayV2httpResponse {
    let text = serde_json::to_string(body).unwrap_or_else(|_| "{}".to_owned());
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    headers.insert("cache-control", HeaderValue::from_static("no-store"));
    let mut response = ApiGatewayV2httpResponse::default();
    response.status_code = i64::from(status);
    response.headers = headers;
    response.body = Some(Body::Text(text));
    response
}

fn error(status: u16, code: &str, message: &str) -> ApiGatewayV2httpResponse {
    respond(status, &json!({ "error": code, "message": message }))
}
