#include "source/remote.hpp"

#include <fmt/format.h>

namespace dagda {
namespace {

class BodyStream final : public ByteStream {
 public:
  BodyStream(std::unique_ptr<net::Body> b, std::string name) : body_(std::move(b)), name_(std::move(name)) {}
  Result<size_t> read(char* buf, size_t n) override {
    auto r = body_->read(buf, n);
    if (!r.ok()) return name_error(std::move(r).error(), name_);
    return r;
  }

 private:
  std::unique_ptr<net::Body> body_;
  std::string name_;
};

}  // namespace

std::unique_ptr<ByteStream> body_stream(std::unique_ptr<net::Body> body, std::string name) {
  return std::make_unique<BodyStream>(std::move(body), std::move(name));
}

Error name_error(Error e, const std::string& input) {
  if (e.where().file.empty()) return e.in_file(input);
  if (e.where().file == input) return e;
  Location where = e.where();
  std::string msg = fmt::format("{}: {}", where.file, e.message());
  where.file = input;
  return Error(e.code(), msg, where);
}

}  // namespace dagda
