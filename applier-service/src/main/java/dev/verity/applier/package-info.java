/** The applier service: pulls its cluster's desired state from Kafka, applies it, and reports rollouts. */
package dev.verity.applier;
