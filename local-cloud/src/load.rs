//! `local-cloud load` (`make load`): many users upload at once through the same path as the page (API → presigned
//! PUT to s3rver → S3 event → resizer → CDN), some twice in a row, and each watches their avatar URL until it shows
//! their *last* upload. Then, after the pipeline has settled, every avatar is checked again: none may have gone
//! back to an earlier upload (an old event processed late) and none may be missing.
//!
//! Each upload is a solid colour (the first red, the second blue), so the avatar's centre pixel tells which
//! upload it was made from. Times are wall clock on this machine: the figure is the local pipeline's, not AWS's.

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::client::Client;
use crate::Stack;

/// The colour of each upload of a user, in order.
const UPLOAD_COLOURS: [[u8; 3]; 2] = [[220, 40, 40], [40, 40, 220]];

pub struct LoadOptions {
    pub users: usize,
    /// Every `twice_every`-th user uploads twice in a row (0: nobody).
    pub twice_every: usize,
    /// How long one user waits for their avatar before it counts as lost.
    pub timeout: Duration,
    /// How long the pipeline may settle before the final check.
    pub settle: Duration,
}

/// One user's run.
#[derive(Debug)]
struct UserRun {
    sub: String,
    uploads: usize,
    /// From the end of the user's last PUT to the first response showing it; `None`: never seen.
    latency: Option<Duration>,
    avatar_url: String,
}

#[derive(Debug)]
pub struct LoadReport {
    pub users: usize,
    pub uploads: usize,
    pub twice: usize,
    /// From the start signal to the last avatar seen.
    pub elapsed: Duration,
    /// Upload → visible, sorted.
    pub latencies: Vec<Duration>,
    /// Users whose last upload never showed.
    pub lost: Vec<String>,
    /// Users whose avatar, after settling, is not their last upload.
    pub stale: Vec<String>,
}

impl LoadReport {
    pub fn percentile(&self, p: f64) -> Option<Duration> {
        if self.latencies.is_empty() {
            return None;
        }
        let rank = ((p / 100.0) * self.latencies.len() as f64).ceil() as usize;
        self.latencies
            .get(rank.clamp(1, self.latencies.len()) - 1)
            .copied()
    }

    pub fn uploads_per_second(&self) -> f64 {
        self.uploads as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

impl std::fmt::Display for LoadReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms =
            |d: Option<Duration>| d.map_or("-".to_owned(), |d| format!("{} ms", d.as_millis()));
        writeln!(
            f,
            "load: {} users, {} uploads ({} users twice in a row) in {:.1} s: {:.1} uploads/s",
            self.users,
            self.uploads,
            self.twice,
            self.elapsed.as_secs_f64(),
            self.uploads_per_second()
        )?;
        writeln!(
            f,
            "upload → visible on the CDN: p50 {}, p99 {}, max {}",
            ms(self.percentile(50.0)),
            ms(self.percentile(99.0)),
            ms(self.latencies.last().copied())
        )?;
        write!(
            f,
            "last upload shown: {}/{}; lost: {}; stale after settling: {}",
            self.users - self.lost.len() - self.stale.len(),
            self.users,
            self.lost.len(),
            self.stale.len()
        )
    }
}

/// A `side`×`side` JPEG of one colour.
fn solid_jpeg(colour: [u8; 3], side: u32) -> anyhow::Result<Vec<u8>> {
    let image = image::RgbImage::from_pixel(side, side, image::Rgb(colour));
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90).encode_image(&image)?;
    Ok(bytes)
}

/// Which upload `jpeg` shows: the index of the colour its centre is closest to (within 40 per channel).
fn upload_shown(jpeg: &[u8]) -> Option<usize> {
    let image = image::load_from_memory(jpeg).ok()?.to_rgb8();
    let centre = image.get_pixel(image.width() / 2, image.height() / 2).0;
    UPLOAD_COLOURS.iter().position(|colour| {
        colour
            .iter()
            .zip(centre)
            .all(|(&want, got)| want.abs_diff(got) <= 40)
    })
}

pub fn run(stack: &Stack, options: &LoadOptions) -> anyhow::Result<LoadReport> {
    let images: Vec<Vec<u8>> = UPLOAD_COLOURS
        .iter()
        .map(|&colour| solid_jpeg(colour, 256))
        .collect::<anyhow::Result<_>>()?;
    let images = Arc::new(images);
    let users: Vec<(String, String, usize)> = (0..options.users)
        .map(|i| {
            let sub = format!("10ad0000-0000-4000-8000-{i:012}");
            let token = stack.token(&sub)?;
            let twice = options.twice_every > 0 && i % options.twice_every == 0;
            Ok((sub, token, if twice { 2 } else { 1 }))
        })
        .collect::<anyhow::Result<_>>()?;
    let start_line = Arc::new(Barrier::new(users.len() + 1));
    let workers: Vec<_> = users
        .into_iter()
        .map(|(sub, token, uploads)| {
            let (api, images, start_line) = (
                stack.urls.api.clone(),
                Arc::clone(&images),
                Arc::clone(&start_line),
            );
            let timeout = options.timeout;
            std::thread::spawn(move || -> anyhow::Result<UserRun> {
                let client = Client::new(&api);
                start_line.wait();
                let mut avatar_url = String::new();
                for image in &images[..uploads] {
                    let upload = client
                        .upload(&token, "image/jpeg", image)
                        .with_context(|| format!("user {sub}"))?;
                    avatar_url = upload["avatar_url"].as_str().unwrap_or_default().to_owned();
                }
                let put_done = Instant::now();
                let mut latency = None;
                while put_done.elapsed() < timeout {
                    let answer = client.get(&avatar_url)?;
                    if answer.status == 200 && upload_shown(&answer.body) == Some(uploads - 1) {
                        latency = Some(put_done.elapsed());
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
                Ok(UserRun {
                    sub,
                    uploads,
                    latency,
                    avatar_url,
                })
            })
        })
        .collect();
    start_line.wait();
    let started = Instant::now();
    let mut runs = Vec::new();
    for worker in workers {
        let run = worker
            .join()
            .map_err(|_| anyhow::anyhow!("a user's thread panicked"))??;
        runs.push(run);
    }
    let elapsed = started.elapsed();

    // Let late events (a retry, an old upload's event) arrive, then look at every avatar once more.
    std::thread::sleep(options.settle);
    let client = Client::new(&stack.urls.api);
    let mut stale = Vec::new();
    for run in runs.iter().filter(|run| run.latency.is_some()) {
        let answer = client.get(&run.avatar_url)?;
        if answer.status != 200 || upload_shown(&answer.body) != Some(run.uploads - 1) {
            stale.push(run.sub.clone());
        }
    }
    let mut latencies: Vec<Duration> = runs.iter().filter_map(|run| run.latency).collect();
    latencies.sort();
    Ok(LoadReport {
        users: runs.len(),
        uploads: runs.iter().map(|run| run.uploads).sum(),
        twice: runs.iter().filter(|run| run.uploads > 1).count(),
        elapsed,
        latencies,
        lost: runs
            .iter()
            .filter(|run| run.latency.is_none())
            .map(|run| run.sub.clone())
            .collect(),
        stale,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_upload_is_told_apart_by_its_colour() {
        for (index, colour) in UPLOAD_COLOURS.iter().enumerate() {
            let jpeg = solid_jpeg(*colour, 64).unwrap_or_default();
            assert_eq!(upload_shown(&jpeg), Some(index));
        }
        let grey = solid_jpeg([128, 128, 128], 64).unwrap_or_default();
        assert_eq!(upload_shown(&grey), None);
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let report = LoadReport {
            users: 4,
            uploads: 4,
            twice: 0,
            elapsed: Duration::from_secs(2),
            latencies: [100, 200, 300, 400].map(Duration::from_millis).to_vec(),
            lost: Vec::new(),
            stale: Vec::new(),
        };
        assert_eq!(report.percentile(50.0), Some(Duration::from_millis(200)));
        assert_eq!(report.percentile(99.0), Some(Duration::from_millis(400)));
        assert_eq!(report.uploads_per_second(), 2.0);
    }
}
