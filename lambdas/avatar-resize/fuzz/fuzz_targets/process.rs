//! Arbitrary bytes through the whole pipeline (sniff, limits, decode, resize, orient, encode): it must return
//! Ok or a Rejection, never panic, abort or touch memory it does not own.
#![no_main]

use avatar_resize::imaging::{process, Limits, OutputSpec};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Small limits and output keep each run fast; the code paths are the same as in production.
    let limits = Limits {
        max_dimension: 4096,
        max_pixels: 4_000_000,
        // As a 512 MB function would: a header that passes the pixel limits but not this is refused, too.
        memory_budget: Some(440 << 20),
        ..Limits::default()
    };
    let spec = OutputSpec {
        width: 64,
        height: 64,
        ..OutputSpec::avatar()
    };
    if let Ok(encoded) = process(data, &spec, &limits) {
        assert_eq!((encoded.width, encoded.height), (64, 64));
    }
});
