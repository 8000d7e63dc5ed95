//! `generator bootstrap` against moto's S3 and STS (moto answering as the environment's account): the state
//! bucket is created versioned, private, encrypted and TLS-only; a rerun changes nothing and succeeds; the wrong
//! account is refused before anything is created.

#![allow(clippy::unwrap_used)]

mod common;

use std::process::Output;

use test_support::Server;

fn bootstrap(moto: &Server, env: &str) -> Output {
    let envs = common::repo_root().join("envs");
    let args = ["bootstrap", "--env", env, "--envs-dir"].map(std::ffi::OsStr::new);
    let mut args = args.to_vec();
    args.push(envs.as_os_str());
    common::generator_against(&moto.endpoint, &args)
}

#[tokio::test]
async fn issue_16_bootstrap_makes_the_state_bucket_once_and_safely() {
    // envs/dev: account 210987654321, state bucket cruddur-terraform-state-dev.
    let moto = test_support::start_moto_as("210987654321");
    let bucket = "cruddur-terraform-state-dev";
    for run in ["first", "second"] {
        let out = bootstrap(&moto, "dev");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{run} run: {err}");
        assert!(err.contains("TLS only"), "{run} run: {err}");
        if run == "second" {
            assert!(
                err.contains(&format!("state bucket {bucket} exists")),
                "{err}"
            );
        }
    }

    let sdk = test_support::local_sdk_config(&moto.endpoint, "testing", "testing");
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(true)
            .build(),
    );
    // Versioned. (moto answers GetBucketVersioning with a root element the SDK does not parse; the raw reply is
    // read then.)
    let versioning = match s3.get_bucket_versioning().bucket(bucket).send().await {
        Ok(v) => format!("{:?}", v.status()),
        Err(err) => err
            .raw_response()
            .and_then(|r| r.body().bytes())
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default(),
    };
    assert!(versioning.contains("Enabled"), "{versioning}");
    // TLS only: a request over plain HTTP (all the emulator speaks) is denied by the bucket policy.
    let plain = s3
        .put_object()
        .bucket(bucket)
        .key("avatar-pipeline/dev.tfstate")
        .body(b"{}".to_vec().into())
        .send()
        .await;
    assert_eq!(
        plain
            .err()
            .and_then(|e| e.raw_response().map(|r| r.status().as_u16())),
        Some(403)
    );
    let block = s3
        .get_public_access_block()
        .bucket(bucket)
        .send()
        .await
        .unwrap();
    let block = block.public_access_block_configuration().unwrap();
    assert_eq!(
        (
            block.block_public_acls(),
            block.ignore_public_acls(),
            block.block_public_policy(),
            block.restrict_public_buckets()
        ),
        (Some(true), Some(true), Some(true), Some(true))
    );
    let encryption = s3
        .get_bucket_encryption()
        .bucket(bucket)
        .send()
        .await
        .unwrap();
    assert!(
        format!("{encryption:?}").contains("Aes256"),
        "{encryption:?}"
    );
    let policy = s3.get_bucket_policy().bucket(bucket).send().await.unwrap();
    assert!(
        policy.policy().unwrap().contains("aws:SecureTransport"),
        "{policy:?}"
    );

    // prod is another account: refused, and its bucket never created.
    let out = bootstrap(&moto, "prod");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("345678901234"), "{err}");
    let buckets = s3.list_buckets().send().await.unwrap();
    let names: Vec<&str> = buckets.buckets().iter().filter_map(|b| b.name()).collect();
    assert_eq!(names, [bucket]);

    // local has no remote state.
    let out = bootstrap(&moto, "local");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to bootstrap"));
}
