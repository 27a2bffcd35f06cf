/**
 * The renderer's Quarkus adapters: configuration, the commit consumer, the poll timer, the Kafka publisher, the
 * read-back of what was published (the desired-state topics) and the metrics.
 */
package dev.verity.renderer.service;
