#include "common/error.hpp"

#include <fmt/format.h>

namespace dagda {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::not_found: return "not found";
    case ErrorCode::invalid_input: return "invalid input";
    case ErrorCode::unsupported: return "unsupported";
    case ErrorCode::corrupt: return "corrupt";
    case ErrorCode::io: return "i/o error";
    case ErrorCode::internal: return "internal error";
    case ErrorCode::cancelled: return "cancelled";
  }
  return "error";
}

Error Error::wrap(std::string message, Location where) const& {
  Error outer(code_, std::move(message), std::move(where));
  outer.cause_ = std::make_shared<const Error>(*this);
  return outer;
}

std::string Error::render() const {
  std::string out;
  for (const Error* e = this; e; e = e->cause()) {
    if (!out.empty()) out += ": ";
    const Location& w = e->where_;
    if (!w.file.empty()) {
      out += w.file;
      if (w.line) out += fmt::format(":{}", *w.line);
      if (w.offset) out += fmt::format(" (byte {})", *w.offset);
      out += ": ";
    }
    out += e->message_;
    if (!w.layer.empty()) out += fmt::format(" (layer {})", w.layer);
  }
  return out;
}

}  // namespace dagda
