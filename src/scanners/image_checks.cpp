#include "scanners/image_checks.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "cache/codec.hpp"
#include "inventory/package.hpp"

namespace dagda::scanners {
namespace {

// The checks, by id: severity and title (docs/scanners.md says what each checks and why).
struct Check {
  std::string_view id, severity, title;
};
constexpr Check kRoot{"DG-IMG-001", "high", "The image runs as root (no USER, or USER root)"};
constexpr Check kHealth{"DG-IMG-002", "low", "No HEALTHCHECK"};
constexpr Check kAddUrl{"DG-IMG-003", "medium", "ADD of a URL (fetched without a checksum; use curl and verify it)"};
constexpr Check kEnvSecret{"DG-IMG-004", "high", "A secret in the image's ENV or build history"};
constexpr Check kCache{"DG-IMG-005", "low", "A package manager's cache is left in the image"};
constexpr Check kSetuid{"DG-IMG-006", "medium", "A setuid or setgid file that no OS package installed"};
constexpr Check kWritable{"DG-IMG-007", "medium", "A world-writable file"};
constexpr Check kPort{"DG-IMG-008", "medium", "A sensitive port is exposed"};
constexpr Check kLatest{"DG-IMG-009", "low", "The base image is not pinned (the latest tag, or no tag)"};

Finding finding(const Check& c, std::string target, std::string layer = {}, uint64_t line = 0,
                std::string evidence = {}) {
  Finding f;
  f.kind = std::string(kKindConfig);
  f.package = kNoPackage;
  f.id = std::string(c.id);
  f.severity = std::string(c.severity);
  f.title = std::string(c.title);
  f.target = std::move(target);
  f.layer = std::move(layer);
  f.line = line;
  f.evidence = std::move(evidence);
  return f;
}

// Ports whose services should not be reachable from a container image's defaults.
bool sensitive_port(std::string_view port) {
  std::string_view num = port.substr(0, port.find('/'));
  for (std::string_view p : {"21", "22", "23", "111", "135", "139", "445", "2375", "2376", "3389", "5900"})
    if (num == p) return true;
  return false;
}

bool is_root(std::string_view user) {
  std::string_view name = user.substr(0, user.find(':'));
  return name.empty() || name == "root" || name == "0";
}

// The package manager cache folder a path is in, or "" when none.
std::string_view cache_dir_of(std::string_view path) {
  static constexpr std::string_view kCaches[] = {
      "var/cache/apt/archives/", "var/lib/apt/lists/", "var/cache/apk/",  "var/cache/yum/",
      "var/cache/dnf/",          "root/.cache/pip/",   "root/.npm/_cacache/"};
  for (std::string_view dir : kCaches) {
    if (!path.starts_with(dir)) continue;
    std::string_view rest = path.substr(dir.size());
    if (rest.empty() || rest == "lock" || rest.starts_with("partial/") || rest.starts_with("auxfiles/")) return {};
    if (dir == "var/cache/apt/archives/" && !rest.ends_with(".deb")) return {};
    return dir.substr(0, dir.size() - 1);
  }
  return {};
}

std::string printable_line(std::string_view s) {
  std::string out(s.substr(0, 160));
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  if (s.size() > 160) out += "...";
  return out;
}

const RE2& add_url_re() {
  static const RE2 re(R"((?i)(?:^|\s|#\(nop\)\s*)ADD\s+(?:--\S+\s+)*(https?://\S+))");
  return re;
}

// A secret in an "ENV"/"ARG" pair or a history line, for DG-IMG-004.
void env_secrets(const SecretScanner& secrets, std::string_view text, bool pair, std::vector<SecretHit>& out) {
  if (pair)
    secrets.scan_env(text, out);
  else
    secrets.scan(text, "", 0, out);
}

}  // namespace

void FsWatch::see(const LayerInfo& layer, const EntryMeta& e) {
  std::lock_guard lock(mu_);
  Layer& l = layers_[layer.index];
  switch (e.kind) {
    case LayerEntry::Kind::whiteout:
      l.whiteouts.emplace_back(e.path);
      return;
    case LayerEntry::Kind::opaque:
      l.opaques.emplace_back(e.path);
      return;
    case LayerEntry::Kind::dir:
      return;
    default:
      break;
  }
  l.paths.push_back(std::hash<std::string_view>{}(e.path));
  if (e.kind != LayerEntry::Kind::file) return;
  if (e.mode & 06000) l.candidates.push_back({std::string(e.path), e.mode, 1});
  if (e.mode & 0002) l.candidates.push_back({std::string(e.path), e.mode, 2});
  if (!cache_dir_of(e.path).empty()) l.candidates.push_back({std::string(e.path), e.mode, 3});
}

void FsWatch::save(int layer, std::string& out) const {
  std::lock_guard lock(mu_);
  auto it = layers_.find(layer);
  static const Layer kEmpty;
  const Layer& l = it == layers_.end() ? kEmpty : it->second;
  cache::put_u64(out, l.candidates.size());
  for (const Candidate& c : l.candidates) {
    cache::put_str(out, c.path);
    cache::put_u32(out, c.mode);
    cache::put_u8(out, static_cast<uint8_t>(c.what));
  }
  for (const auto* list : {&l.whiteouts, &l.opaques}) {
    cache::put_u64(out, list->size());
    for (const std::string& p : *list) cache::put_str(out, p);
  }
  cache::put_u64(out, l.paths.size());
  for (uint64_t h : l.paths) cache::put_u64(out, h);
}

bool FsWatch::restore(int layer, std::string_view bytes) {
  cache::Cursor c(bytes);
  Layer l;
  uint64_t n = 0;
  if (!c.u64(&n) || n > c.left() / 9) return false;
  for (uint64_t i = 0; i < n; ++i) {
    Candidate k;
    uint8_t what = 0;
    if (!c.str(&k.path) || !c.u32(&k.mode) || !c.u8(&what) || what < 1 || what > 3) return false;
    k.what = what;
    l.candidates.push_back(std::move(k));
  }
  for (auto* list : {&l.whiteouts, &l.opaques}) {
    if (!c.u64(&n) || n > c.left() / 4) return false;
    for (uint64_t i = 0; i < n; ++i)
      if (!c.str(&list->emplace_back())) return false;
  }
  if (!c.u64(&n) || n != c.left() / 8 || c.left() % 8) return false;
  l.paths.resize(static_cast<size_t>(n));
  for (uint64_t& h : l.paths) c.u64(&h);
  std::lock_guard lock(mu_);
  layers_[layer] = std::move(l);
  return true;
}

void FsWatch::drop(int layer) {
  std::lock_guard lock(mu_);
  layers_.erase(layer);
}

std::vector<Finding> FsWatch::findings(const Inventory& inv) const {
  std::lock_guard lock(mu_);
  std::vector<Finding> out;
  bool any = false;
  for (const auto& [index, l] : layers_) any = any || !l.candidates.empty();
  if (!any) return out;
  // The last layer that wrote each path, and that hid each path.
  std::unordered_map<uint64_t, int> last_write;
  std::map<std::string, int, std::less<>> whiteout, opaque;
  for (const auto& [index, l] : layers_) {
    for (uint64_t h : l.paths) {
      auto [it, fresh] = last_write.emplace(h, index);
      if (!fresh) it->second = std::max(it->second, index);
    }
    for (const std::string& p : l.whiteouts) whiteout[p] = std::max(whiteout[p], index);
    for (const std::string& p : l.opaques) opaque[p] = std::max(opaque[p], index);
  }
  auto present = [&](const Candidate& c, int layer) {
    if (last_write.at(std::hash<std::string_view>{}(c.path)) > layer) return false;
    std::string_view p = c.path;
    for (;;) {
      if (auto w = whiteout.find(p); w != whiteout.end() && w->second > layer) return false;
      size_t slash = p.rfind('/');
      if (slash == std::string_view::npos) break;
      p = p.substr(0, slash);
      if (auto o = opaque.find(p); o != opaque.end() && o->second > layer) return false;
    }
    return true;
  };
  std::unordered_set<std::string_view> os_files;
  for (const Package& p : inv.packages) {
    if (!is_os_ecosystem(p.ecosystem)) continue;
    for (const std::string& f : p.files) {
      std::string_view v = f;
      while (v.starts_with('/')) v.remove_prefix(1);
      os_files.insert(v);
    }
  }
  // On a merged-/usr system the package database may list /bin/su for what the layer holds as
  // usr/bin/su (and the other way round).
  auto owned = [&](std::string_view path) {
    if (os_files.contains(path)) return true;
    for (std::string_view dir : {"bin/", "sbin/", "lib/", "lib32/", "lib64/", "libx32/"}) {
      if (path.starts_with(dir) && os_files.contains("usr/" + std::string(path))) return true;
      if (path.starts_with("usr/") && path.substr(4).starts_with(dir) && os_files.contains(path.substr(4)))
        return true;
    }
    return false;
  };
  auto layer_id = [&](int index) -> std::string {
    for (const LayerInfo& l : inv.source.layers)
      if (l.index == index) return l.diff_id;
    return {};
  };
  std::map<std::string_view, std::pair<size_t, int>> caches;  // dir -> (files, last layer)
  for (const auto& [index, layer] : layers_)
    for (const Candidate& c : layer.candidates) {
      if (!present(c, index)) continue;
      if (c.what == 3) {
        auto& [n, l] = caches[cache_dir_of(c.path)];
        ++n;
        l = std::max(l, index);
        continue;
      }
      if (owned(c.path)) continue;
      out.push_back(finding(c.what == 1 ? kSetuid : kWritable, c.path, layer_id(index), 0,
                            fmt::format("mode {:04o}", c.mode)));
    }
  for (auto& [dir, nl] : caches)
    out.push_back(finding(kCache, std::string(dir), layer_id(nl.second), 0, fmt::format("{} files", nl.first)));
  return out;
}

std::vector<Finding> settings_findings(const SourceInfo& source, const SecretScanner* secrets) {
  std::vector<Finding> out;
  const ImageSettings& s = source.settings;
  if (!s.present) return out;
  auto layer_id = [&](int index) -> std::string {
    for (const LayerInfo& l : source.layers)
      if (l.index == index) return l.diff_id;
    return {};
  };
  if (is_root(s.user))
    out.push_back(finding(kRoot, "image config: User", {}, 0, s.user.empty() ? "User is not set" : "User " + s.user));
  if (!s.healthcheck) out.push_back(finding(kHealth, "image config: Healthcheck"));
  for (const std::string& port : s.exposed_ports)
    if (sensitive_port(port)) out.push_back(finding(kPort, "image config: ExposedPorts", {}, 0, port));
  for (const auto& [k, v] : s.labels)
    if (k == "org.opencontainers.image.base.name") {
      std::string_view name = v;
      std::string_view last = name.substr(name.rfind('/') == std::string_view::npos ? 0 : name.rfind('/') + 1);
      if (name.find('@') == std::string_view::npos &&
          (last.find(':') == std::string_view::npos || last.ends_with(":latest")))
        out.push_back(finding(kLatest, "image config: Labels " + k, {}, 0, v));
    }
  std::set<std::string> seen;
  for (size_t i = 0; i < s.history.size(); ++i) {
    const auto& step = s.history[i];
    std::string url;
    if (RE2::PartialMatch(step.created_by, add_url_re(), &url))
      out.push_back(finding(kAddUrl, fmt::format("image history: step {}", i + 1),
                            step.layer >= 0 ? layer_id(step.layer) : "", 0, printable_line(url)));
  }
  if (secrets) {
    auto report = [&](const std::vector<SecretHit>& hits, const std::string& target, const std::string& layer) {
      for (const SecretHit& h : hits)
        if (seen.insert(h.rule + '\0' + h.secret_digest).second)
          out.push_back(finding(kEnvSecret, target, layer, 0, h.rule + ": " + h.evidence));
    };
    for (const std::string& env : s.env) {
      std::vector<SecretHit> hits;
      env_secrets(*secrets, env, true, hits);
      report(hits, "image config: Env " + env.substr(0, env.find('=')), "");
    }
    for (size_t i = 0; i < s.history.size(); ++i) {
      std::vector<SecretHit> hits;
      env_secrets(*secrets, s.history[i].created_by, false, hits);
      report(hits, fmt::format("image history: step {}", i + 1),
             s.history[i].layer >= 0 ? layer_id(s.history[i].layer) : "");
    }
  }
  return out;
}

bool is_dockerfile(std::string_view path) {
  std::string_view base = path.substr(path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1);
  return base == "Dockerfile" || base == "Containerfile" || base.ends_with(".Dockerfile") ||
         base.ends_with(".dockerfile") || base.starts_with("Dockerfile.");
}

std::vector<Finding> dockerfile_findings(std::string_view text, const std::string& path, const std::string& layer,
                                         const SecretScanner* secrets) {
  // Instructions: continuation lines joined, comments and blank lines dropped; each keeps its first line.
  struct Instruction {
    uint64_t line;
    std::string keyword, args;
  };
  std::vector<Instruction> ins;
  {
    std::string pending;
    uint64_t start = 0, n = 0;
    size_t pos = 0;
    while (pos <= text.size()) {
      size_t nl = text.find('\n', pos);
      std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
      pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
      ++n;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      std::string_view trimmed = line;
      while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\t')) trimmed.remove_prefix(1);
      if (trimmed.starts_with('#')) continue;
      if (pending.empty()) {
        if (trimmed.empty()) continue;
        start = n;
      }
      const bool cont = !trimmed.empty() && trimmed.back() == '\\';
      pending += std::string(cont ? trimmed.substr(0, trimmed.size() - 1) : trimmed) + " ";
      if (cont && ins.size() < 100000) continue;
      size_t sp = pending.find_first_of(" \t");
      Instruction i{start, pending.substr(0, sp), sp == std::string::npos ? "" : pending.substr(sp + 1)};
      for (char& c : i.keyword) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      while (!i.args.empty() && (i.args.back() == ' ' || i.args.back() == '\t')) i.args.pop_back();
      ins.push_back(std::move(i));
      pending.clear();
    }
  }
  std::vector<Finding> out;
  // Only the final stage makes the image: its USER and HEALTHCHECK count.
  size_t final_from = 0;
  std::set<std::string> stages;
  for (size_t k = 0; k < ins.size(); ++k)
    if (ins[k].keyword == "FROM") final_from = k;
  const Instruction* user = nullptr;
  bool healthcheck = false;
  auto where = [&](const Instruction& i) { return printable_line(i.keyword + " " + i.args); };
  for (size_t k = 0; k < ins.size(); ++k) {
    const Instruction& i = ins[k];
    std::string args = i.args;
    if (i.keyword == "FROM") {
      std::vector<std::string> words;
      for (size_t p = 0; p < args.size();) {
        size_t e = args.find_first_of(" \t", p);
        if (e == std::string::npos) e = args.size();
        if (e > p) words.push_back(args.substr(p, e - p));
        p = e + 1;
      }
      std::string image;
      for (const std::string& w : words)
        if (!w.starts_with("--")) {
          image = w;
          break;
        }
      if (words.size() >= 2) {
        std::string alias = words.back();
        for (char& c : alias) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (words[words.size() - 2] == "AS" || words[words.size() - 2] == "as") stages.insert(alias);
      }
      std::string low = image;
      for (char& c : low) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string_view last = low;
      if (size_t slash = last.rfind('/'); slash != std::string_view::npos) last.remove_prefix(slash + 1);
      if (!image.empty() && low != "scratch" && !stages.count(low) && image.find('$') == std::string::npos &&
          low.find('@') == std::string::npos &&
          (last.find(':') == std::string_view::npos || last.ends_with(":latest")))
        out.push_back(finding(kLatest, path, layer, i.line, where(i)));
      continue;
    }
    if (k < final_from) continue;
    if (i.keyword == "USER") user = &i;
    if (i.keyword == "HEALTHCHECK") {
      std::string a = args;
      for (char& c : a) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      healthcheck = a != "NONE";
    }
    std::string url;
    if (i.keyword == "ADD" && RE2::PartialMatch(i.keyword + " " + args, add_url_re(), &url))
      out.push_back(finding(kAddUrl, path, layer, i.line, printable_line(url)));
    if (i.keyword == "EXPOSE") {
      for (size_t p = 0; p < args.size();) {
        size_t e = args.find_first_of(" \t", p);
        if (e == std::string::npos) e = args.size();
        std::string port = args.substr(p, e - p);
        if (sensitive_port(port)) out.push_back(finding(kPort, path, layer, i.line, port));
        p = e + 1;
      }
    }
    if (i.keyword == "RUN") {
      static const RE2 apt(R"(\bapt(-get)?\s+(-\S+\s+)*install\b)");
      static const RE2 apt_clean(R"(rm\s+-[a-zA-Z]*\s+[^;&|]*/var/lib/apt/lists)");
      static const RE2 apk(R"(\bapk\s+add\b)");
      static const RE2 setuid(R"(\bchmod\s+(-\S+\s+)*([ugoa]*\+[rwxX]*s|[2467][0-7]{3})\b)");
      static const RE2 writable(R"(\bchmod\s+(-\S+\s+)*([ugoa]*[ao]\+[rwxX]*w|[0-7]?[0-7][0-7][2367])\b)");
      if ((RE2::PartialMatch(args, apt) && !RE2::PartialMatch(args, apt_clean)) ||
          (RE2::PartialMatch(args, apk) && args.find("--no-cache") == std::string::npos))
        out.push_back(finding(kCache, path, layer, i.line, where(i)));
      if (RE2::PartialMatch(args, setuid)) out.push_back(finding(kSetuid, path, layer, i.line, where(i)));
      if (RE2::PartialMatch(args, writable)) out.push_back(finding(kWritable, path, layer, i.line, where(i)));
    }
    if (secrets && (i.keyword == "ENV" || i.keyword == "ARG")) {
      // ENV k=v k2=v2, or the old form ENV k v.
      std::vector<std::string> pairs;
      if (args.find('=') == std::string::npos || args.find(' ') < args.find('=')) {
        size_t sp = args.find(' ');
        if (sp != std::string::npos) pairs.push_back(args.substr(0, sp) + "=" + args.substr(sp + 1));
      } else {
        for (size_t p = 0; p < args.size();) {
          size_t e = args.find(' ', p);
          if (e == std::string::npos) e = args.size();
          pairs.push_back(args.substr(p, e - p));
          p = e + 1;
        }
      }
      for (std::string& pair : pairs) {
        if (pair.size() >= 2 && pair.find("=\"") != std::string::npos && pair.back() == '"') {
          pair.erase(pair.find("=\"") + 1, 1);
          pair.pop_back();
        }
        std::vector<SecretHit> hits;
        secrets->scan_env(pair, hits);
        for (const SecretHit& h : hits) out.push_back(finding(kEnvSecret, path, layer, i.line, h.rule + ": " + h.evidence));
      }
    }
  }
  if (!ins.empty()) {
    if (!user || is_root(user->args))
      out.push_back(finding(kRoot, path, layer, user ? user->line : 0, user ? where(*user) : "no USER instruction"));
    if (!healthcheck) out.push_back(finding(kHealth, path, layer));
  }
  return out;
}

}  // namespace dagda::scanners
