// monitor/image_facts.cpp
#include "monitor/image_facts.hpp"

#include <fmt/format.h>

namespace dagda::monitor {

ImageFacts::ImageFacts(std::string db, bool match) : sh_(std::make_shared<Shared>()) {
  sh_->db = std::move(db);
  sh_->match = match;
}

ImageFacts::~ImageFacts() { sh_->cancel.cancel(); }

std::shared_ptr<const ImageInfo> ImageFacts::get(const std::string& image) {
  std::lock_guard lock(sh_->mu);
  if (auto it = sh_->done.find(image); it != sh_->done.end()) return it->second;
  if (!sh_->started[image]) {
    sh_->started[image] = true;
    std::thread([sh = sh_, image] {
      auto info = std::make_shared<ImageInfo>();
      read(sh, image, *info);
      std::lock_guard l(sh->mu);
      sh->done[image] = info;
    }).detach();
  }
  return nullptr;
}

void ImageFacts::read(const std::shared_ptr<Shared>& sh, const std::string& image, ImageInfo& out_ref) {
  ImageInfo* out = &out_ref;
  engine::Hooks hooks;
  hooks.cancel = &sh->cancel;
  engine::SbomOptions opts;
  auto inv = engine::sbom("docker:" + image, opts, hooks);
  if (!inv.ok()) {
    out->error = inv.error().message();
    out->ready = true;
    return;
  }
  std::vector<uint64_t> vulns;
  std::vector<bool> kev;
  bool matched = false;
  if (sh->match) {
    auto eng = engine::Engine::open({.db = sh->db});
    if (eng.ok()) {
      engine::ScanOptions so;
      auto res = (*eng)->match(*inv, so, hooks);
      if (res.ok()) {
        vulns.assign(res->inventory.packages.size(), 0);
        kev.assign(res->inventory.packages.size(), false);
        for (const auto& f : res->findings) {
          if (f.package >= vulns.size() || f.suppressed.has_value()) continue;
          ++vulns[f.package];
          if (f.kev) kev[f.package] = true;
        }
        *inv = std::move(res->inventory);
        matched = true;
      } else {
        out->error = res.error().message();
      }
    } else {
      out->error = eng.error().message();
    }
  }
  for (size_t i = 0; i < inv->packages.size(); ++i) {
    const auto& p = inv->packages[i];
    FileFacts f;
    f.pkg = fmt::format("{}@{}", p.name, p.version);
    if (matched) {
      f.vulns = vulns[i];
      f.kev = kev[i];
    }
    for (const auto& path : p.files) out->files.emplace(path, f);
  }
  out->ready = true;
}

const FileFacts* find_file(const ImageInfo& info, const std::string& path) {
  if (auto it = info.files.find(path); it != info.files.end()) return &it->second;
  std::string alt = path.starts_with("/usr/") ? path.substr(4) : "/usr" + path;
  if (auto it = info.files.find(alt); it != info.files.end()) return &it->second;
  return nullptr;
}

}  // namespace dagda::monitor
