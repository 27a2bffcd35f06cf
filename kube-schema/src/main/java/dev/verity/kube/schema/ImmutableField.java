package dev.verity.kube.schema;

import java.util.Optional;

/**
 * A field of a kind that the API server refuses to change on update (422), from the curated immutable list.
 *
 * @param kind         {@code group/version/Kind}, core as {@code v1/Kind}
 * @param path         the dotted JSON path, e.g. {@code spec.selector}
 * @param when         the condition under which it is immutable, in words, if it is not always
 * @param message      the detail the server answers with, e.g. {@code field is immutable}
 * @param errorType    the field error type the server reports ({@code Invalid}, {@code Forbidden}), if given
 * @param errorField   the field path the server reports when it differs from {@code path} (e.g. {@code spec})
 * @param printedValue how the server prints the refused value in an {@code Invalid} error, if given
 * @param source       where in Kubernetes the check was read
 */
public record ImmutableField(String kind, String path, Optional<String> when, String message,
        Optional<String> errorType, Optional<String> errorField, Optional<String> printedValue, String source) {
}
