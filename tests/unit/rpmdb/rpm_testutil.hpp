// tests/unit/rpmdb/rpm_testutil.hpp: the real rpm databases of the shared test
// data, their `rpm -qa` ground truth, and librpm (loaded at run time, only in
// tests) as an oracle for header blobs.
#pragma once

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/testdata.hpp"

namespace dagda::test::rpm {

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string rpmdb_dir() {
  return testdata("pkgdb/rpmdb");
}

// A database file of pkgdb/rpmdb, decompressed when it is .xz (once per process).
inline const std::string& database_bytes(const std::string& file) {
  static std::mutex mu;
  static std::map<std::string, std::string> cache;
  std::lock_guard lock(mu);
  auto it = cache.find(file);
  if (it != cache.end()) return it->second;
  std::string path = rpmdb_dir() + "/" + file;
  std::string bytes;
  if (file.ends_with(".xz")) {
    int status = -1;
    bytes = run_command("xz -dc '" + path + "'", &status);
    EXPECT_EQ(status, 0) << "xz -dc " << path;
  } else {
    bytes = slurp(path);
  }
  return cache.emplace(file, std::move(bytes)).first->second;
}

// Writes a database decompressed into `dir` under `name`; returns the path.
inline std::string materialize(const std::string& file, const std::string& dir, const std::string& name) {
  std::filesystem::create_directories(dir);
  std::string out = dir + "/" + name;
  std::ofstream(out, std::ios::binary) << database_bytes(file);
  return out;
}

struct Case {
  std::string stem;  // ground truth name, e.g. "centos7-plain"
  std::string file;  // database file in pkgdb/rpmdb, e.g. "centos7-plain.Packages.xz"
};

// Every database in pkgdb/rpmdb that has a ground-truth file in groundtruth/rpm-qa.
inline std::vector<Case> groundtruth_cases() {
  namespace fs = std::filesystem;
  std::vector<Case> out;
  std::error_code ec;
  for (const auto& gt : fs::directory_iterator(testdata("groundtruth/rpm-qa"), ec)) {
    if (gt.path().extension() != ".tsv") continue;
    std::string stem = gt.path().stem().string();
    for (const auto& db : fs::directory_iterator(rpmdb_dir(), ec)) {
      std::string name = db.path().filename().string();
      if (name.starts_with(stem + ".")) out.push_back({stem, name});
    }
  }
  std::sort(out.begin(), out.end(), [](const Case& a, const Case& b) { return a.file < b.file; });
  return out;
}

inline std::vector<Case> bdb_cases() {
  std::vector<Case> out;
  for (auto& c : groundtruth_cases())
    if (c.file.find(".Packages") != std::string::npos && !c.file.ends_with(".db")) out.push_back(c);
  return out;
}

// `rpm -qa` lines: NAME EPOCH VERSION RELEASE ARCH SOURCERPM MODULARITYLABEL,
// with EPOCH 0 when absent and "(none)" for other absent tags.
inline std::multiset<std::string> groundtruth(const std::string& stem) {
  std::multiset<std::string> out;
  std::istringstream in(slurp(testdata("groundtruth/rpm-qa/" + stem + ".tsv")));
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.insert(line);
  return out;
}

inline std::string none_if_empty(const std::string& s) {
  return s.empty() ? "(none)" : s;
}

inline std::string qa_line(const std::string& name, std::optional<uint32_t> epoch, const std::string& version,
                           const std::string& release, const std::string& arch, const std::string& sourcerpm,
                           const std::string& modularitylabel) {
  return name + "\t" + std::to_string(epoch.value_or(0)) + "\t" + version + "\t" + release + "\t" +
         none_if_empty(arch) + "\t" + none_if_empty(sourcerpm) + "\t" + none_if_empty(modularitylabel);
}

// Lines only in `a`, for readable failure messages.
inline std::string difference(const std::multiset<std::string>& a, const std::multiset<std::string>& b) {
  std::vector<std::string> d;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(d));
  std::string out;
  for (size_t i = 0; i < d.size() && i < 20; ++i) out += "  " + d[i] + "\n";
  if (d.size() > 20) out += "  ... " + std::to_string(d.size() - 20) + " more\n";
  return out;
}

// librpm loaded with dlopen: the product never links it.
class LibRpm {
 public:
  static const LibRpm& get() {
    static LibRpm lib;
    return lib;
  }
  bool available() const { return handle_ != nullptr; }

  struct Facts {
    bool imported = false;
    std::string name, version, release, arch, sourcerpm, modularitylabel, vendor, license;
    std::optional<uint32_t> epoch;
    std::vector<std::string> files;
  };

  Facts read(const std::string& blob) const {
    Facts f;
    std::string copy = blob;
    void* h = import_(copy.data(), static_cast<unsigned>(copy.size()), /*HEADERIMPORT_COPY*/ 1);
    if (!h) return f;
    f.imported = true;
    auto str = [&](uint32_t tag) {
      const char* s = get_string_(h, tag);
      return std::string(s ? s : "");
    };
    f.name = str(1000);
    f.version = str(1001);
    f.release = str(1002);
    f.vendor = str(1011);
    f.license = str(1014);
    f.arch = str(1022);
    f.sourcerpm = str(1044);
    f.modularitylabel = str(5096);
    if (is_entry_(h, 1003)) f.epoch = static_cast<uint32_t>(get_number_(h, 1003));
    void* td = td_new_();
    if (header_get_(h, /*RPMTAG_FILENAMES*/ 5000, td, /*HEADERGET_EXT*/ 2)) {
      while (const char* s = td_next_string_(td)) f.files.emplace_back(s);
      td_free_data_(td);
    }
    td_free_(td);
    header_free_(h);
    return f;
  }

 private:
  LibRpm() {
    handle_ = dlopen("librpm.so.9", RTLD_NOW | RTLD_LOCAL);
    if (!handle_) return;
    bool ok = load(import_, "headerImport") && load(get_string_, "headerGetString") &&
              load(get_number_, "headerGetNumber") && load(is_entry_, "headerIsEntry") &&
              load(header_free_, "headerFree") && load(header_get_, "headerGet") &&
              load(td_new_, "rpmtdNew") && load(td_next_string_, "rpmtdNextString") &&
              load(td_free_data_, "rpmtdFreeData") && load(td_free_, "rpmtdFree");
    if (!ok) handle_ = nullptr;
  }
  template <typename F>
  bool load(F& fn, const char* sym) {
    fn = reinterpret_cast<F>(dlsym(handle_, sym));
    return fn != nullptr;
  }

  void* handle_ = nullptr;
  void* (*import_)(void*, unsigned, int) = nullptr;
  const char* (*get_string_)(void*, uint32_t) = nullptr;
  uint64_t (*get_number_)(void*, uint32_t) = nullptr;
  int (*is_entry_)(void*, uint32_t) = nullptr;
  void* (*header_free_)(void*) = nullptr;
  int (*header_get_)(void*, uint32_t, void*, int) = nullptr;
  void* (*td_new_)() = nullptr;
  const char* (*td_next_string_)(void*) = nullptr;
  void (*td_free_data_)(void*) = nullptr;
  void* (*td_free_)(void*) = nullptr;
};

}  // namespace dagda::test::rpm
