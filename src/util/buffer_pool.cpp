#include "util/buffer_pool.hpp"

#include <array>
#include <mutex>

namespace zstack::util {
namespace {

// A few buffers cover the sync calls of a few threads and the async engine; the cap keeps an
// idle program from holding more than 4 x 8 MiB.
constexpr std::size_t kSlots = 4;
constexpr std::size_t kPooledBufferMax = 8u << 20;

struct Pool {
  std::mutex m;
  std::array<std::string, kSlots> spare;
};

Pool& pool() {
  static Pool* p = new Pool;  // never destroyed: calls may still return buffers during exit
  return *p;
}

}  // namespace

std::string takeBuffer(std::size_t atLeast) {
  std::string out;
  if (atLeast < kPooledBufferMin || atLeast > kPooledBufferMax) return out;
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.m);
  for (auto& s : p.spare)
    if (s.capacity() >= atLeast) {
      out.swap(s);
      break;
    }
  return out;
}

void giveBack(std::string&& buffer) {
  if (buffer.capacity() < kPooledBufferMin || buffer.capacity() > kPooledBufferMax) return;
  buffer.clear();
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.m);
  // Fill an empty slot, else replace a smaller spare: the pool converges on the sizes in use.
  std::string* smallest = &p.spare[0];
  for (auto& s : p.spare) {
    if (s.capacity() < kPooledBufferMin) {  // a free slot
      s.swap(buffer);
      return;
    }
    if (s.capacity() < smallest->capacity()) smallest = &s;
  }
  if (smallest->capacity() < buffer.capacity()) smallest->swap(buffer);
}

}  // namespace zstack::util
