#pragma once
// Placeholder: the kernel-config checker behind lxc-checkconfig.
