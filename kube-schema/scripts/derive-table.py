#!/usr/bin/env python3
"""Derives Verity's compact table of the Kubernetes built-in API types from the Go sources.

Reads local source trees of kubernetes/api, kubernetes/apimachinery and kubernetes/apiextensions-apiserver (all at
the same Kubernetes release), parses the Go structs of the API groups Verity serves, and writes one JSON document:
a header naming every source read (repository, tag, commit), the apiVersion+kind -> root type map, the reachable
types with their fields, and the curated defaults and immutable fields from kube-schema/sources/*.yaml when those
files exist. Python 3.11, standard library only; the build never runs it. See kube-schema/README.md for the
commands that regenerate the table.

What each field records, and the rules used (the same ones server-side apply uses, from kube-openapi's
pkg/schemaconv, which turns the OpenAPI extensions that these Go markers become into structured-merge-diff types):

* list semantics: an explicit +listType marker wins (atomic, set, map with +listMapKey keys); without one, a
  patchStrategy of "merge" (or "merge,retainKeys") makes the list associative: a map keyed by patchMergeKey when
  there is one, a set when there is none; any other list is atomic. "listTypeFrom" says which rule applied.
* maps are granular unless +mapType=atomic; structs are granular unless +structType=atomic (on the type, or on
  the field, which wins).
* required: +required, else not +optional and no omitempty (how kube-openapi's generator decides).
* zero values: "omitempty" and "pointer" are recorded as written; Go's encoding/json drops a zero scalar, an
  empty slice or an empty map when the field is omitempty and not a pointer, and never drops a struct. Types that
  are Go structs but JSON scalars (Quantity, IntOrString, Time, Duration, RawExtension) carry "goStruct": true and
  "zero", the JSON their zero value encodes to.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field

# ---------------------------------------------------------------------------------------------------------------
# what to read

REPOSITORIES = {
    # option name -> (Go module path, GitHub repository)
    "api": ("k8s.io/api", "github.com/kubernetes/api"),
    "apimachinery": ("k8s.io/apimachinery", "github.com/kubernetes/apimachinery"),
    "apiextensions-apiserver": ("k8s.io/apiextensions-apiserver", "github.com/kubernetes/apiextensions-apiserver"),
}

# the API group versions whose kinds the table covers (Go import paths)
GROUP_VERSIONS = [
    "k8s.io/api/core/v1",
    "k8s.io/api/apps/v1",
    "k8s.io/api/batch/v1",
    "k8s.io/api/networking/v1",
    "k8s.io/api/rbac/v1",
    "k8s.io/api/policy/v1",
    "k8s.io/api/autoscaling/v1",
    "k8s.io/api/autoscaling/v2",
    "k8s.io/api/coordination/v1",
    "k8s.io/api/storage/v1",
    "k8s.io/api/discovery/v1",
    "k8s.io/api/scheduling/v1",
    "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1",
]

META = "k8s.io/apimachinery/pkg/apis/meta/v1"
APIEXT = "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

# Go types whose JSON form is not their Go shape (custom MarshalJSON): JSON type, and what the zero value encodes to
SPECIAL = {
    ("k8s.io/apimachinery/pkg/api/resource", "Quantity"): {"type": "quantity", "goStruct": True, "zero": "0"},
    ("k8s.io/apimachinery/pkg/util/intstr", "IntOrString"): {"type": "int-or-string", "goStruct": True, "zero": 0},
    (META, "Time"): {"type": "string", "format": "date-time", "goStruct": True, "zero": None},
    (META, "MicroTime"): {"type": "string", "format": "date-time", "goStruct": True, "zero": None},
    (META, "Duration"): {"type": "string", "format": "duration", "goStruct": True, "zero": "0s"},
    (META, "FieldsV1"): {"type": "any", "goStruct": True, "zero": None},
    ("k8s.io/apimachinery/pkg/runtime", "RawExtension"): {"type": "any", "goStruct": True, "zero": None},
    (APIEXT, "JSON"): {"type": "any", "goStruct": True, "zero": None},
    (APIEXT, "JSONSchemaPropsOrArray"): {"type": "any", "goStruct": True, "zero": None},
    (APIEXT, "JSONSchemaPropsOrBool"): {"type": "any", "goStruct": True, "zero": None},
    (APIEXT, "JSONSchemaPropsOrStringArray"): {"type": "any", "goStruct": True, "zero": None},
}

BUILTIN = {
    "string": {"type": "string"},
    "bool": {"type": "boolean"},
    "int": {"type": "integer", "format": "int32"},
    "int8": {"type": "integer", "format": "byte"},
    "int16": {"type": "integer", "format": "int32"},
    "int32": {"type": "integer", "format": "int32"},
    "int64": {"type": "integer", "format": "int64"},
    "uint": {"type": "integer", "format": "int32"},
    "uint8": {"type": "integer", "format": "byte"},
    "uint16": {"type": "integer", "format": "int32"},
    "uint32": {"type": "integer", "format": "int64"},
    "uint64": {"type": "integer", "format": "int64"},
    "byte": {"type": "integer", "format": "byte"},
    "float32": {"type": "number", "format": "float"},
    "float64": {"type": "number", "format": "double"},
}

SKIPPED_FILES = re.compile(r"(_test\.go|^zz_generated.*|^generated\.pb\.go|_swagger_doc_generated\.go)$")

# ---------------------------------------------------------------------------------------------------------------
# Go source model


class SourceError(Exception):
    """An input the script cannot use; the message names it and what to do."""


@dataclass
class GoField:
    name: str | None  # None for an embedded field
    type_expr: str
    tag: str
    comments: list[str]
    origin: str


@dataclass
class GoDecl:
    name: str
    package: str
    comments: list[str]
    struct_fields: list[GoField] | None = None  # a struct
    underlying: str | None = None  # a named non-struct type
    origin: str = ""


@dataclass
class GoPackage:
    path: str
    directory: str
    decls: dict[str, GoDecl] = field(default_factory=dict)
    consts: dict[str, object] = field(default_factory=dict)
    imports: dict[str, dict[str, str]] = field(default_factory=dict)  # file -> alias -> import path
    known_types: list[str] = field(default_factory=list)
    group_name: str | None = None


def markers(comments: list[str]) -> dict[str, list[str]]:
    """The +name=value markers of a comment block; a marker without value maps to ''."""
    out: dict[str, list[str]] = {}
    for line in comments:
        m = re.match(r"^\s*//\s*\+([A-Za-z][\w:.-]*)(?:=(.*))?\s*$", line)
        if m:
            out.setdefault(m.group(1), []).append((m.group(2) or "").strip())
    return out


def struct_tag(tag: str, key: str) -> str | None:
    m = re.search(r'(?:^|\s)' + re.escape(key) + r':"([^"]*)"', tag)
    return m.group(1) if m else None


class GoReader:
    def __init__(self, roots: dict[str, str]):
        self.roots = roots  # module path -> directory
        self.packages: dict[str, GoPackage] = {}

    def package(self, path: str) -> GoPackage:
        if path in self.packages:
            return self.packages[path]
        for module, root in self.roots.items():
            if path == module or path.startswith(module + "/"):
                directory = os.path.join(root, path[len(module) + 1:]) if path != module else root
                break
        else:
            raise SourceError(f"Go package {path} is in none of the source trees given ({', '.join(self.roots)})")
        if not os.path.isdir(directory):
            raise SourceError(f"Go package {path}: directory {directory} does not exist; is the source tree complete?")
        pkg = GoPackage(path, directory)
        for name in sorted(os.listdir(directory)):
            if name.endswith(".go") and not SKIPPED_FILES.search(name):
                self._parse_file(pkg, os.path.join(directory, name))
        self.packages[path] = pkg
        return pkg

    def _parse_file(self, pkg: GoPackage, filename: str) -> None:
        with open(filename, encoding="utf-8") as f:
            lines = f.read().split("\n")
        rel = os.path.relpath(filename, pkg.directory)
        imports: dict[str, str] = {}
        pkg.imports[rel] = imports
        comments: list[str] = []
        i = 0
        in_const = False
        while i < len(lines):
            line = lines[i]
            stripped = line.strip()
            if stripped.startswith("//"):
                comments.append(stripped)
                i += 1
                continue
            if stripped.startswith("/*"):
                while "*/" not in lines[i]:
                    i += 1
                comments = []
                i += 1
                continue
            if stripped == "":
                comments = []
                i += 1
                continue
            if stripped.startswith("import ("):
                i += 1
                while lines[i].strip() != ")":
                    self._import(imports, lines[i].strip())
                    i += 1
            elif stripped.startswith("import "):
                self._import(imports, stripped[len("import "):])
            elif stripped.startswith("const ("):
                in_const = True
            elif in_const and stripped == ")":
                in_const = False
            elif in_const or stripped.startswith("const "):
                self._const(pkg, stripped[len("const "):] if stripped.startswith("const ") else stripped)
            elif m := re.match(r"^type\s+(\w+)\s+struct\s*\{\s*$", line):
                decl = GoDecl(m.group(1), pkg.path, comments, struct_fields=[], origin=rel)
                i = self._struct_body(lines, i + 1, decl, rel)
                pkg.decls[decl.name] = decl
            elif m := re.match(r"^type\s+(\w+)\s+struct\s*\{\s*\}", line):
                pkg.decls[m.group(1)] = GoDecl(m.group(1), pkg.path, comments, struct_fields=[], origin=rel)
            elif m := re.match(r"^type\s+(\w+)\s+(?:=\s*)?(.+?)\s*(//.*)?$", line):
                if not m.group(2).startswith(("interface", "func")):
                    pkg.decls[m.group(1)] = GoDecl(m.group(1), pkg.path, comments, underlying=m.group(2), origin=rel)
            elif m := re.match(r"^const\s+GroupName\s*=\s*\"([^\"]*)\"", stripped):
                pkg.group_name = m.group(1)
            elif stripped.startswith("func addKnownTypes("):
                i += 1
                while not lines[i].startswith("}"):
                    for known in re.findall(r"&(\w+)\{\}", lines[i]):
                        pkg.known_types.append(known)
                    i += 1
            comments = []
            i += 1

    @staticmethod
    def _import(imports: dict[str, str], spec: str) -> None:
        m = re.match(r'^(?:(\w+)\s+)?"([^"]+)"', spec)
        if m:
            path = m.group(2)
            imports[m.group(1) or path.rsplit("/", 1)[-1]] = path

    @staticmethod
    def _const(pkg: GoPackage, spec: str) -> None:
        m = re.match(r'^(\w+)(?:\s+[\w.]+)?\s*=\s*("(?:[^"\\]|\\.)*"|-?\d+|true|false)\s*(//.*)?$', spec)
        if m:
            try:
                value = json.loads(m.group(2))
            except json.JSONDecodeError:
                return  # an octal or otherwise non-JSON literal: not a value a +default marker names
            if m.group(1) == "GroupName":
                pkg.group_name = value
            pkg.consts[m.group(1)] = value

    @staticmethod
    def _struct_body(lines: list[str], i: int, decl: GoDecl, rel: str) -> int:
        comments: list[str] = []
        depth = 0
        while True:
            line = lines[i]
            stripped = line.strip()
            if depth == 0 and stripped.startswith("}"):
                return i
            if stripped.startswith("/*"):
                while "*/" not in lines[i]:
                    i += 1
                i += 1
                continue
            if stripped.startswith("//"):
                comments.append(stripped)
            elif stripped == "":
                comments = []
            elif depth > 0:
                depth += stripped.count("{") - stripped.count("}")
            else:
                tag_match = re.search(r"`([^`]*)`", stripped)
                tag = tag_match.group(1) if tag_match else ""
                code = stripped[:tag_match.start()] if tag_match else re.sub(r"//.*$", "", stripped)
                tokens = code.split()
                if code.rstrip().endswith("{") and not code.rstrip().endswith("{}"):
                    depth = 1  # an anonymous struct: not used by the API types read here
                elif len(tokens) == 1:
                    decl.struct_fields.append(GoField(None, tokens[0], tag, comments, f"{rel}:{i + 1}"))
                elif len(tokens) >= 2:
                    decl.struct_fields.append(GoField(tokens[0], "".join(tokens[1:]), tag, comments, f"{rel}:{i + 1}"))
                comments = []
            i += 1


# ---------------------------------------------------------------------------------------------------------------
# conversion to the table


def openapi_name(package_path: str, name: str) -> str:
    """io.k8s.api.apps.v1.Deployment: the Go import path reversed at the host, as the OpenAPI definitions name it."""
    host, _, rest = package_path.partition("/")
    return ".".join(reversed(host.split("."))) + "." + rest.replace("/", ".") + "." + name


class Converter:
    def __init__(self, reader: GoReader):
        self.reader = reader
        self.types: dict[str, dict] = {}
        self.pending: list[tuple[str, GoDecl]] = []
        self.problems: list[str] = []

    # -- types

    def named_struct(self, pkg: GoPackage, decl: GoDecl) -> dict:
        name = openapi_name(pkg.path, decl.name)
        if name not in self.types:
            self.types[name] = {}  # placeholder against recursion
            self.pending.append((name, decl))
        return {"ref": name}

    def drain(self) -> None:
        while self.pending:
            name, decl = self.pending.pop()
            pkg = self.reader.package(decl.package)
            record: dict = {"fields": {}}
            struct_type = markers(decl.comments).get("structType")
            if struct_type:
                record["structType"] = struct_type[-1]
            self._fields(pkg, decl, record["fields"], decl.origin)
            record["fields"] = dict(sorted(record["fields"].items()))
            self.types[name] = record

    def _fields(self, pkg: GoPackage, decl: GoDecl, into: dict, where: str) -> None:
        file_imports = pkg.imports[decl.origin]
        for f in decl.struct_fields:
            json_tag = struct_tag(f.tag, "json")
            options = json_tag.split(",") if json_tag is not None else [""]
            json_name = options[0]
            if json_name == "-":
                continue
            if f.name is None and (json_name == "" or "inline" in options[1:]):
                # embedded struct: its fields are promoted into this one
                base = f.type_expr.lstrip("*")
                inner_pkg, inner = self._lookup(pkg, file_imports, base, f.origin)
                if inner is None or inner.struct_fields is None:
                    raise SourceError(f"{pkg.path} {decl.name}: embedded {base} ({f.origin}) is not a struct")
                self._fields(inner_pkg, inner, into, where)
                continue
            go_name = f.name or f.type_expr.lstrip("*").split(".")[-1]
            if not go_name[0].isupper():
                continue
            if json_name == "":
                json_name = go_name
            m = markers(f.comments)
            expr = f.type_expr
            pointer = expr.startswith("*")
            record = self.expr(pkg, file_imports, expr.lstrip("*"), m, f"{pkg.path} {decl.name}.{go_name} ({f.origin})")
            if "omitempty" in options[1:]:
                record["omitempty"] = True
            if pointer:
                record["pointer"] = True
            optional = "optional" in m
            required = "required" in m or (not optional and "omitempty" not in options[1:])
            if required:
                record["required"] = True
            strategy = struct_tag(f.tag, "patchStrategy") or (m.get("patchStrategy") or [None])[-1]
            merge_key = struct_tag(f.tag, "patchMergeKey") or (m.get("patchMergeKey") or [None])[-1]
            if strategy:
                record["patchStrategy"] = strategy
            if merge_key:
                record["patchMergeKey"] = merge_key
            if record.get("type") == "array":
                self._list_semantics(record, m, strategy, merge_key, f"{pkg.path} {decl.name}.{go_name}")
            if "default" in m:
                record["default"] = self._default(pkg, m["default"][-1], f"{decl.name}.{go_name} ({f.origin})")
                record["defaultSource"] = "marker"
            if json_name in into:
                raise SourceError(f"{pkg.path} {decl.name}: json field {json_name} declared twice ({f.origin})")
            into[json_name] = record

    def _list_semantics(self, record: dict, m: dict, strategy: str | None, merge_key: str | None, where: str) -> None:
        marker = (m.get("listType") or [None])[-1] or record.pop("_listType", None)
        keys = m.get("listMapKey") or record.pop("_listMapKeys", None)
        record.pop("_listType", None)
        record.pop("_listMapKeys", None)
        if marker:
            if marker not in ("atomic", "set", "map"):
                raise SourceError(f"{where}: unknown +listType={marker}")
            record["listType"] = marker
            record["listTypeFrom"] = "marker"
            if marker == "map":
                if not keys:
                    raise SourceError(f"{where}: +listType=map without +listMapKey")
                record["listMapKeys"] = list(keys)
        elif strategy in ("merge", "merge,retainKeys"):
            record["listTypeFrom"] = "patchStrategy"
            if merge_key:
                record["listType"] = "map"
                record["listMapKeys"] = [merge_key]
            else:
                record["listType"] = "set"
        else:
            record["listType"] = "atomic"
            record["listTypeFrom"] = "unmarked"

    def _default(self, pkg: GoPackage, text: str, where: str):
        ref = re.fullmatch(r"ref\((?:[\w/.]+\.)?(\w+)\)", text)
        if ref:
            if ref.group(1) not in pkg.consts:
                raise SourceError(f"{pkg.path} {where}: +default={text} names no constant of the package")
            return pkg.consts[ref.group(1)]
        try:
            return json.loads(text)
        except json.JSONDecodeError as e:
            raise SourceError(f"{pkg.path} {where}: +default={text} is not JSON ({e})") from e

    def _lookup(self, pkg: GoPackage, file_imports: dict[str, str], name: str, where: str):
        if "." in name:
            alias, _, simple = name.partition(".")
            if alias not in file_imports:
                raise SourceError(f"{where}: {name} uses an import alias {alias} the file does not declare")
            target = self.reader.package(file_imports[alias])
            return target, target.decls.get(simple)
        return pkg, pkg.decls.get(name)

    def expr(self, pkg: GoPackage, file_imports: dict[str, str], expr: str, m: dict, where: str) -> dict:
        """The table's type expression for a Go type expression; m are the markers of the field (or type) using it."""
        if expr.startswith("*"):
            return self.expr(pkg, file_imports, expr[1:], m, where)
        if expr in ("[]byte", "[]uint8"):
            return {"type": "string", "format": "byte", "zero": None}
        if expr.startswith("[]"):
            record = {"type": "array", "items": self.expr(pkg, file_imports, expr[2:], {}, where)}
            return record
        if expr.startswith("map["):
            depth, j = 0, 3
            for j in range(3, len(expr)):
                depth += {"[": 1, "]": -1}.get(expr[j], 0)
                if depth == 0:
                    break
            record = {"type": "map", "values": self.expr(pkg, file_imports, expr[j + 1:], {}, where)}
            record["mapType"] = (m.get("mapType") or ["granular"])[-1]
            return record
        if expr in ("interface{}", "any"):
            return {"type": "any"}
        if expr in BUILTIN:
            return dict(BUILTIN[expr])
        target_pkg, decl = self._lookup(pkg, file_imports, expr, where)
        simple = expr.split(".")[-1]
        special = SPECIAL.get((target_pkg.path, simple))
        if special is not None:
            return dict(special)
        if decl is None:
            raise SourceError(f"{where}: type {expr} is not declared in {target_pkg.path} ({target_pkg.directory})")
        if decl.struct_fields is not None:
            record = self.named_struct(target_pkg, decl)
            struct_type = (m.get("structType") or m.get("mapType") or [None])[-1]
            if struct_type:
                record["structType"] = struct_type
            return record
        # a named non-struct type (type Protocol string, type ResourceList map[...]...): its underlying type, with
        # the markers of its declaration unless the field overrides them
        type_markers = markers(decl.comments)
        merged = {**type_markers, **m}
        record = self.expr(target_pkg, target_pkg.imports[decl.origin], decl.underlying, merged, where)
        if record.get("type") == "array":
            # carried to _list_semantics of the field (or resolved here when used as items/values)
            if "listType" in type_markers and "listType" not in m:
                record["_listType"] = type_markers["listType"][-1]
                if "listMapKey" in type_markers:
                    record["_listMapKeys"] = type_markers["listMapKey"]
        return record


def finish_nested(record: dict, where: str, conv: Converter) -> None:
    """Lists and maps nested as items/values get their semantics too (marker-less, so from their type if any)."""
    for key in ("items", "values"):
        inner = record.get(key)
        if isinstance(inner, dict):
            if inner.get("type") == "array" and "listType" not in inner:
                conv._list_semantics(inner, {}, None, None, where)
            finish_nested(inner, where, conv)


# ---------------------------------------------------------------------------------------------------------------
# curated inputs: a YAML list of maps (the subset the curated files use: block and flow maps and lists, plain and
# quoted scalars, | and > block scalars, comments)


class YamlError(Exception):
    pass


def _scalar(text: str):
    text = text.strip()
    if text == "" or text in ("~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    if text.startswith('"'):
        return json.loads(text)
    if text.startswith("'"):
        if not text.endswith("'"):
            raise YamlError(f"unterminated quoted string {text}")
        return text[1:-1].replace("''", "'")
    if re.fullmatch(r"[-+]?\d+", text):
        return int(text)
    if re.fullmatch(r"[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?", text):
        return float(text)
    return text


def _strip_comment(line: str) -> str:
    quote = None
    for i, c in enumerate(line):
        if quote:
            if c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
    return line.rstrip()


def _flow(text: str, i: int = 0):
    """Parses a flow collection or scalar starting at text[i]; returns (value, next index)."""
    while i < len(text) and text[i] == " ":
        i += 1
    if text[i] in "[{":
        closing = "]" if text[i] == "[" else "}"
        result: list | dict = [] if closing == "]" else {}
        i += 1
        while True:
            while i < len(text) and text[i] in " ,":
                i += 1
            if i >= len(text):
                raise YamlError(f"unterminated flow collection: {text}")
            if text[i] == closing:
                return result, i + 1
            if closing == "]":
                value, i = _flow(text, i)
                result.append(value)
            else:
                key, i = _flow_scalar(text, i, ":")
                if i >= len(text) or text[i] != ":":
                    raise YamlError(f"expected ':' after {key!r} in {text}")
                value, i = _flow(text, i + 1)
                result[key] = value
    return _flow_scalar(text, i, ",]}")


def _flow_scalar(text: str, i: int, stops: str):
    while i < len(text) and text[i] == " ":
        i += 1
    if i < len(text) and text[i] in "\"'":
        q = text[i]
        j = i + 1
        while j < len(text):
            if q == '"' and text[j] == "\\":
                j += 2
                continue
            if text[j] == q:
                if q == "'" and j + 1 < len(text) and text[j + 1] == "'":
                    j += 2
                    continue
                break
            j += 1
        return _scalar(text[i:j + 1]), j + 1
    j = i
    while j < len(text) and not (text[j] in stops and (text[j] != ":" or j + 1 >= len(text) or text[j + 1] == " ")):
        j += 1
    return _scalar(text[i:j]), j


def parse_yaml(text: str, name: str):
    lines = [(len(l) - len(l.lstrip(" ")), l.strip()) for l in (_strip_comment(raw) for raw in text.split("\n"))]
    raw_lines = text.split("\n")
    pos = 0

    def skip_blank():
        nonlocal pos
        while pos < len(lines) and (lines[pos][1] == "" or lines[pos][1] == "---"):
            pos += 1

    def block(indent: int):
        nonlocal pos
        skip_blank()
        if pos >= len(lines):
            return None
        ind, content = lines[pos]
        if ind < indent:
            return None
        if content.startswith("- ") or content == "-":
            items = []
            while pos < len(lines):
                skip_blank()
                if pos >= len(lines):
                    break
                ind2, content2 = lines[pos]
                if ind2 != ind or not (content2.startswith("- ") or content2 == "-"):
                    break
                rest = content2[1:].lstrip(" ")
                if rest == "":
                    pos += 1
                    items.append(block(ind + 1))
                else:
                    # the item's content starts on the dash line: treat it as indented to where the text starts
                    lines[pos] = (ind + (len(content2) - len(rest)), rest)
                    items.append(block(ind + 1))
            return items
        if re.match(r"^(\"[^\"]*\"|'[^']*'|[^\s\"'{\[][^:]*?):(\s|$)", content):
            mapping = {}
            while pos < len(lines):
                skip_blank()
                if pos >= len(lines):
                    break
                ind2, content2 = lines[pos]
                if ind2 != ind:
                    if ind2 > ind:
                        raise YamlError(f"{name}:{pos + 1}: unexpected indentation")
                    break
                m = re.match(r"^(\"[^\"]*\"|'[^']*'|[^\s\"'{\[][^:]*?):(?:\s+(.*))?$", content2)
                if not m:
                    break
                key = _scalar(m.group(1))
                rest = (m.group(2) or "").strip()
                pos += 1
                if rest in ("|", ">", "|-", ">-", "|+", ">+"):
                    mapping[key] = block_scalar(ind, rest)
                elif rest == "":
                    mapping[key] = block(ind + 1)
                elif rest[0] in "[{":
                    value, end = _flow(rest)
                    mapping[key] = value
                else:
                    # a plain scalar may continue on more-indented lines
                    parts = [rest]
                    while pos < len(lines) and lines[pos][1] != "" and lines[pos][0] > ind \
                            and not re.match(r"^[^\s\"']+:(\s|$)", lines[pos][1]) and rest[0] not in "\"'":
                        parts.append(lines[pos][1])
                        pos += 1
                    mapping[key] = _scalar(" ".join(parts))
            return mapping
        if content[0] in "[{":
            pos += 1
            return _flow(content)[0]
        pos += 1
        return _scalar(content)

    def block_scalar(ind: int, style: str):
        nonlocal pos
        collected = []
        block_indent = None
        while pos < len(raw_lines):
            raw = raw_lines[pos]
            if raw.strip() == "":
                collected.append("")
                pos += 1
                continue
            this = len(raw) - len(raw.lstrip(" "))
            if this <= ind:
                break
            block_indent = this if block_indent is None else block_indent
            collected.append(raw[block_indent:])
            pos += 1
        while collected and collected[-1] == "":
            collected.pop()
        if style.startswith(">"):
            return " ".join(l for l in collected if l != "")
        return "\n".join(collected)

    result = block(0)
    skip_blank()
    if pos < len(lines):
        raise YamlError(f"{name}:{pos + 1}: cannot read '{lines[pos][1]}'")
    return result


def read_curated(path: str) -> tuple[list[dict], dict] | None:
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        entries = parse_yaml(text, path)
    except (YamlError, json.JSONDecodeError, IndexError) as e:
        raise SourceError(f"{path}: not the YAML list of maps the curated files use ({e})") from e
    if entries is None:
        entries = []
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise SourceError(f"{path}: expected a YAML list of maps (- {{type: ..., field: ...}})")
    info = {"file": "kube-schema/sources/" + os.path.basename(path), "entries": len(entries),
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}
    return entries, info


DEFAULTS_KEYS = {"type", "field", "value", "rule", "description", "source"}
# immutable.yaml keys, and the table's name for each
IMMUTABLE_KEYS = {"kind": "kind", "path": "path", "when": "when", "message": "message", "source": "source",
                  "type": "errorType", "errorField": "errorField", "value": "value"}


def merge_defaults(types: dict[str, dict], entries: list[dict], path: str) -> list[str]:
    """Puts the curated defaults on their fields; returns warnings (curated values overriding Go markers, unknown keys)."""
    warnings = []
    for n, entry in enumerate(entries, 1):
        where = f"{path} entry {n} ({entry.get('type')}.{entry.get('field')})"
        unknown = sorted(set(entry) - DEFAULTS_KEYS)
        if unknown:
            warnings.append(f"{where}: ignored keys {', '.join(unknown)} (known: {', '.join(sorted(DEFAULTS_KEYS))})")
        for required in ("type", "field", "source"):
            if not entry.get(required):
                raise SourceError(f"{where}: missing '{required}'")
        record = types.get(entry["type"])
        if record is None:
            raise SourceError(f"{where}: {entry['type']} is not a type of the table (an OpenAPI definition name "
                              "reachable from a kind, e.g. io.k8s.api.apps.v1.DeploymentSpec)")
        fld = record["fields"].get(entry["field"])
        if fld is None:
            raise SourceError(f"{where}: {entry['type']} has no field {entry['field']}; known: "
                              + ", ".join(record["fields"]))
        if "value" in entry:
            if "default" in fld and fld.get("defaultSource") == "marker" and fld["default"] != entry["value"]:
                warnings.append(f"{where}: value {entry['value']!r} differs from the Go +default marker "
                                f"{fld['default']!r}; the curated value is kept")
            fld["default"] = entry["value"]
            fld["defaultSource"] = entry["source"]
        elif entry.get("rule"):
            fld["defaultRule"] = {"name": entry["rule"], "description": entry.get("description", ""),
                                  "source": entry["source"]}
        else:
            raise SourceError(f"{where}: needs 'value' (a constant default) or 'rule' (a named computed one)")
    return warnings


def check_path(types: dict[str, dict], root: str, path: str) -> bool:
    """Whether a dotted json path (list items stepped through implicitly, [..] selectors ignored) resolves."""
    current: dict = {"ref": root}
    for segment in re.sub(r"\[[^\]]*\]", "", path).split("."):
        while current.get("type") in ("array", "map"):
            current = current.get("items") or current.get("values")
        if "ref" not in current:
            return current.get("type") == "any"
        fields = types[current["ref"]]["fields"]
        if segment not in fields:
            return False
        current = fields[segment]
    return True


def merge_immutable(types: dict[str, dict], kinds: dict[str, str], entries: list[dict], path: str,
                    warnings: list[str]) -> list[dict]:
    out = []
    for n, entry in enumerate(entries, 1):
        where = f"{path} entry {n} ({entry.get('kind')} {entry.get('path')})"
        unknown = sorted(set(entry) - set(IMMUTABLE_KEYS))
        if unknown:
            warnings.append(f"{where}: ignored keys {', '.join(unknown)} (known: {', '.join(sorted(IMMUTABLE_KEYS))})")
        for required in ("kind", "path", "message", "source"):
            if not entry.get(required):
                raise SourceError(f"{where}: missing '{required}'")
        root = kinds.get(entry["kind"])
        if root is None:
            raise SourceError(f"{where}: kind {entry['kind']} is not in the table; write group/version/Kind "
                              "(core as v1/Kind), e.g. apps/v1/Deployment")
        if not check_path(types, root, entry["path"]):
            raise SourceError(f"{where}: path {entry['path']} does not resolve in {root}")
        record = {IMMUTABLE_KEYS[k]: v for k, v in entry.items() if k in IMMUTABLE_KEYS and v not in (None, "")}
        out.append(record)
    return sorted(out, key=lambda r: (r["kind"], r["path"], r.get("when", "")))


# ---------------------------------------------------------------------------------------------------------------


def revision_of(directory: str, given: str | None, option: str) -> tuple[str, str]:
    if given:
        tag, sep, commit = given.partition("@")
        if not sep or not re.fullmatch(r"[0-9a-f]{40}", commit):
            raise SourceError(f"--revision {option}={given}: write TAG@COMMIT with the 40-hex commit")
        return tag, commit
    try:
        top = subprocess.run(["git", "-C", directory, "rev-parse", "--show-toplevel"], check=True,
                             capture_output=True, text=True).stdout.strip()
        if os.path.realpath(top) != os.path.realpath(directory):
            raise SourceError(f"{directory}: not the root of a git checkout (it lies inside {top}); pass "
                              f"--revision {option}=TAG@COMMIT naming what the tree was extracted from")
        commit = subprocess.run(["git", "-C", directory, "rev-parse", "HEAD"], check=True, capture_output=True,
                                text=True).stdout.strip()
        tag = subprocess.run(["git", "-C", directory, "describe", "--tags", "--exact-match", "HEAD"], check=True,
                             capture_output=True, text=True).stdout.strip()
        return tag, commit
    except (subprocess.CalledProcessError, FileNotFoundError) as e:
        raise SourceError(f"{directory}: not a git checkout at a tag; pass --revision {option}=TAG@COMMIT "
                          "naming what the tree was extracted from") from e


def derive(trees: dict[str, tuple[str, str, str]], group_versions: list[str], sources_dir: str,
           kubernetes: str) -> tuple[str, str, list[str]]:
    """The table's text, a one-line summary and warnings. trees: repository key -> (directory, tag, commit)."""
    roots = {}
    header_sources = []
    for key, (directory, tag, commit) in trees.items():
        module_path, repo = REPOSITORIES[key]
        go_mod = os.path.join(directory, "go.mod")
        if not os.path.isfile(go_mod):
            raise SourceError(f"--{key} {directory}: no go.mod; give the root of a {repo} source tree")
        with open(go_mod, encoding="utf-8") as f:
            declared = re.search(r"^module\s+(\S+)", f.read(), re.M).group(1)
        if declared != module_path:
            raise SourceError(f"--{key} {directory}: go.mod declares {declared}, expected {module_path}")
        roots[module_path] = directory
        header_sources.append({"repository": repo, "tag": tag, "commit": commit, "_module": module_path})

    reader = GoReader(roots)
    conv = Converter(reader)
    kinds: dict[str, str] = {}
    for gv in group_versions:
        pkg = reader.package(gv)
        if pkg.group_name is None:
            raise SourceError(f"{gv}: no GroupName constant in {pkg.directory}")
        api_version = (pkg.group_name + "/" if pkg.group_name else "") + gv.rsplit("/", 1)[-1]
        for kind in pkg.known_types:
            decl = pkg.decls.get(kind)
            if decl is None or decl.struct_fields is None:
                continue
            if not any(f.type_expr.endswith("ObjectMeta") and (struct_tag(f.tag, "json") or "").startswith("metadata")
                       for f in decl.struct_fields):
                continue  # lists, options and other kinds that are not stored objects
            kinds[api_version + "/" + kind] = conv.named_struct(pkg, decl)["ref"]
    conv.drain()
    for name, record in conv.types.items():
        for fname, fld in record["fields"].items():
            if fld.get("type") == "array" and "listType" not in fld:
                conv._list_semantics(fld, {}, None, None, f"{name}.{fname}")
            finish_nested(fld, f"{name}.{fname}", conv)

    for source in header_sources:
        module_path = source.pop("_module")
        source["packages"] = sorted(p.path[len(module_path) + 1:] for p in reader.packages.values()
                                    if p.path.startswith(module_path + "/"))

    types = dict(sorted(conv.types.items()))
    curated = []
    warnings: list[str] = []
    defaults = read_curated(os.path.join(sources_dir, "defaults.yaml"))
    if defaults:
        warnings += merge_defaults(types, defaults[0], defaults[1]["file"])
        curated.append(defaults[1])
    immutable: list[dict] = []
    imm = read_curated(os.path.join(sources_dir, "immutable.yaml"))
    if imm:
        immutable = merge_immutable(types, kinds, imm[0], imm[1]["file"], warnings)
        curated.append(imm[1])

    header = {
        "kubernetes": kubernetes,
        "generatedBy": "kube-schema/scripts/derive-table.py",
        "sources": header_sources,
        "curated": curated,
        "rules": "list, map and struct semantics as kubernetes/kube-openapi pkg/schemaconv (smd.go, openapi.go) "
                 "derives them for server-side apply; zero values as Go encoding/json writes them",
    }

    def line(value) -> str:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def lines(items: list[str]) -> list[str]:
        return [item + ("," if i < len(items) - 1 else "") for i, item in enumerate(items)]

    parts = ["{\"header\":" + line(header) + ",", "\"kinds\":{"]
    parts += lines([line(k) + ":" + line(v) for k, v in sorted(kinds.items())])
    parts += ["},", "\"immutable\":["]
    parts += lines([line(r) for r in immutable])
    parts += ["],", "\"types\":{"]
    parts += lines([line(k) + ":" + line(v) for k, v in types.items()])
    parts += ["}}"]
    text = "\n".join(parts) + "\n"
    json.loads(text)  # the output is one JSON document
    defaulted = sum(1 for t in types.values() for fl in t["fields"].values() if "default" in fl or "defaultRule" in fl)
    summary = f"{len(kinds)} kinds, {len(types)} types, {defaulted} defaulted fields, {len(immutable)} immutable paths"
    return text, summary, warnings


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--api", required=True, help="kubernetes/api source tree (tag v0.32.x)")
    parser.add_argument("--apimachinery", required=True, help="kubernetes/apimachinery source tree (same tag)")
    parser.add_argument("--apiextensions-apiserver", required=True, dest="apiextensions_apiserver",
                        help="kubernetes/apiextensions-apiserver source tree (same tag)")
    parser.add_argument("--revision", action="append", default=[], metavar="REPO=TAG@COMMIT",
                        help="what a source tree was extracted from, when it is not a git checkout "
                             "(REPO is api, apimachinery or apiextensions-apiserver)")
    parser.add_argument("--sources", default=None,
                        help="directory of the curated defaults.yaml / immutable.yaml (default: kube-schema/sources "
                             "next to this script)")
    parser.add_argument("--kubernetes", default="1.32", help="the Kubernetes minor release the trees belong to")
    parser.add_argument("--out", default=None, help="output file (default: the module's resource)")
    args = parser.parse_args(argv)

    module = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sources_dir = args.sources or os.path.join(module, "sources")
    out = args.out or os.path.join(module, "src/main/resources/dev/verity/kube/schema/kubernetes-v1.32.json")
    revisions = {}
    for r in args.revision:
        key, _, value = r.partition("=")
        if key not in REPOSITORIES:
            raise SourceError(f"--revision {r}: unknown repository {key}; one of {', '.join(REPOSITORIES)}")
        revisions[key] = value
    dirs = {"api": args.api, "apimachinery": args.apimachinery, "apiextensions-apiserver": args.apiextensions_apiserver}
    trees = {key: (directory, *revision_of(directory, revisions.get(key), key)) for key, directory in dirs.items()}
    text, summary, warnings = derive(trees, GROUP_VERSIONS, sources_dir, args.kubernetes)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"{out}: {summary}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except SourceError as e:
        print(f"derive-table: {e}", file=sys.stderr)
        sys.exit(2)
