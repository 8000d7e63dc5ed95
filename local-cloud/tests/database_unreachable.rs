//! Issue 27, item 2: in the local stack, a profile function whose database never answers (its SSM parameter
//! pointed at a listener that accepts and stays silent, as a database behind a missing route or security-group
//! rule looks once the SYN is taken) answers 503 `database_unavailable` through the API after its connect
//! timeout (5 s, from the generated settings), instead of hanging into the Lambda timeout.
#![allow(clippy::unwrap_used)] // a failed step should stop the test where it happened

use local_cloud::client::Client;
use local_cloud::{Stack, StackOptions};

const SUB: &str = "0e6f2a7b-4c1d-4e8f-9a3b-5c6d7e8f9a0b";

#[test]
fn issue_27_an_unreachable_database_is_a_503_through_the_api() {
    let stack = Stack::start(StackOptions::default()).unwrap_or_else(|err| panic!("{err:#}"));
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let unreachable = format!("postgres://profile_api@127.0.0.1:{port}/postgres?sslmode=disable");
    let sdk = test_support::local_sdk_config(&stack.urls.moto, "local", "local");
    let parameter = stack.config.database.url_parameter.clone();
    stack
        .block_on(async {
            aws_sdk_ssm::Client::new(&sdk)
                .put_parameter()
                .name(&parameter)
                .value(&unreachable)
                .r#type(aws_sdk_ssm::types::ParameterType::SecureString)
                .overwrite(true)
                .send()
                .await
        })
        .unwrap()
        .unwrap();

    let client = Client::new(&stack.urls.api);
    let token = stack.token(SUB).unwrap();
    let answer = client
        .call("GET", "/api/profile", Some(&token), None)
        .unwrap();
    assert_eq!(
        answer.status,
        503,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    assert_eq!(answer.json()["error"], "database_unavailable");
    assert!(
        !String::from_utf8_lossy(&answer.body).contains("127.0.0.1"),
        "the answer names no address"
    );
    drop(silent);
}
