/**
 * What every Verity service does the same way, as CDI beans a service gets by depending on this module (its
 * {@code META-INF/beans.xml} makes Quarkus index it): {@link dev.verity.service.TopicsAtStart} provisions the topics
 * before the Kafka channels connect; {@link dev.verity.service.ServiceIntake} is the service's one
 * {@link dev.verity.events.EventIntake}, shared by its channels, whose skipped counts are answered at
 * {@code GET /verity/events/skipped} ({@link dev.verity.service.SkippedEventsResource}) and as
 * {@code verity_events_skipped_total{type}} ({@link dev.verity.service.SkippedEventsMetrics}); {@link
 * dev.verity.service.KafkaHealth} is the readiness check {@code kafka} (DOWN while Kafka does not answer);
 * {@link dev.verity.service.EventTracing} runs consumers' work in spans continued from (or linked to) the events'
 * {@code traceparent} and gives producers the value to write, {@link dev.verity.service.TracesNeedAnEndpoint}
 * keeps traces off until an OTLP endpoint is configured, and {@link dev.verity.service.TraceSampling} leaves client
 * calls made outside any work unrecorded.
 *
 * <p>A service names itself with {@code verity.service.name} and, when it works on clusters, lists them in
 * {@code verity.service.clusters} (both in its {@code application.properties}).
 */
package dev.verity.service;
