#include "update/update.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "common/digest.hpp"
#include "common/fs.hpp"
#include "common/strings.hpp"
#include "update/feeds.hpp"
#include "update/repomd.hpp"

namespace dagda::update {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr uint64_t kNvdPageSize = 2000;

std::string iso_utc(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

// The cross-process lock of one cache: two updates never write the same files.
class CacheLock {
 public:
  ~CacheLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  Status acquire(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0)
      return Error(ErrorCode::io, fmt::format("cannot open the lock: {}", std::strerror(errno)),
                   {.file = path});
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0)
      return Error(ErrorCode::io, "another `dagda db update` is running with this cache directory",
                   {.file = path});
    return Ok{};
  }

 private:
  int fd_ = -1;
};

// cache_dir()/feeds/state.json: what each cached file was downloaded from, with its validators.
struct State {
  json doc = json::object();
  std::string path;

  void load(const std::string& p) {
    path = p;
    auto text = read_file(p, 64u << 20);
    if (!text.ok()) return;
    try {
      doc = json::parse(*text);
      if (!doc.is_object()) doc = json::object();
    } catch (const json::exception&) {
      doc = json::object();  // a damaged state only costs full downloads
    }
  }
  const json* file(const std::string& dest) const {
    auto f = doc.find("files");
    if (f == doc.end() || !f->is_object()) return nullptr;
    auto e = f->find(dest);
    return e == f->end() || !e->is_object() ? nullptr : &*e;
  }
  static std::string str(const json* j, const char* key) {
    if (!j) return "";
    auto it = j->find(key);
    return it != j->end() && it->is_string() ? it->get<std::string>() : "";
  }
  Status save() const { return write_file_atomic(path, doc.dump(2) + "\n"); }
};

// What one feed's download wants written to the state once the import committed.
struct PendingState {
  std::map<std::string, json> files;            // dest -> entry
  std::map<std::string, std::string> nvd_sync;  // dir -> last sync
};

void remove_stale_parts(const std::string& dir) {
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.find(".part-") != std::string::npos) fs::remove(it->path(), ec);
  }
}

std::string first_line(std::string_view s) { return std::string(trim(s.substr(0, s.find_first_of("\r\n")))); }

std::string url_dir(const std::string& url) {
  auto q = url.find_first_of("?#");
  std::string u = url.substr(0, q);
  return u.substr(0, u.rfind('/'));
}

class Updater {
 public:
  Updater(vulndb::Store& store, const UpdateOptions& opts) : store_(store), opts_(opts) {}

  Result<UpdateResult> run() {
    std::string cache = opts_.cache_dir.empty() ? dagda::cache_dir() : opts_.cache_dir;
    root_ = cache + "/feeds";
    std::error_code ec;
    fs::create_directories(root_, ec);
    if (ec)
      return Error(ErrorCode::io, fmt::format("cannot create the feed cache: {}", ec.message()),
                   {.file = root_});
    DAGDA_TRY(lock_.acquire(root_ + "/.lock"));
    state_.load(root_ + "/state.json");

    DAGDA_ASSIGN_OR_RETURN(auto feeds, selected_feeds());
    UpdateResult out;
    std::vector<PendingState> pending;
    for (auto& feed : feeds) {
      FeedReport rep;
      rep.feed = feed.name;
      PendingState ps;
      auto st = download(feed, rep, ps);
      if (!st.ok()) {
        rep.state = FeedReport::State::failed;
        rep.error = st.error().render();
        rep.inputs.clear();
        ps = {};
      }
      if (opts_.on_feed) opts_.on_feed(rep);
      out.feeds.push_back(std::move(rep));
      pending.push_back(std::move(ps));
    }
    DAGDA_TRY(import(out));
    // The import committed: remember the validators of what it imported.
    if (out.imported) {
      for (size_t i = 0; i < out.feeds.size(); ++i) {
        if (out.feeds[i].state == FeedReport::State::failed) continue;
        for (auto& [dest, entry] : pending[i].files) state_.doc["files"][dest] = entry;
        for (auto& [dir, when] : pending[i].nvd_sync) state_.doc["nvd"][dir]["last_sync"] = when;
      }
      DAGDA_TRY(state_.save());
    }
    return out;
  }

 private:
  Result<std::vector<FeedInfo>> selected_feeds() {
    std::vector<std::string> names = opts_.feeds;
    if (names.empty())
      for (auto& f : all_feeds()) names.push_back(f.name);
    std::vector<FeedInfo> out;
    std::set<std::string> seen;
    for (auto& n : names) {
      if (!seen.insert(n).second) continue;
      const FeedInfo* known = find_feed(n);
      auto over = opts_.urls.find(n);
      if (!known && over == opts_.urls.end()) {
        std::string list;
        for (auto& f : all_feeds()) list += (list.empty() ? "" : ", ") + f.name;
        return Error(
            ErrorCode::invalid_input,
            fmt::format("unknown feed '{}' (known: {}; or give its URL with --url {}=URL)", n, list, n));
      }
      FeedInfo f = known ? *known : FeedInfo{n, "given with --url", FeedKind::files, {}};
      if (over != opts_.urls.end()) {
        // A repository feed given its repomd.xml or mirror.list URLs still resolves them.
        bool indexes = known && known->kind == FeedKind::repomd &&
                       std::all_of(over->second.begin(), over->second.end(),
                                   [](const std::string& u) { return is_repository_index(u); });
        f.kind = indexes ? FeedKind::repomd : FeedKind::files;
        f.files.clear();
        std::set<std::string> names_used;
        for (size_t i = 0; i < over->second.size(); ++i) {
          FeedFile ff = file_for_url(over->second[i], i);
          if (indexes) ff.name = fmt::format("{}-{}-updateinfo.xml", n, i);
          if (!names_used.insert(ff.name).second) ff.name = fmt::format("{}-{}", i, ff.name);
          f.files.push_back(std::move(ff));
        }
      }
      out.push_back(std::move(f));
    }
    for (auto& [n, urls] : opts_.urls)
      if (!seen.count(n))
        return Error(
            ErrorCode::invalid_input,
            fmt::format("--url {}=... names a feed that is not being updated (add --feed {})", n, n));
    return out;
  }

  bool mirror_is_url() const {
    return opts_.mirror.starts_with("http://") || opts_.mirror.starts_with("https://");
  }

  Status download(FeedInfo feed, FeedReport& rep, PendingState& ps) {
    std::string dir = root_ + "/" + feed.name;
    bool overridden = opts_.urls.count(feed.name) > 0;
    if (!opts_.mirror.empty() && !overridden && !mirror_is_url()) {
      std::string p = opts_.mirror + "/" + feed.name;
      std::error_code ec;
      if (!fs::exists(p, ec))
        return Error(ErrorCode::not_found, fmt::format("not in the mirror (expected {})", p));
      rep.state = FeedReport::State::mirror;
      rep.inputs.push_back(fs::absolute(p, ec).lexically_normal().string());
      rep.files = 1;
      return Ok{};
    }
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Error(ErrorCode::io, fmt::format("cannot create: {}", ec.message()), {.file = dir});
    remove_stale_parts(dir);

    if (!opts_.mirror.empty() && !overridden) {  // an HTTP mirror: <base>/<feed>/<file name>
      if (feed.kind == FeedKind::nvd_api)
        return Error(
            ErrorCode::unsupported,
            "the NVD API cannot be mirrored over HTTP; mirror NVD files in a folder (--mirror DIR) or give "
            "them with --url nvd=URL");
      std::string base = opts_.mirror;
      while (!base.empty() && base.back() == '/') base.pop_back();
      for (auto& f : feed.files) {
        std::string name = feed.kind == FeedKind::latest_file ? file_name_for_url(f.url, f.name) : f.name;
        f.url = fmt::format("{}/{}/{}", base, feed.name, name);
        if (!f.checksum_url.empty())
          f.checksum_url =
              fmt::format("{}/{}/{}", base, feed.name, file_name_for_url(f.checksum_url, "checksum"));
      }
    }

    if (feed.kind == FeedKind::nvd_api) return download_nvd(feed, dir, rep, ps);
    if (feed.kind == FeedKind::latest_file) {
      const FeedFile& index = feed.files.at(0);
      DAGDA_ASSIGN_OR_RETURN(std::string text, fetch_text(index.url, {}, opts_.fetch, 1u << 16));
      std::string name = first_line(text);
      std::string safe = file_name_for_url("/" + name, "");
      if (safe.empty() || safe != name)
        return Error(ErrorCode::corrupt,
                     fmt::format("the index does not name a file: '{}'", name.substr(0, 80)),
                     {.file = index.url});
      feed.files = {FeedFile{name, url_dir(index.url) + "/" + name}};
    }
    if (feed.kind == FeedKind::repomd && (opts_.mirror.empty() || overridden)) {
      for (auto& f : feed.files) {
        DAGDA_ASSIGN_OR_RETURN(f, resolve_repository(f));
      }
    }
    for (auto& f : feed.files) DAGDA_TRY(download_file(f, dir, rep, ps));
    rep.files = feed.files.size();
    rep.state =
        rep.unchanged_files == rep.files ? FeedReport::State::unchanged : FeedReport::State::downloaded;
    return Ok{};
  }

  // A repository's updateinfo: its base URL (from a mirror.list's first line, or the repomd.xml's
  // own), its repomd.xml, and the file and sha256 that names.
  Result<FeedFile> resolve_repository(const FeedFile& f) {
    std::string index = f.url.substr(0, f.url.find_first_of("?#"));
    std::string base;
    if (index.ends_with("/mirror.list")) {
      DAGDA_ASSIGN_OR_RETURN(std::string text, fetch_text(f.url, {}, opts_.fetch, 1u << 16));
      base = first_line(text);
      if (!base.starts_with("https://") && !base.starts_with("http://"))
        return Error(ErrorCode::corrupt, fmt::format("the mirror list does not start with a URL: '{}'", base.substr(0, 80)),
                     {.file = f.url});
    } else if (index.ends_with("/repodata/repomd.xml")) {
      base = index.substr(0, index.size() - std::string_view("/repodata/repomd.xml").size());
    } else {
      return Error(ErrorCode::invalid_input, "not a repository's repodata/repomd.xml or mirror.list", {.file = f.url});
    }
    while (!base.empty() && base.back() == '/') base.pop_back();
    std::string repomd_url = base + "/repodata/repomd.xml";
    DAGDA_ASSIGN_OR_RETURN(std::string repomd, fetch_text(repomd_url, {}, opts_.fetch, 1u << 22));
    DAGDA_ASSIGN_OR_RETURN(RepomdData data, repomd_updateinfo(repomd, repomd_url));
    FeedFile out = f;
    out.url = base + "/" + data.href;
    out.sha256 = data.sha256;
    return out;
  }

  Status download_file(const FeedFile& f, const std::string& dir, FeedReport& rep, PendingState& ps) {
    std::string dest = dir + "/" + f.name;
    FetchRequest req;
    req.url = f.url;
    req.dest = dest;
    const json* prev = state_.file(dest);
    bool same_url = State::str(prev, "url") == f.url;
    std::error_code ec;
    if (!opts_.force && same_url && fs::exists(dest, ec)) {
      req.etag = State::str(prev, "etag");
      req.last_modified = State::str(prev, "last_modified");
    }
    if (!f.sha256.empty()) {
      req.expect_sha256 = f.sha256;
    } else if (f.checksum == Checksum::sha256sum) {
      DAGDA_ASSIGN_OR_RETURN(std::string text, fetch_text(f.checksum_url, {}, opts_.fetch, 1u << 16));
      auto hex = parse_sha256_file(text);
      if (!hex.ok()) return Error(hex.error()).in_file(f.checksum_url);
      req.expect_sha256 = *hex;
    } else if (f.checksum == Checksum::nvd_meta) {
      std::string meta_url = f.checksum_url;
      req.verify = [meta_url, this](const std::string& tmp) -> Status {
        DAGDA_ASSIGN_OR_RETURN(std::string meta, fetch_text(meta_url, {}, opts_.fetch, 1u << 16));
        auto want = parse_nvd_meta_sha256(meta);
        if (!want.ok()) return Error(want.error()).in_file(meta_url);
        DAGDA_ASSIGN_OR_RETURN(std::string got, gunzip_sha256(tmp));
        if (got != *want)
          return Error(
              ErrorCode::corrupt,
              fmt::format("checksum mismatch: the .meta says sha256 {} for the uncompressed feed, the "
                          "download has {}",
                          *want, got));
        return Ok{};
      };
    }
    auto r = fetch(req, opts_.fetch);
    if (!r.ok()) {
      Error e = std::move(r).error();
      return e;
    }
    json entry = {{"url", f.url}};
    if (r->not_modified) {
      rep.unchanged_files++;
      entry["etag"] = req.etag;
      entry["last_modified"] = req.last_modified;
      entry["sha256"] = State::str(prev, "sha256");
    } else {
      rep.bytes += r->bytes;
      entry["etag"] = r->etag;
      entry["last_modified"] = r->last_modified;
      entry["sha256"] = r->sha256;
    }
    ps.files[dest] = entry;
    rep.inputs.push_back(dest);
    return Ok{};
  }

  // NVD API 2.0: every CVE the first time, then the CVEs modified since the
  // last committed update, in windows of at most 120 days, 2000 per page.
  Status download_nvd(const FeedInfo& feed, const std::string& dir, FeedReport& rep, PendingState& ps) {
    const std::string base = feed.files.at(0).url;
    std::vector<std::string> headers;
    if (!opts_.nvd_api_key.empty()) headers.push_back("apiKey: " + opts_.nvd_api_key);
    long delay = opts_.nvd_delay_ms >= 0 ? opts_.nvd_delay_ms : (opts_.nvd_api_key.empty() ? 6000 : 600);
    std::string now = iso_utc(std::time(nullptr));
    std::string last;
    if (auto n = state_.doc.find("nvd"); n != state_.doc.end() && n->contains(dir))
      last = State::str(&(*n)[dir], "last_sync");
    std::error_code ec;
    bool have_pages = fs::exists(dir + "/full-00000000.json", ec);
    bool incremental = !opts_.force && !last.empty() && have_pages;

    // Pages go to a staging folder first: the cache only changes when every page arrived.
    std::string staging = fmt::format("{}.new-{}", dir, ::getpid());
    fs::remove_all(staging, ec);
    fs::create_directories(staging, ec);
    if (ec) return Error(ErrorCode::io, fmt::format("cannot create: {}", ec.message()), {.file = staging});
    bool first_request = true;
    auto fetch_range = [&](const std::string& prefix, const std::string& from,
                           const std::string& to) -> Status {
      uint64_t total = 1;
      for (uint64_t start = 0; start < total; start += kNvdPageSize) {
        if (!first_request) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
        first_request = false;
        FetchRequest req;
        req.url = nvd_page_url(base, start, kNvdPageSize, from, to);
        req.dest = fmt::format("{}/{}-{:08}.json", staging, prefix, start);
        req.headers = headers;
        auto r = fetch(req, opts_.fetch);
        if (!r.ok()) return std::move(r).error();
        rep.bytes += r->bytes;
        rep.files++;
        DAGDA_ASSIGN_OR_RETURN(std::string head, read_file_head(req.dest, 4096));
        auto t = nvd_total_results(std::string_view(head).substr(0, 4096));
        if (!t.ok()) return Error(t.error()).in_file(req.url);
        total = *t;
      }
      return Ok{};
    };
    Status st = Ok{};
    if (incremental) {
      std::string stamp = now;
      stamp.erase(std::remove_if(stamp.begin(), stamp.end(), [](char c) { return c == '-' || c == ':'; }),
                  stamp.end());
      size_t w = 0;
      for (auto& [from, to] : nvd_windows(last, now)) {
        st = fetch_range(fmt::format("delta-{}-{:03}", stamp, w++), from, to);
        if (!st.ok()) break;
      }
    } else {
      st = fetch_range("full", "", "");
    }
    if (!st.ok()) {
      fs::remove_all(staging, ec);
      return st;
    }
    if (incremental) {
      for (auto it = fs::directory_iterator(staging, ec); !ec && it != fs::directory_iterator();
           it.increment(ec))
        fs::rename(it->path(), dir + "/" + it->path().filename().string(), ec);
      fs::remove_all(staging, ec);
    } else {
      std::string old = fmt::format("{}.old-{}", dir, ::getpid());
      fs::rename(dir, old, ec);
      fs::rename(staging, dir, ec);
      if (ec)
        return Error(ErrorCode::io, fmt::format("cannot move the NVD pages into place: {}", ec.message()),
                     {.file = dir});
      fs::remove_all(old, ec);
    }
    // A CVE modified since an earlier download is in an older page too: keep only its newest record.
    auto compacted = nvd_compact(dir);
    if (!compacted.ok()) return std::move(compacted).error();
    ps.nvd_sync[dir] = now;
    rep.inputs.push_back(dir);
    rep.state = FeedReport::State::downloaded;
    return Ok{};
  }

  // One transaction for every feed; a feed whose files the import rejects is
  // left out and the import runs again without it.
  Status import(UpdateResult& out) {
    importers::ImportOptions io;
    io.force = opts_.force;
    for (;;) {
      std::vector<std::string> inputs;
      std::vector<std::string> names;
      for (auto& f : out.feeds) {
        if (f.state == FeedReport::State::failed || f.inputs.empty()) continue;
        names.push_back(f.feed);
        inputs.insert(inputs.end(), f.inputs.begin(), f.inputs.end());
      }
      if (inputs.empty()) return Ok{};
      io.feed = names.size() == 1 ? names[0] : fmt::format("{}", fmt::join(names, ","));
      if (opts_.on_import_start) opts_.on_import_start(inputs.size());
      importers::ImportFailure failed;
      auto r = importers::import_into(store_, inputs, io, &failed);
      if (r.ok()) {
        out.import = std::move(r).value();
        out.imported = true;
        return Ok{};
      }
      const Error& e = r.error();
      std::string rendered = e.render();
      // The importer says which input failed; that input belongs to one feed.
      FeedReport* culprit = nullptr;
      if (!failed.input.empty())
        for (auto& f : out.feeds) {
          if (f.state == FeedReport::State::failed) continue;
          if (std::find(f.inputs.begin(), f.inputs.end(), failed.input) != f.inputs.end()) culprit = &f;
        }
      if (!culprit) {
        // Not one feed's fault (the database itself): nothing was imported.
        for (auto& f : out.feeds)
          if (f.state != FeedReport::State::failed && !f.inputs.empty()) {
            f.state = FeedReport::State::failed;
            f.error = "import failed: " + rendered;
          }
        return Ok{};
      }
      culprit->state = FeedReport::State::failed;
      culprit->error = "import failed: " + rendered;
      if (opts_.on_feed) opts_.on_feed(*culprit);
    }
  }

  vulndb::Store& store_;
  const UpdateOptions& opts_;
  std::string root_;
  CacheLock lock_;
  State state_;
};

}  // namespace

Result<UpdateResult> run_update(vulndb::Store& store, const UpdateOptions& opts) {
  return Updater(store, opts).run();
}

}  // namespace dagda::update
