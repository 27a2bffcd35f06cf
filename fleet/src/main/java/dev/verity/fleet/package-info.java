/**
 * Every target's state as Verity's topics tell it — desired state, rollout and health, drift, the notifier's
 * incidents — folded by {@link dev.verity.fleet.Fleet} from records a {@link dev.verity.fleet.TopicReader} reads
 * without a consumer group: what {@code ./verity status} prints and the notifier's status page serves, live through
 * {@link dev.verity.fleet.LiveFleet}. Plain Java (events, kafka-clients, Jackson), so the CLI stays light and a
 * service can depend on it without taking the CLI's picocli and fabric8.
 */
package dev.verity.fleet;
