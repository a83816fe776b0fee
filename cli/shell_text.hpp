#pragma once
// The text side of zscli's interactive shell, apart from the line editor so tests can drive it:
// splitting a line into words, completing a word, deciding what history may keep.

#include <optional>
#include <string>
#include <vector>

namespace zscli {

// Shell-like words: blanks separate, '...' keeps everything, "..." keeps everything but \" and
// \\, a backslash outside quotes escapes the next character. nullopt (and `error`) for an
// unterminated quote.
std::optional<std::vector<std::string>> splitLine(const std::string& line, std::string* error = nullptr);

// Completions of `word`, the word being typed, given `before`, the line up to it:
//   first word         action names and the shell's commands (exit, quit, help), by prefix,
//                      case-insensitive
//   "name=..."          the parameter's valid values (true/false for booleans) as name=value
//   otherwise           the action's parameters as "name="; for a query also the fields of
//                      the inventory it returns (the conditions' names)
std::vector<std::string> completeWord(const std::string& before, const std::string& word);

// Whether a command line may go into the history: not when it gives a secret parameter a
// value (password=..., but password=- is fine) or has --password / --access-key / --session.
bool keepInHistory(const std::vector<std::string>& words);

}  // namespace zscli
