// catalog/lockfile/pom_xml.cpp: Maven pom.xml dependencies, without fetching anything.
//
// Reads <dependencies><dependency> of the project (not of profiles or plugins).
// Versions may use ${properties}: the project's <properties>, those of its
// parents, and project.version, project.groupId, project.artifactId,
// project.parent.version and project.parent.groupId. A missing <version> is
// taken from <dependencyManagement> of the project or its parents. A parent is
// followed only when it is in the scanned tree (<relativePath>, default
// ../pom.xml) and has the groupId and artifactId the child names; remote
// parents and imported BOMs are never fetched, so dependencies whose version
// depends on them are left out with a note, as are system-scope dependencies
// (local jars). The scope is Maven's <scope> when it is not compile, else
// "optional" for <optional>true</optional>. Documents with a DTD are refused:
// poms have none, and entities are a way to make a small file expand.
#include <fmt/format.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <map>
#include <mutex>

#include "catalog/lockfile/common.hpp"

namespace dagda::lockfile {
namespace {

constexpr int kMaxParents = 16;
constexpr int kMaxExpansions = 32;

bool wants(std::string_view path) {
  std::string_view base = basename(path);
  return base == "pom.xml";
}

struct Doc {
  xmlDocPtr doc = nullptr;
  Doc() = default;
  explicit Doc(xmlDocPtr d) : doc(d) {}
  Doc(Doc&& o) noexcept : doc(o.doc) { o.doc = nullptr; }
  Doc& operator=(Doc&&) = delete;
  ~Doc() {
    if (doc) xmlFreeDoc(doc);
  }
};

bool is(const xmlNode* n, const char* name) {
  return n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, reinterpret_cast<const xmlChar*>(name)) == 0;
}

const xmlNode* child(const xmlNode* n, const char* name) {
  if (!n) return nullptr;
  for (const xmlNode* c = n->children; c; c = c->next)
    if (is(c, name)) return c;
  return nullptr;
}

// The element's own text (text and CDATA children), trimmed; entity references are not expanded.
std::string text(const xmlNode* n) {
  if (!n) return {};
  std::string out;
  for (const xmlNode* c = n->children; c; c = c->next)
    if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
      out += reinterpret_cast<const char*>(c->content);
  return std::string(trim(out));
}

std::string text(const xmlNode* n, const char* name) {
  return text(child(n, name));
}

Result<Doc> parse_xml(const std::string& path, std::string_view content) {
  DAGDA_TRY(check_size(path, content));
  if (content.find("<!DOCTYPE") != std::string_view::npos ||
      content.find("<!ENTITY") != std::string_view::npos)
    return Error(ErrorCode::unsupported, "pom.xml with a DTD or entity declarations is not read",
                 {.file = path});
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
  xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
  if (!ctxt) return Error(ErrorCode::internal, "cannot create an XML parser", {.file = path});
  xmlDocPtr doc =
      xmlCtxtReadMemory(ctxt, content.data(), static_cast<int>(content.size()), path.c_str(), nullptr,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
  if (!doc) {
    const xmlError* e = xmlCtxtGetLastError(ctxt);
    std::string msg = e && e->message ? std::string(trim(e->message)) : "unknown error";
    uint64_t line = e ? static_cast<uint64_t>(e->line) : 0;
    xmlFreeParserCtxt(ctxt);
    return Error(ErrorCode::corrupt, fmt::format("not well-formed XML: {}", msg),
                 {.file = path, .line = line});
  }
  xmlFreeParserCtxt(ctxt);
  Doc d(doc);
  const xmlNode* root = xmlDocGetRootElement(doc);
  if (!root || !is(root, "project"))
    return Error(ErrorCode::corrupt, "not a pom.xml: the root element is not <project>", {.file = path});
  return d;
}

struct Pom {
  std::string path;
  Doc doc;
  const xmlNode* project = nullptr;
};

struct Model {
  std::map<std::string, std::string> props;
  std::map<std::string, std::string> managed;  // groupId:artifactId -> version (raw)
};

// Adds a pom's properties and managed versions to the model, keeping those already there (the child's).
void absorb(Model& m, const xmlNode* project) {
  for (const xmlNode* c = child(project, "properties") ? child(project, "properties")->children : nullptr; c;
       c = c->next)
    if (c->type == XML_ELEMENT_NODE) m.props.emplace(reinterpret_cast<const char*>(c->name), text(c));
  const xmlNode* deps = child(child(project, "dependencyManagement"), "dependencies");
  for (const xmlNode* d = deps ? deps->children : nullptr; d; d = d->next)
    if (is(d, "dependency") && !text(d, "version").empty())
      m.managed.emplace(text(d, "groupId") + ":" + text(d, "artifactId"), text(d, "version"));
}

// Replaces ${name} from the model; empty when something is left unresolved.
std::string interpolate(const Model& m, std::string value) {
  for (int round = 0; round < kMaxExpansions; ++round) {
    size_t open = value.find("${");
    if (open == std::string::npos) return value;
    size_t close = value.find('}', open);
    if (close == std::string::npos) return {};
    std::string name = value.substr(open + 2, close - open - 2);
    auto it = m.props.find(name);
    if (it == m.props.end()) return {};
    if (value.size() - (close - open + 1) + it->second.size() > 4096) return {};
    value.replace(open, close - open + 1, it->second);
  }
  return {};
}

Result<CatalogOutput> parse(const LockfileContext& ctx, const std::string& path, std::string_view content) {
  DAGDA_ASSIGN_OR_RETURN(Doc doc, parse_xml(path, content));
  const xmlNode* project = xmlDocGetRootElement(doc.doc);
  Model model;
  absorb(model, project);
  Skips skips;

  // Built-ins of this project, then the chain of parents found in the tree.
  const xmlNode* parent = child(project, "parent");
  std::string group = text(project, "groupId"), version = text(project, "version");
  if (group.empty()) group = text(parent, "groupId");
  if (version.empty()) version = text(parent, "version");
  for (const char* k : {"project.version", "pom.version", "version"}) model.props.emplace(k, version);
  model.props.emplace("project.groupId", group);
  model.props.emplace("project.artifactId", text(project, "artifactId"));
  if (parent) {
    model.props.emplace("project.parent.version", text(parent, "version"));
    model.props.emplace("project.parent.groupId", text(parent, "groupId"));
  }
  std::vector<Doc> ancestors;  // keeps the parents' trees alive while the model points into them
  std::string current = path;
  for (int depth = 0; parent && depth < kMaxParents; ++depth) {
    std::string rel = text(parent, "relativePath");
    if (child(parent, "relativePath") && rel.empty()) break;  // <relativePath/>: look only in repositories
    if (rel.empty()) rel = "../pom.xml";
    if (!rel.ends_with(".xml")) rel += "/pom.xml";
    std::string target;
    if (!normalise_relative(dirname(current), rel, target)) break;
    auto blob = ctx.fs.read(target);
    if (!blob.ok()) break;
    auto pdoc = parse_xml(target, (*blob)->data());
    if (!pdoc.ok()) {
      ctx.diag.warn("lockfile.parent-unreadable",
                    fmt::format("parent {} is not used: {}", target, pdoc.error().message()), {.file = path});
      break;
    }
    const xmlNode* pproj = xmlDocGetRootElement(pdoc->doc);
    std::string pgroup = text(pproj, "groupId");
    if (pgroup.empty()) pgroup = text(child(pproj, "parent"), "groupId");
    if (text(pproj, "artifactId") != text(parent, "artifactId") || pgroup != text(parent, "groupId")) break;
    absorb(model, pproj);
    parent = child(pproj, "parent");
    current = target;
    ancestors.push_back(std::move(pdoc).value());
  }

  CatalogOutput out;
  const xmlNode* deps = child(project, "dependencies");
  for (const xmlNode* d = deps ? deps->children : nullptr; d; d = d->next) {
    if (!is(d, "dependency")) continue;
    std::string g = interpolate(model, text(d, "groupId")), a = interpolate(model, text(d, "artifactId"));
    if (g.empty() || a.empty()) {
      skips.add("groupId or artifactId not resolvable", text(d, "groupId") + ":" + text(d, "artifactId"));
      continue;
    }
    std::string name = g + ":" + a;
    std::string scope = text(d, "scope");
    if (scope == "system") {
      skips.add("system scope (a local jar)", name);
      continue;
    }
    std::string raw = text(d, "version");
    if (raw.empty()) {
      auto it = model.managed.find(name);
      if (it != model.managed.end()) raw = it->second;
    }
    std::string v = raw.empty() ? std::string() : interpolate(model, raw);
    if (v.empty()) {
      skips.add("version not known without fetching (remote parent, BOM or undefined property)",
                raw.empty() ? name : name + "@" + raw);
      continue;
    }
    if (scope == "compile") scope.clear();
    if (scope.empty() && text(d, "optional") == "true") scope = "optional";
    out.packages.push_back(make_package("maven", name, v, path, scope));
  }
  skips.flush(ctx.diag, path);
  return out;
}

}  // namespace

extern const LockfileCataloger pom_xml{
    "pom-xml", "Maven pom.xml dependencies (properties, parents in the tree)", 1, wants, parse};

}  // namespace dagda::lockfile
