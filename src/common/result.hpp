// common/result.hpp: Result<T> holds a value or an Error (see error.hpp).
#pragma once

#include <utility>
#include <variant>

#include "common/error.hpp"

namespace dagda {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

struct Ok {};
using Status = Result<Ok>;
inline Status ok_status() { return Ok{}; }

}  // namespace dagda

#define DAGDA_CONCAT_INNER(a, b) a##b
#define DAGDA_CONCAT(a, b) DAGDA_CONCAT_INNER(a, b)

// DAGDA_TRY(expr): returns the error of a failed Result/Status from the caller.
#define DAGDA_TRY(expr)                                                 \
  do {                                                                  \
    auto&& dagda_try_result_ = (expr);                                  \
    if (!dagda_try_result_.ok()) return std::move(dagda_try_result_).error(); \
  } while (0)

// DAGDA_ASSIGN_OR_RETURN(lhs, expr): declares/assigns lhs from a Result's value.
#define DAGDA_ASSIGN_OR_RETURN(lhs, expr)                                          \
  auto DAGDA_CONCAT(dagda_res_, __LINE__) = (expr);                                \
  if (!DAGDA_CONCAT(dagda_res_, __LINE__).ok())                                    \
    return std::move(DAGDA_CONCAT(dagda_res_, __LINE__)).error();                  \
  lhs = std::move(DAGDA_CONCAT(dagda_res_, __LINE__)).value()
