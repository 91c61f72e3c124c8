// A bare image reference ("alpine:3.10", "localhost:5000/app:1"): the engine
// behind DOCKER_HOST when one answers and has the image, else the registry the
// reference names (docker.io for short names, as Docker normalises them).
#include <fmt/format.h>

#include "source/engine_image.hpp"
#include "source/remote.hpp"
#include "source/sources.hpp"

namespace dagda {

Result<Image> open_bare_reference(const std::string& ref, const SourceOptions& opts) {
  DAGDA_ASSIGN_OR_RETURN(net::ImageRef parsed, net::parse_reference(ref));
  std::string engine_note;
  auto engine = connect_engine(ref);
  if (engine.ok()) {
    auto img = open_engine_image(*engine, ref, ref, opts);
    if (img.ok() || img.error().code() != ErrorCode::not_found) return img;
    engine_note = fmt::format("not in the engine at {}", (*engine)->describe());
  } else {
    engine_note = engine.error().message();
  }
  auto img = open_registry_ref(parsed, ref, opts);
  if (img.ok()) return img;
  Error e = std::move(img).error();
  std::string msg = e.message();
  if (!e.where().file.empty() && e.where().file != ref) msg = e.where().file + ": " + msg;
  return Error(e.code(),
               fmt::format("no such file; as an image reference ({}): {}; and from the registry: {}", parsed.full(),
                           engine_note, msg),
               {.file = ref});
}

}  // namespace dagda
