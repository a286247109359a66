"""Verifies an HCRM webhook with the Standard Webhooks library (pip install standardwebhooks).

Run as a check: python3 verify.py < message.json, where message.json is
{"secret": "whsec_…", "headers": {"webhook-id": …, "webhook-timestamp": …,
"webhook-signature": …}, "body": "<the raw body, base64>"}.
"""
import base64
import json
import sys

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


def handle(secret: str, headers: dict, body: bytes) -> dict:
    # The raw body exactly as received; raises WebhookVerificationError when the signature
    # does not match or the timestamp is more than 5 minutes off.
    event = Webhook(secret).verify(body, headers)
    # A message may come more than once (at least once): skip a webhook-id already handled.
    return event


if __name__ == "__main__":
    message = json.load(sys.stdin)
    try:
        event = handle(message["secret"], message["headers"], base64.b64decode(message["body"]))
    except WebhookVerificationError as error:
        print("rejected:", error)
        sys.exit(1)
    print("verified", event["type"], event["data"]["subject_id"])
