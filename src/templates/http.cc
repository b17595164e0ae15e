#include "templates/http.h"

// The type-checking macros of curl.h would hide the lazy lib::curl_easy_setopt.
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>
// curl.h also defines these as macros calling themselves; lib:: has its own.
#undef curl_easy_setopt
#undef curl_easy_getinfo
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <mutex>

#include "base/file.h"
#include "base/unique_fd.h"
#include "log/log.h"
#include "templates/lazy_lib.h"

LXCPP_LAZY(lxc::templates::lib::kCurl, curl_easy_cleanup)
LXCPP_LAZY(lxc::templates::lib::kCurl, curl_easy_getinfo)
LXCPP_LAZY(lxc::templates::lib::kCurl, curl_easy_init)
LXCPP_LAZY(lxc::templates::lib::kCurl, curl_easy_perform)
LXCPP_LAZY(lxc::templates::lib::kCurl, curl_easy_setopt)
LXCPP_LAZY(lxc::templates::lib::kCurl, curl_easy_strerror)
LXCPP_LAZY(lxc::templates::lib::kCurl, curl_global_init)

namespace lxc::templates {
namespace {

constexpr log::Logger kLog("templates");
constexpr int kAttempts = 3;

struct CurlCloser {
  void operator()(CURL* c) const { lib::curl_easy_cleanup(c); }
};

// What a transfer writes to: a string (bounded) or a file.
struct Sink {
  std::string* mem = nullptr;
  size_t max = 0;
  int fd = -1;
  int write_errno = 0;
  bool too_big = false;
  HttpOptions const* opts = nullptr;
  bool bar_shown = false;
};

size_t on_data(char* ptr, size_t size, size_t n, void* userdata) {
  auto* s = static_cast<Sink*>(userdata);
  size_t len = size * n;
  if (s->mem) {
    if (s->mem->size() + len > s->max) {
      s->too_big = true;
      return 0;
    }
    s->mem->append(ptr, len);
    return len;
  }
  if (auto r = write_all(s->fd, std::string_view(ptr, len), "download"); !r) {
    s->write_errno = r.error().code;
    return 0;
  }
  return len;
}

int on_progress(void* userdata, curl_off_t total, curl_off_t now, curl_off_t, curl_off_t) {
  auto* s = static_cast<Sink*>(userdata);
  if (!s->opts->progress || total <= 0) return 0;
  std::string line = progress_line(s->opts->label, static_cast<uint64_t>(now), static_cast<uint64_t>(total));
  std::fprintf(stderr, "\r%s", line.c_str());
  std::fflush(stderr);
  s->bar_shown = true;
  return 0;
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { lib::curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// One attempt. retry tells whether another attempt may help.
Result<void> transfer(const std::string& url, Sink& sink, bool& retry) {
  retry = false;
  if (auto r = lib::require(lib::kCurl, "to download images (apt-get install libcurl4)"); !r) return r;
  global_init();
  std::unique_ptr<CURL, CurlCloser> c(lib::curl_easy_init());
  if (!c) return fail(ENOMEM, "curl_easy_init");
  char errbuf[CURL_ERROR_SIZE] = "";
  lib::curl_easy_setopt(c.get(), CURLOPT_URL, url.c_str());
  lib::curl_easy_setopt(c.get(), CURLOPT_ERRORBUFFER, errbuf);
  lib::curl_easy_setopt(c.get(), CURLOPT_FOLLOWLOCATION, 1L);
  lib::curl_easy_setopt(c.get(), CURLOPT_MAXREDIRS, 10L);
  lib::curl_easy_setopt(c.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  lib::curl_easy_setopt(c.get(), CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  lib::curl_easy_setopt(c.get(), CURLOPT_CONNECTTIMEOUT, 30L);
  lib::curl_easy_setopt(c.get(), CURLOPT_LOW_SPEED_LIMIT, 1L);
  lib::curl_easy_setopt(c.get(), CURLOPT_LOW_SPEED_TIME, 30L);
  lib::curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);
  lib::curl_easy_setopt(c.get(), CURLOPT_USERAGENT, sink.opts->user_agent.c_str());
  lib::curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, on_data);
  lib::curl_easy_setopt(c.get(), CURLOPT_WRITEDATA, &sink);
  lib::curl_easy_setopt(c.get(), CURLOPT_XFERINFOFUNCTION, on_progress);
  lib::curl_easy_setopt(c.get(), CURLOPT_XFERINFODATA, &sink);
  lib::curl_easy_setopt(c.get(), CURLOPT_NOPROGRESS, sink.opts->progress ? 0L : 1L);
  CURLcode rc = lib::curl_easy_perform(c.get());
  if (sink.bar_shown) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
    sink.bar_shown = false;
  }
  long status = 0;
  lib::curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &status);
  if (rc == CURLE_OK && status >= 400) {
    int code = status == 404 || status == 410 ? ENOENT : EIO;
    retry = status >= 500;
    return fail(code, "download " + url + ": HTTP status " + std::to_string(status));
  }
  if (rc == CURLE_OK) return {};
  if (sink.too_big) return fail(EFBIG, "download " + url + ": larger than " + std::to_string(sink.max) + " bytes");
  if (sink.write_errno) return fail(sink.write_errno, "download " + url + ": cannot write the file");
  retry = rc != CURLE_UNSUPPORTED_PROTOCOL && rc != CURLE_URL_MALFORMAT && rc != CURLE_PEER_FAILED_VERIFICATION;
  return fail(EIO, "download " + url + ": " + (errbuf[0] ? std::string(errbuf) : lib::curl_easy_strerror(rc)));
}

}  // namespace

Result<std::string> http_get(const std::string& url, const HttpOptions& o) {
  for (int attempt = 1;; ++attempt) {
    std::string body;
    Sink sink{.mem = &body, .max = o.max_bytes, .opts = &o};
    bool retry = false;
    auto r = transfer(url, sink, retry);
    if (r) return body;
    if (!retry || attempt == kAttempts) return unexpected(r.error());
    kLog.warn("{}; retrying", describe(r.error()));
  }
}

Result<void> http_download(const std::string& url, const std::string& dest, const HttpOptions& o) {
  for (int attempt = 1;; ++attempt) {
    UniqueFd fd(::open(dest.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644));
    if (!fd) return fail_sys("create " + dest);
    Sink sink{.fd = fd.get(), .opts = &o};
    bool retry = false;
    auto r = transfer(url, sink, retry);
    if (r && ::fsync(fd.get()) < 0) r = fail_sys("fsync " + dest);
    if (r) return {};
    ::unlink(dest.c_str());
    if (!retry || attempt == kAttempts) return unexpected(r.error());
    kLog.warn("{}; retrying", describe(r.error()));
  }
}

std::string human_size(double b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (b >= 1024 && u < 4) {
    b /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
  return buf;
}

std::string progress_line(std::string_view label, uint64_t now, uint64_t total, int width) {
  if (total == 0) total = 1;
  if (now > total) now = total;
  int pct = static_cast<int>(now * 100 / total);
  int fill = static_cast<int>(now * static_cast<uint64_t>(width) / total);
  std::string bar(static_cast<size_t>(fill), '=');
  if (fill < width) bar += '>';
  bar.resize(static_cast<size_t>(width), ' ');
  char head[16];
  std::snprintf(head, sizeof head, "%3d%%", pct);
  return std::string(label) + " " + head + " [" + bar + "] " + human_size(static_cast<double>(now)) + " / " +
         human_size(static_cast<double>(total));
}

}  // namespace lxc::templates
