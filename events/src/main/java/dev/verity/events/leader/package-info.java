/** Active/standby replicas: the member of a Kafka consumer group assigned a control topic's one partition leads. */
package dev.verity.events.leader;
