// monitor/image_facts.hpp: what the inventory of a container's image says
// about the files in it (dagda.pkg, dagda.pkg.vulns, dagda.pkg.kev). Each image
// is read once (engine::sbom on docker:IMAGE, then matched against the
// database when one is given) on a thread of its own; until it is ready the
// fields stay unknown.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "engine/engine.hpp"

namespace dagda::monitor {

struct FileFacts {
  std::string pkg;  // name@version
  std::optional<uint64_t> vulns;
  std::optional<bool> kev;
};

struct ImageInfo {
  bool ready = false;
  std::string error;  // why the image could not be read
  std::unordered_map<std::string, FileFacts> files;  // path in the image -> owning package
};

class ImageFacts {
 public:
  // `db`: the database to match against (empty: no vulnerability counts).
  ImageFacts(std::string db, bool match);
  // Cancels the reads under way and leaves their threads to end on their own (a read
  // may be waiting on the engine's export), so that stopping the monitor never waits.
  ~ImageFacts();
  // The image's facts when read; starts reading it on the first call. Never blocks on the read.
  std::shared_ptr<const ImageInfo> get(const std::string& image);

 private:
  struct Shared {
    std::string db;
    bool match = false;
    std::mutex mu;
    std::unordered_map<std::string, std::shared_ptr<ImageInfo>> done;
    std::unordered_map<std::string, bool> started;
    engine::CancelToken cancel;
  };
  static void read(const std::shared_ptr<Shared>& sh, const std::string& image, ImageInfo& out);
  std::shared_ptr<Shared> sh_;
};

// The facts for an executable path, trying the /usr-merged spelling too (/bin/sh and /usr/bin/sh).
const FileFacts* find_file(const ImageInfo& info, const std::string& path);

}  // namespace dagda::monitor
