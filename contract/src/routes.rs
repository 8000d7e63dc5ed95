//! The profile routes of the HTTP API: the generator creates them (behind the JWT authorizer, with their methods
//! in the API's CORS rule) and profile-api serves exactly these route keys.
//!
//! The save is accepted with both methods: the reference app's backend routes `POST /api/profile/update`, while
//! its final frontend (`ProfileForm` through its request helper's `put`) sends `PUT`. Both take the same body,
//! `{"display_name", "bio"}`.

/// `GET /api/profile`: the signed-in user's profile.
pub const PROFILE_GET: &str = "GET /api/profile";
/// `POST /api/profile/update`: the reference backend's save.
pub const PROFILE_UPDATE: &str = "POST /api/profile/update";
/// `PUT /api/profile/update`: the reference frontend's save.
pub const PROFILE_UPDATE_PUT: &str = "PUT /api/profile/update";

/// Every profile route, as API Gateway route keys.
pub const PROFILE_ROUTES: [&str; 3] = [PROFILE_GET, PROFILE_UPDATE, PROFILE_UPDATE_PUT];

/// The declared route among `declared` that API Gateway's `route_key` stands for. Behind the edge
/// (modules/http-api, `behind_edge`) every route is created under a random first path segment that only the
/// CloudFront distribution adds, so the key arrives as `GET /<origin key>/api/profile`; the functions don't know the
/// key and need not: API Gateway only invokes them for routes it has, so one extra leading segment is accepted.
pub fn declared<'d>(route_key: &str, declared: &[&'d str]) -> Option<&'d str> {
    let (method, path) = route_key.split_once(' ')?;
    declared.iter().copied().find(|known| {
        let Some((known_method, known_path)) = known.split_once(' ') else {
            return false;
        };
        method == known_method
            && (path == known_path || without_origin_key(path) == Some(known_path))
    })
}

/// `/<key>/api/profile` → `/api/profile`; `None` when there is no non-empty first segment before another.
fn without_origin_key(path: &str) -> Option<&str> {
    let rest = path.strip_prefix('/')?;
    let slash = rest.find('/')?;
    (slash > 0).then(|| &rest[slash..])
}

/// Whether `route_key` saves a profile.
pub fn is_profile_update(route_key: &str) -> bool {
    route_key == PROFILE_UPDATE || route_key == PROFILE_UPDATE_PUT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_route_under_the_origin_key_is_the_declared_route() {
        let key = "GET /0123456789abcdef0123456789abcdef/api/profile";
        assert_eq!(declared(key, &PROFILE_ROUTES), Some(PROFILE_GET));
        assert_eq!(
            declared("PUT /k/api/profile/update", &PROFILE_ROUTES),
            Some(PROFILE_UPDATE_PUT)
        );
        assert_eq!(
            declared(PROFILE_UPDATE, &PROFILE_ROUTES),
            Some(PROFILE_UPDATE)
        );
    }

    #[test]
    fn other_routes_are_not() {
        for key in [
            "GET /api/profile/extra",
            "POST /api/profile",
            "GET //api/profile",
            "GET /a/b/api/profile",
            "GET /k/api/profilex",
            "GET",
            "",
        ] {
            assert_eq!(declared(key, &PROFILE_ROUTES), None, "{key}");
        }
    }
}
