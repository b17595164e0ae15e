// Detached OpenPGP signatures of downloaded images, checked with gpgme
// against a keyring file: the keyring is imported into a private, temporary
// GnuPG home (removed afterwards), so neither the caller's keys nor their
// trust settings play a part. A signature counts when it is good, made by a
// key of that keyring (by --keyid, if given) that is neither revoked nor
// expired.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"

namespace lxc::templates {

class SignatureVerifier {
 public:
  // keyring: an exported public keyring (binary or ASCII armored).
  // keyid: a key ID or fingerprint the signer must have ("" = any key of the keyring).
  static Result<SignatureVerifier> open(const std::string& keyring, const std::string& keyid);
  SignatureVerifier(SignatureVerifier&&) noexcept;
  SignatureVerifier& operator=(SignatureVerifier&&) noexcept;
  ~SignatureVerifier();

  // EBADMSG with a reason when signature is not a good signature of data.
  Result<void> verify(std::string_view data, std::string_view signature, const std::string& what) const;
  Result<void> verify_file(const std::string& path, std::string_view signature) const;

 private:
  struct State;
  explicit SignatureVerifier(std::unique_ptr<State> s);
  std::unique_ptr<State> s_;
};

// Whether a signer fingerprint (or long key ID) is the key named by keyid:
// case-insensitive, "0x" and spaces ignored, keyid a suffix of the fingerprint.
bool key_matches(std::string_view fingerprint, std::string_view keyid);

}  // namespace lxc::templates
