#include "base/random.h"

#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <random>

namespace lxc {

void random_bytes(void* buf, size_t n) {
  auto* p = static_cast<unsigned char*>(buf);
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::getrandom(p + got, n - got, GRND_NONBLOCK);
    if (r <= 0) break;
    got += static_cast<size_t>(r);
  }
  if (got == n) return;
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  static std::minstd_rand rng(static_cast<unsigned>(ts.tv_nsec) ^ (static_cast<unsigned>(::getpid()) << 16));
  for (; got < n; ++got) p[got] = static_cast<unsigned char>(rng() >> 8);
}

std::string random_alnum(size_t n) {
  static constexpr char kAlnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string bytes(n, '\0');
  random_bytes(bytes.data(), n);
  std::string out;
  out.reserve(n);
  for (unsigned char b : bytes) out += kAlnum[b % (sizeof kAlnum - 1)];
  return out;
}

}  // namespace lxc
