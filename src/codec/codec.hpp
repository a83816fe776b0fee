#pragma once
// The one generic codec: every action body, query string, reply and CLI output goes through
// these functions, driven by schema::TypeDesc. RapidJSON stays behind this header.

#include "zstack/error.hpp"
#include "zstack/json.hpp"
#include "zstack/schema.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace zstack::codec {

// Decodes JSON text into `out` (described by `type`). Unknown keys are ignored, absent fields
// left unset, integers may be written as floats (80.0). Returns a message naming the offending
// path ("inventories[3].port: expected an integer") on failure.
std::optional<std::string> decode(const schema::TypeDesc& type, std::string_view json, void* out);

// Decodes an already parsed value.
std::optional<std::string> decodeJson(const schema::TypeDesc& type, const Json& value, void* out);

// The value as JSON. Unset optionals and, for output, empty strings are left out.
Json toJson(const schema::TypeDesc& type, const void* in);

// The value as compact JSON text (objects: every field, unset optionals omitted).
std::string encode(const schema::TypeDesc& type, const void* in);

// Scalar as query/path text: strings as they are, numbers in shortest form, booleans as
// true/false, timestamps in gson form. Returns false for non-scalars.
bool scalarText(const schema::TypeDesc& type, const void* in, std::string& out);

// True unless the value is an empty optional, an empty string or a null Json: what "unset" means
// on the wire, where unset parameters are omitted.
bool isSet(const schema::TypeDesc& type, const void* in);

// An action's POST/PUT body: {"<bodyKey>": {Body fields}, "systemTags": [...], "userTags": [...]}.
// Unset fields are omitted; kSha512 fields are sent hashed.
std::string encodeBody(const schema::TypeDesc& action, const void* in, std::string_view bodyKey);

// Decodes ErrorCode from a reply body of the form {"error": {...}} (or a bare ErrorCode).
std::optional<ErrorCode> decodeErrorBody(std::string_view body);

}  // namespace zstack::codec
