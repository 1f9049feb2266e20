#!/usr/bin/env python3
"""Runs this repository's composite action (action.yml) the way a GitHub Actions runner would, outside GitHub.

    python3 Scripts/action-runner.py --workspace DIR --runner-temp DIR --cache DIR [--input NAME=VALUE]...

Used by Scripts/test-action.sh. What it does, following docs.github.com "Metadata syntax for GitHub Actions"
(composite actions) and "Workflow commands for GitHub Actions":
- inputs: the action's defaults, overridden by --input;
- steps in order; a step's `if:` is evaluated (default: run while no step has failed); `run:` steps run as
  `bash --noprofile --norc -eo pipefail FILE` with the step's `env:` and the runner's variables (GITHUB_ACTION_PATH,
  GITHUB_WORKSPACE, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_PATH, RUNNER_TEMP, RUNNER_OS, RUNNER_ARCH) in the
  workspace; `NAME=VALUE` and `NAME<<DELIMITER` lines written to GITHUB_OUTPUT become the step's outputs;
- `uses:` steps cannot run here (no network, no GitHub API). actions/cache/restore and actions/cache/save are
  simulated with a folder per key (`--cache`); github/codeql-action/upload-sarif is replaced by a check that the file it would upload is a SARIF 2.1.0 log, and reports what it would send;
- expressions: only `${{ inputs.X }}`, `${{ steps.ID.outputs.X }}`, `${{ github.action_path }}`,
  `${{ runner.temp }}` and comparisons with `==`/`!=` against a quoted string. Anything else stops the run with
  an error, so the action cannot outgrow what this test executes without the test saying so.
Prints one JSON object on stdout: the action's outputs, each step's outcome, what the upload would have sent,
the step summary and what was added to PATH. Exits 0 when the job succeeded, 1 when a step failed.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class Unsupported(Exception):
    pass


def lookup(path, context):
    parts = path.split(".")
    if parts[0] == "inputs" and len(parts) == 2:
        return context["inputs"].get(parts[1], "")
    if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
        return context["steps"].get(parts[1], {}).get("outputs", {}).get(parts[3], "")
    if path == "github.action_path":
        return ROOT
    if path == "runner.temp":
        return context["runner_temp"]
    raise Unsupported(f"expression context '{path}'")


def evaluate(expression, context):
    """The value of one expression (without `${{ }}`)."""
    comparison = re.fullmatch(r"([\w.-]+)\s*(==|!=)\s*'([^']*)'", expression)
    if comparison:
        value = lookup(comparison.group(1), context)
        # Actions compares strings case-insensitively.
        equal = value.lower() == comparison.group(3).lower()
        return equal if comparison.group(2) == "==" else not equal
    if re.fullmatch(r"[\w.-]+", expression):
        return lookup(expression, context)
    raise Unsupported(f"expression '{expression}'")


def substitute(text, context):
    return EXPRESSION.sub(lambda m: str(evaluate(m.group(1), context)), str(text))


def condition(step, context, failed):
    text = step.get("if")
    if text is None:
        return not failed
    text = EXPRESSION.fullmatch(text.strip()).group(1) if text.strip().startswith("${{") else text.strip()
    if re.search(r"\b(always|failure|cancelled|success)\(\)", text):
        raise Unsupported(f"status function in if: {text}")
    # An `if` without a status function implies success().
    return not failed and bool(evaluate(text, context))


def read_outputs(path):
    outputs, lines = {}, open(path, encoding="utf-8").read().split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        heredoc = re.fullmatch(r"([^=<]+)<<(.+)", line)
        if heredoc:
            name, delimiter, value = heredoc.group(1), heredoc.group(2), []
            index += 1
            while lines[index] != delimiter:
                value.append(lines[index])
                index += 1
            outputs[name] = "\n".join(value)
        elif "=" in line:
            name, value = line.split("=", 1)
            outputs[name] = value
        index += 1
    return outputs


def check_sarif(path):
    with open(path, encoding="utf-8") as handle:
        log = json.load(handle)
    if log.get("version") != "2.1.0" or not isinstance(log.get("runs"), list) or not log["runs"]:
        raise ValueError(f"{path} is not a SARIF 2.1.0 log with runs")
    return sum(len(run.get("results", [])) for run in log["runs"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workspace", required=True)
    parser.add_argument("--runner-temp", required=True)
    parser.add_argument("--cache", required=True, help="folder that stands for the actions/cache service")
    parser.add_argument("--input", action="append", default=[], metavar="NAME=VALUE")
    arguments = parser.parse_args()

    with open(os.path.join(ROOT, "action.yml"), encoding="utf-8") as handle:
        action = yaml.safe_load(handle)
    if action["runs"]["using"] != "composite":
        raise Unsupported("not a composite action")
    inputs = {name: str(spec.get("default", "")) for name, spec in action.get("inputs", {}).items()}
    for item in arguments.input:
        name, value = item.split("=", 1)
        if name not in inputs:
            raise Unsupported(f"the action has no input '{name}'")
        inputs[name] = value.replace("\\n", "\n")

    os.makedirs(arguments.runner_temp, exist_ok=True)
    summary = os.path.join(arguments.runner_temp, "_step_summary")
    path_file = os.path.join(arguments.runner_temp, "_path")
    for name in (summary, path_file):
        open(name, "w").close()
    context = {"inputs": inputs, "steps": {}, "runner_temp": arguments.runner_temp}
    result = {"steps": [], "uploads": [], "cache": []}
    failed = False

    for index, step in enumerate(action["runs"]["steps"]):
        step_id = step.get("id", f"__{index}")
        record = {"name": step.get("name", step_id), "outcome": "skipped"}
        result["steps"].append(record)
        if not condition(step, context, failed):
            continue
        outputs = {}
        if "run" in step:
            environment = dict(os.environ)
            environment.update({
                "GITHUB_ACTION_PATH": ROOT,
                "GITHUB_WORKSPACE": arguments.workspace,
                "GITHUB_STEP_SUMMARY": summary,
                "GITHUB_PATH": path_file,
                "RUNNER_TEMP": arguments.runner_temp,
                "RUNNER_OS": "Linux" if sys.platform.startswith("linux") else "macOS",
                "RUNNER_ARCH": {"x86_64": "X64", "aarch64": "ARM64", "arm64": "ARM64"}.get(os.uname().machine, "X64"),
            })
            for name, value in (step.get("env") or {}).items():
                environment[name] = substitute(value, context)
            with tempfile.NamedTemporaryFile("w", dir=arguments.runner_temp, suffix=".sh", delete=False) as script:
                script.write(substitute(step["run"], context))
            output_file = os.path.join(arguments.runner_temp, f"_output_{index}")
            open(output_file, "w").close()
            environment["GITHUB_OUTPUT"] = output_file
            if step.get("shell") != "bash":
                raise Unsupported(f"step '{record['name']}': shell {step.get('shell')!r}")
            print(f"::: step {record['name']}", file=sys.stderr, flush=True)
            # The step's own output goes to stderr so that stdout carries only the JSON result.
            status = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script.name],
                                    cwd=arguments.workspace, env=environment, stdout=sys.stderr).returncode
            os.unlink(script.name)
            outputs = read_outputs(output_file)
            record["outcome"] = "success" if status == 0 else f"failure ({status})"
            failed = failed or status != 0
        else:
            uses = step["uses"]
            given = {name: substitute(value, context) for name, value in (step.get("with") or {}).items()}
            if re.fullmatch(r"actions/cache/restore@v\d+", uses):
                stored = os.path.join(arguments.cache, given["key"])
                hit = os.path.isdir(stored)
                if hit:
                    shutil.rmtree(given["path"], ignore_errors=True)
                    shutil.copytree(stored, given["path"])
                outputs = {"cache-hit": "true" if hit else "false"}
                result["cache"].append({"restore": given["key"], "hit": hit})
                record["outcome"] = "success (simulated)"
            elif re.fullmatch(r"actions/cache/save@v\d+", uses):
                stored = os.path.join(arguments.cache, given["key"])
                if not os.path.exists(stored):
                    shutil.copytree(given["path"], stored)
                result["cache"].append({"save": given["key"]})
                record["outcome"] = "success (simulated)"
            elif re.fullmatch(r"github/codeql-action/upload-sarif@v\d+", uses):
                results = check_sarif(given["sarif_file"])
                result["uploads"].append({"sarif_file": given["sarif_file"], "category": given.get("category", ""),
                                          "results": results})
                record["outcome"] = "not run here (SARIF checked)"
            else:
                raise Unsupported(f"uses: {uses}")
        if "id" in step:
            context["steps"][step["id"]] = {"outputs": outputs}

    result["outputs"] = {name: substitute(spec["value"], context) for name, spec in action.get("outputs", {}).items()}
    result["summary"] = open(summary, encoding="utf-8").read()
    result["path"] = open(path_file, encoding="utf-8").read().split()
    result["failed"] = failed
    json.dump(result, sys.stdout, indent=1)
    print()
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Unsupported as error:
        print(f"action-runner.py: cannot simulate: {error}", file=sys.stderr)
        sys.exit(3)
