#!/usr/bin/env bash
# lxc-attach without a terminal: exit statuses, stdio handed over as it is
# (files, /dev/null, pipes; stdout and stderr apart), the environment
# options, -u/-g, -s, -e, -R, and the errors of bad input.
. "$(dirname "$0")/lib.sh"
need_root
[ -x /bin/busybox ] || skip "busybox-static is not installed"

lp=$(mktemp -d /tmp/lxcpp-test-at-XXXXXX)
name=at-basic-$$
L=(-P "$lp" -n "$name")
A=("$BIN/lxc-attach" "${L[@]}")
trap 'remove_lxcpath "$lp"' EXIT

expect_rc "lxc-create -t busybox" 0 "$BIN/lxc-create" "${L[@]}" -t busybox

# Bad input on a stopped container.
rc=0; err=$("${A[@]}" -- true 2>&1) || rc=$?
expect_eq "attach to a stopped container" 1 "$rc"
expect_contains "it says so" "not running" "$err"
rc=0; err=$("$BIN/lxc-attach" -P "$lp" -n at-nosuch-$$ -- true 2>&1) || rc=$?
expect_eq "attach to an unknown container" 1 "$rc"
expect_contains "it says so" "No such container" "$err"

# lxc-execute passes the exit status too.
for n in 0 3 255; do
  rc=0; "$BIN/lxc-execute" "${L[@]}" -- sh -c "exit $n" >/dev/null 2>&1 || rc=$?
  expect_eq "lxc-execute sh -c 'exit $n'" "$n" "$rc"
done

# What attached processes take from the running config besides caps.
printf '%s\n' "lxc.prlimit.nofile = 1234:2345" "lxc.environment = FROM_CONF=yes" "lxc.no_new_privs = 1" >>"$lp/$name/config"
expect_rc "lxc-start -d" 0 "$BIN/lxc-start" "${L[@]}" -d
expect_rc "lxc-wait -s RUNNING" 0 "$BIN/lxc-wait" "${L[@]}" -s RUNNING -t 10
pid=$("$BIN/lxc-info" "${L[@]}" -p | awk '{print $2}')

# ---- exit statuses
bad=""
for n in 0 1 2 7 42 99 125 126 127 128 129 200 254 255; do
  rc=0; "${A[@]}" -- sh -c "exit $n" </dev/null >/dev/null 2>&1 || rc=$?
  [ "$rc" = "$n" ] || bad+=" $n->$rc"
done
expect_eq "lxc-attach sh -c 'exit N' gives N (0..255 samples)" "" "$bad"
rc=0; "${A[@]}" -- sh -c 'kill -TERM $$' </dev/null >/dev/null 2>&1 || rc=$?
expect_eq "killed by SIGTERM: 128+15" 143 "$rc"
rc=0; err=$("${A[@]}" -- /no/such/cmd </dev/null 2>&1) || rc=$?
expect_eq "a missing command: 127" 127 "$rc"
expect_contains "it names the command" 'Failed to exec "/no/such/cmd": No such file or directory' "$err"
rc=0; err=$("${A[@]}" -- /etc/passwd </dev/null 2>&1) || rc=$?
expect_eq "a command that is not executable: 126" 126 "$rc"
expect_contains "it says why" "Permission denied" "$err"
rc=0; err=$("${A[@]}" -s 'NETWORK|BOGUS' -- true 2>&1) || rc=$?
expect_eq "an unknown namespace name" 1 "$rc"
expect_contains "it names it" 'unknown namespace "BOGUS"' "$err"
rc=0; err=$("${A[@]}" --elevated-privileges=ROOT -- true 2>&1) || rc=$?
expect_eq "an unknown privilege" 1 "$rc"
rc=0; "${A[@]}" -u nobody -- true >/dev/null 2>&1 || rc=$?
expect_eq "-u with a name" 1 "$rc"

# ---- 100 attaches over every redirection of stdin, stdout and stderr
# (0 a file, 1 /dev/null, 2 left alone: a pipe here), each printing exactly
# the name on stdout and nothing on stderr.
echo "input" >"$lp/in"
run_redirected() {  # IN OUT ERR CMD...: stdout/stderr left alone go to pipes read into files
  local in=$1 out=$2 err=$3
  shift 3
  (
    case $in in 0) exec <"$lp/in" ;; 1) exec </dev/null ;; esac
    case $out in 0) exec >"$lp/out.file" ;; 1) exec >/dev/null ;; esac
    case $err in 0) exec 2>"$lp/err.file" ;; 1) exec 2>/dev/null ;; esac
    exec "$@"
  ) 2> >(cat >"$lp/err.pipe") | cat >"$lp/out.pipe"
  wait
}
bad=0
for i in $(seq 0 99); do
  in=$((i % 3)) out=$((i / 3 % 3)) err=$((i / 9 % 3))
  rm -f "$lp"/out.* "$lp"/err.*
  run_redirected $in $out $err "${A[@]}" -- hostname
  case $out in 0) got=$(cat "$lp/out.file") ;; 1) got=$name ;; 2) got=$(cat "$lp/out.pipe") ;; esac
  case $err in 0) gerr=$(cat "$lp/err.file") ;; 1) gerr= ;; 2) gerr=$(cat "$lp/err.pipe") ;; esac
  [ "$out" = 2 ] || [ ! -s "$lp/out.pipe" ] || got="leak: $(cat "$lp/out.pipe")"
  if [ "$got" != "$name" ] || [ -n "$gerr" ]; then
    bad=$((bad + 1))
    echo "  combination in=$in out=$out err=$err: stdout [$got] stderr [$gerr]"
  fi
done
expect_eq "100 attaches of hostname over every redirection print the name" 0 "$bad"

# stdout and stderr stay apart, whatever they are.
bad=0
for out in 0 2; do
  for err in 0 2; do
    rm -f "$lp"/out.* "$lp"/err.*
    run_redirected 1 $out $err "${A[@]}" -- sh -c 'echo to-out; echo to-err >&2'
    [ "$out" = 0 ] && o=$(cat "$lp/out.file") || o=$(cat "$lp/out.pipe")
    [ "$err" = 0 ] && e=$(cat "$lp/err.file") || e=$(cat "$lp/err.pipe")
    [ "$o" = to-out ] && [ "$e" = to-err ] || { bad=$((bad + 1)); echo "  out=$out err=$err: [$o] [$e]"; }
  done
done
expect_eq "stdout and stderr kept apart" 0 "$bad"
expect_eq "a pipe into the command" "3" "$(printf 'a\nb\nc\n' | "${A[@]}" -- wc -l 2>&1 | tr -d ' ')"
expect_eq "a pipe both ways" "HELLO" "$(echo hello | "${A[@]}" -- tr a-z A-Z 2>&1)"

# ---- environment
env_out=$(FOO=foo BAR=bar HOME=/host/home "${A[@]}" --clear-env -- env 2>&1 | sort | tr '\n' ' ')
expect_eq "--clear-env: only the container's defaults (PATH, container, lxc.environment)" \
  "FROM_CONF=yes PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin container=lxc " "$env_out"
env_out=$(FOO=foo BAR=bar "${A[@]}" --clear-env --keep-var FOO -v X=1 -v Y=two -- env 2>&1 | sort | tr '\n' ' ')
expect_eq "--clear-env --keep-var FOO -v X=1 -v Y=two" \
  "FOO=foo FROM_CONF=yes PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin X=1 Y=two container=lxc " "$env_out"
expect_eq "--keep-env (the default) keeps ours" "foo lxc" \
  "$(FOO=foo "${A[@]}" -- sh -c 'echo $FOO $container' 2>&1)"
expect_eq "--keep-env explicitly" "foo" "$(FOO=foo "${A[@]}" --keep-env -- sh -c 'echo $FOO' 2>&1)"
expect_eq "-v overrides" "new" "$(FOO=old "${A[@]}" -v FOO=new -- sh -c 'echo $FOO' 2>&1)"

expect_eq "lxc.prlimit.nofile applies" "1234 2345" "$("${A[@]}" -- sh -c 'echo $(ulimit -n) $(ulimit -Hn)' 2>&1)"
expect_eq "lxc.no_new_privs applies" "1" "$("${A[@]}" -- sh -c 'sed -n "s/^NoNewPrivs:\t//p" /proc/self/status' 2>&1)"

# ---- identity
expect_eq "-u 1000 -g 1001" "1000 1001" "$("${A[@]}" -u 1000 -g 1001 -- sh -c 'echo $(id -u) $(id -g)' 2>&1)"
expect_eq "default: root" "0 0" "$("${A[@]}" -- sh -c 'echo $(id -u) $(id -g)' 2>&1)"
expect_eq "-u 1000: no capabilities left" "0000000000000000" \
  "$("${A[@]}" -u 1000 -- sh -c 'grep CapEff /proc/self/status' 2>&1 | awk '{print $2}')"
expect_eq "lxc.cap.drop applies (sys_module is dropped)" "dropped" \
  "$("${A[@]}" -- sh -c 'b=$(grep CapBnd /proc/self/status | cut -f2); [ $((0x$b >> 16 & 1)) = 0 ] && echo dropped' 2>&1)"
expect_eq "-e CAP keeps sys_module" "kept" \
  "$("${A[@]}" --elevated-privileges=CAP -- sh -c 'b=$(grep CapBnd /proc/self/status | cut -f2); [ $((0x$b >> 16 & 1)) = 1 ] && echo kept' 2>&1)"

# ---- namespaces and cgroups
ns() { readlink "/proc/$1/ns/$2"; }
expect_eq "all namespaces: the container's mount namespace" "$(ns "$pid" mnt)" \
  "$("${A[@]}" -- readlink /proc/self/ns/mnt 2>&1)"
out=$("${A[@]}" -s NETWORK -- sh -c 'readlink /proc/self/ns/net /proc/self/ns/mnt /proc/self/ns/uts /proc/self/ns/pid' 2>&1)
expect_eq "-s NETWORK joins only the network namespace" \
  "$(ns "$pid" net) $(ns $$ mnt) $(ns $$ uts) $(ns $$ pid)" "$(echo $out)"
expect_eq "-s 'UTSNAME|IPC': the host name" "$name" "$("${A[@]}" -s 'UTSNAME|IPC' -- hostname 2>&1)"
expect_eq "in the container's cgroup (namespace root)" "/" \
  "$("${A[@]}" -- sh -c 'sed -n "s/^0:://p" /proc/self/cgroup' 2>&1)"
expect_contains "-e CGROUP stays in our cgroup, outside the container's" "/.." \
  "$("${A[@]}" --elevated-privileges=CGROUP -- sh -c 'sed -n "s/^0:://p" /proc/self/cgroup' 2>&1)"
# -R: /proc and /sys show the joined namespaces, in a mount namespace of its own.
expect_eq "-s 'PID|NETWORK' -R: /proc is the container's" "init" \
  "$("${A[@]}" -s 'PID|NETWORK' -R -- cat /proc/1/comm 2>&1)"
expect_eq "-s NETWORK -R: /sys/class/net is the container's" "$("${A[@]}" -- ls /sys/class/net 2>&1)" \
  "$("${A[@]}" -s NETWORK -R -- ls /sys/class/net 2>&1)"
expect_eq "-s NETWORK without -R: the host's /proc" "$(cat /proc/1/comm)" \
  "$("${A[@]}" -s NETWORK -- cat /proc/1/comm 2>&1)"
expect_eq "-R left the host's /proc and /sys alone" "proc sysfs $$" \
  "$(stat -f -c %T /proc) $(stat -f -c %T /sys) $(sed -n 's/^Pid:\t//p' /proc/$$/status)"
expect_eq "-a i686: the personality" "i686" "$("${A[@]}" -a i686 -- uname -m 2>&1)"

# ---- no command: the user's shell from the container's passwd
expect_eq "no command runs root's shell" "$(printf 'ok')" "$(echo 'echo ok' | "${A[@]}" 2>&1)"

expect_rc "lxc-stop -k" 0 "$BIN/lxc-stop" "${L[@]}" -k
expect_nothing_left "$name" "$lp"
finish
