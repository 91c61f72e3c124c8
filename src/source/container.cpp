// container:ID|NAME — a container in the engine: the layers of its image, plus
// one more layer made of what changed in the container since it started. The
// engine lists the changed paths (GET /containers/ID/changes); their current
// content comes from the container's export (GET /containers/ID/export), walked
// as a stream where only changed paths are kept, and deleted paths become
// whiteouts. The inventory then marks the packages that differ from the image's
// (Package::drift). Nothing is run in the container.
#include <memory>
#include <set>

#include <fmt/format.h>

#include "source/engine_image.hpp"
#include "source/remote.hpp"
#include "source/sources.hpp"

namespace dagda {

Result<Image> open_container(const std::string& spec, const SourceOptions& opts) {
  std::string input = "container:" + spec;
  if (spec.empty() || spec.size() > 256 ||
      !std::all_of(spec.begin(), spec.end(), [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '.' || c == '-'; }))
    return Error(ErrorCode::invalid_input, fmt::format("'{}' is not a container id or name", spec.substr(0, 200)),
                 {.file = input});
  DAGDA_ASSIGN_OR_RETURN(auto engine, connect_engine(input));
  auto r = engine->get("/containers/" + spec + "/json", 16u << 20);
  if (!r.ok()) {
    if (r.error().code() == ErrorCode::not_found)
      return Error(ErrorCode::not_found, fmt::format("no container '{}' in the engine at {}", spec, engine->describe()),
                   {.file = input});
    return name_error(std::move(r).error(), input);
  }
  auto c = net::parse_container_inspect(r->body);
  if (!c.ok()) return name_error(std::move(c).error(), input);
  if (c->image_id.empty())
    return Error(ErrorCode::corrupt, "the engine does not say which image the container runs", {.file = input});

  DAGDA_ASSIGN_OR_RETURN(Image img, open_engine_image(engine, c->image_id, input, opts));
  img.info.kind = "container";

  auto ch = engine->get("/containers/" + c->id + "/changes", 256u << 20);
  if (!ch.ok()) return name_error(std::move(ch).error(), input);
  auto changes = net::parse_changes(ch->body);
  if (!changes.ok()) return name_error(std::move(changes).error(), input);

  auto kept = std::make_shared<std::set<std::string, std::less<>>>();
  std::vector<std::string> deleted;
  for (const net::FsChange& f : *changes) {
    std::string path = f.path;
    while (path.starts_with('/')) path.erase(0, 1);
    if (path.empty()) continue;
    if (f.kind == net::FsChange::Kind::deleted)
      deleted.push_back(path);
    else
      kept->insert(path);
  }

  LayerInfo li;
  li.index = static_cast<int>(img.layers.size());
  li.media_type = "application/x-tar (container changes)";
  li.created_by = fmt::format("changes in container {} ({}) since it started", c->name, c->id.substr(0, 12));
  img.info.layers.push_back(li);
  LayerSource top;
  top.info = li;
  top.keep = [kept](std::string_view p) { return kept->count(p) > 0; };
  top.deleted = std::move(deleted);
  std::string id = c->id;
  top.open = [engine, id, input]() -> Result<std::unique_ptr<ByteStream>> {
    std::string name = input + " (export)";
    auto s = engine->stream("/containers/" + id + "/export");
    if (!s.ok()) return name_error(std::move(s).error(), input);
    return body_stream(std::move(s->body), name);
  };
  img.layers.push_back(std::move(top));
  img.last_layer_is_drift = true;
  return img;
}

}  // namespace dagda
