/** The local stack: every Verity service as its own process on embedded Kafka, the Kubernetes sandbox, a local Git forge, SMTP and a Slack stand-in; and the demo that runs the story against it. */
package dev.verity.stack;
