#!/usr/bin/env python3
"""Counts what an AWS API (moto, for the local environment's tests) holds: buckets, functions, HTTP APIs,
CloudFront distributions (and those behind a web ACL), origin access controls, CloudFront web ACLs, IAM roles, log
groups, SQS queues. Prints one JSON object.

usage: moto_inventory.py --endpoint http://127.0.0.1:PORT
"""
import argparse
import json

import boto3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoint", required=True)
    args = parser.parse_args()

    def client(service: str):
        return boto3.client(
            service,
            endpoint_url=args.endpoint,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )

    cloudfront = client("cloudfront")
    distributions = cloudfront.list_distributions()["DistributionList"].get("Items", [])
    inventory = {
        "buckets": len(client("s3").list_buckets().get("Buckets", [])),
        "functions": len(client("lambda").list_functions().get("Functions", [])),
        "http_apis": len(client("apigatewayv2").get_apis().get("Items", [])),
        "distributions": len(distributions),
        "distributions_behind_a_web_acl": sum(1 for d in distributions if d.get("WebACLId")),
        "cloudfront_web_acls": len(client("wafv2").list_web_acls(Scope="CLOUDFRONT").get("WebACLs", [])),
        "origin_access_controls": len(
            cloudfront.list_origin_access_controls()["OriginAccessControlList"].get("Items", [])
        ),
        "roles": len(client("iam").list_roles().get("Roles", [])),
        "log_groups": len(client("logs").describe_log_groups().get("logGroups", [])),
        "queues": len(client("sqs").list_queues().get("QueueUrls", [])),
    }
    print(json.dumps(inventory, sort_keys=True))


if __name__ == "__main__":
    main()
