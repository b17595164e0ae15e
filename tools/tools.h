// Entry points of the tools in the multi-call binary.
#pragma once

namespace lxc::tools {

int lxc_checkconfig_main(int argc, char** argv);
int lxc_config_main(int argc, char** argv);
int lxc_update_config_main(int argc, char** argv);

}  // namespace lxc::tools
