// The names interfaces get in the container (network::inside_names), as
// LXC: lxc.net.N.name, else the host name for phys, else the first free ethN.
#include <gtest/gtest.h>

#include "config/conf.h"
#include "network/internal.h"

namespace lxc::network {
namespace {

config::NetDev dev(std::string type, std::string name = {}, std::string link = {}) {
  config::NetDev d;
  d.type = std::move(type);
  d.name = std::move(name);
  d.link = std::move(link);
  return d;
}

TEST(NetworkNames, UnnamedInterfacesTakeTheFirstFreeEthN) {
  config::Conf c;
  c.net[0] = dev("veth");
  c.net[1] = dev("veth", "eth0");
  c.net[2] = dev("macvlan", {}, "br0");
  EXPECT_EQ(inside_names(c), (std::vector<std::string>{"eth1", "eth0", "eth2"}));
}

TEST(NetworkNames, PhysKeepsItsHostName) {
  config::Conf c;
  c.net[0] = dev("phys", {}, "enp3s0");
  c.net[1] = dev("phys", "wan", "enp4s0");
  c.net[2] = dev("veth");
  EXPECT_EQ(inside_names(c), (std::vector<std::string>{"enp3s0", "wan", "eth0"}));
}

TEST(NetworkNames, NoneAndEmptyGetNoName) {
  config::Conf c;
  c.net[0] = dev("empty");
  c.net[3] = dev("veth");
  EXPECT_EQ(inside_names(c), (std::vector<std::string>{"", "eth0"}));
}

}  // namespace
}  // namespace lxc::network
