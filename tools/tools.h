// Entry points of the tools in the multi-call binary.
#pragma once

namespace lxc::tools {

int lxc_autostart_main(int argc, char** argv);
int lxc_cgroup_main(int argc, char** argv);
int lxc_checkconfig_main(int argc, char** argv);
int lxc_config_main(int argc, char** argv);
int lxc_console_main(int argc, char** argv);
int lxc_copy_main(int argc, char** argv);
int lxc_create_main(int argc, char** argv);
int lxc_destroy_main(int argc, char** argv);
int lxc_device_main(int argc, char** argv);
int lxc_update_config_main(int argc, char** argv);
int lxc_attach_main(int argc, char** argv);
int lxc_execute_main(int argc, char** argv);
int lxc_freeze_main(int argc, char** argv);
int lxc_info_main(int argc, char** argv);
int lxc_ls_main(int argc, char** argv);
int lxc_monitor_main(int argc, char** argv);
int lxc_snapshot_main(int argc, char** argv);
int lxc_start_main(int argc, char** argv);
int lxc_stop_main(int argc, char** argv);
int lxc_top_main(int argc, char** argv);
int lxc_unfreeze_main(int argc, char** argv);
int lxc_unshare_main(int argc, char** argv);
int lxc_user_nic_main(int argc, char** argv);
int lxc_usernsexec_main(int argc, char** argv);
int lxc_wait_main(int argc, char** argv);

}  // namespace lxc::tools
