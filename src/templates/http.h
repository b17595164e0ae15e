// HTTP(S) downloads for the download template, with libcurl: redirects
// followed, TLS verified, 30 s to connect, abandoned when nothing arrives for
// 30 s, an HTTP error status or a short body (the server closed the
// connection early) being failures. Transient failures are retried twice, as
// LXC's wget wrapper retries.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace lxc::templates {

struct HttpOptions {
  std::string user_agent;
  bool progress = false;         // a progress bar on stderr (callers check isatty)
  std::string label;             // the bar's name for the file
  size_t max_bytes = 64u << 20;  // http_get only
};

// The body of url. ENOENT for HTTP 404 (and 410), EIO for other failures.
Result<std::string> http_get(const std::string& url, const HttpOptions& o);
// Downloads url into the new file dest (removed again on failure).
Result<void> http_download(const std::string& url, const std::string& dest, const HttpOptions& o);

// "1.5 MiB" and friends, for the progress bar.
std::string human_size(double bytes);
// One progress line: "LABEL  42% [=======>         ] 1.2 MiB / 3.0 MiB".
std::string progress_line(std::string_view label, uint64_t now, uint64_t total, int width = 30);

}  // namespace lxc::templates
