/** The drift-monitor service: Kafka inputs and output, the read-only cluster reader, and their configuration. */
package dev.verity.drift;
