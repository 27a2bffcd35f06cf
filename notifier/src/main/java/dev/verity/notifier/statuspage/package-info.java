/**
 * The status page: {@code GET /status} (one HTML page, its script and style, all served here) and
 * {@code GET /status/api/targets} (the same as {@code ./verity status --output json}, plus each target's drift and
 * incident history), from a {@link dev.verity.fleet.LiveFleet} that follows the topics on every replica, leader or
 * not. Read-only: nothing here writes to Kafka or anywhere else.
 */
package dev.verity.notifier.statuspage;
