#include "common/diagnostics.hpp"

namespace dagda {

std::string Warning::render() const {
  Error e(ErrorCode::corrupt, message, where);
  return e.render() + " [" + terminal_safe(code) + "]";
}

void Diagnostics::warn(std::string code, std::string message, Location where) {
  add(Warning{std::move(code), std::move(message), std::move(where)});
}

void Diagnostics::add(Warning w) {
  std::lock_guard lock(mu_);
  items_.push_back(std::move(w));
}

std::vector<Warning> Diagnostics::take_all() const {
  std::lock_guard lock(mu_);
  return items_;
}

size_t Diagnostics::size() const {
  std::lock_guard lock(mu_);
  return items_.size();
}

}  // namespace dagda
