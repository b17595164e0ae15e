#!/usr/bin/env bash
# liblxc.so.1, LXC 5.0's C API on lxcpp: a C program built against
# include/lxc (tests/capi/capi_test.c) and Debian's python3-lxc binding,
# unchanged (apt-get download, unpacked, never installed: its liblxc1
# dependency, the reference, is not on the machine), each create, start,
# attach to, freeze, stop and destroy a busybox container through it.
. "$(dirname "$0")/lib.sh"
need_root
[ -x /bin/busybox ] || skip "busybox-static is not installed"
[ -x "$BIN/tests/lxc_capi_test" ] && [ -e "$BIN/lib/liblxc.so.1" ] || skip "built without liblxc (LXCPP_LIBLXC=OFF)"

lp=$(mktemp -d /tmp/lxcpp-test-capi-XXXXXX)
trap 'remove_lxcpath "$lp"' EXIT
chmod 755 "$lp"  # apt-get download as root hands the download to the _apt user

# The C program.
rc=0
out=$(LD_LIBRARY_PATH="$BIN/lib" "$BIN/tests/lxc_capi_test" "$lp" capi-c 2>&1) || rc=$?
echo "$out" | sed 's/^/  capi: /'
expect_eq "the C program's checks pass" 0 "$rc"
expect_contains "the C program ran to the end" "0 failed" "$out"
expect_eq "it maps lxcpp's liblxc" "$BIN/lib/liblxc.so.1" \
  "$(LD_LIBRARY_PATH="$BIN/lib" ldd "$BIN/tests/lxc_capi_test" | awk '/liblxc.so.1/ { print $3 }' | xargs readlink -f | xargs dirname)/liblxc.so.1"
expect_nothing_left capi-c "$lp"

# python3-lxc, as Debian ships it.
if ! (cd "$lp" && timeout 300 apt-get download python3-lxc) >"$lp/apt.log" 2>&1; then
  echo "info: apt-get download python3-lxc failed, the binding is not tried: $(tail -n 1 "$lp/apt.log")"
  finish
  exit
fi
dpkg -x "$lp"/python3-lxc_*.deb "$lp/pkg"
dist=$(dirname "$(find "$lp/pkg" -name '_lxc*.so' | head -n 1)")
cat >"$lp/binding.py" <<'EOF'
import os, sys
import lxc

lp, name, libdir = sys.argv[1], sys.argv[2], sys.argv[3]
def say(what, value):
    print(f"{what}: {value!r}", flush=True)

maps = open("/proc/self/maps").read()
say("liblxc", sorted({l.split()[-1] for l in maps.splitlines() if "liblxc.so" in l}))
say("version", lxc.version)
c = lxc.Container(name, lp)
say("defined before", c.defined)
c.set_config_item("lxc.net.0.type", "empty")
say("create", c.create("busybox"))
say("rootfs", c.get_config_item("lxc.rootfs.path"))
say("start", c.start())
say("wait running", c.wait("RUNNING", 10))
say("state", c.state)
say("attach_wait", c.attach_wait(lxc.attach_run_command, ["sh", "-c", "exit 7"]))
r, w = os.pipe()
pid = c.attach(lxc.attach_run_command, ["hostname"], stdout=w)
os.close(w)
say("attach output", os.read(r, 100).decode().strip())
os.waitpid(pid, 0)
def inside(arg):
    return 5 if os.getpid() > 1 and arg == "arg" and open("/proc/1/comm").read().strip() == "init" else 1
say("attach function", c.attach_wait(inside, "arg"))
say("interfaces", c.get_interfaces())
say("listed", lxc.list_containers(config_path=lp))
say("freeze", (c.freeze(), c.state))
say("unfreeze", (c.unfreeze(), c.state))
say("stop", (c.stop(), c.wait("STOPPED", 10), c.state))
say("destroy", (c.destroy(), c.defined))
EOF
rc=0
out=$(PYTHONPATH="$dist" LD_LIBRARY_PATH="$BIN/lib" timeout 120 /usr/bin/python3 "$lp/binding.py" "$lp" capi-py "$BIN/lib" 2>&1) ||
  rc=$?
echo "$out" | sed 's/^/  python: /'
expect_eq "python3-lxc: the script ran through" 0 "$rc"
expect_contains "python3-lxc loads lxcpp's liblxc" "liblxc: ['$(readlink -f "$BIN/lib/liblxc.so.1.7.0")']" "$out"
expect_contains "python3-lxc: create" "create: True" "$out"
expect_contains "python3-lxc: the rootfs" "rootfs: '$lp/capi-py/rootfs'" "$out"
expect_contains "python3-lxc: start" "start: True" "$out"
expect_contains "python3-lxc: RUNNING" "state: 'RUNNING'" "$out"
expect_contains "python3-lxc: attach_wait's status" "attach_wait: 1792" "$out"
expect_contains "python3-lxc: attach with stdout" "attach output: 'capi-py'" "$out"
expect_contains "python3-lxc: a Python function inside" "attach function: 1280" "$out"
expect_contains "python3-lxc: interfaces" "interfaces: ('lo',)" "$out"
expect_contains "python3-lxc: list_containers" "listed: ('capi-py',)" "$out"
expect_contains "python3-lxc: freeze" "freeze: (True, 'FROZEN')" "$out"
expect_contains "python3-lxc: unfreeze" "unfreeze: (True, 'RUNNING')" "$out"
expect_contains "python3-lxc: stop" "stop: (True, True, 'STOPPED')" "$out"
expect_contains "python3-lxc: destroy" "destroy: (True, False)" "$out"
expect_nothing_left capi-py "$lp"

# The flow of python3-lxc's own examples/api_test.py (config lists,
# get_keys, cgroups, freeze, shutdown, snapshots, clone, rename, destroy),
# with a busybox container: the image server and DHCP it wants are not here.
cat >"$lp/api_test.py" <<'EOF'
# The flow of python3-lxc's examples/api_test.py with a busybox container
# (no network: the image server and DHCP it wants are not here).
import os, sys, uuid
import lxc

lp = sys.argv[1]
NAME, CLONE, RENAMED = "api-" + uuid.uuid4().hex[:8], "clone-" + uuid.uuid4().hex[:8], "renamed-" + uuid.uuid4().hex[:8]
def step(s):
    print(s, flush=True)

c = lxc.Container(NAME, lp)
assert c.config_file_name == "%s/%s/config" % (lp, NAME)
assert not c.defined and c.init_pid == -1 and c.name == NAME and not c.running and c.state == "STOPPED"
step("create")
c.set_config_item("lxc.net.0.type", "empty")
assert c.create("busybox")
assert c.defined
assert c.name == c.get_config_item("lxc.uts.name"), c.get_config_item("lxc.uts.name")
assert NAME in lxc.list_containers(config_path=lp)
step("config")
capdrop = c.get_config_item("lxc.cap.drop")
assert isinstance(capdrop, list), capdrop
c.clear_config_item("lxc.cap.drop")
c.set_config_item("lxc.cap.drop", capdrop[:-1])
c.append_config_item("lxc.cap.drop", capdrop[-1])
c.save_config()
assert capdrop == c.get_config_item("lxc.cap.drop"), c.get_config_item("lxc.cap.drop")
assert "type" in c.get_keys("lxc.net.0"), c.get_keys("lxc.net.0")
assert len(c.network) == 1
step("start")
assert c.start()
assert c.wait("RUNNING", 3)
assert c.init_pid > 1 and c.running and c.state == "RUNNING"
assert "lo" in c.get_interfaces()
assert c.name == c.get_config_item("lxc.uts.name") == c.get_running_config_item("lxc.uts.name")
step("cgroups")
assert c.set_cgroup_item("pids.max", "100")
assert c.get_cgroup_item("pids.max") == "100", c.get_cgroup_item("pids.max")
step("freeze")
c.freeze()
c.wait("FROZEN", 3)
assert c.init_pid > 1 and c.running and c.state == "FROZEN"
c.unfreeze()
c.wait("RUNNING", 3)
assert c.state == "RUNNING"
step("shutdown")
if not c.shutdown(3):
    c.stop()
if c.running:
    c.stop()
    c.wait("STOPPED", 3)
assert c.init_pid == -1 and not c.running and c.state == "STOPPED"
step("snapshots")
assert not c.snapshot_list()
assert c.snapshot() == "snap0"
assert len(c.snapshot_list()) == 1
assert c.snapshot_restore("snap0") is True
assert c.snapshot_destroy("snap0") is True
step("clone and rename")
clone = c.clone(CLONE, config_path=lp)
assert clone is not False
# python3-lxc's rename() hands back a Container in the default lxcpath
# (as its clone() does without config_path): undefined here, and not started.
assert clone.rename(RENAMED)
assert not lxc.Container(RENAMED).start()
renamed = lxc.Container(RENAMED, lp)
assert renamed.defined and renamed.start()
assert renamed.wait("RUNNING", 3)
assert renamed.stop() and renamed.wait("STOPPED", 3)
assert renamed.destroy()
step("destroy")
assert c.destroy()
assert not c.defined
print("api_test: all passed")
EOF
rc=0
out=$(PYTHONPATH="$dist" LD_LIBRARY_PATH="$BIN/lib" timeout 120 /usr/bin/python3 -X faulthandler "$lp/api_test.py" "$lp" 2>&1) ||
  rc=$?
echo "$out" | sed 's/^/  api_test: /'
expect_eq "python3-lxc's api_test flow: exit status" 0 "$rc"
expect_contains "python3-lxc's api_test flow runs through" "api_test: all passed" "$out"
expect_eq "no container of it is left" "" "$(ls "$lp" | grep -E '^(api|clone|renamed)-' || true)"
expect_eq "no cgroup of it is left" "" \
  "$(find /sys/fs/cgroup -maxdepth 2 -regextype posix-extended -regex '.*/lxc\.(payload|monitor)\.(api|clone|renamed)-.*')"
finish
