// Randomness for names and addresses (temporary files, veth names, the xx of
// a hwaddr): not for secrets. One place, because the obvious choice,
// std::random_device, probes the CPU with cpuid at every construction, which
// traps to the hypervisor in a VM (20 to 200 us each).
#pragma once

#include <cstddef>
#include <string>

namespace lxc {

// n bytes from getrandom; should it fail, from a generator seeded with the
// time and the pid.
void random_bytes(void* buf, size_t n);

// n characters of [a-zA-Z0-9].
std::string random_alnum(size_t n);

}  // namespace lxc
