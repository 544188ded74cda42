#!/usr/bin/python3
"""Kills `xenc train` at many moments and checks what a kill leaves behind.

usage: train_kill_test.py XENC MODEL_DIR PAIR_FILE WORK_DIR

A reference run trains MODEL_DIR for 3 epochs on the first 60 lines of PAIR_FILE and is timed. Then runs of
the same settings are killed (SIGKILL) at moments spread evenly over that time (16 of them, then finer
spreads until a kill has landed inside a checkpoint write, 64 kills at most; then, if none has yet, up to 16
kills the moment a checkpoint's temporary directory appears, so that a slow build, e.g. under a sanitizer,
still gets one). After each kill:
  - the newest complete checkpoint (CHECKPOINTS/epoch-N) must be a usable model
    directory: `xenc score` runs on it;
  - `xenc train --resume` (or a fresh run when no checkpoint was complete) must
    finish with a model.onnx byte-identical to the reference run's.
Kills that land while a checkpoint is being written (its temporary directory is
left behind) are counted; the test fails unless at least one did, so it cannot
pass without testing that case. Exit status 1 on any failure.
"""
import filecmp
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import time


def train_command(xenc, model, train, out, resume=False):
    command = [xenc, "train", model, "--train", train, "--dev", train, "--out", out, "--label-range", "0:5",
               "--epochs", "3", "--batch-size", "4", "--lr", "1e-3", "--threads", "1"]
    return command + (["--resume"] if resume else [])


def kill_when_writing(process, checkpoints):
    """Kills the run as soon as a checkpoint's temporary directory exists (or when it ends)."""
    while process.poll() is None:
        if checkpoints.exists() and any(checkpoints.glob(".epoch-*.tmp-*")):
            break
        time.sleep(0.0005)
    process.send_signal(signal.SIGKILL)


def main():
    xenc, model, pairs, work = sys.argv[1:5]
    work = pathlib.Path(work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    train = str(work / "train.csv")
    with open(pairs, encoding="utf-8") as f:
        lines = f.readlines()[:60]
    with open(train, "w", encoding="utf-8") as f:
        f.writelines(lines)
    reference = work / "reference"
    start = time.monotonic()
    subprocess.run(train_command(xenc, model, train, str(reference)), check=True, stdout=subprocess.DEVNULL)
    duration = time.monotonic() - start
    reference_model = reference / "model.onnx"

    delays = [duration * (i + 0.5) / 16 for i in range(16)]
    delays += [duration * (i + 0.25) / 48 for i in range(48)]
    delays += [None] * 16  # targeted: kill during a checkpoint write
    during_write = 0
    failures = []
    for attempt, delay in enumerate(delays):
        if attempt >= 16 and during_write > 0:
            break
        out = work / f"run{attempt}"
        checkpoints = pathlib.Path(str(out) + ".checkpoints")
        process = subprocess.Popen(train_command(xenc, model, train, str(out)), stdout=subprocess.DEVNULL)
        if delay is None:
            kill_when_writing(process, checkpoints)
        else:
            time.sleep(delay)
            process.send_signal(signal.SIGKILL)
        process.wait()
        if out.exists():
            shutil.rmtree(out)
            continue  # finished before the kill
        leftovers = [p.name for p in checkpoints.glob(".epoch-*.tmp-*")] if checkpoints.exists() else []
        during_write += bool(leftovers)
        epochs = sorted(int(p.name[6:]) for p in checkpoints.glob("epoch-*")) if checkpoints.exists() else []
        if epochs:
            latest = checkpoints / f"epoch-{epochs[-1]}"
            scored = subprocess.run([xenc, "score", str(latest), "--pairs", train], capture_output=True, text=True)
            if scored.returncode != 0:
                failures.append(f"kill {attempt}: {latest} is not usable: {scored.stderr.strip()}")
        resumed = subprocess.run(train_command(xenc, model, train, str(out), resume=bool(epochs)),
                                 capture_output=True, text=True)
        if resumed.returncode != 0:
            failures.append(f"kill {attempt} (checkpoints {epochs}, leftovers {leftovers}): resume failed: "
                            f"{resumed.stderr.strip()}")
        elif not filecmp.cmp(out / "model.onnx", reference_model, shallow=False):
            failures.append(f"kill {attempt} (checkpoints {epochs}): resumed model differs from the reference")
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(checkpoints, ignore_errors=True)
    print(f"reference run {duration:.2f} s; kills: {attempt + 1}, during a checkpoint write: {during_write}")
    for failure in failures:
        print("FAIL", failure)
    if during_write == 0:
        print("FAIL no kill landed during a checkpoint write")
    return 1 if failures or during_write == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
