package dev.verity.testkit.kube;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code fieldValidation} directive of a write ({@code Strict}, {@code Warn}, {@code Ignore}; {@code Warn} when
 * absent, as kube-apiserver 1.32 defaults it) and the warnings a request collects under it. Under {@code Strict}
 * strict-decoding problems fail the request with 400; under {@code Warn} each becomes a {@code Warning} header; under
 * {@code Ignore} they are dropped. Type errors fail a request whatever the directive. A write's other warnings (a
 * registry's, whatever the directive) are collected here too, after the decoding ones.
 */
final class FieldValidation {

  enum Directive { STRICT, WARN, IGNORE }

  private final Directive directive;
  private final List<String> warnings = new ArrayList<>();

  private FieldValidation(Directive directive) {
    this.directive = directive;
  }

  /** The directive of a request's {@code fieldValidation} query parameter; anything else is refused as the server does. */
  static FieldValidation of(String value) {
    if (value == null || value.isEmpty()) {
      return new FieldValidation(Directive.WARN);
    }
    return switch (value) {
      case "Strict" -> new FieldValidation(Directive.STRICT);
      case "Warn" -> new FieldValidation(Directive.WARN);
      case "Ignore" -> new FieldValidation(Directive.IGNORE);
      default -> throw ApiException.badRequest("fieldValidation: Unsupported value: \"" + value
          + "\": supported values: \"Ignore\", \"Strict\", \"Warn\"");
    };
  }

  /** For writes the sandbox makes itself (controllers, seeding): nothing to report. */
  static FieldValidation ignore() {
    return new FieldValidation(Directive.IGNORE);
  }

  Directive directive() {
    return directive;
  }

  /** Adds one warning per text under Warn; nothing under Ignore or Strict (where the caller has already refused). */
  void warn(List<String> texts) {
    if (directive == Directive.WARN) {
      warnings.addAll(texts);
    }
  }

  /**
   * Adds warnings that do not depend on the directive (a registry strategy's {@code WarningsOnCreate} and
   * {@code WarningsOnUpdate}, e.g. about finalizer names), after those of decoding.
   */
  void always(List<String> texts) {
    warnings.addAll(texts);
  }

  /** The warnings collected so far, in order. */
  List<String> warnings() {
    return List.copyOf(warnings);
  }

  /** A warning as the {@code Warning} header carries it: {@code 299 - "text"}, with quotes and backslashes escaped. */
  static String header(String text) {
    return "299 - \"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
