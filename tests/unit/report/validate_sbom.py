#!/usr/bin/python3
"""Validates an SBOM or a scan report against the official JSON schema, with python3-jsonschema.

usage: validate_sbom.py SCHEMA_DIR (cyclonedx-1.5|cyclonedx-1.6|spdx-2.3|sarif-2.1.0) DOCUMENT

The schemas are read from SCHEMA_DIR under their upstream file names; every
*.json there is registered under its $id, so that the CycloneDX schemas'
relative references to spdx.schema.json and jsf-0.82.schema.json resolve
offline. Formats are checked too (date-time with an RFC 3339 checker of our
own, since Debian's jsonschema has none without rfc3339-validator). Beyond the
schema, a few rules of each specification that the schema cannot express are
checked (unique and resolvable references, SPDX identifiers, license
expressions against the SPDX list). Exit 0 when valid, 1 with the errors
on stdout otherwise, 2 on a usage or setup problem.
"""

import datetime
import json
import os
import re
import sys
import warnings

import jsonschema
import jsonschema._utils
import jsonschema._validators


# python3-jsonschema 4.10 sorts the extra items of an array to word an "additionalItems" error,
# which raises TypeError when they are objects: CycloneDX's "licenses" is oneOf (a list of
# license objects, or one expression), so every BOM with two licenses on a component takes
# that path while trying the second branch. Word the message without sorting.
def _extras_msg(extras):
    extras = list(extras)
    return ", ".join(repr(extra) for extra in extras), "was" if len(extras) == 1 else "were"


jsonschema._utils.extras_msg = _extras_msg
jsonschema._validators.extras_msg = _extras_msg

SCHEMAS = {
    "cyclonedx-1.5": "bom-1.5.schema.json",
    "cyclonedx-1.6": "bom-1.6.schema.json",
    "spdx-2.3": "spdx-schema-2.3.json",
    "sarif-2.1.0": "sarif-schema-2.1.0.json",
}

RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")

# purl: pkg:type/[namespace/]name[@version][?qualifiers][#subpath], in the
# permitted characters only (alphanumerics, ".-_~", separators, %XX triplets).
PURL = re.compile(
    r"^pkg:[a-z][a-z0-9.+-]*/"
    r"(?:[A-Za-z0-9.\-_~:%]+/)*[A-Za-z0-9.\-_~:%]+"
    r"(?:@[A-Za-z0-9.\-_~:%]+)?"
    r"(?:\?[a-z0-9.\-_]+=[A-Za-z0-9.\-_~:%]+(?:&[a-z0-9.\-_]+=[A-Za-z0-9.\-_~:%]+)*)?"
    r"(?:#[A-Za-z0-9.\-_~:%/]+)?$")
BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def check_date_time(value):
    if not isinstance(value, str):
        return True
    if not RFC3339.match(value):
        return False
    datetime.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    return True


def load_schemas(schema_dir):
    store = {}
    for name in sorted(os.listdir(schema_dir)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(schema_dir, name), encoding="utf-8") as f:
            schema = json.load(f)
        sid = schema.get("$id") or schema.get("id")
        if sid:
            store[sid] = schema
        store[name] = schema
    return store


def make_validator(schema, store):
    cls = jsonschema.validators.validator_for(schema)
    checker = jsonschema.FormatChecker()
    checker.checks("date-time", raises=ValueError)(check_date_time)
    try:
        # jsonschema >= 4.18: the referencing library.
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT7
        resources = [(uri, Resource.from_contents(s, default_specification=DRAFT7)) for uri, s in store.items()]
        registry = Registry().with_resources(resources)
        return cls(schema, registry=registry, format_checker=checker)
    except ImportError:
        pass
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        resolver = jsonschema.RefResolver(base_uri=schema.get("$id", ""), referrer=schema, store=store)
    return cls(schema, resolver=resolver, format_checker=checker)


def spdx_ids(store):
    """(licenses, exceptions), each lower-cased id -> canonical id. spdx.schema.json
    lists the license ids, then the exception ids, each block in case-insensitive
    alphabetical order: the block boundary is where that order restarts."""
    enum = store["spdx.schema.json"]["enum"]
    split = next((i for i in range(1, len(enum)) if enum[i].lower() < enum[i - 1].lower()), len(enum))
    return ({i.lower(): i for i in enum[:split]}, {i.lower(): i for i in enum[split:]})


LICENSE_REF = re.compile(r"^(DocumentRef-[A-Za-z0-9.\-]+:)?LicenseRef-[A-Za-z0-9.\-]+$")


def check_expression(expr, ids, errors, where, refs_used=None):
    """SPDX 2.3 Annex D, with ids from the official list (as in spdx.schema.json).
    LicenseRef- ids (idstring [A-Za-z0-9.-]+) are collected into `refs_used`."""
    licenses, exceptions = ids
    tokens = re.findall(r"\(|\)|[^\s()]+", expr)
    pos = 0

    def peek():
        return tokens[pos] if pos < len(tokens) else None

    def atom():
        nonlocal pos
        t = peek()
        if t is None:
            raise ValueError("expression ends early")
        if t == "(":
            pos += 1
            disjunction()
            if peek() != ")":
                raise ValueError("missing )")
            pos += 1
            return
        pos += 1
        if t in ("AND", "OR", "WITH", ")"):
            raise ValueError("unexpected " + t)
        if LICENSE_REF.match(t):
            if refs_used is not None:
                refs_used.add(t)
            return
        lid = t[:-1] if t.endswith("+") and t.lower() not in licenses else t
        if licenses.get(lid.lower()) != lid:
            raise ValueError("not a listed license id in canonical case: " + t)
        if peek() == "WITH":
            pos += 1
            exc = peek()
            if exc is None or exceptions.get(exc.lower()) != exc:
                raise ValueError("not a listed exception: %s" % exc)
            pos += 1

    def conjunction():
        nonlocal pos
        atom()
        while peek() == "AND":
            pos += 1
            atom()

    def disjunction():
        nonlocal pos
        conjunction()
        while peek() == "OR":
            pos += 1
            conjunction()

    try:
        disjunction()
        if pos != len(tokens):
            raise ValueError("trailing tokens")
    except ValueError as e:
        errors.append("%s: invalid SPDX license expression %r: %s" % (where, expr, e))


def check_purl(purl, errors, where):
    if not PURL.match(purl) or BAD_PERCENT.search(purl):
        errors.append("%s: malformed purl %r" % (where, purl))
        return
    query = purl.split("?", 1)[1].split("#", 1)[0] if "?" in purl else ""
    keys = [q.split("=", 1)[0] for q in query.split("&")] if query else []
    if keys != sorted(keys):
        errors.append("%s: purl qualifiers not sorted: %r" % (where, purl))


def cyclonedx_rules(doc, store, errors):
    ids = spdx_ids(store)
    refs = []
    comps = [doc.get("metadata", {}).get("component", {})] + doc.get("components", [])
    for i, c in enumerate(comps):
        if "bom-ref" in c:
            refs.append(c["bom-ref"])
        if "purl" in c:
            check_purl(c["purl"], errors, "component %d" % i)
        for lic in c.get("licenses", []):
            if "expression" in lic:
                check_expression(lic["expression"], ids, errors, "component %d" % i)
    if len(refs) != len(set(refs)):
        errors.append("bom-refs are not unique")
    vuln_refs = [v["bom-ref"] for v in doc.get("vulnerabilities", []) if "bom-ref" in v]
    if len(set(vuln_refs)) != len(vuln_refs) or set(vuln_refs) & set(refs):
        errors.append("vulnerability bom-refs are not unique")
    known = set(refs)
    for i, v in enumerate(doc.get("vulnerabilities", [])):
        for a in v.get("affects", []):
            if a.get("ref") not in known:
                errors.append("vulnerability %d affects unknown bom-ref %r" % (i, a.get("ref")))
    for d in doc.get("dependencies", []):
        for r in [d["ref"]] + d.get("dependsOn", []):
            if r not in known:
                errors.append("dependency refers to unknown bom-ref %r" % r)


def spdx_rules(doc, store, errors):
    ids = spdx_ids(store)
    spdxid = re.compile(r"^SPDXRef-[A-Za-z0-9.\-]+$")
    elements = ["SPDXRef-DOCUMENT"] if doc.get("SPDXID") == "SPDXRef-DOCUMENT" else []
    if not elements:
        errors.append("document SPDXID must be SPDXRef-DOCUMENT")
    refs_used = set()
    declared = [e.get("licenseId") for e in doc.get("hasExtractedLicensingInfos", [])]
    for d in declared:
        if not d or not LICENSE_REF.match(d) or d.startswith("DocumentRef-"):
            errors.append("hasExtractedLicensingInfos: bad licenseId %r" % d)
    if len(declared) != len(set(declared)):
        errors.append("hasExtractedLicensingInfos: licenseIds are not unique")
    for i, p in enumerate(doc.get("packages", [])):
        where = "package %d" % i
        if not spdxid.match(p.get("SPDXID", "")):
            errors.append("%s: bad SPDXID %r" % (where, p.get("SPDXID")))
        elements.append(p.get("SPDXID"))
        for key in ("licenseDeclared", "licenseConcluded"):
            v = p.get(key)
            if v is not None and v not in ("NOASSERTION", "NONE"):
                check_expression(v, ids, errors, where + " " + key, refs_used)
        if p.get("filesAnalyzed", True) and "packageVerificationCode" not in p:
            errors.append("%s: filesAnalyzed without packageVerificationCode" % where)
        for ref in p.get("externalRefs", []):
            if ref.get("referenceType") == "purl":
                if ref.get("referenceCategory") != "PACKAGE-MANAGER":
                    errors.append("%s: purl reference not in category PACKAGE-MANAGER" % where)
                check_purl(ref.get("referenceLocator", ""), errors, where)
    for r in sorted(refs_used - set(declared)):
        if not r.startswith("DocumentRef-"):
            errors.append("%s is used but not declared in hasExtractedLicensingInfos" % r)
    if len(elements) != len(set(elements)):
        errors.append("SPDXIDs are not unique")
    known = set(elements)
    for r in doc.get("relationships", []):
        for key in ("spdxElementId", "relatedSpdxElement"):
            if r.get(key) not in known and r.get(key) not in ("NOASSERTION", "NONE"):
                errors.append("relationship refers to unknown element %r" % r.get(key))
    if not any(r.get("relationshipType") == "DESCRIBES" and r.get("spdxElementId") == "SPDXRef-DOCUMENT"
               for r in doc.get("relationships", [])):
        errors.append("the document DESCRIBES nothing")
    ns = doc.get("documentNamespace", "")
    if not re.match(r"^[a-z][a-z0-9+.-]*://[^\s#]+$", ns):
        errors.append("documentNamespace %r is not an absolute URI without '#'" % ns)
    created = doc.get("creationInfo", {}).get("created", "")
    if not re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", created):
        errors.append("creationInfo.created %r is not YYYY-MM-DDThh:mm:ssZ" % created)


# RFC 3986 URI reference: only unreserved, reserved and %XX characters
# (jsonschema checks format "uri-reference" only with an extra library).
URI_REFERENCE = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")


def sarif_rules(doc, errors):
    """What GitHub code scanning needs beyond the schema: a tool name, rules that
    results point at, a numeric security-severity, a location URI on every result
    and stable fingerprints."""
    for r_i, run in enumerate(doc.get("runs", [])):
        driver = run.get("tool", {}).get("driver", {})
        if not driver.get("name"):
            errors.append("run %d: tool.driver.name is missing" % r_i)
        rules = driver.get("rules", [])
        ids = [r.get("id") for r in rules]
        if len(ids) != len(set(ids)):
            errors.append("run %d: rule ids are not unique" % r_i)
        for rule in rules:
            sev = rule.get("properties", {}).get("security-severity")
            try:
                if sev is None or not 0 <= float(sev) <= 10:
                    raise ValueError
            except ValueError:
                errors.append("rule %s: security-severity %r is not a number from 0 to 10" % (rule.get("id"), sev))
        for i, res in enumerate(run.get("results", [])):
            where = "run %d result %d" % (r_i, i)
            if res.get("ruleId") not in ids:
                errors.append("%s: ruleId %r names no rule" % (where, res.get("ruleId")))
            elif "ruleIndex" in res and ids[res["ruleIndex"]] != res["ruleId"]:
                errors.append("%s: ruleIndex does not point at ruleId" % where)
            locs = res.get("locations", [])
            uri = locs[0].get("physicalLocation", {}).get("artifactLocation", {}).get("uri") if locs else None
            if not uri:
                errors.append("%s: no location URI" % where)
            elif not URI_REFERENCE.match(uri) or BAD_PERCENT.search(uri):
                errors.append("%s: location %r is not an RFC 3986 URI reference" % (where, uri))
            if not res.get("partialFingerprints"):
                errors.append("%s: no partialFingerprints" % where)
            if not res.get("message", {}).get("text"):
                errors.append("%s: no message text" % where)


def main(argv):
    if len(argv) != 4 or argv[2] not in SCHEMAS:
        print(__doc__)
        return 2
    schema_dir, kind, path = argv[1], argv[2], argv[3]
    store = load_schemas(schema_dir)
    schema = store.get(SCHEMAS[kind])
    if schema is None:
        print("schema %s not found in %s" % (SCHEMAS[kind], schema_dir))
        return 2
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    validator = make_validator(schema, store)
    errors = []
    for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        errors.append("schema: %s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(root)", e.message[:300]))
    if kind.startswith("cyclonedx"):
        if doc.get("specVersion") != kind.split("-")[1]:
            errors.append("specVersion is %r" % doc.get("specVersion"))
        cyclonedx_rules(doc, store, errors)
    elif kind.startswith("sarif"):
        if doc.get("version") != "2.1.0":
            errors.append("version is %r" % doc.get("version"))
        sarif_rules(doc, errors)
    else:
        spdx_rules(doc, store, errors)
    for e in errors[:50]:
        print(e)
    if errors:
        print("%d error(s)" % len(errors))
        return 1
    print("valid %s (jsonschema %s, formats: %s)" % (
        kind, getattr(jsonschema, "__version__", "?"), ",".join(sorted(validator.format_checker.checkers))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
