"""Benchmark: our resizer beside sharp on the same corpus, in one run, on the same machine.

For each image: median process CPU time per resize (repeated in one process, first run dropped), peak RSS of a
fresh process doing one resize, output bytes, and the luma SSIM of each output against a careful reference
(full-resolution decode, EXIF transpose, alpha flattened onto white, Lanczos3 crop-to-fill, with Pillow).
Then, per image, our time for a kind with the most outputs the contract allows (the main size plus --also sizes,
all from one decode) beside our time for its one main output: the cost of every further output.

Then where our time goes (CPU per stage: decode with its ICC conversion, resize, flatten/orient, encode) beside
the decode alone, which for a JPEG is libjpeg-turbo's scaled decode: the floor the rest of the pipeline sits on.
Then the formats a kind's alternates are written in (issue 17 item 4): per image, our JPEG q80 beside our WebP at
the quality the resizer serves it at (`avatar-resize-local --alternate`: q83 for a q80 JPEG) and at the lowest quality whose SSIM reaches the JPEG's (matched quality): bytes, SSIM and
encode time (the encode stage alone, median).
Last, what a million avatars cost on Lambda arm64 (a model, stated with the table) for ours at the configured and
other memory sizes, beside sharp's function at 128 MB and 1024 MB.

usage: python compare.py --ours BIN --sharp SCRIPT [--repeat N] [--size N] [--also WxH ...] [--config TOML]
       CORPUS_DIR
"""

import argparse
import json
import math
import statistics
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps


def run(cmd):
    """Runs cmd with --stats; returns its JSON line (cpu_ms, peak_rss_kb as read by the tool from VmHWM)."""
    proc = subprocess.run([*cmd[:-2], "--stats", *cmd[-2:]], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(map(str, cmd))} failed: {proc.stderr}")
    return json.loads(proc.stdout)


def reference(path, size):
    image = ImageOps.exif_transpose(Image.open(path))
    image.load()
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba)
    image = image.convert("RGB")
    w, h = image.size
    scale = max(size / w, size / h)
    cw, ch = size / scale, size / scale
    box = ((w - cw) / 2, (h - ch) / 2, (w + cw) / 2, (h + ch) / 2)
    return image.resize((size, size), Image.Resampling.LANCZOS, box=box)


def luma(image):
    rgb = np.asarray(image.convert("RGB"), dtype=np.float64)
    return rgb @ np.array([0.299, 0.587, 0.114])


def box_mean(a, k=7):
    """Mean over every k×k window (valid positions only), by summed-area table."""
    s = np.pad(a, ((1, 0), (1, 0))).cumsum(0).cumsum(1)
    return (s[k:, k:] - s[:-k, k:] - s[k:, :-k] + s[:-k, :-k]) / (k * k)


def ssim(x, y, k=7, data_range=255.0):
    """SSIM as scikit-image computes it by default: 7×7 uniform window, sample covariance, K1=0.01, K2=0.03."""
    n = k * k
    cov = n / (n - 1)
    mx, my = box_mean(x, k), box_mean(y, k)
    vx = cov * (box_mean(x * x, k) - mx * mx)
    vy = cov * (box_mean(y * y, k) - my * my)
    vxy = cov * (box_mean(x * y, k) - mx * my)
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    s = ((2 * mx * my + c1) * (2 * vxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    return float(s.mean())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ours", required=True)
    parser.add_argument("--sharp", required=True)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument(
        "--also",
        action="append",
        default=None,
        help="a further output of the multi-output kind, WxH (repeatable; default: 4 smaller squares, 5 in all)",
    )
    parser.add_argument("--config", help="an environment's config.toml: its [lambda.avatar_resize] memory_mb (default 1024)")
    parser.add_argument("corpus")
    args = parser.parse_args()
    also = args.also or [f"{n}x{n}" for n in (args.size * 3 // 4, args.size // 2, args.size // 4, args.size // 8)]

    files = sorted(p for p in Path(args.corpus).iterdir() if p.suffix.lower() in {".jpg", ".jpeg", ".png", ".webp", ".gif"})
    if not files:
        sys.exit(f"no images in {args.corpus}")
    tools = {
        "ours": lambda i, o, extra: [args.ours, "--size", str(args.size), *extra, str(i), str(o)],
        "sharp": lambda i, o, extra: ["node", args.sharp, "--size", str(args.size), *extra, str(i), str(o)],
    }
    def single(path, out, size):
        width, height = size.split("x")
        return [args.ours, "--size", width, "--height", height, "--repeat", str(args.repeat), str(path), str(out)]

    rows, ratios = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            ref = luma(reference(path, args.size))
            row = {"file": path.name}
            for name, cmd in tools.items():
                out = Path(tmp) / f"{name}-{path.stem}.jpg"
                timed = run(cmd(path, out, ["--repeat", str(args.repeat)]))
                times = timed["cpu_ms"][1:]
                if name == "ours":
                    row["stages"] = {stage: statistics.median(ms[1:]) for stage, ms in timed["stages_ms"].items()}
                # Peak memory of a fresh process doing one resize, as one Lambda invocation would.
                rss = run(cmd(path, out, []))["peak_rss_kb"] / 1024
                with Image.open(out) as result:
                    if result.size != (args.size, args.size):
                        sys.exit(f"{name} wrote {result.size} for {path.name}")
                    row[name] = {
                        "ms": statistics.median(times),
                        "rss": rss,
                        "bytes": out.stat().st_size,
                        "ssim": ssim(luma(result), ref),
                    }
            row["ratio"] = row["ours"]["ms"] / row["sharp"]["ms"]
            out = Path(tmp) / f"multi-{path.stem}.jpg"
            extra = [arg for size in also for arg in ("--also", size)]
            row["multi_ms"] = statistics.median(run(tools["ours"](path, out, [*extra, "--repeat", str(args.repeat)]))["cpu_ms"][1:])
            # What the kind cost before decode-once: one whole run per output.
            row["separate_ms"] = row["ours"]["ms"] + sum(
                statistics.median(run(single(path, out, size))["cpu_ms"][1:]) for size in also
            )
            row["webp"] = webp_row(args, path, Path(tmp), ref, row["ours"]["ssim"])
            ratios.append(row["ratio"])
            rows.append(row)

    header = "| file | ours ms | sharp ms | ratio | ours RSS MB | sharp RSS MB | ours bytes | sharp bytes | ours SSIM | sharp SSIM |"
    print(header)
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        o, s = r["ours"], r["sharp"]
        print(
            f"| {r['file']} | {o['ms']:.1f} | {s['ms']:.1f} | {r['ratio']:.2f} | {o['rss']:.1f} | {s['rss']:.1f} "
            f"| {o['bytes']} | {s['bytes']} | {o['ssim']:.4f} | {s['ssim']:.4f} |"
        )
    geomean = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
    print()
    print(f"CPU time ours/sharp: geometric mean {geomean:.2f}, worst {max(ratios):.2f} ({args.repeat - 1} timed runs each, median)")
    print()
    n = 1 + len(also)
    print(f"| file | ours, 1 output ms | ours, {n} outputs from one decode ms | ratio | {n} separate runs ms |")
    print("|---|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['file']} | {r['ours']['ms']:.1f} | {r['multi_ms']:.1f} | {r['multi_ms'] / r['ours']['ms']:.2f} "
            f"| {r['separate_ms']:.1f} |"
        )
    worst_multi = max(r["multi_ms"] / r["ours"]["ms"] for r in rows)
    print(f"{1 + len(also)} outputs ({args.size}x{args.size}, {', '.join(also)}) from one decode / 1 output: worst {worst_multi:.2f}")
    print()
    print("| file | ours ms | decode ms (floor) | resize ms | flatten+orient ms | encode ms | ours / decode |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        st = r["stages"]
        print(
            f"| {r['file']} | {r['ours']['ms']:.1f} | {st['decode']:.1f} | {st['resize']:.1f} | {st['finish']:.1f} "
            f"| {st['encode']:.1f} | {r['ours']['ms'] / st['decode']:.2f} |"
        )
    jpegs = [r for r in rows if r["file"].lower().endswith((".jpg", ".jpeg"))]
    if jpegs:
        worst = max(jpegs, key=lambda r: r["ours"]["ms"] / r["stages"]["decode"])
        print(
            f"JPEG: ours / libjpeg-turbo's scaled decode: worst {worst['ours']['ms'] / worst['stages']['decode']:.2f} "
            f"({worst['file']}); PNG and WebP: the decode column is the whole-image decode, not a floor"
        )
    print_formats(rows, args.size)
    configured_mb = 1024
    if args.config:
        with open(args.config, "rb") as file:
            configured_mb = tomllib.load(file).get("lambda", {}).get("avatar_resize", {}).get("memory_mb", 1024)
    print_costs(rows, configured_mb)
    worst_ssim = min(r["ours"]["ssim"] - r["sharp"]["ssim"] for r in rows)
    worst_bytes = max(r["ours"]["bytes"] / r["sharp"]["bytes"] for r in rows)
    print(f"SSIM ours - sharp: worst {worst_ssim:+.4f}; bytes ours/sharp: worst {worst_bytes:.2f}")


def webp_row(args, path, tmp, ref, jpeg_ssim):
    """Our WebP of `path` as served (timed like the JPEG) and at the lowest quality whose SSIM reaches `jpeg_ssim`."""
    out = tmp / f"webp-{path.stem}.webp"

    def encode(quality, repeat, alternate=False):
        cmd = [args.ours, "--size", str(args.size), "--format", "webp", "--quality", str(quality),
               *(["--alternate"] if alternate else []), "--repeat", str(repeat), str(path), str(out)]
        stats = run(cmd)
        with Image.open(out) as result:
            score = ssim(luma(result), ref)
        encode_ms = statistics.median(stats["stages_ms"]["encode"][1:] or stats["stages_ms"]["encode"])
        return {"quality": quality, "bytes": out.stat().st_size, "ssim": score, "encode_ms": encode_ms}

    # As the resizer writes it: the alternate of the q80 JPEG (the binary applies the resizer's quality rule).
    same = encode(80, args.repeat, alternate=True)
    # SSIM grows with the quality setting (near enough): bisect for the lowest that reaches the JPEG's.
    low, high = 1, 100
    matched = encode(high, 1)
    if matched["ssim"] >= jpeg_ssim:
        while low < high:
            mid = (low + high) // 2
            probe = encode(mid, 1)
            if probe["ssim"] >= jpeg_ssim:
                high, matched = mid, probe
            else:
                low = mid + 1
    else:
        matched = None
    return {"same": same, "matched": matched}


def print_formats(rows, size):
    print()
    print(f"Formats ({size}x{size}; SSIM of luma against the careful reference, as above)")
    print(
        "| file | JPEG q80 bytes | SSIM | encode ms | WebP as served bytes | SSIM | encode ms | saved "
        "| WebP at the JPEG's SSIM: q | bytes | saved |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    jpeg_total = same_total = matched_total = 0
    for r in rows:
        jpeg, same, matched = r["ours"], r["webp"]["same"], r["webp"]["matched"]
        jpeg_total += jpeg["bytes"]
        same_total += same["bytes"]
        matched_cells = "| n/a | n/a | n/a "
        if matched:
            matched_total += matched["bytes"]
            matched_cells = (
                f"| {matched['quality']} | {matched['bytes']} | {1 - matched['bytes'] / jpeg['bytes']:.0%} "
            )
        else:
            matched_total += same["bytes"]
        print(
            f"| {r['file']} | {jpeg['bytes']} | {jpeg['ssim']:.4f} | {r['stages']['encode']:.1f} "
            f"| {same['bytes']} | {same['ssim']:.4f} | {same['encode_ms']:.1f} | {1 - same['bytes'] / jpeg['bytes']:.0%} "
            f"{matched_cells}|"
        )
    print(
        f"All files: WebP as served {same_total} bytes ({1 - same_total / jpeg_total:.0%} fewer than JPEG q80's {jpeg_total}); "
        f"WebP at the JPEG's SSIM {matched_total} bytes ({1 - matched_total / jpeg_total:.0%} fewer)"
    )


# Lambda list prices, us-east-1, arm64, first tier: per GB-second of duration and per request. Published at the
# arm64 launch (2021-09) and unchanged as far as known on 2026-12-05; not re-checked here (check before quoting).
ARM64_GB_SECOND_USD = 0.0000133334
REQUEST_USD = 0.20 / 1_000_000
# Lambda gives a function CPU in proportion to its memory: one full vCPU at 1769 MB.
FULL_VCPU_MB = 1769


def cost_per_million(cpu_ms, memory_mb):
    """Model: the pipeline's CPU time measured here, stretched by the CPU share of `memory_mb` (one thread cannot
    use more than one vCPU), billed per started millisecond. S3 reads and writes add the same wall time to both
    sides and are left out; a Graviton core is taken as fast as this machine's."""
    share = min(1.0, memory_mb / FULL_VCPU_MB)
    duration_ms = math.ceil(cpu_ms / share)
    return duration_ms, 1_000_000 * (duration_ms / 1000 * memory_mb / 1024 * ARM64_GB_SECOND_USD + REQUEST_USD)


def print_costs(rows, configured_mb):
    ours = statistics.mean(r["ours"]["ms"] for r in rows)
    sharp = statistics.mean(r["sharp"]["ms"] for r in rows)
    sharp_rss = max(r["sharp"]["rss"] for r in rows)
    print()
    print(f"Cost per million avatars, Lambda arm64 (mean CPU over the corpus: ours {ours:.1f} ms, sharp {sharp:.1f} ms)")
    print("| function | memory MB | CPU share | modelled duration ms | USD per million |")
    print("|---|---:|---:|---:|---:|")
    configs = [("ours", ours, mb) for mb in sorted({512, configured_mb, 1024, FULL_VCPU_MB})]
    # What the function does by default: the JPEG, and its WebP alternate from the same pixels (one more encode).
    webp_encode = statistics.mean(r["webp"]["same"]["encode_ms"] for r in rows)
    configs.append((f"ours + WebP alternate (+{webp_encode:.1f} ms encode)", ours + webp_encode, configured_mb))
    configs += [("sharp (Node)", sharp, 128), ("sharp (Node)", sharp, 1024)]
    for name, cpu_ms, memory_mb in configs:
        duration_ms, usd = cost_per_million(cpu_ms, memory_mb)
        note = " (configured)" if name.startswith("ours") and memory_mb == configured_mb else ""
        if name == "ours" and memory_mb < 739:
            note += " (needs avatar.max_pixels lowered: the default 50 MP needs 739 MB)"
        fits = "" if name.startswith("ours") or sharp_rss < memory_mb else f" (peak RSS {sharp_rss:.0f} MB does not fit)"
        print(
            f"| {name}{note}{fits} | {memory_mb} | {min(1.0, memory_mb / FULL_VCPU_MB):.2f} | {duration_ms} "
            f"| {usd:.2f} |"
        )
    print(
        f"Prices: ${ARM64_GB_SECOND_USD:.10f}/GB-s, ${REQUEST_USD * 1e6:.2f} per million requests (us-east-1, arm64, "
        "as known on 2026-12-05). Model: duration = CPU / min(1, MB/1769), billed per ms; S3 I/O left out (same for both)."
    )


if __name__ == "__main__":
    main()
