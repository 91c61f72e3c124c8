// catalog/app.hpp: the parsers behind the application catalogers (one .cpp each:
// java, python, npm, javascript, gem, composer, golang, cargo, dotnet). Each
// parser takes the bytes of one file and the file's path inside the image, and
// never reads anything else, so tests and fuzz targets call it directly.
// Damage is reported as warnings (codes in docs/warnings.md); a parser that
// could read only part of its input says so by returning partial.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostics.hpp"
#include "common/result.hpp"
#include "inventory/package.hpp"

namespace dagda {

struct AppParse {
  std::vector<Package> packages;
  bool partial = false;
};

// ---- shared helpers (app_common.cpp) ----

// PEP 503: lower case, every run of '-', '_' and '.' becomes one '-'.
std::string pep503_normalize(std::string_view name);
// The last path component.
std::string_view base_name(std::string_view path);
bool ends_with_icase(std::string_view s, std::string_view suffix);
// Biggest JSON or text metadata file the parsers take (bigger ones get a warning).
inline constexpr size_t kMaxMetadataFile = 16u << 20;

// Reads a zip archive held in memory (libarchive; nothing touches the disk). For each regular
// entry `want(name, declared_size)` returns how many bytes to read (0: skip it); `take(name,
// bytes, complete)` then gets them, complete false when the entry held more than that.
// `budget` (when not null) is decremented by the bytes inflated and stops the read at zero.
// An error when the archive cannot be opened or is damaged; entries before the damage were taken.
Status read_zip(std::string_view data,
                const std::function<uint64_t(std::string_view name, int64_t size)>& want,
                const std::function<void(std::string_view name, std::string_view bytes, bool complete)>& take,
                uint64_t* budget = nullptr);

// ---- Java (java.cpp) ----
struct JavaLimits {
  int max_depth = 8;                      // archives inside archives, counting the outer one as 1
  uint64_t max_inflated = 512ull << 20;   // bytes inflated in all nested archives of one outer archive
  uint64_t max_metadata_entry = 1 << 20;  // a pom.properties or MANIFEST.MF bigger than this is skipped
};
// True for .jar .war .ear .par .sar .jpi .hpi (any case).
bool is_java_archive(std::string_view path);
// Reads one archive (and the archives inside it) from memory. `path` is the archive's path in the image.
AppParse parse_java_archive(std::string_view data, const std::string& path, Diagnostics& diag,
                            const JavaLimits& limits = {});

// ---- Python (python.cpp) ----
// METADATA or PKG-INFO text (RFC 822 headers). nullopt (with a warning) when it names no package.
std::optional<Package> parse_python_metadata(std::string_view text, const std::string& path,
                                             Diagnostics& diag);
// A .egg zip file: its EGG-INFO/PKG-INFO.
AppParse parse_python_egg(std::string_view data, const std::string& path, Diagnostics& diag);

// ---- Node.js (npm.cpp) ----
// node_modules/NAME/package.json or node_modules/@SCOPE/NAME/package.json.
bool is_installed_package_json(std::string_view path);
// nullopt without a warning when the file has no name or version (not an installed package).
std::optional<Package> parse_package_json(std::string_view text, const std::string& path, Diagnostics& diag);

// ---- PHP (composer.cpp) ----
AppParse parse_composer_installed(std::string_view text, const std::string& path, Diagnostics& diag);

// ---- Ruby (gem.cpp) ----
std::optional<Package> parse_gemspec(std::string_view text, const std::string& path, Diagnostics& diag);

// ---- .NET (dotnet.cpp) ----
AppParse parse_deps_json(std::string_view text, const std::string& path, Diagnostics& diag);

// ---- Go (golang.cpp) ----
// "go1.21.3 X:boringcrypto" -> "1.21.3"; "go1.19" -> "1.19.0"; "go1.22rc1" -> "1.22.0-rc.1" (the
// Go vulnerability database's spelling of stdlib versions). Empty when it is not a Go version.
std::string go_toolchain_version(std::string_view go_version);
// The module build information of a Go binary: the main module, its dependencies and the toolchain
// (as package "stdlib"). Empty, without a warning, when the file is not a Go binary.
AppParse parse_go_binary(std::string_view data, const std::string& path, Diagnostics& diag);
// True when `content` holds the build information magic.
bool has_go_buildinfo(std::string_view content);

// ---- Rust (cargo.cpp) ----
// The cargo-auditable dependency list (ELF section .dep-v0: zlib-compressed JSON).
AppParse parse_cargo_auditable(std::string_view data, const std::string& path, Diagnostics& diag);

// ---- Runtimes installed by hand (runtime.cpp) ----
// True when the file's name is one a runtime's binary, library or release file has.
bool is_runtime_candidate(std::string_view path);
// The runtime the file holds (ecosystem "runtime", name "node", "python", "ruby", "php", "openjdk",
// "go", "openssl", "nginx", "httpd", "redis", "postgresql" or "busybox"), with the string its
// version was read from as evidence in source_version. Empty when the file is no candidate or holds no version string.
AppParse parse_runtime_file(std::string_view data, const std::string& path, Diagnostics& diag);

// ---- JavaScript files (retirejs.cpp, javascript.cpp) ----
// The retire.js repository (jsrepository.json): for each library, extractors that recognise a
// file by its name, its content or its SHA-1. Regular expressions are JavaScript's; those RE2
// cannot compile are counted and skipped.
class RetireRepository {
 public:
  struct Match {
    std::string library;   // the repository's key, e.g. "jquery"
    std::string npm_name;  // its npmname when the repository gives one
    std::string version;
    std::string how;  // "filename", "filecontent", "filecontentreplace" or "hash"
  };
  static Result<RetireRepository> parse(std::string_view json);
  RetireRepository();
  ~RetireRepository();
  RetireRepository(RetireRepository&&) noexcept;
  RetireRepository& operator=(RetireRepository&&) noexcept;

  // Libraries found in one file (at most one match per library: the first extractor that matches).
  std::vector<Match> scan(std::string_view filename, std::string_view content,
                          std::string_view sha1_hex) const;
  size_t libraries() const;
  size_t regexes() const;          // compiled
  size_t skipped_regexes() const;  // that RE2 could not compile

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dagda
