/**
 * The Kubernetes API types as the API server sees them: the built-in kinds of v1.32 from a generated table, and
 * custom resources from their CustomResourceDefinition's structural schema, behind one node API ({@link
 * dev.verity.kube.schema.ApiSchema}, {@link dev.verity.kube.schema.SchemaNode}, {@link dev.verity.kube.schema.Field}).
 */
package dev.verity.kube.schema;
