#!/usr/bin/env bash
# Runs as PID 1 of fresh pid, mount, uts, ipc, net and cgroup namespaces (made by run.sh with unshare): builds the
# container's root (an overlay of the host's / whose writes go to a tmpfs, with private /dev, /tmp, /run, the Swift
# toolchain and the work trees hidden), pivots into it and execs systemd. Everything mounted here lives only in this
# mount namespace: it goes away with the namespace's last process.
#   boot.sh STATE_DIR PAYLOAD_DIR
# STATE_DIR: an empty host directory the tmpfs is mounted on; PAYLOAD_DIR: copied to /srv/cpard-test inside.
set -euo pipefail
state=$1
payload=$2

mount --make-rprivate /
mount -t tmpfs -o mode=0755 cpard-systemd-test "$state"
mkdir "$state/upper" "$state/work" "$state/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$state/upper,workdir=$state/work" "$state/root"
root=$state/root

# The Swift toolchain and the host's work trees are not there on a clean Debian host.
for hidden in /opt/swift /work /root/.pyenv /tmp /var/tmp; do
  [ -d "$root$hidden" ] && mount -t tmpfs -o mode=0755 hidden "$root$hidden"
done
chmod 1777 "$root/tmp" "$root/var/tmp"
mkdir -p "$root/srv/cpard-test"
cp -a "$payload/." "$root/srv/cpard-test/"

mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys"
# This cgroup namespace's root is the test's own directory under the host's cgroup2 hierarchy.
mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 "$root/sys/fs/cgroup"

mount -t tmpfs -o mode=0755,nosuid,size=4m dev "$root/dev"
for node in null zero full random urandom tty; do
  touch "$root/dev/$node"
  mount --bind "/dev/$node" "$root/dev/$node"
done
mkdir "$root/dev/pts" "$root/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$root/dev/pts"
ln -s pts/ptmx "$root/dev/ptmx"
mount -t tmpfs -o mode=1777,nosuid,nodev shm "$root/dev/shm"
ln -s /proc/self/fd "$root/dev/fd"
ln -s /proc/self/fd/0 "$root/dev/stdin"
ln -s /proc/self/fd/1 "$root/dev/stdout"
ln -s /proc/self/fd/2 "$root/dev/stderr"
mount -t tmpfs -o mode=0755,nosuid,nodev run "$root/run"

# No host file systems, swap or network configuration inside.
: > "$root/etc/fstab"
# A Docker-built image forbids maintainer scripts to start or stop services (policy-rc.d exits 101); a Debian host
# has no such file, and the package's prerm must be seen stopping cpard.
rm -f "$root/usr/sbin/policy-rc.d"
echo cpard-test > "$root/etc/hostname"
# Units that would touch the host (kernel settings, modules, devices, disks, clocks, consoles) or do nothing useful
# here (timers that go to the network, the host's database) are masked.
for unit in systemd-sysctl.service systemd-modules-load.service kmod-static-nodes.service systemd-binfmt.service \
    proc-sys-fs-binfmt_misc.automount proc-sys-fs-binfmt_misc.mount systemd-udevd.service systemd-udev-trigger.service \
    systemd-udev-settle.service systemd-udevd-control.socket systemd-udevd-kernel.socket systemd-hwdb-update.service \
    systemd-random-seed.service systemd-remount-fs.service systemd-timesyncd.service systemd-networkd.service \
    systemd-networkd.socket systemd-networkd-wait-online.service systemd-resolved.service systemd-logind.service \
    systemd-pstore.service systemd-firstboot.service systemd-machine-id-commit.service systemd-journald-audit.socket \
    getty.target getty@.service serial-getty@.service console-getty.service getty-static.service \
    sys-kernel-debug.mount sys-kernel-tracing.mount sys-kernel-config.mount sys-fs-fuse-connections.mount \
    dev-hugepages.mount dev-mqueue.mount tmp.mount swap.target cryptsetup.target remote-fs.target \
    apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer e2scrub_reap.service \
    fstrim.timer man-db.timer logrotate.timer postgresql.service cron.service ssh.service rsyslog.service \
    polkit.service packagekit.service; do
  ln -sf /dev/null "$root/etc/systemd/system/$unit"
done
# The host's generators would turn its fstab, crypttab and init scripts into units.
mkdir -p "$root/etc/systemd/system-generators"
for g in "$root"/usr/lib/systemd/system-generators/* "$root"/lib/systemd/system-generators/*; do
  [ -e "$g" ] && ln -sf /dev/null "$root/etc/systemd/system-generators/$(basename "$g")"
done

cd "$root"
mkdir -p .host
pivot_root . .host
cd /
umount -l /.host
rmdir /.host
# LoadCredential= and the units' private mounts need shared propagation from /.
mount --make-rshared /
exec env -i container=cpard-test PATH=/usr/sbin:/usr/bin:/sbin:/bin /lib/systemd/systemd --show-status=no
