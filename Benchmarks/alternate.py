"""Times commands in alternating rounds, so that machine noise hits each of them alike.

Used by check.sh and explain.sh: `measure(commands, runs)` returns, per name, the wall times of every run
and the peak resident memory (MiB) seen, after one warm-up run of each command.
"""
import os
import statistics
import subprocess
import time


def once(command):
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def measure(commands, runs):
    for command in commands.values():
        once(command)
    samples = {name: [] for name in commands}
    memory = {name: 0.0 for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            elapsed, rss = once(command)
            samples[name].append(elapsed)
            memory[name] = max(memory[name], rss)
    return samples, memory


def median(values):
    return statistics.median(values)
