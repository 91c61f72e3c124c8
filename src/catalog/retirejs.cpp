// catalog/retirejs.cpp: the retire.js repository (jsrepository.json) and the
// matching of one JavaScript file against it.
//
// The repository is a JSON object: library name -> {"npmname", "bowername",
// "vulnerabilities", "extractors"}. The extractors used here are "filename"
// (regexes on the file's base name), "filecontent" (regexes on its content),
// "filecontentreplace" ("/REGEX/REPLACEMENT/": the version is the replacement
// with $N taken from the match) and "hashes" (SHA-1 of the file -> version).
// In every regex "§§version§§" stands for the version, the text retire.js puts
// there: [0-9][0-9.a-z_\-]+. The first group of a match is the version.
// "uri" and "func" extractors need a browser or a URL and are not used.
// The regexes are JavaScript's; RE2 takes nearly all of them, and those it
// cannot compile (backreferences, lookaround) are counted and skipped.
#include <fmt/format.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <map>
#include <nlohmann/json.hpp>

#include "catalog/app.hpp"

namespace dagda {
namespace {

constexpr std::string_view kPlaceholder = "\xc2\xa7\xc2\xa7version\xc2\xa7\xc2\xa7";  // §§version§§
constexpr std::string_view kVersionRegex = "[0-9][0-9.a-z_\\-]+";

std::string expand_placeholder(std::string_view re) {
  std::string out;
  for (;;) {
    size_t at = re.find(kPlaceholder);
    out.append(re.substr(0, at));
    if (at == std::string_view::npos) return out;
    out.append(kVersionRegex);
    re.remove_prefix(at + kPlaceholder.size());
  }
}

}  // namespace

struct RetireRepository::Impl {
  struct Rule {
    std::unique_ptr<RE2> re;
    std::string replacement;  // filecontentreplace only
    int set_index = -1;       // its pattern's index in `content_set`
  };
  struct Library {
    std::string name, npm;
    std::vector<Rule> filename, content, replace;
    std::map<std::string, std::string> hashes;
  };
  std::vector<Library> libs;
  size_t compiled = 0, skipped = 0;
  // Every content pattern in one automaton: one pass over a file says which of the
  // (hundreds of) patterns can match, and only those run again to capture the version.
  std::unique_ptr<RE2::Set> content_set;
  size_t set_size = 0;

  void build_set() {
    RE2::Options o;
    o.set_log_errors(false);
    o.set_max_mem(64 << 20);
    auto set = std::make_unique<RE2::Set>(o, RE2::UNANCHORED);
    for (Library& lib : libs)
      for (auto* rules : {&lib.content, &lib.replace})
        for (Rule& r : *rules) {
          r.set_index = set->Add(r.re->pattern(), nullptr);
          if (r.set_index < 0) return;  // then every rule runs on its own
        }
    set_size = 0;
    for (Library& lib : libs) set_size += lib.content.size() + lib.replace.size();
    if (set->Compile()) content_set = std::move(set);
  }

  std::unique_ptr<RE2> compile(const std::string& pattern) {
    RE2::Options o;
    o.set_log_errors(false);
    o.set_max_mem(8 << 20);
    auto re = std::make_unique<RE2>(expand_placeholder(pattern), o);
    if (!re->ok() || re->NumberOfCapturingGroups() < 1) {
      ++skipped;
      return nullptr;
    }
    ++compiled;
    return re;
  }
};

RetireRepository::RetireRepository() : impl_(std::make_unique<Impl>()) {}
RetireRepository::~RetireRepository() = default;
RetireRepository::RetireRepository(RetireRepository&&) noexcept = default;
RetireRepository& RetireRepository::operator=(RetireRepository&&) noexcept = default;

size_t RetireRepository::libraries() const {
  return impl_->libs.size();
}
size_t RetireRepository::regexes() const {
  return impl_->compiled;
}
size_t RetireRepository::skipped_regexes() const {
  return impl_->skipped;
}

Result<RetireRepository> RetireRepository::parse(std::string_view json) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded()) return Error(ErrorCode::corrupt, "the retire.js repository is not valid JSON");
  if (!j.is_object()) return Error(ErrorCode::corrupt, "the retire.js repository is not a JSON object");
  RetireRepository repo;
  Impl& impl = *repo.impl_;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!it->is_object()) continue;
    auto ex = it->find("extractors");
    if (ex == it->end() || !ex->is_object()) continue;
    Impl::Library lib;
    lib.name = it.key();
    if (auto n = it->find("npmname"); n != it->end() && n->is_string()) lib.npm = n->get<std::string>();
    auto strings = [&](const char* key) {
      std::vector<std::string> out;
      auto a = ex->find(key);
      if (a == ex->end() || !a->is_array()) return out;
      for (const auto& s : *a)
        if (s.is_string()) out.push_back(s.get<std::string>());
      return out;
    };
    for (const std::string& p : strings("filename"))
      if (auto re = impl.compile(p)) lib.filename.push_back({std::move(re), {}});
    for (const std::string& p : strings("filecontent"))
      if (auto re = impl.compile(p)) lib.content.push_back({std::move(re), {}});
    for (const std::string& p : strings("filecontentreplace")) {
      // "/REGEX/REPLACEMENT/"
      if (p.size() < 4 || p.front() != '/' || p.back() != '/') {
        ++impl.skipped;
        continue;
      }
      std::string_view body(p.data() + 1, p.size() - 2);
      size_t mid = body.rfind('/');
      if (mid == std::string_view::npos) {
        ++impl.skipped;
        continue;
      }
      if (auto re = impl.compile(std::string(body.substr(0, mid))))
        lib.replace.push_back({std::move(re), std::string(body.substr(mid + 1))});
    }
    if (auto h = ex->find("hashes"); h != ex->end() && h->is_object())
      for (auto hi = h->begin(); hi != h->end(); ++hi)
        if (hi->is_string()) lib.hashes[hi.key()] = hi->get<std::string>();
    impl.libs.push_back(std::move(lib));
  }
  impl.build_set();
  return repo;
}

std::vector<RetireRepository::Match> RetireRepository::scan(std::string_view filename,
                                                            std::string_view content,
                                                            std::string_view sha1) const {
  std::vector<Match> out;
  re2::StringPiece groups[10];
  // Which content patterns can match at all (all of them when there is no set, or it gave up).
  std::vector<bool> may_match;
  if (!content.empty() && impl_->content_set) {
    std::vector<int> hits;
    RE2::Set::ErrorInfo info{};
    if (impl_->content_set->Match(content, &hits, &info) || info.kind == RE2::Set::kNoError) {
      may_match.assign(impl_->set_size, false);
      for (int h : hits)
        if (h >= 0 && size_t(h) < may_match.size()) may_match[size_t(h)] = true;
    }
  }
  auto worth_running = [&](const Impl::Rule& rule) {
    return may_match.empty() || rule.set_index < 0 ||
           (size_t(rule.set_index) < may_match.size() && may_match[size_t(rule.set_index)]);
  };
  for (const Impl::Library& lib : impl_->libs) {
    auto found = [&](std::string version, const char* how) {
      // The version pattern is greedy: "jquery-3.4.0.min.js" gives "3.4.0.min"; the ".min" is the file's.
      for (std::string_view tail : {".min", "-min", ".", "-"})
        if (version.size() > tail.size() && version.ends_with(tail))
          version.resize(version.size() - tail.size());
      out.push_back({lib.name, lib.npm, std::move(version), how});
    };
    if (!sha1.empty()) {
      auto h = lib.hashes.find(std::string(sha1));
      if (h != lib.hashes.end()) {
        found(h->second, "hash");
        continue;
      }
    }
    bool done = false;
    for (const auto& rule : lib.filename) {
      if (rule.re->Match(filename, 0, filename.size(), RE2::UNANCHORED, groups, 2) && !groups[1].empty()) {
        found(std::string(groups[1]), "filename");
        done = true;
        break;
      }
    }
    if (done || content.empty()) continue;
    for (const auto& rule : lib.content) {
      if (!worth_running(rule)) continue;
      if (rule.re->Match(content, 0, content.size(), RE2::UNANCHORED, groups, 2) && !groups[1].empty()) {
        found(std::string(groups[1]), "filecontent");
        done = true;
        break;
      }
    }
    if (done) continue;
    for (const auto& rule : lib.replace) {
      if (!worth_running(rule)) continue;
      int n = std::min(rule.re->NumberOfCapturingGroups() + 1, 10);
      if (!rule.re->Match(content, 0, content.size(), RE2::UNANCHORED, groups, n)) continue;
      std::string v;
      const std::string& r = rule.replacement;
      for (size_t i = 0; i < r.size(); ++i) {
        if (r[i] == '$' && i + 1 < r.size() && r[i + 1] >= '1' && r[i + 1] <= '9' && r[i + 1] - '0' < n) {
          v.append(groups[r[i + 1] - '0']);
          ++i;
        } else {
          v.push_back(r[i]);
        }
      }
      if (!v.empty()) {
        found(std::move(v), "filecontentreplace");
        break;
      }
    }
  }
  return out;
}

}  // namespace dagda
