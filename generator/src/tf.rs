//! Small helpers that build HCL expressions as data. A Rust string is always a literal here; references,
//! interpolation and function calls are explicit, so nothing is ever escaped or unescaped by accident.

use hcl::expr::{Expression, FuncCall, TemplateExpr, Traversal, Variable};
use hcl::{Identifier, Object, ObjectKey};

/// A reference such as `module.cdn.cloudfront_distribution_arn`, printed unquoted.
///
/// ```
/// let e = generator::tf::reference("module.cdn.cloudfront_distribution_arn");
/// assert_eq!(hcl::format::to_string(&e).unwrap(), "module.cdn.cloudfront_distribution_arn");
/// ```
pub fn reference(path: &str) -> Expression {
    let mut parts = path.split('.');
    let root = parts.next().unwrap_or_default();
    let mut builder = Traversal::builder(Variable::unchecked(root));
    for part in parts {
        builder = builder.attr(Identifier::unchecked(part));
    }
    builder.build().into()
}

/// A reference ending in a string key, such as `module.x.aws_lambda_permission.this["avatar"]` (for `moved`).
pub fn reference_at(path: &str, key: &str) -> Expression {
    let mut parts = path.split('.');
    let root = parts.next().unwrap_or_default();
    let mut builder = Traversal::builder(Variable::unchecked(root));
    for part in parts {
        builder = builder.attr(Identifier::unchecked(part));
    }
    builder
        .index(Expression::String(key.to_owned()))
        .build()
        .into()
}

/// A string template with `${...}` interpolation kept as interpolation.
///
/// ```
/// let e = generator::tf::template("${path.root}/x");
/// assert_eq!(hcl::format::to_string(&e).unwrap(), "\"${path.root}/x\"");
/// ```
pub fn template(s: &str) -> Expression {
    TemplateExpr::from(s).into()
}

/// A function call such as `jsonencode(...)`.
pub fn call(name: &str, args: impl IntoIterator<Item = Expression>) -> Expression {
    let mut builder = FuncCall::builder(Identifier::unchecked(name));
    for arg in args {
        builder = builder.arg(arg);
    }
    builder.build().into()
}

/// `jsonencode(value)`, used for IAM and bucket policies so Terraform writes canonical JSON.
pub fn jsonencode(value: Expression) -> Expression {
    call("jsonencode", [value])
}

/// A list of string literals.
pub fn strings<I, S>(items: I) -> Expression
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    Expression::Array(
        items
            .into_iter()
            .map(|s| Expression::String(s.into()))
            .collect(),
    )
}

/// An object with keys in the given order. Keys that are valid identifiers print bare, others quoted.
pub fn object<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Expression)>) -> Expression {
    let mut map = Object::new();
    for (k, v) in pairs {
        let k: String = k.into();
        let key = match Identifier::new(k.clone()) {
            Ok(ident) => ObjectKey::Identifier(ident),
            Err(_) => ObjectKey::Expression(Expression::String(k)),
        };
        map.insert(key, v);
    }
    Expression::Object(map)
}

/// A string literal.
pub fn string(s: impl Into<String>) -> Expression {
    Expression::String(s.into())
}

/// A number literal.
pub fn number(n: impl Into<hcl::Number>) -> Expression {
    Expression::Number(n.into())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn literal_dollar_braces_are_escaped_but_templates_are_not() {
        let body = hcl::Body::builder()
            .add_attribute(("literal", string("${not_interpolated}")))
            .add_attribute(("templated", template("${aws_s3_bucket.x.arn}/*")))
            .add_attribute(("reference", reference("aws_s3_bucket.x.id")))
            .add_attribute((
                "policy",
                jsonencode(object([("Version", string("2012-10-17"))])),
            ))
            .build();
        assert_eq!(
            hcl::format::to_string(&body).unwrap(),
            "literal = \"$${not_interpolated}\"\ntemplated = \"${aws_s3_bucket.x.arn}/*\"\nreference = aws_s3_bucket.x.id\npolicy = jsonencode({ Version = \"2012-10-17\" })\n"
        );
    }

    #[test]
    fn object_keys_that_are_not_identifiers_are_quoted() {
        let e = object([
            ("aws:SecureTransport", string("false")),
            ("Bool", number(1)),
        ]);
        let s = hcl::format::to_string(&e).unwrap();
        assert!(s.contains("\"aws:SecureTransport\" = \"false\""), "{s}");
    }
}
