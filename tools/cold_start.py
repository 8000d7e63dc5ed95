"""Cold start of a Lambda binary, measured locally: process start to first handled event.

cargo lambda's runtime-API emulator (`cargo lambda watch --only-lambda-apis`) queues one invocation; the release
host binary is then started with the Lambda environment, and the time from its spawn to the invocation's
response is one cold start (init + first event, including the S3 round trips the handler makes against moto).
The median of --runs is printed. Needs .venv (moto, boto3) and cargo-lambda.

usage: python tools/cold_start.py --function avatar-resize [--runs 7]
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, what, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"{what} did not listen on {port}")


def avatar_resize(endpoint):
    """Buckets and one original in moto; returns (function env, event JSON)."""
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                      aws_access_key_id="testing", aws_secret_access_key="testing")
    for bucket in ("bench-uploads", "bench-assets"):
        s3.create_bucket(Bucket=bucket)
    original = (ROOT / "lambdas/avatar-resize/tests/hostile/progressive.jpg").read_bytes()
    s3.put_object(Bucket="bench-uploads", Key="avatars/original/bench-user", Body=original)
    event = (ROOT / "lambdas/avatar-resize/tests/events/object_created.json").read_text()
    event = event.replace("UPLOADS_BUCKET", "bench-uploads").replace("OBJECT_KEY", "avatars/original/bench-user")
    # The contract's ResizerSettings, as the generator writes them (pipeline_contract::settings).
    settings = {
        "kind": "avatar", "assets_bucket": "bench-assets", "originals_prefix": "avatars/original/",
        "output_prefix": "avatars/",
        "outputs": [{"width": 512, "height": 512, "format": "jpeg", "quality": 80, "suffix": ""}],
        "background": "#ffffff", "cache_control": "public, max-age=86400",
        "allowed_types": ["jpeg", "png", "webp"], "max_input_bytes": 5242880, "max_pixels": 50000000,
        "max_dimension": 16384,
    }
    env = {"SETTINGS": json.dumps(settings), "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024"}
    return env, event


def upload_url(endpoint):
    """No AWS state needed: presigning is local. Returns (function env, event JSON)."""
    event = (ROOT / "lambdas/upload-url/tests/events/key_upload.json").read_text()
    # The contract's UploadUrlSettings (the quota table is only touched when a request is handled).
    settings = {
        "uploads_bucket": "bench-uploads", "originals_prefix": "avatars/original/",
        "allowed_types": ["jpeg", "png", "webp"], "max_upload_bytes": 5242880, "url_ttl_seconds": 300,
        "output_base_url": "https://cdn.example/avatars", "output_format": "jpeg",
        "quota_table": "bench-upload-quota", "uploads_per_user_per_hour": 30,
    }
    env = {"SETTINGS": json.dumps(settings)}
    return env, event


FUNCTIONS = {
    "avatar-resize": ("avatar-resize", "avatar-resize", avatar_resize),
    "upload-url": ("upload-url", "upload-url", upload_url),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--function", choices=sorted(FUNCTIONS), required=True)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    package, binary, setup = FUNCTIONS[args.function]

    subprocess.run(["cargo", "build", "--release", "--locked", "-p", package, "--bin", binary], check=True)
    moto_port, api_port = free_port(), free_port()
    moto = subprocess.Popen([VENV_BIN / "moto_server", "-H", "127.0.0.1", "-p", str(moto_port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cargo_lambda = [str(VENV_BIN / "cargo-lambda"), "lambda"]
    emulator = subprocess.Popen([*cargo_lambda, "watch", "--only-lambda-apis", "--invoke-port", str(api_port)],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(moto_port, "moto_server")
        wait_for(api_port, "cargo lambda watch")
        endpoint = f"http://127.0.0.1:{moto_port}"
        function_env, event = setup(endpoint)
        env = {
            **os.environ, **function_env,
            "AWS_LAMBDA_RUNTIME_API": f"http://127.0.0.1:{api_port}/.rt", "AWS_LAMBDA_FUNCTION_NAME": "_",
            "AWS_LAMBDA_FUNCTION_VERSION": "1", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
            "AWS_ENDPOINT_URL": endpoint, "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "RUST_LOG": "warn",
        }
        times = []
        with tempfile.NamedTemporaryFile("w", suffix=".json") as event_file:
            event_file.write(event)
            event_file.flush()
            for _ in range(args.runs):
                invoke = subprocess.Popen(
                    [*cargo_lambda, "invoke", "_", "--invoke-port", str(api_port), "--data-file", event_file.name],
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                time.sleep(0.5)  # let the invocation reach the emulator's queue first
                start = time.perf_counter()
                function = subprocess.Popen([TARGET / "release" / binary], env=env)
                out, err = invoke.communicate(timeout=60)
                elapsed = (time.perf_counter() - start) * 1000
                function.kill()
                function.wait()
                if invoke.returncode != 0:
                    sys.exit(f"invoke failed: {err}")
                response = json.loads(out)
                if isinstance(response, dict) and response.get("statusCode", 200) != 200:
                    sys.exit(f"the function answered {response}")
                times.append(elapsed)
        print(f"{args.function}: cold start (spawn → first response) median {statistics.median(times):.1f} ms "
              f"over {len(times)} runs; all: {', '.join(f'{t:.0f}' for t in times)}")
    finally:
        emulator.kill()
        moto.kill()


if __name__ == "__main__":
    main()
