#pragma once
// Result<T>: the typed reply or an Error. No exceptions on the main path; value() and
// throwIfError() throw zstack::Exception for code that prefers them.

#include "zstack/error.hpp"

#include <utility>
#include <variant>

namespace zstack {

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  // The value; throws zstack::Exception when this holds an error.
  T& value() & { throwIfError(); return std::get<0>(v_); }
  const T& value() const& { throwIfError(); return std::get<0>(v_); }
  T&& value() && { throwIfError(); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // The error; only valid when !ok().
  const Error& error() const { return std::get<1>(v_); }
  Error& error() { return std::get<1>(v_); }

  void throwIfError() const {
    if (!ok()) throw Exception(std::get<1>(v_));
  }

 private:
  std::variant<T, Error> v_;
};

// For calls that return nothing but success or an error.
struct Done {
  static const schema::TypeDesc& describe();
};
using Status = Result<Done>;

}  // namespace zstack
