//! `api.tf`: the HTTP API with CORS from the config, the JWT authorizer and one route per handler.

use hcl::Body;

use super::{module_block, module_output};
use crate::config::Config;
use crate::cors::ApiCors;
use crate::tf::{number, object, string, strings};
use crate::topology::{names, routes};

pub fn body(config: &Config) -> Body {
    let api = &config.api;
    let routes = routes(config);
    let cors = ApiCors::from_config(config);
    let route_objects = object(routes.iter().map(|(key, module)| {
        (
            key.clone(),
            object([
                (
                    "function_name",
                    module_output(module, "lambda_function_name"),
                ),
                (
                    "invoke_arn",
                    module_output(module, "lambda_function_invoke_arn"),
                ),
            ]),
        )
    }));
    let module = module_block(
        names::API,
        "http-api",
        vec![
            ("name", string(config.name_prefix())),
            (
                "cors",
                object([
                    ("allow_origins", strings(cors.allow_origins)),
                    ("allow_methods", strings(cors.allow_methods)),
                    ("allow_headers", strings(cors.allow_headers)),
                    ("max_age_seconds", number(cors.max_age_seconds)),
                ]),
            ),
            ("jwt_issuer", string(&api.jwt_issuer)),
            ("jwt_audience", strings(api.jwt_audience.clone())),
            ("routes", route_objects),
            ("throttling_burst_limit", number(api.throttling_burst_limit)),
            ("throttling_rate_limit", number(api.throttling_rate_limit)),
            (
                "log_retention_days",
                number(config.lambda.log_retention_days),
            ),
        ],
    );
    Body::builder().add_block(module).build()
}
