/** A real KRaft Kafka broker for tests and the local stack: in-process, or as a child JVM that can be killed and restarted. */
package dev.verity.testkit.kafka;
