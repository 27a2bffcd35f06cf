/** The renderer's Quarkus adapters: configuration, the commit consumer, the poll timer and the Kafka publisher. */
package dev.verity.renderer.service;
