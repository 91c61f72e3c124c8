#include <sys/stat.h>

#include <filesystem>

#include <fmt/format.h>

#include "server/api.hpp"

namespace dagda::server {

Reply json_reply(int status, const nlohmann::json& j) {
  return Reply{status, "application/json", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

Reply error_reply(int status, std::string_view code, std::string_view message) {
  return json_reply(status, {{"error", {{"code", code}, {"message", message}}}});
}

Reply error_reply(const Error& e) {
  switch (e.code()) {
    case ErrorCode::not_found: return error_reply(404, "not_found", e.render());
    case ErrorCode::invalid_input: return error_reply(400, "invalid_input", e.render());
    case ErrorCode::corrupt: return error_reply(400, "invalid_input", e.render());
    case ErrorCode::unsupported: return error_reply(422, "unsupported", e.render());
    case ErrorCode::cancelled: return error_reply(503, "cancelled", e.render());
    case ErrorCode::io: return error_reply(503, "unavailable", e.render());
    default: return error_reply(500, "internal", e.render());
  }
}

Metrics& metrics() {
  static Metrics m;
  return m;
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool split_path(std::string_view target, std::vector<std::string>& segments) {
  segments.clear();
  std::string_view path = target.substr(0, target.find('?'));
  if (!path.starts_with('/')) return false;
  path.remove_prefix(1);
  while (true) {
    size_t slash = path.find('/');
    std::string_view raw = path.substr(0, slash);
    std::string seg;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '%') {
        seg += raw[i];
        continue;
      }
      if (i + 2 >= raw.size()) return false;
      int hi = hex_value(raw[i + 1]), lo = hex_value(raw[i + 2]);
      if (hi < 0 || lo < 0) return false;
      char c = char(hi * 16 + lo);
      if (c == '\0') return false;
      seg += c;
      i += 2;
    }
    if (seg.empty()) return false;
    segments.push_back(std::move(seg));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return true;
}

Status valid_image_name(std::string_view image) {
  if (image.empty() || image.size() > 512)
    return Error(ErrorCode::invalid_input, "an image name is 1 to 512 bytes");
  if (image == "." || image == "..") return Error(ErrorCode::invalid_input, "'.' and '..' are not image names");
  for (unsigned char c : image)
    if (c < 0x20 || c == 0x7f) return Error(ErrorCode::invalid_input, "an image name has no control characters");
  return Ok{};
}

Result<std::string> checked_source(const std::string& source, const std::vector<std::string>& allow_paths,
                                   bool* forbidden) {
  *forbidden = false;
  namespace fs = std::filesystem;
  if (source.empty() || source.size() > 4096) return Error(ErrorCode::invalid_input, "a source is 1 to 4096 bytes");
  for (unsigned char c : source)
    if (c < 0x20 || c == 0x7f) return Error(ErrorCode::invalid_input, "a source has no control characters");
  for (std::string_view remote : {"docker:", "container:", "registry:"})
    if (source.starts_with(remote)) return source;
  std::string path = source;
  std::string prefix;
  for (std::string_view local :
       {"docker-archive:", "oci-archive:", "oci-dir:", "dir:", "rootfs-archive:", "fs:", "sbom:"})
    if (source.starts_with(local)) {
      prefix = std::string(local);
      path = source.substr(local.size());
    }
  struct stat st{};
  bool exists = ::stat(path.c_str(), &st) == 0;
  if (prefix.empty() && !exists && !path.starts_with('/') && !path.starts_with('.') && !path.empty()) {
    // Not a file here: an image reference, read from the engine or a registry.
    return source;
  }
  std::error_code ec;
  fs::path real = fs::weakly_canonical(fs::absolute(path, ec), ec);
  if (ec) return Error(ErrorCode::invalid_input, "the source path cannot be resolved", {.file = path});
  for (const std::string& dir : allow_paths) {
    std::string d = dir;
    if (!d.ends_with('/')) d += '/';
    if (real.string().starts_with(d) || real.string() + "/" == d) return prefix + real.string();
  }
  *forbidden = true;
  return Error(ErrorCode::invalid_input,
               allow_paths.empty() ? "the server reads no files: start it with --allow-path DIR to allow a folder"
                                   : "the path is outside the folders the server was allowed to read (--allow-path)",
               {.file = path});
}

}  // namespace dagda::server
