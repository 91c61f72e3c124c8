// source/sources.hpp: the openers of each source kind (one .cpp each) and the
// helpers they share. source/registry.cpp lists them for open_image().
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "source/image.hpp"
#include "source/store.hpp"

namespace dagda {

Result<Image> open_docker_archive(const std::string& spec, const SourceOptions& opts);
Result<Image> open_oci_archive(const std::string& spec, const SourceOptions& opts);
Result<Image> open_oci_dir(const std::string& spec, const SourceOptions& opts);
Result<Image> open_dir(const std::string& spec, const SourceOptions& opts);
Result<Image> open_fs(const std::string& spec, const SourceOptions& opts);
Result<Image> open_rootfs_archive(const std::string& spec, const SourceOptions& opts);
Result<Image> open_docker(const std::string& ref, const SourceOptions& opts);
Result<Image> open_container(const std::string& spec, const SourceOptions& opts);
Result<Image> open_registry(const std::string& spec, const SourceOptions& opts);
Result<Image> open_sbom(const std::string& path, const SourceOptions& opts);
// A bare reference: the engine when one answers and has the image, else the registry.
Result<Image> open_bare_reference(const std::string& ref, const SourceOptions& opts);

Result<Image> open_docker_archive_store(std::shared_ptr<const Store> store, const std::string& input,
                                        const std::string& selector, const SourceOptions& opts);
Result<Image> open_oci_store(std::shared_ptr<const Store> store, const std::string& input,
                             const std::string& selector, const std::string& kind, const SourceOptions& opts);

// "PATH#REF" -> {PATH, REF} when PATH exists and the whole string does not.
std::pair<std::string, std::string> split_selector(const std::string& spec);
// A directory store for a directory, else a tar store.
Result<std::unique_ptr<Store>> open_any_store(const std::string& path);

}  // namespace dagda
