package dev.verity.kube.schema;

/** What JSON a schema node describes. */
public enum Shape {
    /** An object with named fields (a Go struct, or an object schema with {@code properties}). */
    STRUCT,
    /** An array. */
    LIST,
    /** An object whose keys are free and whose values share one type (a Go map, {@code additionalProperties}). */
    MAP,
    /** A string, number or boolean; see {@link ScalarType}. */
    SCALAR,
    /** Any JSON value (RawExtension, apiextensions JSON, an untyped schema). */
    ANY
}
