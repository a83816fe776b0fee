#include "shell_text.hpp"

#include <zstack/zstack.hpp>

#include <strings.h>

#include <cstring>

namespace zscli {
namespace {

namespace schema = zstack::schema;

const schema::TypeDesc& unwrap(const schema::TypeDesc& t) {
  return t.kind == schema::Kind::Optional ? t.element() : t;
}

bool startsNoCase(const std::string& s, const std::string& prefix) {
  return s.size() >= prefix.size() && strncasecmp(s.data(), prefix.data(), prefix.size()) == 0;
}

const char* const kShellCommands[] = {"exit", "help", "quit"};
const char* const kQueryKeys[] = {"limit=", "start=", "count=", "replyWithCount=", "sortBy=", "sortDirection=", "fields=", "groupBy="};

void addUnique(std::vector<std::string>& out, std::string s) {
  for (const auto& x : out)
    if (x == s) return;
  out.push_back(std::move(s));
}

}  // namespace

std::optional<std::vector<std::string>> splitLine(const std::string& line, std::string* error) {
  std::vector<std::string> words;
  std::string cur;
  bool inWord = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (inWord) words.push_back(std::move(cur));
      cur.clear();
      inWord = false;
      continue;
    }
    inWord = true;
    if (c == '\'') {
      const auto close = line.find('\'', i + 1);
      if (close == std::string::npos) {
        if (error) *error = "unterminated ' quote";
        return std::nullopt;
      }
      cur.append(line, i + 1, close - i - 1);
      i = close;
    } else if (c == '"') {
      std::size_t j = i + 1;
      for (; j < line.size() && line[j] != '"'; ++j) {
        if (line[j] == '\\' && j + 1 < line.size() && (line[j + 1] == '"' || line[j + 1] == '\\')) ++j;
        cur += line[j];
      }
      if (j >= line.size()) {
        if (error) *error = "unterminated \" quote";
        return std::nullopt;
      }
      i = j;
    } else if (c == '\\' && i + 1 < line.size()) {
      cur += line[++i];
    } else {
      cur += c;
    }
  }
  if (inWord) words.push_back(std::move(cur));
  return words;
}

std::vector<std::string> completeWord(const std::string& before, const std::string& word) {
  std::vector<std::string> out;
  auto words = splitLine(before);
  if (!words || words->empty()) {  // the first word: an action or a shell command
    for (const char* c : kShellCommands)
      if (startsNoCase(c, word)) out.emplace_back(c);
    for (std::string_view actionName : zstack::catalog::names())
      if (startsNoCase(std::string(actionName), word)) out.emplace_back(actionName);
    return out;
  }
  const zstack::ActionSpec* spec = zstack::catalog::find(words->front());
  if (!spec) return out;
  const zstack::catalog::DynamicAction action(*spec);
  const auto eq = word.find('=');
  if (eq != std::string::npos) {  // name=value: the valid values
    const std::string key = word.substr(0, eq), prefix = word.substr(eq + 1);
    for (const auto& f : action.fields()) {
      if (key != f.name) continue;
      std::vector<std::string> values = f.constraints.validValues;
      if (unwrap(f.type()).kind == schema::Kind::Bool) values = {"true", "false"};
      for (const auto& v : values)
        if (startsNoCase(v, prefix)) out.push_back(key + "=" + v);
    }
    return out;
  }
  if (spec->isQuery) {
    // The conditions' names: the fields of the inventories the query returns.
    for (const auto& rf : spec->reply().fields) {
      if (std::strcmp(rf.name, "inventories") != 0) continue;
      const auto& list = unwrap(rf.type());
      if (list.kind != schema::Kind::List) continue;
      const auto& inv = unwrap(list.element());
      for (const auto& f : inv.fields)
        if (startsNoCase(f.name, word)) addUnique(out, std::string(f.name) + "=");
    }
    for (const char* k : kQueryKeys)
      if (startsNoCase(k, word)) addUnique(out, k);
    return out;
  }
  for (const auto& f : action.fields())
    if (startsNoCase(f.name, word)) addUnique(out, std::string(f.name) + "=");
  return out;
}

bool keepInHistory(const std::vector<std::string>& words) {
  if (words.empty()) return false;
  const zstack::ActionSpec* spec = nullptr;
  for (const auto& w : words) {
    if (w == "--password" || w == "--access-key" || w == "--session") return false;
    if (!spec && !w.empty() && w[0] != '-') spec = zstack::catalog::find(w);
  }
  for (const auto& w : words) {
    const auto eq = w.find('=');
    if (eq == std::string::npos || w.substr(eq + 1) == "-") continue;
    const std::string key = w.substr(0, eq);
    // By name too: a line that does not parse (a typo'd action) may still hold a password.
    if (strcasestr(key.c_str(), "password") || strcasestr(key.c_str(), "secret")) return false;
    if (spec)
      for (const auto& f : spec->params().fields)
        if (key == f.name && (f.flags & schema::kSecret)) return false;
  }
  return true;
}

}  // namespace zscli
