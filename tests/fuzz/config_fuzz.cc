// libFuzzer target for the configuration engine. Each input is used three
// ways:
//  1. as a config file: load_text into a Conf, ConfigFile::from_text, text(),
//     and update_config_text (lxc-update-config's rewrite);
//  2. as "key=value" lines for set_item / get_item / clear_item on a Conf and
//     on a ConfigFile;
// and checks properties that must hold for any input:
//  - text() gives back the input's lines, and reads back without error;
//  - after a successful ConfigFile::set_item the text still loads (a saved
//    file must load) and gives the same value back;
//  - a key set_item accepted with a value can be read with get_item;
//  - update_config_text is idempotent.
// A violated property aborts, which libFuzzer reports as a crash.
//
// lxc.include could make the target read any file (/dev/stdin would hang it),
// so inputs that include an absolute path or a path with ".." are skipped.
// The text is loaded as if it were a file in a scratch directory holding a few
// includable files, so relative includes resolve there (run_fuzz.sh also runs
// the fuzzer from an otherwise empty directory).
#include <stdlib.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "base/strings.h"
#include "config/config_file.h"
#include "config/keys.h"
#include "config/legacy.h"
#include "config/parser.h"

namespace {

// The scratch directory's config file name: relative includes resolve
// against its directory.
std::string g_origin = "fuzz";

using namespace lxc;
using namespace lxc::config;

[[noreturn]] void violated(const char* what, std::string_view detail) {
  std::fprintf(stderr, "property violated: %s\n%.*s\n", what, static_cast<int>(std::min<size_t>(detail.size(), 4000)),
               detail.data());
  std::abort();
}

bool unsafe_include(std::string_view path) {
  std::string_view p = trim(path);
  return p.starts_with('/') || p.find("..") != std::string_view::npos || p.starts_with('~');
}

// True when some line would make the parser include a file outside the
// scratch directory.
bool has_unsafe_include(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    auto line = split_line(text.substr(pos, end - pos));
    pos = end + 1;
    if (line && *line && (*line)->key == "lxc.include" && unsafe_include((*line)->value)) return true;
  }
  return false;
}

void check_as_config_file(std::string_view text) {
  Conf conf;
  bool loaded = static_cast<bool>(load_text(conf, text, g_origin));

  auto file = ConfigFile::from_text(text, g_origin);
  if (file.has_value() != loaded) violated("load_text and ConfigFile::from_text disagree", text);
  if (file) {
    std::string expected(text);
    if (!expected.empty() && !expected.ends_with('\n')) expected += '\n';
    if (file->text() != expected) violated("text() is not the input", text);
    auto again = ConfigFile::from_text(file->text(), g_origin);
    if (!again) violated("text() does not load again", again.error().what);
  }

  std::string updated = update_config_text(text);
  if (update_config_text(updated) != updated) violated("update_config_text is not idempotent", text);
}

// Every value a Conf holds, as get_item shows it (hwaddr aside: its x
// placeholders are filled anew on each load).
std::string dump(const Conf& c) {
  std::string out;
  for (const auto& k : container_keys()) {
    if (k.match != Match::Exact) continue;
    auto v = get_item(c, k.name);
    out += std::string(k.name) + "=" + (v ? *v : "<" + v.error().what + ">") + "\n";
  }
  for (const auto& [idx, dev] : c.net) {
    for (const auto& n : net_keys()) {
      if (n.name == "hwaddr") continue;
      std::string key = "lxc.net." + std::to_string(idx) + "." + std::string(n.name);
      auto v = get_item(c, key);
      out += key + "=" + (v ? *v : "<" + v.error().what + ">") + "\n";
    }
  }
  return out;
}

void check_key_values(std::string_view text) {
  Conf conf;
  auto file = ConfigFile::from_text("", g_origin);
  if (!file) violated("an empty ConfigFile", file.error().what);
  size_t pos = 0;
  int n = 0;
  bool changed = false;
  while (pos < text.size() && n++ < 64) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    auto eq = line.find('=');
    if (eq == std::string_view::npos) {
      (void)get_item(conf, line);
      (void)clear_item(conf, line);
      (void)file->clear_item(line);
      continue;
    }
    std::string_view key = line.substr(0, eq);
    std::string_view value = line.substr(eq + 1);
    if (key == "lxc.include" && unsafe_include(value)) continue;

    auto set = set_item(conf, key, value);
    if (set && !value.empty()) {
      if (auto got = get_item(conf, key); !got) violated("set_item succeeded but get_item fails", std::string(line) + "\n" + got.error().what);
    }
    (void)is_list_key(key);

    auto fset = file->set_item(key, value);
    if (fset.has_value() != set.has_value() && !value.empty()) {
      // The Conf and the ConfigFile saw the same sequence of lines only if
      // every earlier set agreed; report the first disagreement.
      violated("set_item on a Conf and on a ConfigFile disagree", std::string(line));
    }
    changed = changed || fset;
    if (fset) {
      auto reread = ConfigFile::from_text(file->text(), g_origin);
      if (!reread) violated("ConfigFile text after set_item does not load", file->text() + "\n---\n" + reread.error().what);
      auto a = file->get_item(key);
      auto b = reread->get_item(key);
      // hwaddr placeholders are filled anew on every load.
      bool random = key.ends_with(".hwaddr") && value.find_first_of("xX") != std::string_view::npos;
      if (a.has_value() != b.has_value() || (a && !random && *a != *b))
        violated("ConfigFile value changes when its text is read back",
                 std::string(line) + "\n" + (a ? *a : a.error().what) + "\n---\n" + (b ? *b : b.error().what) +
                     "\n---\n" + file->text());
    }
  }
  // After the whole sequence, the file's text still means what its Conf holds.
  if (changed) {
    auto reread = ConfigFile::from_text(file->text(), g_origin);
    if (!reread) violated("ConfigFile text does not load", file->text() + "\n---\n" + reread.error().what);
    std::string a = dump(file->conf()), b = dump(reread->conf());
    if (a != b) {
      size_t at = 0;
      while (at < a.size() && at < b.size() && a[at] == b[at]) ++at;
      size_t from = a.rfind('\n', at);
      from = from == std::string::npos ? 0 : from + 1;
      violated("ConfigFile's Conf and its text differ",
               file->text() + "\n--- in memory:\n" + a.substr(from, 200) + "\n--- read back:\n" + b.substr(from, 200));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // A scratch working directory with a few files that relative includes can
  // reach.
  char tmpl[] = "/tmp/lxcpp-fuzz-XXXXXX";
  if (!::mkdtemp(tmpl)) std::abort();
  std::string dir = tmpl;
  std::filesystem::create_directories(dir + "/conf.d");
  std::ofstream(dir + "/common.conf") << "lxc.tty.max = 4\nlxc.cap.drop = sys_module\nlxc.include = conf.d\n";
  std::ofstream(dir + "/conf.d/10-net.conf") << "lxc.net.0.type = veth\nlxc.net.0.link = lxcbr0\n";
  std::ofstream(dir + "/conf.d/20-bad.conf") << "lxc.bogus = 1\n";
  std::ofstream(dir + "/self.conf") << "lxc.include = self.conf\n";
  std::ofstream(dir + "/fuzz") << "lxc.include = fuzz\n";  // the origin itself: including it is a cycle
  g_origin = dir + "/fuzz";
  static std::string scratch = dir;
  std::atexit([] {
    std::error_code ec;
    std::filesystem::remove_all(scratch, ec);
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1u << 20)) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (has_unsafe_include(text)) return 0;
  check_as_config_file(text);
  check_key_values(text);
  return 0;
}
