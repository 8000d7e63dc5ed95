//! The endpoint against a real Postgres: success, every error status, SQL injection stored literally, and a
//! database that cannot be reached answering 503 without leaking its URL.
#![allow(clippy::unwrap_used)] // a failed step should stop the test where it happened

use aws_lambda_events::apigw::ApiGatewayV2httpResponse;
use aws_lambda_events::encodings::Body;
use profile_api::database::{Database, UrlSource};
use profile_api::handler::{ProfileApi, GET_ROUTE, UPDATE_ROUTE};
use profile_api::migrations::Migrator;
use profile_api::tls::TlsPolicy;
use serde_json::{json, Value};

mod common;

use common::event;

const SUB: &str = "3f0d6e2a-5b1c-4f8e-9a7d-2c4b6e8f0a1b";

fn body(response: &ApiGatewayV2httpResponse) -> Value {
    match &response.body {
        Some(Body::Text(text)) => serde_json::from_str(text).unwrap(),
        other => panic!("expected a JSON body, got {other:?}"),
    }
}

async fn connect(url: &str) -> tokio_postgres::Client {
    profile_api::database::connect(url, TlsPolicy::Development)
        .await
        .unwrap()
}

async fn migrate(client: &mut tokio_postgres::Client) {
    Migrator::embedded().unwrap().migrate(client).await.unwrap();
}

fn api(url: &str) -> ProfileApi {
    ProfileApi {
        database: Database::new(UrlSource::Direct(url.to_owned()), TlsPolicy::Development),
        caller: Some(common::caller()),
        links: Default::default(),
    }
}

async fn seeded(url: &str) -> ProfileApi {
    let mut client = connect(url).await;
    migrate(&mut client).await;
    client
        .execute(
            "INSERT INTO public.users (handle, display_name, cognito_user_id) VALUES ('ada', 'Ada', $1)",
            &[&SUB],
        )
        .await
        .unwrap();
    api(url)
}

/// Issue 27, item 7: the reference frontend saves with `PUT /api/profile/update` and `{bio, display_name}`.
#[tokio::test]
async fn issue_27_the_reference_frontends_put_saves_the_profile() {
    let pg = test_support::start_postgres();
    let api = seeded(&pg.url("postgres")).await;
    let body_text = json!({ "bio": "Counting engines.", "display_name": "Ada L." }).to_string();
    let saved = api
        .handle(event(
            pipeline_contract::routes::PROFILE_UPDATE_PUT,
            Some(SUB),
            Some(&body_text),
        ))
        .await;
    assert_eq!(saved.status_code, 200, "{:?}", saved.body);
    let read = body(&api.handle(event(GET_ROUTE, Some(SUB), None)).await);
    assert_eq!(
        (read["display_name"].as_str(), read["bio"].as_str()),
        (Some("Ada L."), Some("Counting engines."))
    );
    // Any other method on the path is not a route of this function.
    let other = api
        .handle(event(
            "PATCH /api/profile/update",
            Some(SUB),
            Some(&body_text),
        ))
        .await;
    assert_eq!(other.status_code, 404);
}

/// Issue 17, item 3: the answer lists each kind's stable URLs with their widths (a ready `srcset`) and the
/// manifest, from the settings (profile-api reads no bucket).
#[tokio::test]
async fn the_answer_lists_the_users_image_urls() {
    use pipeline_contract::settings::{ProfileImageOutput, ProfileImageSettings};
    let pg = test_support::start_postgres();
    let mut api = seeded(&pg.url("postgres")).await;
    let output = |width, height, suffix: &str| ProfileImageOutput {
        width,
        height,
        format: pipeline_contract::OutputFormat::Jpeg,
        suffix: suffix.to_owned(),
    };
    api.links = profile_api::links::ImageLinks {
        assets_base_url: "https://assets.example.com".to_owned(),
        kinds: vec![
            ProfileImageSettings {
                kind: "avatar".to_owned(),
                output_prefix: "avatars/".to_owned(),
                outputs: vec![output(512, 512, ""), output(128, 128, "_128x128")],
            },
            ProfileImageSettings {
                kind: "banner".to_owned(),
                output_prefix: "banners/".to_owned(),
                outputs: vec![output(1500, 500, "")],
            },
        ],
    };
    let read = body(&api.handle(event(GET_ROUTE, Some(SUB), None)).await);
    assert_eq!(read["handle"], "ada");
    let avatar = &read["images"]["avatar"];
    assert_eq!(
        avatar["url"],
        format!("https://assets.example.com/avatars/{SUB}.jpg")
    );
    assert_eq!(
        avatar["srcset"],
        format!(
            "https://assets.example.com/avatars/{SUB}.jpg 512w, https://assets.example.com/avatars/{SUB}_128x128.jpg 128w"
        )
    );
    assert_eq!(avatar["sizes"][1]["width"], 128);
    assert_eq!(
        avatar["manifest_url"],
        format!("https://assets.example.com/avatars/{SUB}.json")
    );
    assert_eq!(read["images"]["banner"]["width"], 1500);
    // The save answers the same shape.
    let saved = body(
        &api.handle(event(
            UPDATE_ROUTE,
            Some(SUB),
            Some(&json!({ "display_name": "Ada", "bio": "" }).to_string()),
        ))
        .await,
    );
    assert_eq!(saved["images"], read["images"]);
}

/// Issue 28, item 3: behind the edge, API Gateway reports the route under the distribution's origin key
/// (`PUT /<key>/api/profile/update`); the function serves it as the declared route.
#[tokio::test]
async fn routes_under_the_edges_origin_key_are_served() {
    let pg = test_support::start_postgres();
    let api = seeded(&pg.url("postgres")).await;
    let key = "0123456789abcdef0123456789abcdef";
    let body_text = json!({ "bio": "Behind the edge.", "display_name": "Ada" }).to_string();
    let saved = api
        .handle(event(
            &format!("PUT /{key}/api/profile/update"),
            Some(SUB),
            Some(&body_text),
        ))
        .await;
    assert_eq!(saved.status_code, 200, "{:?}", saved.body);
    let read = api
        .handle(event(&format!("GET /{key}/api/profile"), Some(SUB), None))
        .await;
    assert_eq!(body(&read)["bio"], "Behind the edge.");
    let unknown = api
        .handle(event(&format!("GET /{key}/api/other"), Some(SUB), None))
        .await;
    assert_eq!(unknown.status_code, 404);
}

#[tokio::test]
async fn every_status_of_the_contract() {
    let pg = test_support::start_postgres();
    let api = seeded(&pg.url("postgres")).await;
    let update = |b: Value| event(UPDATE_ROUTE, Some(SUB), Some(&b.to_string()));

    let ok = api
        .handle(update(
            json!({ "display_name": "  Ada Lovelace ", "bio": "Analyst.\nPoet." }),
        ))
        .await;
    assert_eq!(ok.status_code, 200, "{:?}", ok.body);
    let profile = body(&ok);
    assert_eq!(profile["handle"], "ada");
    assert_eq!(profile["display_name"], "Ada Lovelace");
    assert_eq!(profile["bio"], "Analyst.\nPoet.");
    assert_eq!(profile["uuid"].as_str().unwrap().len(), 36);

    let read = api.handle(event(GET_ROUTE, Some(SUB), None)).await;
    assert_eq!(read.status_code, 200);
    assert_eq!(body(&read), profile, "GET returns what the update stored");

    let invalid = api
        .handle(update(
            json!({ "display_name": " ", "bio": "x".repeat(281) }),
        ))
        .await;
    assert_eq!(invalid.status_code, 422);
    let problems: Vec<String> = body(&invalid)["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(problems, ["display_name_blank", "bio_too_long"]);
    assert_eq!(
        body(&api.handle(event(GET_ROUTE, Some(SUB), None)).await),
        profile,
        "a 422 changes nothing"
    );

    let malformed = api
        .handle(event(UPDATE_ROUTE, Some(SUB), Some("{\"display_name\":")))
        .await;
    assert_eq!(
        (malformed.status_code, body(&malformed)["error"].clone()),
        (400, json!("malformed_json"))
    );
    let unknown_field = api
        .handle(update(json!({ "display_name": "A", "handle": "root" })))
        .await;
    assert_eq!(
        unknown_field.status_code, 400,
        "a field the endpoint does not edit is refused"
    );

    // Issue 16: a user without a row (no sign-up hook) gets one on their first request, here an update.
    let newcomer = api
        .handle(event(
            UPDATE_ROUTE,
            Some("someone-else"),
            Some("{\"display_name\":\"X\"}"),
        ))
        .await;
    assert_eq!(newcomer.status_code, 200, "{:?}", newcomer.body);
    assert_eq!(body(&newcomer)["display_name"], "X");
    assert_eq!(body(&newcomer)["handle"], "user_someoneelse");
    let anonymous = api.handle(event(GET_ROUTE, None, None)).await;
    assert_eq!(anonymous.status_code, 401);
}

#[tokio::test]
async fn sql_injection_attempts_are_stored_literally() {
    let pg = test_support::start_postgres();
    let api = seeded(&pg.url("postgres")).await;
    let name = "Robert'); DROP TABLE users;--";
    let bio = "' OR '1'='1'; UPDATE users SET handle = 'pwned' WHERE ''='";
    let body_text = json!({ "display_name": name, "bio": bio }).to_string();
    let response = api
        .handle(event(UPDATE_ROUTE, Some(SUB), Some(&body_text)))
        .await;
    assert_eq!(response.status_code, 200);
    let stored = body(&api.handle(event(GET_ROUTE, Some(SUB), None)).await);
    assert_eq!(stored["display_name"], name);
    assert_eq!(stored["bio"], bio);
    assert_eq!(stored["handle"], "ada", "no statement ran from the input");
}

#[tokio::test]
async fn an_unreachable_database_is_503_without_the_url() {
    let port = test_support::free_port();
    let secret_url = format!("postgres://app:s3cret-password@127.0.0.1:{port}/profiles");
    let api = ProfileApi {
        database: Database::new(UrlSource::Direct(secret_url), TlsPolicy::Development),
        caller: Some(common::caller()),
        links: Default::default(),
    };
    let response = api.handle(event(GET_ROUTE, Some(SUB), None)).await;
    assert_eq!(response.status_code, 503);
    let text = serde_json::to_string(&body(&response)).unwrap();
    assert_eq!(body(&response)["error"], "database_unavailable");
    assert!(
        !text.contains("s3cret") && !text.contains("127.0.0.1"),
        "{text}"
    );
}

/// Issue 27, item 2: a database that never answers (a listener that accepts and stays silent, as a server behind a
/// dropped route or a missing security-group rule looks to the client once the SYN is taken) is a 503 after the
/// connect timeout, not a hang into the Lambda timeout. The outer timeout only turns a hang into a failure.
#[tokio::test]
async fn issue_27_a_database_that_never_answers_is_503_after_the_connect_timeout() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let url = format!("postgres://app:s3cret-password@127.0.0.1:{port}/profiles?sslmode=disable");
    let api = ProfileApi {
        database: Database::new(UrlSource::Direct(url), TlsPolicy::Local)
            .with_connect_timeout(std::time::Duration::from_secs(1)),
        caller: Some(common::caller()),
        links: Default::default(),
    };
    let response = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        api.handle(event(GET_ROUTE, Some(SUB), None)),
    )
    .await
    .expect("the request answers instead of waiting for the database forever");
    assert_eq!(response.status_code, 503);
    assert_eq!(body(&response)["error"], "database_unavailable");
    drop(silent);
}

/// Issue 16: every signed-in user has a profile. Eight first requests of a brand-new `sub` at once all answer 200
/// with the same row, and exactly one row exists.
#[tokio::test]
async fn concurrent_first_requests_create_one_profile() {
    let pg = test_support::start_postgres();
    let url = pg.url("postgres");
    let api = std::sync::Arc::new(seeded(&url).await);
    let newcomer = "7c1e9a52-0d3b-4f6a-b8e2-91c4d5f6a7b8";
    let requests = (0..8).map(|_| {
        let api = std::sync::Arc::clone(&api);
        tokio::spawn(async move { api.handle(event(GET_ROUTE, Some(newcomer), None)).await })
    });
    let mut uuids = std::collections::BTreeSet::new();
    for request in requests {
        let response = request.await.unwrap();
        assert_eq!(response.status_code, 200, "{:?}", response.body);
        let profile = body(&response);
        assert_eq!(profile["handle"], "user_7c1e9a520d3b");
        assert_eq!(
            profile["display_name"],
            profile_api::handler::NEW_USER_DISPLAY_NAME
        );
        uuids.insert(profile["uuid"].as_str().unwrap().to_owned());
    }
    assert_eq!(uuids.len(), 1, "one row for all eight: {uuids:?}");

    let client = connect(&url).await;
    let count: i64 = client
        .query_one(
            "SELECT count(*) FROM public.users WHERE cognito_user_id = $1",
            &[&newcomer],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(count, 1);
}

/// Issue 16: on the reference app's existing database, after `migrate` adopted it, its users keep their
/// profiles, an update works on their rows, and a brand-new `sub` gets one created (no email: the access token
/// has none, and the adopted table allows that now).
#[tokio::test]
async fn the_endpoints_serve_the_reference_apps_adopted_database() {
    let pg = test_support::start_postgres();
    let url = pg.url("postgres");
    let mut client = connect(&url).await;
    client
        .batch_execute(include_str!("fixtures/reference_schema.sql"))
        .await
        .unwrap();
    migrate(&mut client).await;
    let api = api(&url);

    let andrew = "0b7c4d1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e";
    let read = api.handle(event(GET_ROUTE, Some(andrew), None)).await;
    assert_eq!(read.status_code, 200, "{:?}", read.body);
    assert_eq!(body(&read)["handle"], "andrewbrown");
    assert_eq!(body(&read)["display_name"], "Andrew Brown");
    let update = json!({ "display_name": "Andrew", "bio": "Cloud" }).to_string();
    let updated = api
        .handle(event(UPDATE_ROUTE, Some(andrew), Some(&update)))
        .await;
    assert_eq!(updated.status_code, 200, "{:?}", updated.body);
    assert_eq!(body(&updated)["bio"], "Cloud");

    let newcomer = "5d6e7f80-9a1b-4c2d-8e3f-405162738495";
    let first = api.handle(event(GET_ROUTE, Some(newcomer), None)).await;
    assert_eq!(first.status_code, 200, "{:?}", first.body);
    let email: Option<String> = client
        .query_one(
            "SELECT email FROM public.users WHERE cognito_user_id = $1",
            &[&newcomer],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(email, None);
    let users: i64 = client
        .query_one("SELECT count(*) FROM public.users", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(users, 3, "the reference app's two users and the newcomer");
}

/// Issue 28 item 1: only the stack's own account and HTTP API are answered; another's event is a 403 before the
/// claims or the database are looked at.
#[tokio::test]
async fn an_event_from_a_foreign_account_or_api_is_refused() {
    let port = test_support::free_port();
    let api = ProfileApi {
        database: Database::new(
            UrlSource::Direct(format!("postgres://app@127.0.0.1:{port}/profiles")),
            TlsPolicy::Development,
        ),
        caller: Some(common::caller()),
        links: Default::default(),
    };
    let mut foreign_account = event(GET_ROUTE, Some(SUB), None);
    foreign_account.request_context.account_id = Some("999999999999".to_owned());
    let mut foreign_api = event(GET_ROUTE, Some(SUB), None);
    foreign_api.request_context.apiid = Some("evil42".to_owned());
    for request in [foreign_account, foreign_api] {
        let response = api.handle(request).await;
        assert_eq!(response.status_code, 403);
        assert_eq!(body(&response)["error"], "foreign_api");
    }
    // Its own API gets through to the database (which is down here: 503, not 403).
    let response = api.handle(event(GET_ROUTE, Some(SUB), None)).await;
    assert_eq!(response.status_code, 503);
}
