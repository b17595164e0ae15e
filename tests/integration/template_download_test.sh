#!/usr/bin/env bash
# The built-in download template against an image server on 127.0.0.1
# (python3's http.server with an access log and a "cut" mode that closes the
# connection mid-file), serving busybox images made here and signed with a
# throw-away GnuPG key: --list, a container that starts, the cache reused
# without a second download, expiry, --flush-cache, tampered and badly signed
# images refused with nothing left behind, --no-validate, an interrupted
# download.
. "$(dirname "$0")/lib.sh"
need_root
for t in xz gpg python3; do command -v $t >/dev/null || skip "needs $t"; done
command -v gpg-agent >/dev/null || skip "needs gpg-agent (to make the test key)"
grep -q 'not a dynamic executable' <<<"$(ldd /bin/busybox 2>&1 || true)" || skip "needs a static /bin/busybox"

tmp=$(mktemp -d /tmp/lxcpp-test-tpdl.XXXXXX)
P=$tmp/lxc
export LXC_CACHE_PATH=$tmp/cache GNUPGHOME=$tmp/gnupg
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  gpgconf --kill all >/dev/null 2>&1 || true
  remove_lxcpath "$P"
  rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -m 700 "$GNUPGHOME"

# --- images ---------------------------------------------------------------------
"$BIN/lxc-create" -P "$tmp/src" -n tp-src -t busybox >/dev/null 2>&1 || fail_check "busybox source rootfs"
mkdir -p "$tmp/meta"
grep '^lxc\.' "$tmp/src/tp-src/config" | grep -v '^lxc.rootfs.path\|^lxc.uts.name' >"$tmp/meta/config"
printf 'etc/hostname\n' >"$tmp/meta/templates"
echo "LXC_NAME" >"$tmp/src/tp-src/rootfs/etc/hostname"
tar -C "$tmp/src/tp-src/rootfs" --numeric-owner -cJf "$tmp/rootfs.tar.xz" .
printf 'You just created a busybox container from the test server.\n' >"$tmp/meta/create-message"
echo $(($(date +%s) + 86400)) >"$tmp/meta/expiry"
tar -C "$tmp/meta" -cJf "$tmp/meta.tar.xz" config templates create-message expiry
"$BIN/lxc-destroy" -P "$tmp/src" -n tp-src >/dev/null 2>&1

gpg --batch --passphrase '' --quick-gen-key 'lxcpp test images <images@example.invalid>' default default never >/dev/null 2>&1
gpg --batch --passphrase '' --quick-gen-key 'someone else <other@example.invalid>' default default never >/dev/null 2>&1
good=$(gpg --list-keys --with-colons images@example.invalid | awk -F: '/^fpr/ {print $10; exit}')
other=$(gpg --list-keys --with-colons other@example.invalid | awk -F: '/^fpr/ {print $10; exit}')
gpg --batch --export "$good" >"$tmp/keyring.gpg"
[ -s "$tmp/keyring.gpg" ] || skip "could not make a test key"
sign() { gpg --batch --yes --armor --local-user "${2:-$good}" --detach-sign -o "$1.asc" "$1" 2>/dev/null; }

www=$tmp/www
index=
image() {  # DIST [SIGNER|none] [TAMPER]: an image under /images/DIST/1.0/amd64/default/b1
  local d=$www/images/$1/1.0/amd64/default/b1
  mkdir -p "$d"
  cp "$tmp/rootfs.tar.xz" "$tmp/meta.tar.xz" "$d/"
  if [ "${2:-}" != none ]; then sign "$d/rootfs.tar.xz" "${2:-$good}"; sign "$d/meta.tar.xz" "${2:-$good}"; fi
  # One byte flipped after signing.
  [ -n "${3:-}" ] && python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[5000] ^= 0xff; open(sys.argv[1], "wb").write(b)' "$d/rootfs.tar.xz"
  index+="$1;1.0;amd64;default;b1;/images/$1/1.0/amd64/default/b1/"$'\n'
}
image tpbusy
image tptamper "$good" tamper
image tpother "$other"
image tpunsigned none
mkdir -p "$www/cut/images"
cp -r "$www/images/tpbusy" "$www/cut/images/tpcut"
index+="tpcut;1.0;amd64;default;b1;/cut/images/tpcut/1.0/amd64/default/b1/"$'\n'
index+="tpbusy;1.0;amd64;cloud;b7;/images/tpbusy/1.0/amd64/default/b1/"$'\n'
mkdir -p "$www/meta/1.0"
printf '%s' "$index" >"$www/meta/1.0/index-system"
cp "$www/meta/1.0/index-system" "$www/meta/1.0/index-user"
sign "$www/meta/1.0/index-system"; sign "$www/meta/1.0/index-user"

# --- the server -------------------------------------------------------------------
cat >"$tmp/server.py" <<'PY'
import functools, http.server, os, sys
www, log, portfile = sys.argv[1:4]
class H(http.server.SimpleHTTPRequestHandler):
    def log_message(self, fmt, *args):
        with open(log, "a") as f: f.write("%s\n" % (fmt % args))
    def do_GET(self):
        path = os.path.join(www, self.path.lstrip("/"))
        if self.path.startswith("/cut/") and self.path.endswith("rootfs.tar.xz"):
            data = open(path, "rb").read()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.log_message('"GET %s" cut', self.path)
            self.close_connection = True
            return
        return super().do_GET()
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(H, directory=www))
open(portfile, "w").write(str(s.server_address[1]))
s.serve_forever()
PY
python3 "$tmp/server.py" "$www" "$tmp/access.log" "$tmp/port" &
server_pid=$!
for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || skip "the test image server did not start"
S=(--server "http://127.0.0.1:$(cat "$tmp/port")" --keyring "$tmp/keyring.gpg")
create() { "$BIN/lxc-create" -P "$P" "$@"; }
gets() { grep -cE "\"GET $1 HTTP" "$tmp/access.log" 2>/dev/null || true; }
left() {  # what a refused image may not leave: container, cache, temp dirs
  local n=$1 d=$2
  [ ! -e "$P/$n" ] && pass "$n: no container left" || fail_check "$n: container dir left"
  [ ! -e "$LXC_CACHE_PATH/download/$d/1.0/amd64/default" ] && pass "$n: no cache left" || fail_check "$n: cache left"
  expect_eq "$n: no temporary download left" "" "$(find "$LXC_CACHE_PATH" -name '.*new-*' 2>/dev/null)"
}

# --- --list -----------------------------------------------------------------------
out=$(create -n tp-list -t download -- --list "${S[@]}" 2>&1) && rc=0 || rc=$?
expect_eq "--list exits 1 as LXC's" 1 "$rc"
expect_contains "--list header" $'---\nDIST\tRELEASE\tARCH\tVARIANT\tBUILD\n---' "$out"
expect_contains "--list row" $'tpbusy\t1.0\tamd64\tdefault\tb1' "$out"
if grep -q $'cloud\tb7' <<<"$out"; then fail_check "--list shows only the default variant"; else pass "--list shows only the default variant"; fi
out=$(create -n tp-list -t download -- --list --variant cloud "${S[@]}" 2>&1) || true
expect_contains "--list --variant" $'tpbusy\t1.0\tamd64\tcloud\tb7' "$out"
[ ! -e "$P/tp-list" ] && pass "--list: no container" || fail_check "--list left a container"

# --- a container, then the cache ---------------------------------------------------
D=(-d tpbusy -r 1.0 -a amd64)
out=$(create -n tp-dl1 -t download -- "${D[@]}" "${S[@]}" 2>&1) && rc=0 || rc=$?
expect_eq "create -t download (exit status)" 0 "$rc"
[ "$rc" = 0 ] || echo "$out"
for line in "Downloading the image index" "Downloading the rootfs" "Downloading the metadata" \
  "The image cache is now ready" "Unpacking the rootfs" "You just created a busybox container"; do
  expect_contains "says: $line" "$line" "$out"
done
cfg=$P/tp-dl1/config
expect_eq "header" "# Template used to create this container: /usr/share/lxc/templates/lxc-download" "$(sed -n 1p "$cfg")"
expect_eq "header parameters" "# Parameters passed to the template: ${D[*]} ${S[*]}" "$(sed -n 2p "$cfg")"
expect_eq "placeholders in the rootfs" tp-dl1 "$(cat "$P/tp-dl1/rootfs/etc/hostname")"
c=$LXC_CACHE_PATH/download/tpbusy/1.0/amd64/default
expect_eq "cache: build_id" b1 "$(cat "$c/build_id" 2>&1)"
[ -f "$c/rootfs.tar.xz" ] && [ -f "$c/config" ] && pass "cache: rootfs and metadata" || fail_check "cache incomplete"
"$BIN/lxc-start" -P "$P" -n tp-dl1 -d >/dev/null 2>&1
expect_eq "the container runs" "State:          RUNNING" "$("$BIN/lxc-info" -P "$P" -n tp-dl1 -s 2>&1)"
expect_eq "hostname from the image's template" tp-dl1 "$("$BIN/lxc-attach" -P "$P" -n tp-dl1 -- hostname 2>&1)"
"$BIN/lxc-stop" -P "$P" -n tp-dl1 -k >/dev/null 2>&1
expect_nothing_left tp-dl1 "$P"

rootfs_gets=$(gets /images/tpbusy/.*/rootfs.tar.xz)
index_gets=$(gets /meta/1.0/index-system)
expect_eq "one rootfs download so far" 1 "$rootfs_gets"
out=$(create -n tp-dl2 -t download -- "${D[@]}" "${S[@]}" 2>&1) && rc=0 || rc=$?
expect_eq "second create (exit status)" 0 "$rc"
expect_contains "second create uses the cache" "Using image from local cache" "$out"
expect_eq "second create: no download at all" "$rootfs_gets $index_gets" "$(gets /images/tpbusy/.*/rootfs.tar.xz) $(gets /meta/1.0/index-system)"
[ -x "$P/tp-dl2/rootfs/bin/busybox" ] && pass "second rootfs unpacked" || fail_check "second rootfs missing"

echo 1 >"$c/expiry"
out=$(create -n tp-dl3 -t download -- "${D[@]}" "${S[@]}" 2>&1) && rc=0 || rc=$?
expect_eq "expired cache (exit status)" 0 "$rc"
expect_contains "expired: re-checks" "The cached copy has expired" "$out"
expect_contains "same build: kept" "The cache is already up to date" "$out"
expect_eq "expired, same build: index fetched again" $((index_gets + 1)) "$(gets /meta/1.0/index-system)"
expect_eq "expired, same build: no rootfs download" "$rootfs_gets" "$(gets /images/tpbusy/.*/rootfs.tar.xz)"

out=$(create -n tp-dl4 -t download -- "${D[@]}" "${S[@]}" --flush-cache 2>&1) && rc=0 || rc=$?
expect_eq "--flush-cache (exit status)" 0 "$rc"
expect_contains "--flush-cache says so" "Flushing the cache..." "$out"
expect_eq "--flush-cache downloads again" $((rootfs_gets + 1)) "$(gets /images/tpbusy/.*/rootfs.tar.xz)"

# --- refused images -------------------------------------------------------------------
out=$(create -n tp-tamper -t download -- -d tptamper -r 1.0 -a amd64 "${S[@]}" 2>&1) && rc=0 || rc=$?
expect_eq "tampered rootfs refused" 1 "$rc"
expect_contains "tampered: says why" "bad signature" "$out"
left tp-tamper tptamper
out=$(create -n tp-other -t download -- -d tpother -r 1.0 -a amd64 "${S[@]}" 2>&1) && rc=0 || rc=$?
expect_eq "foreign signature refused" 1 "$rc"
expect_contains "foreign signature: says why" "bad signature" "$out"
left tp-other tpother
out=$(create -n tp-unsigned -t download -- -d tpunsigned -r 1.0 -a amd64 "${S[@]}" 2>&1) && rc=0 || rc=$?
expect_eq "unsigned image refused" 1 "$rc"
expect_contains "unsigned: says why" "no signature" "$out"
left tp-unsigned tpunsigned
expect_rc "wrong --keyid refused" 1 create -n tp-keyid -t download -- "${D[@]}" "${S[@]}" --flush-cache --keyid "$other"
[ ! -e "$P/tp-keyid" ] && pass "wrong --keyid: no container left" || fail_check "wrong --keyid left a container"
expect_rc "right --keyid accepted" 0 create -n tp-keyid -t download -- "${D[@]}" "${S[@]}" --keyid "${good: -16}"
out=$(create -n tp-nokeyring -t download -- -d tpunsigned -r 1.0 -a amd64 --server "http://127.0.0.1:$(cat "$tmp/port")" --keyring "$tmp/nosuch.gpg" 2>&1) || true
expect_contains "missing keyring: says what to do" "--no-validate" "$out"
expect_rc "--no-validate accepts an unsigned image" 0 create -n tp-unsigned -t download -- -d tpunsigned -r 1.0 -a amd64 "${S[@]}" --no-validate

# --- an interrupted download ---------------------------------------------------------
out=$(create -n tp-cut -t download -- -d tpcut -r 1.0 -a amd64 "${S[@]}" 2>&1) && rc=0 || rc=$?
expect_eq "interrupted download fails" 1 "$rc"
expect_contains "interrupted: says why" "Failed to download" "$out"
left tp-cut tpcut
expect_eq "interrupted: retried as LXC's wget wrapper" 3 "$(gets '/cut/images/tpcut/.*/rootfs.tar.xz')"

expect_rc "unknown image" 1 create -n tp-none -t download -- -d nosuch -r 1 -a amd64 "${S[@]}"
[ ! -e "$P/tp-none" ] && pass "unknown image: no container" || fail_check "unknown image left a container"
finish
