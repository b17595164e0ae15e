#!/bin/bash
# bash completion (config/completion/lxc): container names by state and -P,
# options from each command's --help, option arguments (states, log levels,
# backing stores, templates, namespaces, files), lxc-device's action.
source "$(dirname "$0")/lib.sh"
need_root
SCRIPT=$(cd "$(dirname "$0")/../.." && pwd)/config/completion/lxc

P=$(mktemp -d /tmp/lxcpp-compl-XXXXXX)
trap 'remove_lxcpath "$P"' EXIT
"$BIN/lxc-create" -P "$P" -n alpha -t busybox >/dev/null 2>&1 || { echo "FAIL lxc-create"; exit 1; }
"$BIN/lxc-copy" -P "$P" -n alpha -N beta >/dev/null
for n in alpha beta; do echo "lxc.net.0.type = empty" >>"$P/$n/config"; done
"$BIN/lxc-start" -P "$P" -n beta -d && "$BIN/lxc-wait" -P "$P" -n beta -s RUNNING -t 10

# complete WORD... : what TAB offers for the last word (the command line
# "WORD... " with the cursor at its end), sorted, on one line.
complete_line() {
  PATH="$BIN:$PATH" bash -c '
    source "$0"
    COMP_WORDS=("${@}")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    _lxcpp
    printf "%s\n" "${COMPREPLY[@]}" | sort | paste -sd" "' "$SCRIPT" "$@"
}

expect_eq "lxc-info -n: every container" "alpha beta" "$(complete_line lxc-info -P "$P" -n '')"
expect_eq "lxc-stop -n: running ones" "beta" "$(complete_line lxc-stop -P "$P" -n '')"
expect_eq "lxc-start -n: stopped ones" "alpha" "$(complete_line lxc-start --lxcpath="$P" -n '')"
expect_eq "lxc-attach --name a: none running" "" "$(complete_line lxc-attach -P "$P" --name a)"
expect_eq "lxc-unpriv-start -n: as lxc-start" "alpha" "$(complete_line lxc-unpriv-start -P "$P" -n '')"
expect_eq "lxc-unpriv-attach -n: as lxc-attach" "beta" "$(complete_line lxc-unpriv-attach -P "$P" -n '')"
expect_contains "lxc-unpriv-start --: lxc-start's options" "--daemon" "$(complete_line lxc-unpriv-start --)"
expect_eq "lxc-destroy -n a: prefix" "alpha" "$(complete_line lxc-destroy -P "$P" -n a)"
expect_eq "lxc-create -n: a new name, nothing offered" "" "$(complete_line lxc-create -P "$P" -n '')"
opts=$(complete_line lxc-stop --)
expect_contains "lxc-stop --: --kill from its --help" "--kill" "$opts"
expect_contains "lxc-stop --: --nokill" "--nokill" "$opts"
expect_contains "lxc-stop --: common --lxcpath" "--lxcpath" "$opts"
expect_eq "lxc-wait -s R" "RUNNING" "$(complete_line lxc-wait -n beta -s R)"
expect_eq "lxc-attach -s NET" "NETWORK" "$(complete_line lxc-attach -n beta -s NET)"
expect_eq "-l W" "WARN" "$(complete_line lxc-start -n alpha -l W)"
expect_eq "lxc-create -B b" "best btrfs" "$(complete_line lxc-create -n x -B b)"
expect_contains "lxc-create -t: the built-in templates" "busybox download local" "$(complete_line lxc-create -n x -t '')"
mkdir -p "$P/files" && touch "$P/files/one.conf"
expect_eq "lxc-create -f: files" "$P/files/one.conf" "$(complete_line lxc-create -n x -f "$P/files/o")"
expect_eq "lxc-ls -f takes no file: options after it" "" "$(complete_line lxc-ls -f "$P/files/o")"
expect_eq "lxc-device: the action" "add del" "$(complete_line lxc-device -n beta '')"
expect_eq "lxc-device: nothing after the action" "" "$(complete_line lxc-device -n beta add '')"
expect_contains "the script registers every command" "lxc-autostart" "$(bash -c 'source "$0"; complete -p' "$SCRIPT")"

finish
