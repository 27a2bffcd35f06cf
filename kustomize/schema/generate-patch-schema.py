#!/usr/bin/env python3
"""Generates the strategic-merge schema table that dev.verity.kustomize.patch.PatchSchema loads.

Source: the OpenAPI v2 document Kustomize v5.5.0 embeds for Kubernetes v1.21.2, a protobuf-encoded
gnostic openapi_v2.Document:
  repository  https://github.com/kubernetes-sigs/kustomize
  tag         kustomize/v5.5.0 (commit afe77936761f8f7ee735a67f167a8382c8406f74)
  file        kyaml/openapi/kubernetesapi/v1_21_2/swagger.pb (blob 910436fc5885fc58fe2eff6ebd3c0bc946e8ec26)

Usage (from a clone of kubernetes-sigs/kustomize that has the tag):
  git -C KUSTOMIZE show kustomize/v5.5.0:kyaml/openapi/kubernetesapi/v1_21_2/swagger.pb > /tmp/swagger.pb
  python3 kustomize/schema/generate-patch-schema.py /tmp/swagger.pb \
      > kustomize/src/main/resources/dev/verity/kustomize/patch/patch-schema-v1.21.2.tsv

No dependencies: the protobuf wire format is decoded by hand. Field numbers of gnostic's OpenAPIv2.proto used here
(checked against the file: definitions carry their properties in 25 and extensions in 31):
  Document: definitions=9            Definitions/Properties: additional_properties (NamedSchema)=1
  NamedSchema: name=1 value=2        Schema: _ref=1 additional_properties=21 type=22 items=23 properties=25
  NamedAny: name=1 value=2           vendor_extension=31     Any: yaml=2   ItemsItem: schema=1
  AdditionalPropertiesItem: schema=1 TypeItem: value=1

The table keeps what Kustomize's walker (kyaml/yaml/walk) consults while merging: which definition a GVK uses, and,
per definition, each field that leads (through $refs, array items or map values) to a list with a patch strategy,
with that strategy and its merge keys (x-kubernetes-list-map-keys when present, else x-kubernetes-patch-merge-key,
as kyaml's PatchStrategyAndKeyList prefers). Lines:
  gvk    <apiVersion> <kind> <definition>
  field  <definition> <field> <type> <strategy or -> <comma-separated keys or ->
where <type> is `#Def` (a $ref), `[]T` (array of T), `{}T` (map of T) or `-` (nothing further to walk).
"""
import sys

SOURCE = ("kubernetes-sigs/kustomize", "kustomize/v5.5.0", "afe77936761f8f7ee735a67f167a8382c8406f74",
          "kyaml/openapi/kubernetesapi/v1_21_2/swagger.pb")


def varint(b, i):
    result, shift = 0, 0
    while True:
        c = b[i]
        i += 1
        result |= (c & 0x7F) << shift
        shift += 7
        if c < 0x80:
            return result, i


def fields(b):
    """The (field number, value) pairs of a message; length-delimited values as bytes."""
    i, out = 0, []
    while i < len(b):
        key, i = varint(b, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(b, i)
        elif wire == 2:
            length, i = varint(b, i)
            value = b[i:i + length]
            i += length
        elif wire == 1:
            value, i = b[i:i + 8], i + 8
        elif wire == 5:
            value, i = b[i:i + 4], i + 4
        else:
            raise ValueError("unsupported wire type %d" % wire)
        out.append((number, value))
    return out


def first(msg, number):
    for n, v in msg:
        if n == number:
            return v
    return None


def all_of(msg, number):
    return [v for n, v in msg if n == number]


def yaml_scalar_list(text):
    """The tiny YAML the extensions hold: a scalar, a list of scalars, or a list of flat maps (GVK)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return ""
    if not lines[0].startswith("- "):
        return lines[0].strip().strip('"')
    items, current = [], None
    for line in lines:
        if line.startswith("- "):
            body = line[2:]
            if ":" in body and not body.startswith('"'):
                current = {}
                items.append(current)
                k, v = body.split(":", 1)
                current[k.strip()] = v.strip().strip('"')
            else:
                current = None
                items.append(body.strip().strip('"'))
        else:
            k, v = line.strip().split(":", 1)
            current[k.strip()] = v.strip().strip('"')
    return items


class Schema:
    def __init__(self, raw):
        msg = fields(raw)
        self.ref = (first(msg, 1) or b"").decode()
        t = first(msg, 22)
        self.types = [v.decode() for v in all_of(fields(t), 1)] if t is not None else []
        items = first(msg, 23)
        item_schemas = all_of(fields(items), 1) if items is not None else []
        self.items = Schema(item_schemas[0]) if item_schemas else None
        ap = first(msg, 21)
        ap_schema = first(fields(ap), 1) if ap is not None else None
        self.additional = Schema(ap_schema) if ap_schema is not None else None
        props = first(msg, 25)
        self.properties = {}
        if props is not None:
            for named in all_of(fields(props), 1):
                nm = fields(named)
                self.properties[first(nm, 1).decode()] = Schema(first(nm, 2))
        self.extensions = {}
        for named in all_of(msg, 31):
            nm = fields(named)
            anyv = fields(first(nm, 2))
            self.extensions[first(nm, 1).decode()] = yaml_scalar_list((first(anyv, 2) or b"").decode())


def main(path):
    doc = fields(open(path, "rb").read())
    definitions = {}
    for named in all_of(fields(first(doc, 9)), 1):
        nm = fields(named)
        definitions[first(nm, 1).decode()] = Schema(first(nm, 2))

    def ref_name(schema):
        return schema.ref[len("#/definitions/"):] if schema.ref.startswith("#/definitions/") else None

    def strategy_of(schema):
        strategy = schema.extensions.get("x-kubernetes-patch-strategy")
        if not strategy:
            return "-", "-"
        keys = schema.extensions.get("x-kubernetes-list-map-keys")
        if isinstance(keys, list) and keys:
            return strategy, ",".join(keys)
        key = schema.extensions.get("x-kubernetes-patch-merge-key")
        return strategy, key or "-"

    # Definitions from which a list with a patch strategy can be reached: a fixpoint over $refs.
    def type_refs(schema):
        if schema is None:
            return []
        if ref_name(schema):
            return [ref_name(schema)]
        return type_refs(schema.items) + type_refs(schema.additional)

    def has_strategy(schema):
        if schema is None:
            return False
        return "x-kubernetes-patch-strategy" in schema.extensions or has_strategy(schema.items) \
            or has_strategy(schema.additional)

    relevant = {name for name, d in definitions.items() if any(has_strategy(p) for p in d.properties.values())}
    changed = True
    while changed:
        changed = False
        for name, d in definitions.items():
            if name not in relevant and any(r in relevant for p in d.properties.values() for r in type_refs(p)):
                relevant.add(name)
                changed = True

    def type_expr(schema):
        if schema is None:
            return "-"
        name = ref_name(schema)
        if name:
            return "#" + name if name in relevant else "-"
        if schema.types == ["array"] and schema.items is not None:
            inner = type_expr(schema.items)
            return "[]" + inner
        if schema.additional is not None:
            inner = type_expr(schema.additional)
            return "{}" + inner if inner != "-" else "-"
        return "-"

    print("# Strategic-merge schema of Kustomize v5.5.0 (Kubernetes v1.21.2), generated by"
          " kustomize/schema/generate-patch-schema.py")
    print("# source: https://github.com/%s %s (commit %s) %s" % SOURCE)
    gvk_lines = []
    for name, d in definitions.items():
        for gvk in d.extensions.get("x-kubernetes-group-version-kind") or []:
            if not isinstance(gvk, dict):
                continue
            api_version = (gvk["group"] + "/" if gvk.get("group") else "") + gvk["version"]
            gvk_lines.append("gvk\t%s\t%s\t%s" % (api_version, gvk["kind"], name))
    for line in sorted(gvk_lines):
        print(line)
    for name in sorted(relevant):
        d = definitions[name]
        for field in sorted(d.properties):
            p = d.properties[field]
            t = type_expr(p)
            strategy, keys = strategy_of(p)
            if t == "-" and strategy == "-":
                continue
            if t.endswith("-") and t.startswith("[]") and strategy == "-":
                continue
            print("field\t%s\t%s\t%s\t%s\t%s" % (name, field, t, strategy, keys))


if __name__ == "__main__":
    main(sys.argv[1])
