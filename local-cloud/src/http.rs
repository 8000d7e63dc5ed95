//! The few HTTP pieces the local services share: a hyper server loop on a bound listener and response builders.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use http::{header, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

pub type Request = http::Request<Incoming>;
pub type Reply = Response<Full<Bytes>>;

/// Largest request body a local service reads (API Gateway's payload limit is 10 MB).
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// Serves `listener` until the runtime stops, each connection on its own task.
pub async fn serve<S, F>(listener: TcpListener, service: Arc<S>, handle: F)
where
    S: Send + Sync + 'static,
    F: Fn(Arc<S>, Request) -> std::pin::Pin<Box<dyn Future<Output = Reply> + Send>>
        + Send
        + Sync
        + Copy
        + 'static,
{
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let service = Arc::clone(&service);
        tokio::spawn(async move {
            let svc = service_fn(move |request| {
                let service = Arc::clone(&service);
                async move { Ok::<_, Infallible>(handle(service, request).await) }
            });
            if let Err(err) = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), svc)
                .await
            {
                tracing::debug!(%err, "connection ended");
            }
        });
    }
}

/// The request body, or `None` when it is larger than [`MAX_BODY_BYTES`] or the connection broke.
pub async fn read_body(body: Incoming) -> Option<Bytes> {
    let limited = http_body_util::Limited::new(body, MAX_BODY_BYTES);
    limited.collect().await.ok().map(|c| c.to_bytes())
}

pub fn reply(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Reply {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = status;
    if let Ok(value) = content_type.parse() {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}

/// `{"message": ...}`, the shape of API Gateway's own error answers.
pub fn message(status: StatusCode, text: &str) -> Reply {
    reply(
        status,
        "application/json",
        serde_json::json!({ "message": text }).to_string(),
    )
}
