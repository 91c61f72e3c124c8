// common/error.hpp: the error value every stage returns instead of throwing.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace dagda {

enum class ErrorCode {
  not_found,      // a file, image or record that does not exist
  invalid_input,  // the user gave something we cannot use (bad flag, bad reference)
  unsupported,    // valid, but a format or feature we do not handle
  corrupt,        // the data is damaged, truncated or hostile
  io,             // the operating system refused a read or a write
  internal,       // a bug in Dagda
  cancelled,      // the caller asked the work to stop
};

std::string_view to_string(ErrorCode code);

// Where an error happened. Every field is optional; render() prints those set.
struct Location {
  std::string file;    // a host path, or a path inside the image
  std::string layer;   // layer diff id or digest
  std::optional<uint64_t> line;
  std::optional<uint64_t> offset;
};

class Error {
 public:
  Error(ErrorCode code, std::string message, Location where = {})
      : code_(code), message_(std::move(message)), where_(std::move(where)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const Location& where() const { return where_; }
  const Error* cause() const { return cause_.get(); }

  // Wraps this error as the cause of a new, more general one.
  Error wrap(std::string message, Location where = {}) const&;
  Error& at(Location where) {
    where_ = std::move(where);
    return *this;
  }
  Error& in_file(std::string file) {
    where_.file = std::move(file);
    return *this;
  }
  Error& in_layer(std::string layer) {
    where_.layer = std::move(layer);
    return *this;
  }

  // One line: "FILE:LINE: message (layer X): cause: cause", safe for a terminal (see terminal_safe).
  std::string render() const;

 private:
  ErrorCode code_;
  std::string message_;
  Location where_;
  std::shared_ptr<const Error> cause_;
};

// Text from images and feeds made safe to print on a terminal or in a log, as one line:
// control bytes (ESC, CR, LF, NUL, ...), invalid UTF-8, C1 controls and bidirectional
// overrides become visible escapes ("\x1b", "\n", "\u{202e}"). Backslashes are kept as
// they are, so escaping twice changes nothing.
std::string terminal_safe(std::string_view text);

}  // namespace dagda
