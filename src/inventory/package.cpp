#include "inventory/package.hpp"

#include "ecosystem/ecosystem.hpp"

namespace dagda {

bool is_os_ecosystem(std::string_view ecosystem) { return eco::is_os(ecosystem); }

}  // namespace dagda
