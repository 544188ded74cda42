#!/usr/bin/env python3
"""`xenc export` failing while it writes: a clear error, exit status 1, and
nothing left behind (no partial file, no temporary directory).

Usage
    check_export_failures.py read-only XENC CHECKPOINT_DIR
        --out inside a read-only directory. As root, permissions do not stop
        writes, so xenc then runs under setpriv without CAP_DAC_OVERRIDE
        (exit 77, a skip, when setpriv is missing).
    check_export_failures.py full-disk XENC CHECKPOINT_DIR
        a full disk, simulated with a 128 KiB file-size limit (ulimit -f 256,
        in 512-byte blocks) and SIGXFSZ ignored, so write() fails with EFBIG.
Standard library only.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77


def expect_clean_failure(cmd, parent, pattern):
    result = subprocess.run(cmd, capture_output=True, text=True)
    print(f"exit {result.returncode}: {result.stderr.strip()}")
    left = os.listdir(parent)
    ok = True
    if result.returncode != 1:
        print(f"FAILED: exit status {result.returncode}, expected 1")
        ok = False
    if not re.search(pattern, result.stderr):
        print(f"FAILED: stderr does not match {pattern!r}")
        ok = False
    if left:
        print(f"FAILED: left behind in {parent}: {left}")
        ok = False
    return 0 if ok else 1


def read_only(xenc, checkpoint, work):
    parent = os.path.join(work, "read_only")
    os.mkdir(parent)
    os.chmod(parent, 0o555)
    cmd = [xenc, "export", "--from-hf", checkpoint, "--out", os.path.join(parent, "model")]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            print("SKIP: running as root, and setpriv (to drop CAP_DAC_OVERRIDE) is not installed")
            return SKIP
        cmd = [setpriv, "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--", *cmd]
    try:
        return expect_clean_failure(
            cmd, parent, re.escape(os.path.join(parent, "model")) +
            r": cannot create a temporary directory in .*read_only: Permission denied")
    finally:
        os.chmod(parent, 0o755)


def full_disk(xenc, checkpoint, work):
    parent = os.path.join(work, "full_disk")
    os.mkdir(parent)
    inner = f"trap '' XFSZ; ulimit -f 256; exec \"$0\" export --from-hf \"$1\" --out \"$2\""
    return expect_clean_failure(["sh", "-c", inner, xenc, checkpoint, os.path.join(parent, "model")], parent,
                                re.escape(os.path.join(parent, "model", "onnx", "model.onnx")) +
                                r": write failed: File too large")


def main():
    check, xenc, checkpoint = sys.argv[1:4]
    with tempfile.TemporaryDirectory(prefix="xenc_export_failure_") as work:
        return {"read-only": read_only, "full-disk": full_disk}[check](xenc, checkpoint, work)


if __name__ == "__main__":
    sys.exit(main())
