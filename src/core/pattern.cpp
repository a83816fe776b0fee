#include "zstack/pattern.hpp"

#include "util/java_regex.hpp"
#include "zstack/schema.hpp"

#include <stdexcept>

namespace zstack::schema {

struct Pattern::Impl {
  jregex::Program program;
};

Pattern::~Pattern() = default;

std::shared_ptr<const Pattern> Pattern::compile(std::string_view javaRegex) {
  std::shared_ptr<Pattern> p(new Pattern());
  p->source_.assign(javaRegex.data(), javaRegex.size());
  auto impl = std::make_unique<Impl>();
  if (impl->program.compile(javaRegex, p->error_)) p->impl_ = std::move(impl);
  return p;
}

bool Pattern::matches(std::string_view utf8) const { return impl_ && impl_->program.matches(utf8); }

std::string_view trimmedPattern(std::string_view regex) {
  // java.lang.String.trim(): every char <= U+0020 off both ends, as ZStack does before compiling.
  while (!regex.empty() && static_cast<unsigned char>(regex.front()) <= 0x20) regex.remove_prefix(1);
  while (!regex.empty() && static_cast<unsigned char>(regex.back()) <= 0x20) regex.remove_suffix(1);
  return regex;
}

FieldDesc& FieldDesc::matches(const char* javaRegex) {
  const std::string_view text = trimmedPattern(javaRegex ? javaRegex : "");
  if (text.empty()) {  // ZStack: a blank validRegexValues means none
    constraints.pattern.reset();
    return *this;
  }
  auto p = Pattern::compile(text);
  if (!p->valid()) throw std::invalid_argument("FieldDesc::matches: " + p->error() + ": " + p->source());
  constraints.pattern = std::move(p);
  return *this;
}

}  // namespace zstack::schema
