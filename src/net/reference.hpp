// net/reference.hpp: image references as Docker reads them, normalised the same
// way: "alpine" is docker.io/library/alpine:latest, "localhost:5000/app:1" names
// the registry at localhost:5000, "x/y@sha256:..." pins a digest.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace dagda::net {

struct ImageRef {
  std::string domain;  // "docker.io", "localhost:5000", "ghcr.io"
  std::string path;    // "library/alpine"
  std::string tag;     // "3.10"; "latest" when neither tag nor digest was given
  std::string digest;  // "sha256:<hex>" when pinned

  // domain/path[:tag][@digest]
  std::string full() const;
  // The tag or digest to ask a registry for (the digest when both are given).
  std::string reference() const { return digest.empty() ? tag : digest; }
  // The host to talk to: registry-1.docker.io for docker.io.
  std::string api_host() const;
};

// Parses and normalises a reference; a clear error for anything Docker would refuse.
Result<ImageRef> parse_reference(std::string_view text);

// True when `host` (with or without a port) is a loopback name or address
// (localhost, 127.0.0.0/8, ::1), which Docker lets use plain HTTP.
bool is_loopback_host(std::string_view host);

}  // namespace dagda::net
