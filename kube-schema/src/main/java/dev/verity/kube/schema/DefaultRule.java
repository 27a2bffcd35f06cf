package dev.verity.kube.schema;

/**
 * A default the API server computes rather than a constant (it depends on other fields or on the cluster): the
 * table names the rule, the consumer implements it.
 *
 * @param name        the rule's name as the curated {@code defaults.yaml} gives it
 * @param description what the server does, in a sentence
 * @param source      where in Kubernetes the rule was read ({@code file#func @ kubernetes/kubernetes commit})
 */
public record DefaultRule(String name, String description, String source) {
}
