// source/engine_image.hpp: opening images through the Docker Engine API, shared
// by docker:, container: and bare references.
#pragma once

#include <memory>
#include <string>

#include "net/engine.hpp"
#include "source/image.hpp"

namespace dagda {

// The engine behind DOCKER_HOST, once it has answered a ping. Errors name `input`.
Result<std::shared_ptr<net::EngineClient>> connect_engine(const std::string& input);

// Image `name` (a reference or an id) of `engine`; its layers come from the export stream
// (Image::stream_layers). Errors name `input`.
Result<Image> open_engine_image(std::shared_ptr<net::EngineClient> engine, const std::string& name,
                                const std::string& input, const SourceOptions& opts);

}  // namespace dagda
