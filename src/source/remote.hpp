// source/remote.hpp: what the engine and registry sources share: a network
// body read as a ByteStream, and the reference named in their errors.
#pragma once

#include <memory>
#include <string>

#include "net/http.hpp"
#include "net/reference.hpp"
#include "source/image.hpp"
#include "source/stream.hpp"

namespace dagda {

// Reads a response body through the layer reader's stream interface; errors name `name`.
std::unique_ptr<ByteStream> body_stream(std::unique_ptr<net::Body> body, std::string name);

// Gives an error the input's name (e.g. "registry:localhost:5000/app:1") when it has none, or
// puts the name in front when it names something else (a URL).
Error name_error(Error e, const std::string& input);

// The image `ref` read from its registry; errors name `input`.
Result<Image> open_registry_ref(const net::ImageRef& ref, const std::string& input, const SourceOptions& opts);

}  // namespace dagda
