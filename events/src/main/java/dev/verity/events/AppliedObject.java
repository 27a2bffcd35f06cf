package dev.verity.events;

import java.util.Map;

/**
 * One object as the API server stored it when Verity applied it, on the fields Verity applies: the drift
 * monitor's reference.
 *
 * @param object          the object
 * @param uid             its uid
 * @param resourceVersion its resourceVersion right after the apply
 * @param fields          the field set of Verity's field manager ({@code verity}, operation Apply) as the server
 *                        recorded it in {@code metadata.managedFields}: the {@code fieldsV1} format
 *                        ({@code f:} fields, {@code k:} list items by key, {@code v:} set values, {@code i:} indexes,
 *                        {@code .} the node itself)
 * @param values          the object as the server returned it, reduced to those fields; for a Secret, each value of
 *                        {@code data} is replaced by {@code sha256:} and the hex SHA-256 of the object's uid and the
 *                        value, so that no Secret value leaves the desired state (a comparison hashes the live value
 *                        the same way)
 */
public record AppliedObject(ObjectRef object, String uid, String resourceVersion, Map<String, Object> fields,
        Map<String, Object> values) {

    public AppliedObject {
        Require.nonNull("object", object);
        fields = fields == null ? Map.of() : fields;
        values = values == null ? Map.of() : values;
    }
}
