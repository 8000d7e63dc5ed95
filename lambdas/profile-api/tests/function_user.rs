//! Issue 27, item 6: two database users. The owner runs the migrations; the function connects as the user
//! `sql/function-user.sql` creates, which serves every profile route but cannot change the schema, delete rows or
//! read anything else. Against a real (TLS-only) Postgres.
#![allow(clippy::unwrap_used)] // a failed step should stop the test where it happened

use aws_lambda_events::apigw::ApiGatewayV2httpRequest;
use profile_api::database::{Database, UrlSource};
use profile_api::handler::{ProfileApi, GET_ROUTE};
use profile_api::migrations::Migrator;
use profile_api::tls::TlsPolicy;
use serde_json::json;

mod common;

const SUB: &str = "5b2e8c1d-3a4f-4e6b-9c7d-1e2f3a4b5c6d";

fn event(route: &str, body: Option<&str>) -> ApiGatewayV2httpRequest {
    common::event(route, Some(SUB), body)
}

/// The documented SQL as psql would run it with `-v password=…`.
fn function_user_sql(password: &str) -> String {
    include_str!("../sql/function-user.sql").replace(":'password'", &format!("'{password}'"))
}

#[tokio::test]
async fn issue_27_the_function_user_serves_the_routes_and_cannot_change_the_schema() {
    let pg = test_support::start_postgres();
    let owner_url = pg.url("postgres");
    let mut owner = profile_api::database::connect(&owner_url, TlsPolicy::Development)
        .await
        .unwrap();
    Migrator::embedded()
        .unwrap()
        .migrate(&mut owner)
        .await
        .unwrap();
    owner
        .batch_execute(&function_user_sql("function-password"))
        .await
        .unwrap();

    // The test server trusts loopback logins, so the user name is what is tested, not the password.
    let function_url = owner_url.replacen("postgres://postgres@", "postgres://profile_api@", 1);
    let api = ProfileApi {
        database: Database::new(
            UrlSource::Direct(function_url.clone()),
            TlsPolicy::Development,
        ),
        caller: Some(common::caller()),
        links: Default::default(),
    };
    let first = api.handle(event(GET_ROUTE, None)).await;
    assert_eq!(first.status_code, 200, "{:?}", first.body);
    let body = json!({ "bio": "Least privilege.", "display_name": "Fn User" }).to_string();
    for route in [
        pipeline_contract::routes::PROFILE_UPDATE,
        pipeline_contract::routes::PROFILE_UPDATE_PUT,
    ] {
        let saved = api.handle(event(route, Some(&body))).await;
        assert_eq!(saved.status_code, 200, "{route}: {:?}", saved.body);
    }

    let function = profile_api::database::connect(&function_url, TlsPolicy::Development)
        .await
        .unwrap();
    for statement in [
        "CREATE TABLE public.stolen (id int)",
        "ALTER TABLE public.users ADD COLUMN leaked text",
        "DROP TABLE public.users",
        "DELETE FROM public.users",
        "TRUNCATE public.users",
        "SELECT count(*) FROM schema_migrations",
        "CREATE ROLE another LOGIN",
    ] {
        let err = function.batch_execute(statement).await.unwrap_err();
        let code = err.as_db_error().map(|db| db.code().code().to_owned());
        assert_eq!(
            code.as_deref(),
            Some("42501"),
            "`{statement}` must be refused for lack of privilege: {err:?}"
        );
    }
    let rows: i64 = owner
        .query_one("SELECT count(*) FROM public.users", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(rows, 1, "the function's row is there, nothing was deleted");
}
