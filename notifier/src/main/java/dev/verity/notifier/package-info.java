/** The notifier service: Quarkus adapters that consume drift and rollout events and deliver alerts to Slack and e-mail. */
package dev.verity.notifier;
