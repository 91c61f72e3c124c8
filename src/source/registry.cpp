// The one list of source kinds, and detection of a bare path by its content.
#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "net/reference.hpp"
#include "source/sources.hpp"
#include "source/tar_index.hpp"

namespace dagda {

Image rootfs_image_from_file(std::shared_ptr<HostFile> file, const std::string& input, const SourceOptions& opts);

namespace {

constexpr std::array kKinds = {
    SourceKind{"docker-archive", "a `docker save` tar (or its extracted directory)", open_docker_archive},
    SourceKind{"oci-archive", "an OCI image layout as a tar", open_oci_archive},
    SourceKind{"oci-dir", "an OCI image layout directory", open_oci_dir},
    SourceKind{"dir", "a root filesystem directory", open_dir},
    SourceKind{"rootfs-archive", "a root filesystem tar, plain or gzip/xz/zstd", open_rootfs_archive},
    SourceKind{"docker", "an image in the engine behind DOCKER_HOST (Docker or Podman)", open_docker},
    SourceKind{"container", "a container in that engine: its image plus what changed since it started", open_container},
    SourceKind{"registry", "an image read straight from a registry (HTTP API v2 / OCI distribution)", open_registry},
    SourceKind{"fs", "a project directory, read for its lockfiles", open_fs},
    SourceKind{"sbom", "a CycloneDX (1.4-1.6) or SPDX (2.2, 2.3) JSON SBOM", open_sbom},
};

// An image reference rather than a mistyped path: it parses as one and does not look like a file name.
bool looks_like_reference(const std::string& s) {
  for (const char* ext : {".tar", ".tgz", ".gz", ".zst", ".xz", ".json", ".tar.gz"})
    if (s.ends_with(ext)) return false;
  return !s.starts_with("./") && !s.starts_with("../") && net::parse_reference(s).ok();
}

bool path_exists(const std::string& p) {
  struct stat st{};
  return ::stat(p.c_str(), &st) == 0;
}

Result<Image> detect(const std::string& path, const SourceOptions& opts) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) {
    // Not a file: an image reference, as Docker reads them ("alpine:3.10", "localhost:5000/app:1").
    if (errno == ENOENT && looks_like_reference(path))
      return open_bare_reference(path, opts);
    return Error(errno == ENOENT ? ErrorCode::not_found : ErrorCode::io,
                 fmt::format("cannot open: {}", std::strerror(errno)), {.file = path});
  }
  if (S_ISDIR(st.st_mode)) {
    if (path_exists(path + "/oci-layout")) return open_oci_dir(path, opts);
    if (path_exists(path + "/manifest.json")) return open_docker_archive(path, opts);
    return open_dir(path, opts);
  }
  DAGDA_ASSIGN_OR_RETURN(auto file, open_uncompressed(path, opts.temp_dir));
  auto idx = TarIndex::build(file);
  if (!idx.ok()) {
    // A tar damaged past its first header is reported as such; anything else is not an image at all.
    if (idx.error().where().offset.value_or(0) > 0) return std::move(idx).error();
    return Error(ErrorCode::unsupported,
                 "not an image: neither a directory nor a tar archive (plain, gzip, xz or zstd)", {.file = path});
  }
  bool docker = idx->contains("manifest.json");
  bool oci = idx->contains("oci-layout");
  if (!docker && !oci) return rootfs_image_from_file(file, path, opts);
  std::shared_ptr<const Store> store = make_tar_store(std::move(idx).value(), path);
  // Docker 25 writes both; its manifest.json carries the tags, so prefer it.
  if (docker) return open_docker_archive_store(store, path, "", opts);
  return open_oci_store(store, path, "", "oci-archive", opts);
}

}  // namespace

std::span<const SourceKind> source_kinds() { return kKinds; }

std::pair<std::string, std::string> split_selector(const std::string& spec) {
  size_t hash = spec.rfind('#');
  if (hash == std::string::npos || path_exists(spec)) return {spec, ""};
  return {spec.substr(0, hash), spec.substr(hash + 1)};
}

Result<std::unique_ptr<Store>> open_any_store(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return open_dir_store(path);
  return open_tar_store(path);
}

Result<Image> open_image(const std::string& source, const SourceOptions& opts) {
  if (source.empty()) return Error(ErrorCode::invalid_input, "no source given");
  size_t colon = source.find(':');
  if (colon != std::string::npos && !path_exists(source)) {
    std::string_view prefix(source.data(), colon);
    for (const SourceKind& k : kKinds)
      if (k.prefix == prefix) {
        std::string rest = source.substr(colon + 1);
        if (rest.empty()) return Error(ErrorCode::invalid_input, fmt::format("'{}:' needs a path or reference", prefix));
        auto img = k.open(rest, opts);
        if (img.ok()) img->info.input = source;
        return img;
      }
    if (prefix.find('/') == std::string_view::npos && prefix.find('.') == std::string_view::npos &&
        !looks_like_reference(source)) {
      std::vector<std::string_view> names;
      for (const SourceKind& k : kKinds) names.push_back(k.prefix);
      return Error(ErrorCode::invalid_input,
                   fmt::format("unknown source kind '{}:'; known kinds: {}", prefix, fmt::join(names, ", ")));
    }
  }
  auto img = detect(source, opts);
  if (img.ok()) img->info.input = source;
  return img;
}

}  // namespace dagda
