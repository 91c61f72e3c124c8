#include "common/yaml.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <istream>
#include <optional>
#include <streambuf>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "common/strings.hpp"

namespace dagda::yaml {
namespace {

// An istream over memory, without copying the text.
class MemoryBuf : public std::streambuf {
 public:
  explicit MemoryBuf(std::string_view s) {
    char* p = const_cast<char*>(s.data());
    setg(p, p, p + s.size());
  }
};

struct Stop {
  std::string message;
  std::optional<uint64_t> line;
};

// Builds JSON text from the parser's events (or only counts, with emit =
// false) and enforces the limits. Throws Stop to end parsing early.
class Builder final : public YAML::EventHandler {
 public:
  Builder(const Limits& limits, uint64_t text_size, bool emit) : limits_(limits), emit_(emit) {
    byte_budget_ = std::max<uint64_t>(limits.alias_bytes, text_size);
  }

  std::string take() { return std::move(out_); }
  bool empty() const { return !started_; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (key_expected()) fail("a mapping key is null", mark);
    begin_value(mark);
    put("null");
    end_value(anchor, 1, 0, false, false);
  }

  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string& value) override {
    bool key = key_expected();
    begin_value(mark);
    if (emit_) put_string(value);
    if (key) put(":");
    end_value(anchor, 1, value.size(), key, true);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) fail("an alias refers to an anchor that is not defined", mark);
    const Fragment& f = it->second;
    bool key = key_expected();
    if (key && !f.scalar) fail("a mapping key is not a scalar", mark);
    alias_nodes_ += f.nodes;
    alias_bytes_ += f.bytes;
    uint64_t node_budget = std::max<uint64_t>(limits_.alias_nodes, written_);
    if (alias_nodes_ > node_budget || alias_bytes_ > byte_budget_)
      fail(fmt::format("YAML aliases expand to more than {} nodes or {} bytes (an alias bomb?); refusing to "
                       "expand them",
                       node_budget, byte_budget_),
           mark);
    begin_value(mark);
    if (emit_) {
      std::string copy = out_.substr(f.begin, f.end - f.begin);
      out_ += copy;
    }
    if (key) put(":");
    nodes_ += f.nodes;
    scalar_bytes_ += f.bytes;
    count_item();
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor, false);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor, true);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Fragment {
    size_t begin = 0, end = 0;
    uint64_t nodes = 0, bytes = 0;
    bool scalar = false;
  };
  struct Open {
    bool map;
    size_t items = 0;  // values written (in a map: keys and values)
    YAML::anchor_t anchor;
    size_t begin;
    uint64_t nodes_at_start, bytes_at_start;
  };

  [[noreturn]] void fail(std::string msg, const YAML::Mark& mark) {
    std::optional<uint64_t> line;
    if (!mark.is_null()) line = uint64_t(mark.line) + 1;
    throw Stop{std::move(msg), line};
  }

  bool key_expected() const { return !stack_.empty() && stack_.back().map && stack_.back().items % 2 == 0; }

  void put(std::string_view s) {
    if (emit_) out_ += s;
  }

  void put_string(std::string_view raw) {
    std::string repaired;
    std::string_view v = raw;
    if (!is_clean_utf8(raw)) v = repaired = repair_utf8(raw);
    out_ += '"';
    for (char c : v) {
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\n': out_ += "\\n"; break;
        case '\t': out_ += "\\t"; break;
        case '\r': out_ += "\\r"; break;
        default:
          if (static_cast<unsigned char>(c) < 0x20)
            out_ += fmt::format("\\u{:04x}", unsigned(static_cast<unsigned char>(c)));
          else
            out_ += c;
      }
    }
    out_ += '"';
  }

  // Before any value: the separator, and where an anchored value begins.
  void begin_value(const YAML::Mark& mark) {
    started_ = true;
    if (!stack_.empty()) {
      Open& o = stack_.back();
      bool value_of_key = o.map && o.items % 2 == 1;
      if (!value_of_key && o.items > 0) put(",");
    } else if (done_top_) {
      fail("more than one top-level value", mark);
    }
    value_begin_ = out_.size();
  }

  // After a scalar or null written in the document.
  void end_value(YAML::anchor_t anchor, uint64_t nodes, uint64_t bytes, bool key, bool scalar) {
    nodes_ += nodes;
    written_ += nodes;
    scalar_bytes_ += bytes;
    // A key's text is followed by ':', which is not part of the value.
    if (anchor) anchors_[anchor] = Fragment{value_begin_, out_.size() - (key && emit_ ? 1 : 0), nodes, bytes, scalar};
    count_item();
  }

  void count_item() {
    if (stack_.empty())
      done_top_ = true;
    else
      stack_.back().items++;
  }

  void open(const YAML::Mark& mark, YAML::anchor_t anchor, bool map) {
    if (key_expected()) fail("a mapping key is not a scalar", mark);
    if (int(stack_.size()) >= limits_.max_depth)
      fail(fmt::format("YAML nested deeper than {} levels", limits_.max_depth), mark);
    begin_value(mark);
    put(map ? "{" : "[");
    stack_.push_back(Open{map, 0, anchor, value_begin_, nodes_, scalar_bytes_});
  }

  void close() {
    Open o = stack_.back();
    stack_.pop_back();
    put(o.map ? "}" : "]");
    nodes_ += 1;
    written_ += 1;
    if (o.anchor)
      anchors_[o.anchor] =
          Fragment{o.begin, out_.size(), nodes_ - o.nodes_at_start, scalar_bytes_ - o.bytes_at_start, false};
    count_item();
  }

  const Limits& limits_;
  bool emit_;
  bool started_ = false, done_top_ = false;
  std::string out_;
  std::vector<Open> stack_;
  std::unordered_map<YAML::anchor_t, Fragment> anchors_;
  size_t value_begin_ = 0;
  uint64_t nodes_ = 0, written_ = 0, scalar_bytes_ = 0, alias_nodes_ = 0, alias_bytes_ = 0, byte_budget_ = 0;
};

Status run(std::string_view text, const std::string& file, Builder& b) {
  MemoryBuf buf(text);
  std::istream in(&buf);
  try {
    YAML::Parser parser(in);
    parser.HandleNextDocument(b);
  } catch (const Stop& s) {
    return Error(ErrorCode::corrupt, s.message, {.file = file, .line = s.line});
  } catch (const YAML::Exception& e) {
    std::optional<uint64_t> line;
    if (!e.mark.is_null()) line = uint64_t(e.mark.line) + 1;
    return Error(ErrorCode::corrupt, "invalid YAML: " + e.msg, {.file = file, .line = line});
  } catch (const std::exception& e) {
    return Error(ErrorCode::corrupt, std::string("invalid YAML: ") + e.what(), {.file = file});
  }
  return Ok{};
}

}  // namespace

Result<std::string> to_json(std::string_view text, const std::string& file, const Limits& limits) {
  Builder b(limits, text.size(), true);
  DAGDA_TRY(run(text, file, b));
  if (b.empty()) return std::string("null");
  return b.take();
}

Result<YAML::Node> load(std::string_view text, const std::string& file, const Limits& limits) {
  Builder b(limits, text.size(), false);
  DAGDA_TRY(run(text, file, b));
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    std::optional<uint64_t> line;
    if (!e.mark.is_null()) line = uint64_t(e.mark.line) + 1;
    return Error(ErrorCode::corrupt, "invalid YAML: " + e.msg, {.file = file, .line = line});
  } catch (const std::exception& e) {
    return Error(ErrorCode::corrupt, std::string("invalid YAML: ") + e.what(), {.file = file});
  }
}

}  // namespace dagda::yaml
