#include "templates/signature.h"

#include <fcntl.h>
#include <gpgme.h>
#include <stdlib.h>
#include <unistd.h>

#include <cctype>
#include <mutex>

#include "base/file.h"
#include "base/unique_fd.h"
#include "log/log.h"
#include "templates/lazy_lib.h"

LXCPP_LAZY(lxc::templates::lib::kGpgme, gpgme_check_version_internal)
LXCPP_LAZY(lxc::templates::lib::kGpgme, gpgme_ctx_set_engine_info)
LXCPP_LAZY(lxc::templates::lib::kGpgme, gpgme_data_new_from_fd)
LXCPP_LAZY(lxc::templates::lib::kGpgme, gpgme_data_new_from_mem)
LXCPP_LAZY(lxc::templates::lib::kGpgme, gpgme_data_release)
LXCPP_LAZY(lxc::templates::lib::kGpgme, gpgme_engine_check_version)
LXCPP_LAZY(lxc::templates::lib::kGpgme, gpgme_new)
LXCPP_LAZY(lxc::templates::lib::kGpgme, gpgme_op_import)
LXCPP_LAZY(lxc::templates::lib::kGpgme, gpgme_op_import_result)
LXCPP_LAZY(lxc::templates::lib::kGpgme, gpgme_op_verify)
LXCPP_LAZY(lxc::templates::lib::kGpgme, gpgme_op_verify_result)
LXCPP_LAZY(lxc::templates::lib::kGpgme, gpgme_release)
LXCPP_LAZY(lxc::templates::lib::kGpgme, gpgme_set_protocol)
LXCPP_LAZY(lxc::templates::lib::kGpgme, gpgme_strerror)
#include "storage/remove_tree.h"

namespace lxc::templates {
namespace {

constexpr log::Logger kLog("templates");

Error gpg_failure(gpgme_error_t err, const std::string& what) {
  return make_error(0, what + ": " + lib::gpgme_strerror(err));
}

struct DataCloser {
  void operator()(gpgme_data_t d) const { lib::gpgme_data_release(d); }
};
using Data = std::unique_ptr<gpgme_data, DataCloser>;

Result<Data> data_from(std::string_view bytes, const std::string& what) {
  gpgme_data_t d = nullptr;
  if (auto err = lib::gpgme_data_new_from_mem(&d, bytes.data(), bytes.size(), 1))
    return unexpected(gpg_failure(err, what));
  return Data(d);
}

std::string clean_hex(std::string_view s) {
  if (s.starts_with("0x") || s.starts_with("0X")) s.remove_prefix(2);
  std::string out;
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// The verdict on the last gpgme_op_verify: one good signature by an
// acceptable key is enough.
Result<void> check_result(gpgme_ctx_t ctx, const std::string& keyid, const std::string& what) {
  gpgme_verify_result_t vr = lib::gpgme_op_verify_result(ctx);
  std::string reason = "no signature";
  for (gpgme_signature_t s = vr ? vr->signatures : nullptr; s; s = s->next) {
    std::string fpr = s->fpr ? s->fpr : "";
    if (gpgme_err_code(s->status) != GPG_ERR_NO_ERROR) {
      reason = std::string(lib::gpgme_strerror(s->status)) + (fpr.empty() ? "" : " (key " + fpr + ")");
      continue;
    }
    if (s->summary & (GPGME_SIGSUM_KEY_REVOKED | GPGME_SIGSUM_KEY_EXPIRED | GPGME_SIGSUM_SIG_EXPIRED)) {
      reason = "key " + fpr + " is revoked or expired";
      continue;
    }
    if (!keyid.empty() && !key_matches(fpr, keyid)) {
      reason = "signed by " + fpr + ", not by " + keyid;
      continue;
    }
    kLog.info("{}: good signature by {}", what, fpr);
    return {};
  }
  return fail(EBADMSG, "bad signature for " + what + ": " + reason);
}

}  // namespace

struct SignatureVerifier::State {
  std::string home;
  std::string keyid;
  gpgme_ctx_t ctx = nullptr;
  ~State() {
    if (ctx) lib::gpgme_release(ctx);
    if (!home.empty()) {
      if (auto r = storage::remove_tree(home); !r) kLog.warn("cannot remove {}: {}", home, describe(r.error()));
    }
  }
};

SignatureVerifier::SignatureVerifier(std::unique_ptr<State> s) : s_(std::move(s)) {}
SignatureVerifier::SignatureVerifier(SignatureVerifier&&) noexcept = default;
SignatureVerifier& SignatureVerifier::operator=(SignatureVerifier&&) noexcept = default;
SignatureVerifier::~SignatureVerifier() = default;

bool key_matches(std::string_view fingerprint, std::string_view keyid) {
  std::string f = clean_hex(fingerprint), k = clean_hex(keyid);
  return !k.empty() && f.size() >= k.size() && f.ends_with(k);
}

Result<SignatureVerifier> SignatureVerifier::open(const std::string& keyring, const std::string& keyid) {
  if (auto r = lib::require(lib::kGpgme, "to check image signatures (apt-get install libgpgme11 gpg)"); !r)
    return unexpected(r.error());
  static std::once_flag once;
  // gpgme_check_version(nullptr), a macro over this call.
  std::call_once(once, [] { lib::gpgme_check_version_internal(nullptr, offsetof(struct _gpgme_signature, validity)); });
  if (auto err = lib::gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP))
    return unexpected(gpg_failure(err, "GnuPG (gpg) is needed to check image signatures"));
  auto keys = read_file(keyring);
  if (!keys) return unexpected(with_context(keys.error(), "cannot read the keyring"));

  auto st = std::make_unique<State>();
  st->keyid = keyid;
  const char* tmpdir = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/lxcpp-gpg-XXXXXX";
  if (!::mkdtemp(tmpl.data())) return fail_sys("mkdtemp " + tmpl);
  st->home = tmpl;
  if (auto err = lib::gpgme_new(&st->ctx)) return unexpected(gpg_failure(err, "gpgme_new"));
  lib::gpgme_set_protocol(st->ctx, GPGME_PROTOCOL_OpenPGP);
  if (auto err = lib::gpgme_ctx_set_engine_info(st->ctx, GPGME_PROTOCOL_OpenPGP, nullptr, st->home.c_str()))
    return unexpected(gpg_failure(err, "set the GnuPG home"));
  auto data = data_from(*keys, keyring);
  if (!data) return unexpected(data.error());
  if (auto err = lib::gpgme_op_import(st->ctx, data->get())) return unexpected(gpg_failure(err, "import " + keyring));
  gpgme_import_result_t ir = lib::gpgme_op_import_result(st->ctx);
  if (!ir || ir->imported + ir->unchanged == 0) return fail(EINVAL, "no OpenPGP public key in " + keyring);
  kLog.debug("{} key(s) from {}", ir->imported, keyring);
  return SignatureVerifier(std::move(st));
}

Result<void> SignatureVerifier::verify(std::string_view data, std::string_view signature,
                                       const std::string& what) const {
  auto sig = data_from(signature, what + ".asc");
  if (!sig) return unexpected(sig.error());
  auto text = data_from(data, what);
  if (!text) return unexpected(text.error());
  if (auto err = lib::gpgme_op_verify(s_->ctx, sig->get(), text->get(), nullptr))
    return fail(EBADMSG, "bad signature for " + what + ": " + lib::gpgme_strerror(err));
  return check_result(s_->ctx, s_->keyid, what);
}

Result<void> SignatureVerifier::verify_file(const std::string& path, std::string_view signature) const {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail_sys("open " + path);
  gpgme_data_t d = nullptr;
  if (auto err = lib::gpgme_data_new_from_fd(&d, fd.get())) return unexpected(gpg_failure(err, path));
  Data text(d);
  auto sig = data_from(signature, path + ".asc");
  if (!sig) return unexpected(sig.error());
  if (auto err = lib::gpgme_op_verify(s_->ctx, sig->get(), text.get(), nullptr))
    return fail(EBADMSG, "bad signature for " + path + ": " + lib::gpgme_strerror(err));
  return check_result(s_->ctx, s_->keyid, path);
}

}  // namespace lxc::templates
