/**
 * The notifier service: Quarkus adapters that read drift and rollout events (on the leader only), keep incidents on
 * {@code verity.incidents}, route their alerts and deliver them to Slack, e-mail and signed webhooks with SmallRye
 * Fault Tolerance retries, reporting what could not be delivered on {@code verity.undelivered}.
 */
package dev.verity.notifier;
