#pragma once
/// \file
/// Result<T>: the typed reply or an Error. No exceptions on the main path; value() and
/// throwIfError() throw zstack::Exception for code that prefers them.

#include "zstack/error.hpp"

#include <utility>
#include <variant>

namespace zstack {

/// The typed reply `T` of a call, or its Error. No exceptions on the main path; value() and
/// throwIfError() throw zstack::Exception for code that prefers them.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  ///< A success.
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  ///< A failure.

  bool ok() const noexcept { return v_.index() == 0; }  ///< Holds a value.
  explicit operator bool() const noexcept { return ok(); }  ///< ok().

  /// The value; throws zstack::Exception when this holds an error.
  T& value() & { throwIfError(); return std::get<0>(v_); }
  /// The value; throws zstack::Exception when this holds an error.
  const T& value() const& { throwIfError(); return std::get<0>(v_); }
  /// The value, moved out; throws zstack::Exception when this holds an error.
  T&& value() && { throwIfError(); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }  ///< &value() (throws on an error).
  const T* operator->() const { return &value(); }  ///< &value() (throws on an error).
  T& operator*() & { return value(); }  ///< value() (throws on an error).
  const T& operator*() const& { return value(); }  ///< value() (throws on an error).

  /// The error; only valid when !ok() (std::bad_variant_access otherwise).
  const Error& error() const { return std::get<1>(v_); }
  /// The error, to change or move; only valid when !ok().
  Error& error() { return std::get<1>(v_); }

  /// Throws zstack::Exception with the error when !ok(); does nothing otherwise.
  void throwIfError() const {
    if (!ok()) throw Exception(std::get<1>(v_));
  }

 private:
  std::variant<T, Error> v_;
};

/// The value of a Status: success, nothing more.
struct Done {
  static const schema::TypeDesc& describe();  ///< Its (empty) field table.
};
/// For calls that return nothing but success or an error.
using Status = Result<Done>;

}  // namespace zstack
