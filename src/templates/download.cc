#include "templates/download.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

#include "base/file.h"
#include "base/scope_exit.h"
#include "base/strings.h"
#include "base/unique_fd.h"
#include "log/log.h"
#include "storage/remove_tree.h"
#include "templates/archive.h"
#include "templates/http.h"
#include "templates/image.h"
#include "templates/signature.h"
#include "templates/template_args.h"

namespace lxc::templates {
namespace {

constexpr log::Logger kLog("templates");

constexpr TemplateOption kOptions[] = {
    {"dist", 'd', true},    {"release", 'r', true}, {"arch", 'a', true},       {"list", 'l', false},
    {"variant", 0, true},   {"server", 0, true},    {"flush-cache", 0, false}, {"force-cache", 0, false},
    {"keyserver", 0, true}, {"keyring", 0, true},   {"keyid", 0, true},        {"no-validate", 0, false},
};

constexpr std::string_view kUserAgent = "lxc/5.0.2 compat:7 (lxcpp)";

void print_usage() {
  std::printf(
      "LXC container image downloader (lxcpp's built-in download template)\n\n"
      "Special arguments:\n"
      "[ -h | --help ]: Print this help message and exit\n"
      "[ -l | --list ]: List all available images and exit\n\n"
      "Required arguments:\n"
      "[ -d | --dist <distribution> ]: The name of the distribution\n"
      "[ -r | --release <release> ]: Release name/version\n"
      "[ -a | --arch <architecture> ]: Architecture of the container\n\n"
      "Optional arguments:\n"
      "[ --variant <variant> ]: Variant of the image (default: \"default\")\n"
      "[ --server <server> ]: Image server, a host name or a URL (default: \"%s\")\n"
      "[ --flush-cache ]: Flush the local copy (if present)\n"
      "[ --force-cache ]: Force the use of the local copy even if expired\n"
      "[ --keyring <file> ]: Keys that sign the images (default: %s)\n"
      "[ --keyid <id> ]: Accept only signatures of this key (ID or fingerprint)\n"
      "[ --no-validate ]: Do not check the signatures\n"
      "[ --keyserver <server> ]: Accepted for compatibility; keys come from --keyring\n\n"
      "LXC internal arguments (do not pass manually!):\n"
      "[ --name <name> ]: The container name\n"
      "[ --path <path> ]: The path to the container\n"
      "[ --rootfs <rootfs> ]: The path to the container's rootfs\n"
      "[ --mapped-uid <map> ]: A uid map (user namespaces)\n"
      "[ --mapped-gid <map> ]: A gid map (user namespaces)\n\n",
      std::string(kDefaultImageServer).c_str(), std::string(kSystemKeyring).c_str());
  std::fflush(stdout);
}

std::string home_dir() {
  const char* h = std::getenv("HOME");
  return h && *h ? h : "/";
}

std::string default_keyring() {
  if (::geteuid() != 0) {
    std::string user = home_dir() + "/.config/lxcpp/download-keyring.gpg";
    if (path_exists(user)) return user;
  }
  return std::string(kSystemKeyring);
}

std::string cache_base() {
  if (const char* env = std::getenv("LXC_CACHE_PATH"); env && *env) return env;
  return ::geteuid() == 0 ? "/var/cache/lxc" : home_dir() + "/.cache/lxc";
}

// The regular files of the cache directory but the rootfs: the metadata.
Result<std::map<std::string, std::string>> read_cached_meta(const std::string& dir) {
  std::map<std::string, std::string> files;
  std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
  if (!d) return fail_sys("open " + dir);
  while (dirent* e = ::readdir(d.get())) {
    std::string n = e->d_name;
    if (n == "." || n == ".." || n == "rootfs.tar.xz") continue;
    std::string p = dir + "/" + n;
    struct stat st {};
    if (::lstat(p.c_str(), &st) < 0 || !S_ISREG(st.st_mode)) continue;
    auto text = read_file(p, 16u << 20);
    if (!text) return unexpected(text.error());
    files[n] = std::move(*text);
  }
  return files;
}

class Download {
 public:
  Download(const TemplateArgs& a, const Request& req) : a_(a), req_(req) {
    variant_ = a.has("variant") ? a.get("variant") : "default";
    base_url_ = server_url(a.has("server") ? a.get("server") : kDefaultImageServer);
    mode_ = image_mode(req.idmap);
    http_.user_agent = kUserAgent;
    http_.progress = !req.quiet && ::isatty(STDERR_FILENO);
  }

  Result<void> run() {
    if (a_.has("keyserver")) kLog.warn("download template: --keyserver is not used; keys come from --keyring");
    bool interactive = a_.get("dist").empty() || a_.get("release").empty() || a_.get("arch").empty();
    if (a_.has("list") || interactive) {
      if (auto r = list(); !r) return r;
      if (a_.has("list")) return fail(0, "download template: images listed (--list), no container created");
      if (auto r = ask(); !r) return r;
    } else {
      dist_ = a_.get("dist"), release_ = a_.get("release"), arch_ = a_.get("arch");
    }
    for (const auto* v : {&dist_, &release_, &arch_, &variant_})
      if (!valid_image_field(*v)) return fail(EINVAL, "download template: invalid image name part \"" + *v + "\"");
    if (req_.name.empty() || req_.path.empty() || req_.rootfs.empty())
      return fail(EINVAL, "download template: Please pass the name, path, and rootfs for the container");

    cache_ = cache_base() + "/download/" + dist_ + "/" + release_ + "/" + arch_ + "/" + variant_;
    if (auto r = mkdir_p(dirname_of(cache_), 0755); !r) return r;
    // One creation at a time updates (or reads) this image's cache.
    std::string lock_path = dirname_of(cache_) + "/." + variant_ + ".lock";
    UniqueFd lock(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!lock) return fail_sys("open " + lock_path);
    if (::flock(lock.get(), LOCK_EX) < 0) return fail_sys("lock " + lock_path);
    if (auto r = refresh_cache(); !r) return r;
    return unpack();
  }

 private:
  void say(std::string_view s) const {
    if (req_.quiet) return;
    std::printf("%.*s\n", static_cast<int>(s.size()), s.data());
    std::fflush(stdout);
  }

  Result<const SignatureVerifier*> verifier() {
    if (a_.has("no-validate")) return static_cast<const SignatureVerifier*>(nullptr);
    if (!verifier_) {
      std::string keyring = a_.has("keyring") ? a_.get("keyring") : default_keyring();
      if (!path_exists(keyring))
        return fail(ENOENT, "download template: no keyring to check the image signatures: " + keyring +
                                " does not exist (give --keyring FILE, or --no-validate to skip the check)");
      auto v = SignatureVerifier::open(keyring, a_.get("keyid"));
      if (!v) return unexpected(with_context(v.error(), "download template"));
      verifier_.emplace(std::move(*v));
    }
    return &*verifier_;
  }

  Result<std::string> fetch_signature(const std::string& url) {
    HttpOptions o = http_;
    o.progress = false;
    o.max_bytes = 64 << 10;
    auto sig = http_get(url + ".asc", o);
    if (!sig && sig.error().code == ENOENT)
      return fail(EBADMSG,
                  "download template: the server has no signature " + url + ".asc (--no-validate skips the check)");
    return sig;
  }

  // The index (index-MODE.7, else index-MODE), its signature checked.
  Result<std::string> fetch_index() {
    say("Downloading the image index");
    std::string url = join_url(base_url_, "/meta/1.0", "index-" + mode_ + "." + std::to_string(kDownloadCompat));
    HttpOptions o = http_;
    o.progress = false;
    auto index = http_get(url, o);
    if (!index && index.error().code == ENOENT) {
      url = join_url(base_url_, "/meta/1.0", "index-" + mode_);
      index = http_get(url, o);
    }
    if (!index) return unexpected(with_context(index.error(), "download template: Failed to download the index"));
    auto v = verifier();
    if (!v) return unexpected(v.error());
    if (*v) {
      auto sig = fetch_signature(url);
      if (!sig) return unexpected(sig.error());
      if (auto r = (*v)->verify(*index, *sig, url); !r) return unexpected(with_context(r.error(), "download template"));
    }
    return index;
  }

  Result<void> list() {
    auto index = fetch_index();
    if (!index) return unexpected(index.error());
    ImageFilter f{a_.get("dist"), a_.get("release"), a_.get("arch"), variant_};
    if (!req_.quiet) {
      std::printf("\n%s", image_table(parse_index(*index), f).c_str());
      std::fflush(stdout);
    }
    return {};
  }

  // LXC's interactive mode: what -d, -r, -a did not give is read from stdin.
  Result<void> ask() {
    std::printf("\n");
    auto read_answer = [](const char* prompt, std::string given) -> std::string {
      if (!given.empty()) return given;
      std::printf("%s: \n", prompt);
      std::fflush(stdout);
      char buf[256];
      if (!std::fgets(buf, sizeof buf, stdin)) return "";
      return std::string(trim(buf));
    };
    dist_ = read_answer("Distribution", a_.get("dist"));
    release_ = read_answer("Release", a_.get("release"));
    arch_ = read_answer("Architecture", a_.get("arch"));
    std::printf("\n");
    if (dist_.empty() || release_.empty() || arch_.empty())
      return fail(EINVAL, "download template: distribution, release and architecture are needed (-d, -r, -a)");
    return {};
  }

  Result<void> refresh_cache() {
    bool use_cache = false;
    if (is_dir(cache_)) {
      if (a_.has("flush-cache")) {
        say("Flushing the cache...");
        if (auto r = storage::remove_tree(cache_); !r) return r;
      } else if (a_.has("force-cache")) {
        use_cache = true;
      } else {
        use_cache = true;
        auto files = read_cached_meta(cache_);
        if (!files) return unexpected(files.error());
        ImageMeta m{std::move(*files), mode_, kDownloadCompat};
        if (const std::string* expiry = m.find("expiry"); expiry && cache_expired(*expiry, std::time(nullptr))) {
          say("The cached copy has expired, re-downloading...");
          use_cache = false;
        }
      }
    }
    if (use_cache) {
      say("Using image from local cache");
      return {};
    }
    auto index = fetch_index();
    if (!index) return unexpected(index.error());
    std::optional<IndexEntry> image;
    for (auto& e : parse_index(*index)) {
      if (e.dist == dist_ && e.release == release_ && e.arch == arch_ && e.variant == variant_) {
        image = e;
        break;
      }
    }
    if (!image) return fail(ENOENT, "download template: Couldn't find a matching image");
    auto cached_build = read_file(cache_ + "/build_id");
    if (cached_build && trim(*cached_build) == image->build) {
      say("The cache is already up to date");
      say("Using image from local cache");
      return {};
    }
    return fetch_image(*image);
  }

  // Downloads and checks the image beside the cache, then swaps it in.
  Result<void> fetch_image(const IndexEntry& image) {
    std::string tmp = dirname_of(cache_) + "/." + variant_ + ".new-XXXXXX";
    if (!::mkdtemp(tmp.data())) return fail_sys("mkdtemp " + tmp);
    bool keep = false;
    ScopeExit drop([&] {
      if (!keep) (void)storage::remove_tree(tmp);
    });
    auto v = verifier();
    if (!v) return unexpected(v.error());
    for (const char* file : {"rootfs.tar.xz", "meta.tar.xz"}) {
      say(std::string("Downloading the ") + (std::string_view(file) == "meta.tar.xz" ? "metadata" : "rootfs"));
      std::string url = join_url(base_url_, image.path, file);
      HttpOptions o = http_;
      o.label = file;
      if (auto r = http_download(url, tmp + "/" + file, o); !r)
        return unexpected(with_context(r.error(), "download template: Failed to download " + url));
      if (*v) {
        auto sig = fetch_signature(url);
        if (!sig) return unexpected(sig.error());
        if (auto r = (*v)->verify_file(tmp + "/" + file, *sig); !r)
          return unexpected(with_context(r.error(), "download template"));
      }
    }
    auto meta = read_archive_files(tmp + "/meta.tar.xz");
    if (!meta) return unexpected(with_context(meta.error(), "download template: Invalid metadata tarball"));
    for (const auto& [name, content] : *meta) {
      // The metadata is flat; anything else could name a path outside the cache.
      if (name.find('/') != std::string::npos || name == "rootfs.tar.xz" || name == "build_id") continue;
      if (auto r = write_file_atomic(tmp + "/" + name, content, 0644); !r) return r;
    }
    ::unlink((tmp + "/meta.tar.xz").c_str());
    if (auto r = write_file_atomic(tmp + "/build_id", image.build + "\n", 0644); !r) return r;
    if (is_dir(cache_)) {
      if (auto r = storage::remove_tree(cache_); !r) return r;
    }
    if (::rename(tmp.c_str(), cache_.c_str()) < 0) return fail_sys("rename " + tmp + " to " + cache_);
    keep = true;
    say("The image cache is now ready");
    return {};
  }

  Result<void> unpack() {
    auto files = read_cached_meta(cache_);
    if (!files) return unexpected(files.error());
    ImageMeta meta{std::move(*files), mode_, kDownloadCompat};
    say("Unpacking the rootfs");
    ExtractOptions eo;
    if (const std::string* ex = meta.find("excludes")) eo.excludes = list_lines(*ex);
    eo.idmap = req_.idmap;
    auto st = extract_tarball(cache_ + "/rootfs.tar.xz", req_.rootfs, eo);
    if (!st) return unexpected(with_context(st.error(), "download template: cannot unpack the rootfs"));
    const std::string* config = meta.find("config");
    if (!config) return fail(EINVAL, "download template: meta tarball is missing the configuration file");
    if (auto r = install_image(req_, meta, *config); !r)
      return unexpected(with_context(r.error(), "download template"));
    return {};
  }

  const TemplateArgs& a_;
  const Request& req_;
  std::string dist_, release_, arch_, variant_, base_url_, mode_, cache_;
  HttpOptions http_;
  std::optional<SignatureVerifier> verifier_;
};

class DownloadTemplate final : public Template {
 public:
  const std::string& path() const override { return path_; }
  bool appends_to_config_file() const override { return true; }
  void print_help() const override { print_usage(); }

  Result<std::string> run(const Request& req) const override {
    auto a = parse_builtin_args(req.args, kOptions, req.quiet, "download", print_usage);
    if (!a) return unexpected(a.error());
    Download d(*a, req);
    if (auto r = d.run(); !r) return unexpected(r.error());
    return std::string();
  }

 private:
  std::string path_{kDownloadScriptPath};
};

}  // namespace

std::unique_ptr<Template> download_template() { return std::make_unique<DownloadTemplate>(); }

std::vector<IndexEntry> parse_index(std::string_view text) {
  std::vector<IndexEntry> out;
  for (std::string_view line : lines(text)) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::vector<std::string> f;
    size_t start = 0;
    for (;;) {
      size_t semi = line.find(';', start);
      // read -r f1 .. f6 puts the rest of the line into the last field.
      if (semi == std::string_view::npos || f.size() == 5) {
        f.emplace_back(line.substr(start));
        break;
      }
      f.emplace_back(line.substr(start, semi - start));
      start = semi + 1;
    }
    if (f.size() < 6 || f[4].empty() || f[5].empty()) continue;
    out.push_back({f[0], f[1], f[2], f[3], f[4], f[5]});
  }
  return out;
}

bool filter_matches(const ImageFilter& f, const IndexEntry& e) {
  return (f.dist.empty() || f.dist == e.dist) && (f.release.empty() || f.release == e.release) &&
         (f.arch.empty() || f.arch == e.arch) && (f.variant.empty() || f.variant == e.variant);
}

std::string image_table(const std::vector<IndexEntry>& entries, const ImageFilter& f) {
  std::string out = "---\nDIST\tRELEASE\tARCH\tVARIANT\tBUILD\n---\n";
  for (const auto& e : entries)
    if (filter_matches(f, e))
      out += e.dist + "\t" + e.release + "\t" + e.arch + "\t" + e.variant + "\t" + e.build + "\n";
  return out + "---\n";
}

std::string server_url(std::string_view server) {
  std::string s = server.find("://") == std::string_view::npos ? "https://" + std::string(server) : std::string(server);
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

std::string join_url(std::string_view base, std::string_view path, std::string_view file) {
  std::string out(base);
  while (!out.empty() && out.back() == '/') out.pop_back();
  while (path.starts_with("/")) path.remove_prefix(1);
  while (path.ends_with("/")) path.remove_suffix(1);
  if (!path.empty()) out += "/" + std::string(path);
  return out + "/" + std::string(file);
}

bool cache_expired(std::string_view expiry, int64_t now) {
  auto v = parse_i64(trim(expiry));
  return !v || *v < now;
}

bool valid_image_field(std::string_view v) {
  return !v.empty() && v != "." && v != ".." && v.find('/') == std::string_view::npos &&
         v.find('\0') == std::string_view::npos;
}

}  // namespace lxc::templates
