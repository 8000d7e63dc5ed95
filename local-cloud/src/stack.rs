//! Starting and stopping the whole local stack. Every server listens on loopback; every port is chosen free
//! except the page's, which is the config's first allowed origin (the browser's `Origin` must match it). All of
//! it stops when the [`Stack`] drops: the runtime first (API, CDN, page, notifier), then s3rver and moto.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use avatar_resize::handler::Resizer;
use generator::config::Config;
use generator::cors::ApiCors;
use generator::topology::{KindNames, PROFILE_API_BIN};
use pipeline_contract::settings::{self, ProfileApiSettings, UploadUrlSettings};
use tempfile::TempDir;
use test_support::Server;
use tokio::net::TcpListener;
use upload_url::handler::UploadUrl;

use crate::api::LocalApi;
use crate::cdn::LocalCdn;
use crate::issuer::DevIssuer;
use crate::notifier::{EventQueue, Notifier, Subscription};
use crate::page::{Page, PageImage};
use crate::terraform::LocalRoot;

#[derive(Debug, Clone, Copy, Default)]
pub struct StackOptions {
    /// Serve `web/` on the config's first allowed origin.
    pub page: bool,
    /// Also serve `web/` on a free port, an origin the config does not allow (for the CORS test).
    pub foreign_page: bool,
}

/// Where each part of the running stack listens.
#[derive(Debug, Clone)]
pub struct Urls {
    pub api: String,
    pub cdn: String,
    pub page: Option<String>,
    pub foreign_page: Option<String>,
    pub moto: String,
    pub s3: String,
}

pub struct Stack {
    runtime: Option<tokio::runtime::Runtime>,
    pub urls: Urls,
    pub config: Config,
    pub issuer: Arc<DevIssuer>,
    pub terraform: LocalRoot,
    _s3rver: Server,
    _moto: Server,
    _data: TempDir,
    postgres: test_support::Postgres,
}

impl Drop for Stack {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(Duration::from_secs(2));
        }
    }
}

impl Stack {
    pub fn start(options: StackOptions) -> anyhow::Result<Self> {
        let repo = test_support::repo_root();
        let config = crate::local_config(&repo)?;
        let issuer = Arc::new(DevIssuer::load(&repo, &config)?);

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let bind = |addr: SocketAddr, what: &str| {
            runtime
                .block_on(TcpListener::bind(addr))
                .with_context(|| format!("{what} cannot listen on {addr}"))
        };
        let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
        let api_listener = bind(loopback, "the local API")?;
        let cdn_listener = bind(loopback, "the local CDN")?;
        let events_listener = bind(loopback, "the S3 event receiver")?;
        let api_url = format!("http://{}", api_listener.local_addr()?);
        let cdn_url = format!("http://{}", cdn_listener.local_addr()?);
        let events_url = format!("http://{}/events", events_listener.local_addr()?);

        tracing::info!("starting moto and s3rver");
        let moto = test_support::start_moto();
        let data = tempfile::Builder::new()
            .prefix("avatar-pipeline-s3-")
            .tempdir()?;
        let s3rver = crate::s3::start(&config, data.path(), &events_url)?;

        tracing::info!("starting Postgres and applying the profile migrations");
        let postgres = test_support::start_postgres();
        runtime.block_on(crate::database::migrate(&postgres.url("postgres")))?;

        tracing::info!("terraform apply envs/local (moto at {})", moto.endpoint);
        let terraform = LocalRoot::prepare(&repo, &moto.endpoint)?;
        terraform.apply()?;

        let environments = terraform.function_environments()?;
        let environment = |name: &str| {
            environments
                .get(name)
                .cloned()
                .ok_or_else(|| anyhow!("function {name} is not in the applied state"))
        };
        let profile_env = environment(&format!("{}-{PROFILE_API_BIN}", config.name_prefix()))?;

        let s3 = crate::s3::client(&s3rver.endpoint);
        let moto_sdk = test_support::local_sdk_config(&moto.endpoint, "local", "local");
        let s3rver_sdk = test_support::local_sdk_config(
            &s3rver.endpoint,
            test_support::S3RVER_ACCESS_KEY,
            test_support::S3RVER_SECRET_KEY,
        );
        let notifications = terraform.queue_notifications()?;
        let mappings = terraform.queue_mappings()?;
        // Each image kind: its upload handler behind its route, its resizer behind its originals prefix, each
        // configured from its own function's environment in the applied state.
        let mut uploads = BTreeMap::new();
        let mut subscriptions = Vec::new();
        let mut images = Vec::new();
        for kind in &config.images {
            let names = KindNames::of(&config, kind);
            let mut contract: UploadUrlSettings = settings::from_lookup(lookup(&environment(
                &names.upload_function,
            )?))
            .map_err(|err| anyhow!("{} settings from the state: {err}", names.upload_function))?;
            // The function's base URL is the (emulated) CloudFront domain; the page must load from the local CDN.
            contract.output_base_url = rebase(&contract.output_base_url, &cdn_url);
            let settings = upload_url::settings::Settings::from_contract(contract);
            // The per-user counters live in the table Terraform created in moto.
            let quota = settings
                .quota
                .clone()
                .map(|settings| upload_url::quota::Quota {
                    settings,
                    dynamodb: aws_sdk_dynamodb::Client::new(&moto_sdk),
                });
            let upload = UploadUrl {
                settings,
                s3: upload_url::s3_client(&s3rver_sdk),
                quota,
            };
            let main = kind.main_output();
            images.push(PageImage {
                name: kind.name.clone(),
                route: kind.route.clone(),
                base_url: upload.settings.avatar_base_url.clone(),
                extension: upload.settings.avatar_extension.clone(),
                width: main.map_or(0, |o| o.width),
                height: main.map_or(0, |o| o.height),
            });
            uploads.insert(names.upload_module.clone(), upload);

            let resize_settings = avatar_resize::settings::Settings::from_lookup(lookup(
                &environment(&names.resize_function)?,
            ))
            .map_err(|err| anyhow!("{} settings from the state: {err}", names.resize_function))?;
            // The resizes are counted in the same table, each against the user's hourly budget.
            let resize_quota = resize_settings
                .quota
                .clone()
                .map(|settings| user_quota::Quota {
                    settings,
                    dynamodb: aws_sdk_dynamodb::Client::new(&moto_sdk),
                });
            let resizer = Arc::new(Resizer {
                settings: resize_settings,
                s3: s3.clone(),
                cloudfront: aws_sdk_cloudfront::Client::new(&moto_sdk),
                quota: resize_quota,
            });
            // The kind's queue: the one whose event source mapping feeds its resizer.
            let arn_suffix = format!(":function:{}", names.resize_function);
            let mapping = mappings
                .iter()
                .find(|m| m.function_arn.ends_with(&arn_suffix))
                .ok_or_else(|| {
                    anyhow!(
                        "the applied state has no event source mapping for {}",
                        names.resize_function
                    )
                })?;
            let queue = Arc::new(EventQueue::new(
                mapping.queue_arn.clone(),
                names.resize_function.clone(),
                resizer,
                usize::try_from(mapping.max_concurrency).unwrap_or(usize::MAX),
                // What modules/s3-lambda-trigger writes as the redrive's maxReceiveCount on AWS.
                mapping.max_receives.map_or_else(
                    || u32::from(config.lambda.avatar_resize.max_retries.unwrap_or(2)) + 1,
                    |n| u32::try_from(n).unwrap_or(u32::MAX),
                ),
            ));
            let before = subscriptions.len();
            subscriptions.extend(
                notifications
                    .iter()
                    .filter(|(_, arn, _, _)| *arn == mapping.queue_arn)
                    .map(|(bucket, _, prefix, suffix)| Subscription {
                        bucket: bucket.clone(),
                        prefix: prefix.clone(),
                        suffix: suffix.clone(),
                        queue: Arc::clone(&queue),
                    }),
            );
            if subscriptions.len() == before {
                bail!(
                    "the applied state has no bucket notification for {}'s queue",
                    names.resize_function
                );
            }
        }

        // The database URL goes where the function reads it in AWS: the SSM parameter Terraform told it about.
        let profile: ProfileApiSettings = settings::from_lookup(lookup(&profile_env))
            .map_err(|err| anyhow!("the profile function's settings from the state: {err}"))?;
        let parameter = profile.database_url_parameter.clone();
        let ssm = aws_sdk_ssm::Client::new(&moto_sdk);
        runtime.block_on(crate::database::store_url(
            &ssm,
            &parameter,
            &postgres.url("postgres"),
        ))?;
        let profile_api = profile_api::handler::ProfileApi {
            database: profile_api::database::Database::new(
                profile_api::database::UrlSource::Ssm {
                    client: ssm,
                    parameter,
                },
                profile_api::tls::TlsPolicy::of_stage(Some(&profile.stage)),
            )
            .with_connect_timeout(std::time::Duration::from_secs(
                profile.connect_timeout_seconds.into(),
            )),
            caller: Some(profile.caller.clone()),
            // The distribution's URL in the state is moto's; the local CDN serves the same paths.
            links: profile_api::links::ImageLinks {
                assets_base_url: rebase(&profile.assets_base_url, &cdn_url)
                    .trim_end_matches('/')
                    .to_owned(),
                kinds: profile.images.clone(),
            },
        };

        let api = Arc::new(LocalApi::new(
            ApiCors::from_config(&config),
            Arc::clone(&issuer),
            generator::topology::routes(&config),
            uploads,
            profile_api,
            // API Gateway names its account and API in every event; the functions check both against their
            // settings, so the local API uses what the applied state gave them.
            profile.caller.clone(),
            crate::edge::Gates::from_config(&config),
        ));
        let rules = generator::topology::negotiation_rules(&config);
        let viewer_request = if rules.is_empty() {
            None
        } else {
            Some(
                runtime.block_on(crate::edge_function::ViewerRequestFunction::start(
                    &repo, &rules,
                ))?,
            )
        };
        let cdn = Arc::new(LocalCdn {
            s3: s3.clone(),
            bucket: config.buckets.assets.clone(),
            cors_origins: config.api.cors_origins.clone(),
            default_image_key: Some(generator::topology::DEFAULT_IMAGE_KEY.to_owned()),
            viewer_request,
        });
        runtime.spawn(crate::http::serve(api_listener, api, |s, r| {
            Box::pin(s.handle(r))
        }));
        runtime.spawn(crate::http::serve(cdn_listener, cdn, |s, r| {
            Box::pin(s.handle(r))
        }));
        let notifier = Arc::new(Notifier::new(
            subscriptions,
            config.environment.region.clone(),
        ));
        runtime.spawn(crate::http::serve(events_listener, notifier, |s, r| {
            Box::pin(s.handle(r))
        }));
        // The default image Terraform writes to the assets bucket (applied to moto above), into the bucket the local
        // CDN serves; after S3's event receiver runs, since s3rver reports every new object to it.
        runtime.block_on(
            s3.put_object()
                .bucket(&config.buckets.assets)
                .key(generator::topology::DEFAULT_IMAGE_KEY)
                .content_type("image/png")
                .cache_control(format!(
                    "public, max-age={}",
                    generator::topology::DEFAULT_IMAGE_MAX_AGE_SECONDS
                ))
                .body(crate::cdn::DEFAULT_IMAGE.to_vec().into())
                .send(),
        )?;

        let avatar_image = images.iter().find(|i| i.name == "avatar");
        let mut page_url = None;
        let mut foreign_page_url = None;
        let page = Arc::new(Page {
            dir: repo.join("web"),
            api_url: api_url.clone(),
            cdn_url: cdn_url.clone(),
            avatar_base_url: avatar_image.map(|i| i.base_url.clone()).unwrap_or_default(),
            avatar_extension: avatar_image
                .map(|i| i.extension.clone())
                .unwrap_or_default(),
            max_upload_bytes: config.upload.max_bytes,
            content_types: config
                .upload
                .content_types
                .iter()
                .map(|t| t.mime().to_owned())
                .collect(),
            images: images.clone(),
        });
        if options.page {
            let (origin, addr) = page_origin(&config)?;
            let listener = bind(addr, "the profile page").with_context(|| {
                format!("the page must be served on {origin}, the first of api.cors_origins in envs/local/config.toml; stop what uses that port")
            })?;
            runtime.spawn(crate::http::serve(listener, Arc::clone(&page), |s, r| {
                Box::pin(s.handle(r))
            }));
            page_url = Some(origin);
        }
        if options.foreign_page {
            let listener = bind(loopback, "the foreign-origin page")?;
            foreign_page_url = Some(format!("http://{}", listener.local_addr()?));
            runtime.spawn(crate::http::serve(listener, page, |s, r| {
                Box::pin(s.handle(r))
            }));
        }

        Ok(Self {
            runtime: Some(runtime),
            urls: Urls {
                api: api_url,
                cdn: cdn_url,
                page: page_url,
                foreign_page: foreign_page_url,
                moto: moto.endpoint.clone(),
                s3: s3rver.endpoint.clone(),
            },
            config,
            issuer,
            terraform,
            _s3rver: s3rver,
            _moto: moto,
            _data: data,
            postgres,
        })
    }

    /// Registers a user (as sign-up would) so that the profile endpoints know `sub`.
    pub fn seed_user(&self, sub: &str, handle: &str, display_name: &str) -> anyhow::Result<()> {
        let url = self.postgres.url("postgres");
        self.block_on(crate::database::seed_user(&url, sub, handle, display_name))
            .unwrap_or_else(|| Err(anyhow!("the stack is stopped")))
    }

    /// Runs `future` on the stack's runtime (for callers without one, such as the CLI's wait for Ctrl-C).
    pub fn block_on<F: std::future::Future>(&self, future: F) -> Option<F::Output> {
        self.runtime.as_ref().map(|r| r.block_on(future))
    }

    /// An access token for `sub` from the local issuer, valid for an hour (what the reference frontend sends).
    pub fn token(&self, sub: &str) -> anyhow::Result<String> {
        self.issuer.token(sub, Duration::from_secs(3600))
    }

    /// A Cognito-shaped ID token for `sub`: the authorizer accepts it, the functions must not.
    pub fn id_token(&self, sub: &str) -> anyhow::Result<String> {
        self.issuer.id_token(sub, Duration::from_secs(3600))
    }

    /// An S3 client for the stack's object store.
    pub fn s3(&self) -> aws_sdk_s3::Client {
        crate::s3::client(&self.urls.s3)
    }
}

fn lookup(env: &BTreeMap<String, String>) -> impl Fn(&str) -> Option<String> + '_ {
    move |name| env.get(name).cloned()
}

/// `https://d123.cloudfront.net/avatars` on `http://127.0.0.1:PORT` is `http://127.0.0.1:PORT/avatars`.
fn rebase(url: &str, base: &str) -> String {
    let path = url
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('/'))
        .map_or("", |(_, path)| path);
    format!("{base}/{path}")
}

/// The first allowed origin that is plain HTTP on loopback, and the address to listen on for it.
fn page_origin(config: &Config) -> anyhow::Result<(String, SocketAddr)> {
    for origin in &config.api.cors_origins {
        let Some(authority) = origin.strip_prefix("http://") else {
            continue;
        };
        let (host, port) = authority.rsplit_once(':').unwrap_or((authority, "80"));
        let ip = match host {
            "127.0.0.1" | "localhost" => [127, 0, 0, 1],
            _ => continue,
        };
        if let Ok(port) = port.parse::<u16>() {
            return Ok((origin.clone(), SocketAddr::from((ip, port))));
        }
    }
    bail!("api.cors_origins in envs/local/config.toml has no http://127.0.0.1:<port> or http://localhost:<port> origin to serve the page on")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rebase_keeps_the_path() {
        assert_eq!(
            rebase("https://d1.cloudfront.net/avatars", "http://127.0.0.1:9"),
            "http://127.0.0.1:9/avatars"
        );
    }
}
