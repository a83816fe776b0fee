#pragma once
/// \file
/// The runtime catalog of every action: look one up by name, see its fields and constraints, set
/// fields from JSON values and call it. zscli is built on it; so is the coverage test.

#include "zstack/action.hpp"
#include "zstack/client.hpp"
#include "zstack/json.hpp"
#include "zstack/result.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace zstack::catalog {

/// All actions, sorted by API name ("AddAccessControlListEntry", ...). Builds every spec.
const std::vector<const ActionSpec*>& all();
/// Their names, in the same order, without building any spec (completion, suggestions).
std::vector<std::string_view> names();
/// By API name ("CreateVip"; "CreateVipAction" works too); case-insensitive. nullptr if unknown.
const ActionSpec* find(std::string_view name);

/// One instance of any action, driven by field names.
class DynamicAction {
 public:
  /// A default-constructed instance of the action `spec` describes.
  explicit DynamicAction(const ActionSpec& spec);
  ~DynamicAction();  ///< Destroys the instance.
  DynamicAction(DynamicAction&&) noexcept;  ///< Takes over the instance.
  DynamicAction& operator=(DynamicAction&&) noexcept;  ///< Takes over the instance.
  DynamicAction(const DynamicAction&) = delete;  ///< Not copyable.
  DynamicAction& operator=(const DynamicAction&) = delete;  ///< Not copyable.

  /// The action's spec.
  const ActionSpec& spec() const { return *spec_; }
  /// The settable fields: the API's parameters, systemTags/userTags and, for queries, q/limit/...
  const std::vector<schema::FieldDesc>& fields() const;

  /// Sets a field from a JSON value (strings, numbers, arrays, objects as the field's type
  /// needs). A Usage error names the field and the problem; nothing is changed then.
  std::optional<Error> set(std::string_view field, const Json& value);

  /// The parameters every action has: sessionId, timeout, cancel, tags.
  ActionBase& common();

  /// Calls the action; the reply exactly as the server sent it (empty strings, nulls and keys the
  /// SDK does not know included; an empty body is {}). It must still decode as the action's
  /// typed reply: one that does not is a Decode error, as for the typed call.
  Result<Json> call(const Client& client) const;

  /// The action struct itself (described by spec().params), for reading fields with FieldDesc::in().
  const void* raw() const { return action_; }

 private:
  const ActionSpec* spec_;
  void* action_;
};

}  // namespace zstack::catalog
