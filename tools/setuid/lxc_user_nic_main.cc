// lxc-user-nic as its own executable: it is installed setuid root (in
// LIBEXECDIR/lxc, where LXC keeps it), and only this small program may be,
// never the multi-call lxcpp binary.
#include "tools/tools.h"

int main(int argc, char** argv) { return lxc::tools::lxc_user_nic_main(argc, argv); }
