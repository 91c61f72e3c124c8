// update/feeds.hpp: the feeds `dagda db update` knows, with their official
// URLs (update/feeds.cpp is the one list). A feed is a set of files fetched
// from fixed URLs, the NVD CVE API 2.0 (paged, incremental by last-modified
// date), or a file whose name is read from an index document.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dagda::update {

enum class FeedKind {
  files,       // every FeedFile, each fetched conditionally
  nvd_api,     // NVD CVE API 2.0: `files[0].url` is the API endpoint
  latest_file,  // `files[0].url` is an index whose first line names the file to fetch beside it
  // yum/dnf repositories: each FeedFile's url is a repodata/repomd.xml, or a mirror.list whose
  // first line is the repository's base URL; the updateinfo it names is fetched (update/repomd.hpp)
  repomd
};

enum class Checksum {
  none,
  nvd_meta,  // NVD 1.1 `.meta` beside a .json.gz (sha256 of the uncompressed JSON)
  sha256sum  // a file holding the sha256 of the download ("HEX" or "HEX  name")
};

struct FeedFile {
  std::string name;  // the file name in the cache: cache_dir()/feeds/<feed>/<name>
  std::string url;
  Checksum checksum = Checksum::none;
  std::string checksum_url;
  std::string sha256;  // the download's sha256 when known beforehand (a repomd.xml gives it); "" = none
};

struct FeedInfo {
  std::string name;
  std::string description;
  FeedKind kind = FeedKind::files;
  std::vector<FeedFile> files;
};

std::span<const FeedInfo> all_feeds();
const FeedInfo* find_feed(std::string_view name);

// Whether a URL given with --url is a repository index a repomd feed resolves
// (a .../repodata/repomd.xml or a mirror.list) rather than a file to download.
bool is_repository_index(std::string_view url);

// A FeedFile for a URL given with --url: named after the URL; an NVD 1.1 feed
// (nvdcve-1.1-*.json.gz) gets its .meta checksum.
FeedFile file_for_url(const std::string& url, size_t index);

}  // namespace dagda::update
