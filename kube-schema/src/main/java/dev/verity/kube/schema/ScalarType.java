package dev.verity.kube.schema;

/** The declared type of a scalar field. */
public enum ScalarType {
    STRING("string"),
    INTEGER("integer"),
    NUMBER("number"),
    BOOLEAN("boolean"),
    /** A resource quantity ({@code 100m}, {@code 1Gi}, or a JSON number). */
    QUANTITY("quantity"),
    /** An integer or a string ({@code intstr.IntOrString}, {@code x-kubernetes-int-or-string}). */
    INT_OR_STRING("int-or-string");

    private final String tableName;

    ScalarType(String tableName) {
        this.tableName = tableName;
    }

    /** The name the table and error messages use: {@code string}, {@code integer}, {@code int-or-string}... */
    public String tableName() {
        return tableName;
    }
}
