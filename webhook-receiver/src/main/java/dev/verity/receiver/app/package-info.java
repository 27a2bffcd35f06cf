/** The Quarkus service around the core: configuration, the {@code /hooks/*} endpoints and the Kafka publisher. */
package dev.verity.receiver.app;
