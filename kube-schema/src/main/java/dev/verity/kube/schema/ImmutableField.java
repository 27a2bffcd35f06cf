package dev.verity.kube.schema;

import java.util.Optional;

/**
 * A field of a kind that the API server refuses to change on update (422).
 *
 * @param kind    {@code group/version/Kind}, core as {@code v1/Kind}
 * @param path    the dotted JSON path, e.g. {@code spec.selector}
 * @param when    the condition under which it is immutable, in words, if it is not always
 * @param message the detail the server answers with, e.g. {@code field is immutable}
 * @param source  where in Kubernetes the check was read
 */
public record ImmutableField(String kind, String path, Optional<String> when, String message, String source) {
}
