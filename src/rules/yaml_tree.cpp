#include "rules/yaml_tree.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

namespace dagda::rules {

const YNode* YNode::get(std::string_view key) const {
  if (kind != Kind::map) return nullptr;
  for (const auto& [k, v] : entries)
    if (k.kind == Kind::scalar && k.scalar == key) return &v;
  return nullptr;
}

namespace {

struct Budget {
  uint64_t nodes = 0, bytes = 0;
  const YamlLimits& limits;
  bool exceeded = false;
};

// Depth is bounded by yaml-cpp's own parser (it refuses documents nested deeper
// than 2000 levels), so this recursion is bounded too.
void copy(const YAML::Node& in, YNode& out, Budget& b) {
  if (b.exceeded) return;
  if (++b.nodes > b.limits.max_nodes) {
    b.exceeded = true;
    return;
  }
  YAML::Mark m = in.Mark();
  if (m.line >= 0) out.line = static_cast<uint32_t>(m.line) + 1;
  if (m.column >= 0) out.column = static_cast<uint32_t>(m.column) + 1;
  switch (in.Type()) {
    case YAML::NodeType::Scalar:
      out.kind = YNode::Kind::scalar;
      out.plain = in.Tag() != "!";
      b.bytes += in.Scalar().size();
      if (b.bytes > b.limits.max_scalar_bytes) {
        b.exceeded = true;
        return;
      }
      out.scalar = in.Scalar();
      break;
    case YAML::NodeType::Sequence:
      out.kind = YNode::Kind::seq;
      out.items.reserve(in.size());
      for (const auto& child : in) {
        out.items.emplace_back();
        copy(child, out.items.back(), b);
        if (b.exceeded) return;
      }
      break;
    case YAML::NodeType::Map:
      out.kind = YNode::Kind::map;
      out.entries.reserve(in.size());
      for (const auto& kv : in) {
        out.entries.emplace_back();
        copy(kv.first, out.entries.back().first, b);
        if (b.exceeded) return;
        copy(kv.second, out.entries.back().second, b);
        if (b.exceeded) return;
      }
      break;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      out.kind = YNode::Kind::null;
      break;
  }
}

}  // namespace

Result<YNode> load_yaml(std::string_view text, const std::string& file, const YamlLimits& limits) {
  YNode root;
  try {
    YAML::Node doc = YAML::Load(std::string(text));
    Budget b{.limits = limits};
    copy(doc, root, b);
    if (b.exceeded)
      return Error(ErrorCode::corrupt,
                   fmt::format("YAML document too large once its aliases are expanded (over {} nodes or {} "
                               "bytes of text); refusing it",
                               limits.max_nodes, limits.max_scalar_bytes),
                   Location{.file = file});
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's depth guard reports itself as "bad file".
    Location where{.file = file};
    if (e.mark.line >= 0) where.line = static_cast<uint64_t>(e.mark.line) + 1;
    return Error(ErrorCode::corrupt, "YAML document nested too deeply for the YAML parser; refusing it", where);
  } catch (const YAML::Exception& e) {
    Location where{.file = file};
    if (e.mark.line >= 0) where.line = static_cast<uint64_t>(e.mark.line) + 1;
    return Error(ErrorCode::corrupt, fmt::format("YAML syntax error: {}", e.msg), where);
  } catch (const std::exception& e) {
    return Error(ErrorCode::corrupt, fmt::format("YAML document cannot be read: {}", e.what()),
                 Location{.file = file});
  }
  return root;
}

}  // namespace dagda::rules
