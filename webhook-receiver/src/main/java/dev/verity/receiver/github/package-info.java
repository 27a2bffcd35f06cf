/** GitHub webhooks: reading {@code push} deliveries and checking {@code X-Hub-Signature-256}. */
package dev.verity.receiver.github;
