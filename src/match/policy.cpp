#include "match/policy.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <ctime>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "common/fs.hpp"
#include "inventory/purl.hpp"
#include "match/ignore_file.hpp"

namespace dagda {
namespace {

bool names_vuln(const Finding& f, const std::string& id) {
  if (f.id == id) return true;
  return std::find(f.aliases.begin(), f.aliases.end(), id) != f.aliases.end();
}

std::string today_utc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// purl without version, qualifiers and subpath: "pkg:deb/debian/openssl".
std::string purl_base(const std::string& purl) {
  std::string s = purl.substr(0, purl.find_first_of("?#"));
  auto at = s.rfind('@');
  auto slash = s.rfind('/');
  if (at != std::string::npos && (slash == std::string::npos || at > slash)) s.resize(at);
  return s;
}

bool product_matches(const std::string& product, const std::string& purl) {
  if (product.empty()) return false;
  std::string p = product.substr(0, product.find_first_of("?#"));
  std::string q = purl.substr(0, purl.find_first_of("?#"));
  if (p == q) return true;
  return p == purl_base(purl);  // a product without a version covers every version
}

// One product of a VEX statement: its identifiers (@id and `identifiers`)
// and those of its subcomponents (packages inside it).
struct VexProduct {
  std::vector<std::string> ids;
  std::vector<std::string> subcomponents;
};

struct VexStatement {
  std::vector<std::string> vulns;    // name and aliases
  std::vector<VexProduct> products;  // empty with `every_product`
  bool every_product = false;        // the statement lists no products
  std::string status, justification, impact;
  int index = 0;
};

std::vector<std::string> identifiers_of(const nlohmann::json& node) {
  std::vector<std::string> out;
  if (node.is_string()) out.push_back(node.get<std::string>());
  if (!node.is_object()) return out;
  if (node.contains("@id") && node["@id"].is_string()) out.push_back(node["@id"].get<std::string>());
  if (node.contains("identifiers") && node["identifiers"].is_object())
    for (auto& [k, v] : node["identifiers"].items())
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += char(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The parts of a purl that name an image: pkg:oci/NAME@DIGEST?repository_url=R&tag=T or pkg:docker/NS/NAME@TAG.
struct ImageRef {
  std::string type, name, version, repository_url, tag;
};

std::optional<ImageRef> image_ref(std::string_view purl) {
  ImageRef r;
  if (purl.starts_with("pkg:oci/")) r.type = "oci";
  else if (purl.starts_with("pkg:docker/")) r.type = "docker";
  else return std::nullopt;
  purl.remove_prefix(r.type.size() + 5);
  std::string_view quals;
  if (auto h = purl.find('#'); h != std::string_view::npos) purl = purl.substr(0, h);
  if (auto q = purl.find('?'); q != std::string_view::npos) quals = purl.substr(q + 1), purl = purl.substr(0, q);
  if (auto at = purl.rfind('@'); at != std::string_view::npos) r.version = percent_decode(purl.substr(at + 1)), purl = purl.substr(0, at);
  r.name = percent_decode(purl);
  while (!quals.empty()) {
    auto amp = quals.find('&');
    std::string_view kv = quals.substr(0, amp);
    auto eq = kv.find('=');
    if (eq != std::string_view::npos) {
      if (kv.substr(0, eq) == "repository_url") r.repository_url = percent_decode(kv.substr(eq + 1));
      if (kv.substr(0, eq) == "tag") r.tag = percent_decode(kv.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    quals.remove_prefix(amp + 1);
  }
  return r;
}

// "docker.io/library/alpine:3.10" -> {"docker.io/library/alpine", "3.10"}
std::pair<std::string, std::string> split_tag(const std::string& ref) {
  auto at = ref.find('@');
  std::string r = ref.substr(0, at);
  auto colon = r.rfind(':');
  if (colon != std::string::npos && r.find('/', colon) == std::string::npos) return {r.substr(0, colon), r.substr(colon + 1)};
  return {r, ""};
}

bool same_digest(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return false;
  if (a.starts_with("sha256:")) a.remove_prefix(7);
  if (b.starts_with("sha256:")) b.remove_prefix(7);
  return a == b;
}

// Whether an image purl names the image that was scanned: by digest when it has
// one (the manifest or the config digest), else by repository and tag.
bool image_matches(const ImageRef& r, const SourceInfo& src) {
  if (r.type == "oci" && !r.version.empty())
    return same_digest(r.version, src.manifest_digest) || same_digest(r.version, src.image_id);
  std::string want_tag = r.type == "docker" ? r.version : r.tag;
  for (auto& t : src.tags) {
    auto [repo, tag] = split_tag(t);
    std::string last = repo.substr(repo.rfind('/') == std::string::npos ? 0 : repo.rfind('/') + 1);
    bool name_ok = repo == r.name || repo.ends_with("/" + r.name) || last == r.name;
    if (!r.repository_url.empty()) name_ok = name_ok && (repo == r.repository_url || repo.ends_with(r.repository_url));
    if (name_ok && (want_tag.empty() || tag == want_tag)) return true;
  }
  return false;
}

// Whether a statement covers this package of this image (OpenVEX: a product is
// the image or a package; subcomponents are packages inside their product).
bool statement_covers(const VexStatement& st, const std::string& purl, const SourceInfo& src) {
  if (st.every_product) return true;
  for (const VexProduct& p : st.products) {
    bool is_image = false, this_image = false, this_package = false;
    for (auto& id : p.ids) {
      if (auto ref = image_ref(id)) {
        is_image = true;
        this_image = this_image || image_matches(*ref, src);
      } else {
        this_package = this_package || product_matches(id, purl);
      }
    }
    if (is_image && !this_image) continue;
    if (p.subcomponents.empty()) {
      if (this_image || this_package) return true;
      continue;
    }
    for (auto& sc : p.subcomponents)
      if (product_matches(sc, purl)) return true;
  }
  return false;
}

Result<std::vector<VexStatement>> read_vex(const std::string& file) {
  DAGDA_ASSIGN_OR_RETURN(std::string text, read_file(file, 64u << 20));
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) return Error(ErrorCode::invalid_input, "not valid JSON", {.file = file});
  if (!doc.is_object() || !doc.contains("statements") || !doc["statements"].is_array())
    return Error(ErrorCode::invalid_input, "not an OpenVEX document (no `statements` list)", {.file = file});
  std::vector<VexStatement> out;
  int i = 0;
  for (auto& s : doc["statements"]) {
    ++i;
    if (!s.is_object() || !s.contains("status") || !s["status"].is_string() || !s.contains("vulnerability"))
      return Error(ErrorCode::invalid_input, fmt::format("statement {} needs `vulnerability` and `status`", i),
                   {.file = file});
    VexStatement st;
    st.index = i;
    st.status = s["status"].get<std::string>();
    static const std::set<std::string> kStatuses = {"not_affected", "affected", "fixed", "under_investigation"};
    if (!kStatuses.count(st.status))
      return Error(ErrorCode::invalid_input, fmt::format("statement {}: unknown status `{}`", i, st.status),
                   {.file = file});
    auto& v = s["vulnerability"];
    if (v.is_string()) st.vulns.push_back(v.get<std::string>());
    if (v.is_object()) {
      if (v.contains("name") && v["name"].is_string()) st.vulns.push_back(v["name"].get<std::string>());
      if (v.contains("@id") && v["@id"].is_string()) st.vulns.push_back(v["@id"].get<std::string>());
      if (v.contains("aliases") && v["aliases"].is_array())
        for (auto& a : v["aliases"])
          if (a.is_string()) st.vulns.push_back(a.get<std::string>());
    }
    if (st.vulns.empty())
      return Error(ErrorCode::invalid_input, fmt::format("statement {} names no vulnerability", i), {.file = file});
    if (s.contains("justification") && s["justification"].is_string())
      st.justification = s["justification"].get<std::string>();
    if (s.contains("impact_statement") && s["impact_statement"].is_string())
      st.impact = s["impact_statement"].get<std::string>();
    if (s.contains("products") && s["products"].is_array()) {
      for (auto& p : s["products"]) {
        VexProduct prod;
        prod.ids = identifiers_of(p);
        if (p.is_object() && p.contains("subcomponents") && p["subcomponents"].is_array())
          for (auto& sc : p["subcomponents"])
            for (auto& id : identifiers_of(sc)) prod.subcomponents.push_back(id);
        if (!prod.ids.empty() || !prod.subcomponents.empty()) st.products.push_back(std::move(prod));
      }
      if (st.products.empty())
        return Error(ErrorCode::invalid_input, fmt::format("statement {}: its products have no identifier", i),
                     {.file = file});
    } else {
      st.every_product = true;
    }
    out.push_back(std::move(st));
  }
  return out;
}

void suppress(Finding& f, Suppression s) {
  if (!f.suppressed) f.suppressed = std::move(s);
}

}  // namespace

std::vector<std::string> image_names(const SourceInfo& source) {
  std::vector<std::string> names{source.input};
  auto colon = source.input.find(':');
  if (colon != std::string::npos && source.input.find('/') > colon) names.push_back(source.input.substr(colon + 1));
  for (auto& t : source.tags) names.push_back(t);
  if (!source.image_id.empty()) names.push_back(source.image_id);
  return names;
}

Status apply_policy(ScanResult& result, const PolicyOptions& opts, const std::vector<state::FpMark>& marks) {
  auto& inv = result.inventory;
  std::string today = opts.today.empty() ? today_utc() : opts.today;

  {
    auto names = image_names(inv.source);
    for (auto& m : marks) {
      if (m.image != "*" && std::find(names.begin(), names.end(), m.image) == names.end()) continue;
      for (auto& f : result.findings) {
        if (f.kind != kKindVuln) continue;
        const Package& p = inv.packages[f.package];
        if (p.name != m.package && p.source_name != m.package) continue;
        if (!m.version.empty() && p.version != m.version) continue;
        if (!m.vuln_id.empty() && !names_vuln(f, m.vuln_id)) continue;
        suppress(f, Suppression{"fp",
                                fmt::format("marked as a false positive on {}", m.created_at.substr(0, 10)),
                                fmt::format("dagda fp {} {}{}{}", m.image, m.package,
                                            m.version.empty() ? "" : ":" + m.version,
                                            m.vuln_id.empty() ? "" : " " + m.vuln_id)});
      }
    }
  }

  if (!opts.ignorefile.empty()) {
    DAGDA_ASSIGN_OR_RETURN(auto entries, read_ignore_file(opts.ignorefile));
    for (auto& e : entries) {
      std::string where = fmt::format("{}:{}", opts.ignorefile, e.line);
      if (!e.expires.empty() && e.expires < today) {
        result.warnings.push_back(Warning{"policy.ignore-expired",
                                          fmt::format("ignore entry for {} expired on {}; it no longer suppresses",
                                                      e.id, e.expires),
                                          {.file = opts.ignorefile, .line = uint64_t(e.line)}});
        continue;
      }
      for (auto& f : result.findings) {
        if (!names_vuln(f, e.id)) continue;
        if (f.kind != kKindVuln) {
          // A secret, configuration or malware check: by its rule id, and `path` against where it was found.
          if (!e.package.empty()) continue;
          if (!e.path.empty() && fnmatch(e.path.c_str(), f.target.c_str(), 0) != 0) continue;
          suppress(f, Suppression{"ignorefile", e.reason.empty() ? "(no reason given)" : e.reason, where});
          continue;
        }
        const Package& p = inv.packages[f.package];
        if (!e.package.empty() && p.name != e.package && p.source_name != e.package && purl_for(p, inv.os ? &*inv.os : nullptr) != e.package)
          continue;
        if (!e.path.empty() && fnmatch(e.path.c_str(), p.path.c_str(), 0) != 0) continue;
        suppress(f, Suppression{"ignorefile", e.reason.empty() ? "(no reason given)" : e.reason, where});
      }
    }
  }

  if (!opts.vex.empty()) {
    DAGDA_ASSIGN_OR_RETURN(auto statements, read_vex(opts.vex));
    for (auto& st : statements) {
      if (st.status != "not_affected" && st.status != "fixed") continue;
      for (auto& f : result.findings) {
        bool named = false;
        for (auto& v : st.vulns) named = named || names_vuln(f, v);
        if (!named || f.kind != kKindVuln) continue;
        std::string purl = purl_for(inv.packages[f.package], inv.os ? &*inv.os : nullptr);
        if (!statement_covers(st, purl, inv.source)) continue;
        std::string reason = st.status;
        if (!st.justification.empty()) reason += ": " + st.justification;
        if (!st.impact.empty()) reason += " (" + st.impact + ")";
        Suppression s{"vex", reason, fmt::format("{} statement {}", opts.vex, st.index)};
        s.vex_status = st.status;
        s.justification = st.justification;
        suppress(f, std::move(s));
      }
    }
  }

  if (opts.ignore_unfixed)
    for (auto& f : result.findings)
      if (f.kind == kKindVuln && f.fixed_version.empty()) suppress(f, Suppression{"ignore-unfixed", "no fixed version yet", "--ignore-unfixed"});

  if (!opts.severities.empty()) {
    std::set<std::string> keep;
    if (opts.severities.size() == 1) {
      int min = severity_rank(opts.severities[0]);
      for (auto s : {"critical", "high", "medium", "low", "negligible", "unknown"})
        if (severity_rank(s) >= min) keep.insert(s);
    } else {
      keep.insert(opts.severities.begin(), opts.severities.end());
    }
    std::string list;
    for (auto& s : opts.severities) list += (list.empty() ? "" : ",") + s;
    for (auto& f : result.findings)
      if (!keep.count(f.severity)) suppress(f, Suppression{"severity", "below --severity " + list, "--severity"});
  }
  return Ok{};
}

}  // namespace dagda
