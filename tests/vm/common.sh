# Host-side helpers shared by tests/vm/build, run-in-vm and run-suite (sourced, bash).
# Not used inside the guest: guest scripts source tests/vm/lib.sh.

RIG_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$RIG_DIR/../.." && pwd -P)
RIG_CACHE=${RIG_CACHE:-$REPO/build/vm-cache}
RIG_PROG=${RIG_PROG:-$(basename "$0")}

# Exit code of run-in-vm (and of the build) when the rig itself failed: build
# failure, boot failure, timeout, no result from the guest.
RIG_EXIT_RIG_FAILURE=125

rig_msg() { echo "$RIG_PROG: $*" >&2; }
rig_die() {
	rig_msg "ERROR: $*"
	exit "$RIG_EXIT_RIG_FAILURE"
}

# Wall clock in seconds with decimals (bash 5 EPOCHREALTIME).
rig_now() { echo "${EPOCHREALTIME/,/.}"; }
rig_elapsed() { # START -> "12.3"
	awk -v s="$1" -v e="$(rig_now)" 'BEGIN { printf "%.1f", e - s }'
}

rig_sha() { # FILE... -> one hash over the contents of all files
	cat -- "$@" | sha256sum | cut -c1-16
}

# ---- stamps: a step is fresh when its stamp holds the same key
rig_stamp_fresh() { # NAME KEY
	[ -f "$RIG_CACHE/stamps/$1" ] && [ "$(cat "$RIG_CACHE/stamps/$1")" = "$2" ]
}
rig_stamp_write() { # NAME KEY
	mkdir -p "$RIG_CACHE/stamps"
	printf '%s\n' "$2" >"$RIG_CACHE/stamps/$1"
}
rig_stamp_clear() { rm -f "$RIG_CACHE/stamps/$1"; }

# Print the last lines of a log file to stderr, indented, with a title.
rig_show_tail() { # FILE LINES TITLE
	local file=$1 lines=$2 title=$3
	if [ -s "$file" ]; then
		echo "----- $title (last $lines lines of $file) -----" >&2
		tail -n "$lines" "$file" | sed 's/^/  | /' >&2
		echo "-----" >&2
	else
		echo "($title: $file is empty or missing)" >&2
	fi
}

# The outputs of tests/vm/build that run-in-vm needs (paths).
# shellcheck disable=SC2034 # used by the scripts that source this file
rig_paths() {
	RIG_VMLINUX=$RIG_CACHE/current/vmlinux
	RIG_INITRAMFS=$RIG_CACHE/current/initramfs.cpio
	RIG_QEMU_ROOT=$RIG_CACHE/qemu/root
	RIG_QEMU=$RIG_QEMU_ROOT/usr/bin/qemu-system-x86_64
	RIG_FIRMWARE=$RIG_CACHE/qemu/firmware
	RIG_BIN=$RIG_CACHE/bin
}
rig_paths

# The unpacked QEMU 10, with its own firmware dir and its own module dir (else it
# tries the host QEMU's modules from /usr/lib/x86_64-linux-gnu/qemu and fails).
rig_qemu() {
	QEMU_MODULE_DIR=$RIG_QEMU_ROOT/usr/lib/x86_64-linux-gnu/qemu "$RIG_QEMU" -L "$RIG_FIRMWARE" "$@"
}
