//! The resize pipeline on local files, for users and for `make bench`:
//! `avatar-resize-local [--size N] [--quality Q] [--format jpeg|webp] INPUT OUTPUT`.
//!
//! With `--repeat N --stats` it runs the pipeline N times on the bytes in memory and prints one JSON line with the
//! process CPU time of each run (so any thread a library starts is counted), the CPU time of each stage of each
//! run (decode, resize, finish, encode) and the process's peak RSS.
//! `--memory-mb M` applies the function's memory budget (as Lambda's `AWS_LAMBDA_FUNCTION_MEMORY_SIZE` does);
//! `--allow jpeg,png` the kind's allowed source formats; `--also WxH` (repeatable) adds outputs to the kind, made
//! from the same decode as the first (only the first is written to OUTPUT), as a kind with several outputs is.

use std::path::PathBuf;
use std::process::ExitCode;

use avatar_resize::imaging::{self, Limits, OutputFormat, OutputSpec, SourceFormat, SourceFormats};
use clap::Parser;
use pipeline_contract::memory::decode_budget;
use pipeline_contract::settings::parse_hex_colour;

#[derive(Debug, Parser)]
#[command(version, about = "Resize an image as the avatar-resize Lambda does")]
struct Args {
    /// Width of the output (and its height, unless `--height` is given).
    #[arg(long, default_value_t = 512, value_parser = clap::value_parser!(u32).range(16..=4096))]
    size: u32,
    /// Height of the output (default: `--size`, a square).
    #[arg(long, value_parser = clap::value_parser!(u32).range(16..=4096))]
    height: Option<u32>,
    #[arg(long, default_value_t = 80, value_parser = clap::value_parser!(u8).range(1..=100))]
    quality: u8,
    #[arg(long, default_value = "jpeg", value_parser = ["jpeg", "webp"])]
    format: String,
    /// Encode as the alternate of a JPEG output of `--quality`, as the resizer writes it: the quality becomes
    /// `pipeline_contract::delivery::alternate_quality(format, quality)` (WebP: +3).
    #[arg(long)]
    alternate: bool,
    /// `#rrggbb` behind transparent pixels.
    #[arg(long, default_value = "#ffffff")]
    background: String,
    #[arg(long, default_value_t = Limits::default().max_pixels)]
    max_pixels: u64,
    #[arg(long, default_value_t = Limits::default().max_dimension)]
    max_dimension: u32,
    /// Refuse, from the header, images whose decode would not fit a function of this many MB.
    #[arg(long, value_parser = clap::value_parser!(u64).range(128..=10_240))]
    memory_mb: Option<u64>,
    /// Size of the largest original the function accepts (held in memory beside the decode).
    #[arg(long, default_value_t = 5 << 20)]
    max_input_bytes: u64,
    /// Allowed source formats, comma-separated (default: all).
    #[arg(long, default_value = "jpeg,png,webp,gif")]
    allow: String,
    /// A further output of the kind, `WIDTHxHEIGHT` (same format and quality); repeatable.
    #[arg(long, value_parser = parse_size)]
    also: Vec<(u32, u32)>,
    /// Run the pipeline this many times (for benchmarks).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    repeat: u32,
    /// Print one JSON line on stdout: the process CPU time of each run, the peak RSS (Linux) and any rejection.
    #[arg(long)]
    stats: bool,
    input: PathBuf,
    output: PathBuf,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let Some(background) = parse_hex_colour(&args.background) else {
        eprintln!(
            "error: --background must be #rrggbb, not {:?}",
            args.background
        );
        return ExitCode::from(2);
    };
    let format = OutputFormat::parse(&args.format).unwrap_or(OutputFormat::Jpeg);
    let quality = if args.alternate {
        pipeline_contract::delivery::alternate_quality(format, args.quality)
    } else {
        args.quality
    };
    let spec = OutputSpec {
        width: args.size,
        height: args.height.unwrap_or(args.size),
        format,
        quality,
        background,
    };
    let specs: Vec<OutputSpec> = std::iter::once(spec.clone())
        .chain(args.also.iter().map(|&(width, height)| OutputSpec {
            width,
            height,
            ..spec.clone()
        }))
        .collect();
    let allowed = match SourceFormat::parse_list(&args.allow) {
        Ok(list) => SourceFormats::of(&list),
        Err(unknown) => {
            eprintln!("error: --allow has {unknown:?}; allowed: jpeg, png, webp, gif");
            return ExitCode::from(2);
        }
    };
    let limits = Limits {
        max_dimension: args.max_dimension,
        max_pixels: args.max_pixels,
        allowed,
        memory_budget: args
            .memory_mb
            .map(|mb| decode_budget(mb, args.max_input_bytes)),
    };
    let input = match std::fs::read(&args.input) {
        Ok(bytes) => bytes,
        Err(err) => {
            eprintln!("error: reading {}: {err}", args.input.display());
            return ExitCode::FAILURE;
        }
    };
    let mut cpu_ms = Vec::with_capacity(args.repeat as usize);
    let mut stages = Vec::with_capacity(args.repeat as usize);
    let mut result = None;
    for _ in 0..args.repeat {
        let start = cpu_time::ProcessTime::now();
        let mut times = imaging::StageTimes::default();
        result = Some(imaging::process_all_timed(
            &input, &specs, &limits, &mut times,
        ));
        cpu_ms.push(start.elapsed().as_secs_f64() * 1000.0);
        stages.push(times);
    }
    let stats = || {
        let ms = |values: &mut dyn Iterator<Item = f64>| {
            values
                .map(|v| format!("{v:.3}"))
                .collect::<Vec<_>>()
                .join(",")
        };
        let stage = |pick: fn(&imaging::StageTimes) -> std::time::Duration| {
            ms(&mut stages.iter().map(|t| pick(t).as_secs_f64() * 1000.0))
        };
        let peak = peak_rss_kb().map_or("null".to_owned(), |kb| kb.to_string());
        format!(
            "\"cpu_ms\":[{}],\"stages_ms\":{{\"decode\":[{}],\"resize\":[{}],\"finish\":[{}],\"encode\":[{}]}},\"peak_rss_kb\":{peak}",
            ms(&mut cpu_ms.iter().copied()),
            stage(|t| t.decode),
            stage(|t| t.resize),
            stage(|t| t.finish),
            stage(|t| t.encode),
        )
    };
    let encoded = match result {
        Some(Ok(mut all)) if !all.is_empty() => all.swap_remove(0),
        Some(Err(rejection)) => {
            if args.stats {
                println!("{{{},\"rejected\":\"{}\"}}", stats(), rejection.code());
            }
            eprintln!("rejected ({}): {rejection}", rejection.code());
            return ExitCode::from(65);
        }
        Some(Ok(_)) | None => return ExitCode::FAILURE,
    };
    if let Err(err) = std::fs::write(&args.output, &encoded.bytes) {
        eprintln!("error: writing {}: {err}", args.output.display());
        return ExitCode::FAILURE;
    }
    if args.stats {
        println!("{{{}}}", stats());
    } else {
        eprintln!(
            "{} {}x{} (orientation {}) -> {} {}x{}, {} bytes",
            encoded.source.format.name(),
            encoded.source.width,
            encoded.source.height,
            encoded.source.orientation.value(),
            args.output.display(),
            encoded.width,
            encoded.height,
            encoded.bytes.len()
        );
    }
    ExitCode::SUCCESS
}

/// `WIDTHxHEIGHT`, each within the contract's output edge.
fn parse_size(value: &str) -> Result<(u32, u32), String> {
    let edge = pipeline_contract::limits::OUTPUT_EDGE;
    let parsed = value
        .split_once('x')
        .and_then(|(w, h)| Some((w.parse::<u32>().ok()?, h.parse::<u32>().ok()?)))
        .filter(|(w, h)| edge.contains(w) && edge.contains(h));
    parsed.ok_or_else(|| {
        format!(
            "{value:?} is not WIDTHxHEIGHT with each side in {}..={}",
            edge.start(),
            edge.end()
        )
    })
}

/// `VmHWM` of this process: its peak resident set since exec (unlike `ru_maxrss` of a child, which also counts
/// the parent's memory at fork).
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
