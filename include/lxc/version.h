/* lxcpp's liblxc: the version of LXC whose C API (liblxc.so.1) it provides. */
#ifndef LXCPP_LXC_VERSION_H
#define LXCPP_LXC_VERSION_H

#define LXC_DEVEL 0
#define LXC_VERSION_MAJOR 5
#define LXC_VERSION_MINOR 0
#define LXC_VERSION_MICRO 2
#define LXC_VERSION_ABI "1.7.0"
#define LXC_VERSION "5.0.2"

#endif
