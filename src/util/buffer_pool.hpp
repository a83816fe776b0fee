#pragma once
// Reuse of large reply-body buffers. A fresh multi-hundred-KiB string per call touches every one
// of its pages anew, because glibc hands freed heap tops back to the kernel: for a 1000-inventory
// QueryVip that was about 110 page faults and 15% of the client's CPU per call.

#include <cstddef>
#include <string>

namespace zstack::util {

// Buffers smaller than this are left to malloc, which reuses them well by itself.
inline constexpr std::size_t kPooledBufferMin = 64 * 1024;

// An empty string with capacity >= `atLeast` when a spare one is pooled, else an empty string
// (whose capacity is then below kPooledBufferMin).
std::string takeBuffer(std::size_t atLeast);

// Keeps `buffer` for reuse if it is worth keeping and the pool has room; frees it otherwise.
// Thread-safe; the contents are discarded.
void giveBack(std::string&& buffer);

}  // namespace zstack::util
