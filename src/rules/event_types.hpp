// rules/event_types.hpp: the event type names a condition may test with
// evt.type (Falco's event and system call names) and the argument names a
// condition may read with evt.arg.NAME. An Event carries its type as the index
// of its name in this table.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "rules/event.hpp"

namespace dagda::rules {

std::optional<EventTypeId> event_type_id(std::string_view name);
std::string_view event_type_name(EventTypeId id);
size_t event_type_count();
bool is_event_arg_name(std::string_view name);

}  // namespace dagda::rules
