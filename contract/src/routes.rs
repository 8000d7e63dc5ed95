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

/// Whether `route_key` saves a profile.
pub fn is_profile_update(route_key: &str) -> bool {
    route_key == PROFILE_UPDATE || route_key == PROFILE_UPDATE_PUT
}
