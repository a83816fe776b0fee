#include "shell.hpp"

#include "session_file.hpp"
#include "shell_text.hpp"

#include <editline/readline.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>

namespace zscli {
namespace {

constexpr std::size_t kHistoryLines = 1000;

std::vector<std::string> gCandidates;

char* nextCandidate(const char*, int state) {
  static std::size_t at = 0;
  if (state == 0) at = 0;
  if (at >= gCandidates.size()) return nullptr;
  return strdup(gCandidates[at++].c_str());
}

char** complete(const char* text, int start, int) {
  rl_attempted_completion_over = 1;  // never fall back to file names
  const std::string before(rl_line_buffer, rl_line_buffer + start);
  gCandidates = completeWord(before, text);
  bool allParams = !gCandidates.empty();
  for (const auto& c : gCandidates) allParams = allParams && c.back() == '=';
  rl_completion_append_character = allParams ? '\0' : ' ';  // "name=" goes on with its value
  if (gCandidates.empty()) return nullptr;
  return rl_completion_matches(text, nextCandidate);
}

// Appends one line to the history file, creating it 0600 (and keeping it so).
void appendHistory(const std::string& path, const std::string& line) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return;
  (void)fchmod(fd, 0600);
  const std::string text = line + "\n";
  (void)!::write(fd, text.data(), text.size());
  ::close(fd);
}

// The last kHistoryLines lines of the file; a longer file is rewritten to them (atomically).
std::deque<std::string> loadHistory(const std::string& path) {
  std::deque<std::string> lines;
  std::ifstream in(path);
  std::string line;
  bool trimmed = false;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    lines.push_back(line);
    if (lines.size() > kHistoryLines) {
      lines.pop_front();
      trimmed = true;
    }
  }
  if (trimmed) {
    std::string tmp = path + ".XXXXXX";
    const int fd = mkstemp(tmp.data());
    if (fd >= 0) {
      std::string all;
      for (const auto& l : lines) all += l + "\n";
      const bool ok = ::write(fd, all.data(), all.size()) == static_cast<ssize_t>(all.size());
      ::close(fd);
      if (!ok || rename(tmp.c_str(), path.c_str()) != 0) unlink(tmp.c_str());
    }
  }
  return lines;
}

const char* kShellHelp =
    "Each line is a zscli command without \"zscli\": an action and its parameters, e.g.\n"
    "  LogInByAccount accountName=admin password=-\n"
    "  QueryVip name=vip1\n"
    "Tab completes action names, parameter names and valid values. 'ActionName --help' shows an\n"
    "action's parameters, '--help' every action. exit, quit or Ctrl-D leaves the shell.\n"
    "Lines that give a password or another secret a value are not kept in the history.\n";

}  // namespace

std::optional<std::string> historyFilePath(const Getenv& getenv) {
  if (const char* v = getenv ? getenv("ZSCLI_HISTORY_FILE") : nullptr; v && *v) return std::string(v);
  auto session = sessionFilePath(getenv);
  if (!session) return std::nullopt;
  const auto slash = session->rfind('/');
  return (slash == std::string::npos ? std::string(".") : session->substr(0, slash)) + "/history";
}

int runShell(const std::vector<std::string>& options, const Getenv& getenv, const RunCommand& run) {
  static const char kBreaks[] = " \t\n";
  rl_readline_name = "zscli";
  rl_attempted_completion_function = complete;
  rl_basic_word_break_characters = kBreaks;
  rl_completer_word_break_characters = const_cast<char*>(kBreaks);
  using_history();
  const auto historyPath = historyFilePath(getenv);
  if (historyPath)
    for (const auto& l : loadHistory(*historyPath)) add_history(l.c_str());

  std::cout << "zscli shell: Tab completes, 'help' explains, 'exit' or Ctrl-D leaves.\n" << std::flush;
  for (;;) {
    char* raw = readline("zscli> ");
    if (!raw) {
      std::cout << "\n";
      break;
    }
    const std::string line = raw;
    std::free(raw);
    std::string why;
    auto words = splitLine(line, &why);
    if (!words) {
      std::cerr << "zscli: " << why << "\n";
      continue;
    }
    if (words->empty()) continue;
    if (keepInHistory(*words)) {
      add_history(line.c_str());
      if (historyPath) {
        const auto slash = historyPath->rfind('/');
        if (slash != std::string::npos && slash > 0) (void)makePrivateDirs(historyPath->substr(0, slash));
        appendHistory(*historyPath, line);
      }
    }
    const std::string& first = words->front();
    if (first == "exit" || first == "quit") break;
    if (first == "help") {
      std::cout << kShellHelp << std::flush;
      continue;
    }
    std::vector<std::string> argv{"zscli"};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.insert(argv.end(), words->begin(), words->end());
    (void)run(argv);  // its output says how it went; the shell goes on
    std::cout.clear();
    std::cout.flush();
    std::cerr.flush();
  }
  return 0;
}

}  // namespace zscli
