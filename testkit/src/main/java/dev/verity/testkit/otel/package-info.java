/** A trace collector for tests and the local stack: a real OTLP/HTTP server that keeps the spans it receives. */
package dev.verity.testkit.otel;
