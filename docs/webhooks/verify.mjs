// Verifies an HCRM webhook with the Standard Webhooks library (npm install standardwebhooks).
// Run as a check: node verify.mjs < message.json (the shape verify.py reads).
import { Webhook, WebhookVerificationError } from "standardwebhooks";

export function handle(secret, headers, body) {
  // body: the raw body exactly as received (a Buffer or string). Throws
  // WebhookVerificationError when the signature does not match or the timestamp is more
  // than 5 minutes off. A message may come more than once: skip a webhook-id already handled.
  return new Webhook(secret).verify(body, headers);
}

let input = "";
for await (const chunk of process.stdin) input += chunk;
const message = JSON.parse(input);
try {
  const event = handle(message.secret, message.headers, Buffer.from(message.body, "base64"));
  console.log("verified", event.type, event.data.subject_id);
} catch (error) {
  if (!(error instanceof WebhookVerificationError)) throw error;
  console.log("rejected:", error.message);
  process.exit(1);
}
