/** The drift monitor's core: which targets are compared, and when a comparison becomes an event. No Quarkus, Kafka or fabric8. */
package dev.verity.drift.core;
