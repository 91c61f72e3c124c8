// layers/tee_sink.hpp: two walk observers' sinks fed with the same file, each stopping on its own.
#pragma once

#include <memory>
#include <string_view>

#include "layers/layer_index.hpp"

namespace dagda {

class TeeSink final : public ContentSink {
 public:
  TeeSink(std::unique_ptr<ContentSink> a, std::unique_ptr<ContentSink> b) : a_(std::move(a)), b_(std::move(b)) {}
  bool feed(std::string_view chunk) override {
    step(a_, chunk);
    step(b_, chunk);
    return a_ || b_;
  }
  void finish() override {
    if (a_) a_->finish();
    if (b_) b_->finish();
  }

 private:
  static void step(std::unique_ptr<ContentSink>& s, std::string_view chunk) {
    if (s && !s->feed(chunk)) {
      s->finish();
      s.reset();
    }
  }
  std::unique_ptr<ContentSink> a_, b_;
};

// Either sink alone when the other is null; both when both are set.
inline std::unique_ptr<ContentSink> tee_sinks(std::unique_ptr<ContentSink> a, std::unique_ptr<ContentSink> b) {
  if (a && b) return std::make_unique<TeeSink>(std::move(a), std::move(b));
  return a ? std::move(a) : std::move(b);
}

}  // namespace dagda
