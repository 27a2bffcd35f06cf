/** Reading what a service's {@code /q/metrics} answered (Prometheus text format) in tests. */
package dev.verity.testkit.metrics;
