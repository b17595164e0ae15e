#!/usr/bin/env bash
# Installs what lxcpp needs to build and test on Debian 12 (run as root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(
  build-essential cmake pkg-config
  libfmt-dev libcap-dev libseccomp-dev zlib1g-dev
  libarchive-dev libcurl4-openssl-dev libgpgme-dev gpg
  googletest libgtest-dev
  clang libclang-rt-14-dev
  busybox-static
  qemu-system-x86 cpio
  iproute2 util-linux procps tmux uidmap
  gpg-agent python3 xz-utils zstd bzip2 e2fsprogs
  libnl-3-dev libnl-route-3-dev dnsmasq-base isc-dhcp-client nftables iptables
  libbtrfsutil-dev btrfs-progs lvm2 attr
  help2man apparmor
  skopeo umoci jq
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Always refresh the package lists: the tests fetch LXC's packages as reference data.
apt-get update -qq
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
