// What lxcpp keeps behind a struct lxc_container: the C struct that callers
// see (LXC's layout, include/lxc/lxccontainer.h) and the C++ state reached
// through its private lxc_conf pointer, which no caller reads.
#pragma once

#include <lxc/lxccontainer.h>

#include <mutex>
#include <optional>
#include <string>

#include "api/container.h"
#include "base/result.h"
#include "config/config_file.h"

namespace lxc::capi {

struct Handle {
  std::mutex mu;  // the fields below and the C struct's strings
  int refs = 1;
  // The configuration as set_config_item() left it: loaded from the file
  // when there is one, saved only by save_config() (as liblxc's lxc_conf).
  std::optional<config::ConfigFile> cfg;
  bool close_all_fds = false;
};

Handle* handle(lxc_container* c);
api::Container container(lxc_container* c);

// error_string and error_num of c: the failure, or nothing.
void set_error(lxc_container* c, const Error& e);
void clear_error(lxc_container* c);
// For results: true, or false with the error recorded.
bool ok(lxc_container* c, const Result<void>& r);

// Copies of C strings for the caller to free().
char* dup_string(const std::string& s);
char** dup_string_array(const std::vector<std::string>& v);

// Sets every function pointer of a new container (container.cc).
void fill_methods(lxc_container* c);
// attach(), attach_run_wait(), attach_run_waitl() (attach.cc).
void fill_attach_methods(lxc_container* c);

}  // namespace lxc::capi
