/**
 * The trace context events carry (W3C {@code traceparent}) and the rule by which a consumer continues it: child of a
 * new event, link to a replayed one. Plain Java; the services' OpenTelemetry adapter is {@code EventTracing}.
 */
package dev.verity.events.trace;
