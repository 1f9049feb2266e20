import BuildxModel
import Foundation

/// Why a live builder could not be read: each case names the command and says what to do.
public enum LiveBuilderError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No docker CLI at this path or on `PATH`.
    case dockerNotFound(String)
    /// The Docker daemon did not answer (`docker info` failed); its first error line.
    case daemonUnreachable(String)
    /// A command failed; its exit status and first error line.
    case commandFailed(command: String, status: Int32, message: String)
    /// A command ran longer than the time allowed and was killed.
    case timedOut(command: String, seconds: Double)
    /// A command's output is not what buildx prints; the 1-based line and why.
    case unreadableOutput(command: String, line: Int, reason: String)
    /// No builder of that name.
    case noSuchBuilder(String, known: [String])

    public var description: String {
        switch self {
        case .dockerNotFound(let name): "no docker CLI found (`\(name)` is not an executable file, nor on PATH)"
        case .daemonUnreachable(let message): "the Docker daemon does not answer: \(message)"
        case .commandFailed(let command, let status, let message): "`\(command)` failed (exit \(status)): \(message)"
        case .timedOut(let command, let seconds): "`\(command)` did not finish within \(Int(seconds)) s and was stopped"
        case .unreadableOutput(let command, let line, let reason): "`\(command)` output line \(line): \(reason)"
        case .noSuchBuilder(let name, let known):
            "no builder `\(name)` on this machine (`docker buildx ls` lists \(known.isEmpty ? "none" : known.map { "`\($0)`" }.joined(separator: ", ")))"
        }
    }
}

/// Readers of what buildx and the Docker CLI print about builders. Pure functions of the text, so they are
/// tested on recorded outputs of several buildx versions.
public enum LiveBuilderParsing {
    /// `docker buildx ls --format json` (buildx ≥ v0.13.0): one JSON object per builder per line, nodes
    /// embedded (`docker/buildx commands/ls.go`; fields of `builder/builder.go` and `builder/node.go`
    /// `MarshalJSON`; empty fields are left out).
    public static func builders(fromListJSON text: String, command: String = "docker buildx ls --format json") throws(LiveBuilderError)
        -> [LiveBuilder]
    {
        var builders: [LiveBuilder] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any] else {
                throw .unreadableOutput(command: command, line: index + 1, reason: "not a JSON object")
            }
            guard let name = object["Name"] as? String, let driver = object["Driver"] as? String else {
                throw .unreadableOutput(command: command, line: index + 1, reason: "no `Name` or `Driver`")
            }
            let nodes = (object["Nodes"] as? [[String: Any]] ?? []).map { node in
                let status = node["Status"] as? String ?? ""
                // Labels are left out when there are none; only a running node reports its worker.
                let labels = node["Labels"] as? [String: String] ?? (status == "running" ? [:] : nil)
                return LiveBuilder.Node(
                    name: node["Name"] as? String ?? "", endpoint: node["Endpoint"] as? String ?? "", status: status,
                    buildkitVersion: node["Version"] as? String, platforms: (node["Platforms"] as? [String] ?? []).map(platform),
                    labels: labels, error: errorText(node["Err"]))
            }
            builders.append(
                LiveBuilder(name: name, driverName: driver, isCurrent: object["Current"] as? Bool ?? false, nodes: nodes, error: errorText(object["Err"])))
        }
        return builders
    }

    /// `docker buildx inspect [NAME]`, for buildx before v0.13.0, which has no `ls --format` (`docker/buildx
    /// commands/inspect.go`: `Name:`/`Driver:` lines, then `Nodes:` and per node `Name:`, `Endpoint:`, `Status:`,
    /// `Buildkit:` — `BuildKit version:` since v0.13.0 —, `Platforms:`, and sections whose entries are indented
    /// by one space: `Labels:`, `Features:`, `GC Policy rule#N:`). `isCurrent` is what the caller asked for.
    public static func builder(fromInspect text: String, isCurrent: Bool, command: String = "docker buildx inspect") throws(LiveBuilderError)
        -> LiveBuilder
    {
        var name: String?
        var driver: String?
        var builderError: String?
        var nodes: [LiveBuilder.Node] = []
        // The node being read: its `key: value` lines, and its labels once a `Labels:` section starts.
        var fields: [String: String]?
        var labels: [String: String]?
        var section = ""
        func finishNode() {
            guard let node = fields else { return }
            let status = node["Status"] ?? (node["Error"] != nil ? "error" : "")
            // buildx v0.13.0 renamed `Buildkit:` to `BuildKit version:` and prints the labels of a running node
            // from then on, so a running node without them has none; older output never shows them.
            let newSpelling = node["BuildKit version"] != nil || node["BuildKit daemon flags"] != nil
            nodes.append(
                LiveBuilder.Node(
                    name: node["Name"] ?? "", endpoint: node["Endpoint"] ?? "", status: status,
                    buildkitVersion: node["BuildKit version"] ?? node["Buildkit"],
                    platforms: (node["Platforms"] ?? "").split(separator: ",").map { platform(String($0)) }.filter { !$0.isEmpty },
                    labels: labels ?? (newSpelling && status == "running" ? [:] : nil), error: node["Error"]))
            fields = nil
            labels = nil
        }
        var inNodes = false
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(rawLine)
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let indented = line.hasPrefix(" ") || line.hasPrefix("\t")
            // Lines without a key are the contents of a `File#…:` section.
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if indented {
                if section == "Labels" { labels?[key] = value }
                continue
            }
            section = key
            if key == "Nodes" {
                inNodes = true
                continue
            }
            if !inNodes {
                switch key {
                case "Name": name = value
                case "Driver": driver = value
                case "Error": builderError = value
                default: break
                }
                continue
            }
            if key == "Name" {
                finishNode()
                fields = [:]
            }
            if key == "Labels" { labels = [:] }
            fields?[key] = value
        }
        finishNode()
        guard let name, let driver else {
            throw .unreadableOutput(command: command, line: 1, reason: "no `Name:` and `Driver:` lines")
        }
        return LiveBuilder(name: name, driverName: driver, isCurrent: isCurrent, nodes: nodes, error: builderError)
    }

    /// The version in `docker buildx version`: `github.com/docker/buildx v0.36.1 <revision>` (`docker/buildx
    /// commands/version.go` prints package, version and revision).
    public static func buildxVersion(from text: String) -> String? {
        let words = text.split(whereSeparator: \.isWhitespace)
        guard words.count >= 2 else { return nil }
        return String(words[1])
    }

    /// The image store from `docker info --format '{{json .DriverStatus}}'`: `[["driver-type",
    /// "io.containerd.snapshotter.v1"]]` with the containerd store (moby `daemon/containerd/service.go`
    /// `LayerStoreStatus`), graphdriver fields (or `null`) with the classic one; `nil` when not JSON.
    public static func imageStore(fromDriverStatus text: String) -> ImageStore? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed == "null" { return .classic }
        guard let pairs = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [[String]] else { return nil }
        let containerd = pairs.contains { $0.count == 2 && $0[0] == "driver-type" && $0[1] == "io.containerd.snapshotter.v1" }
        return containerd ? .containerd : .classic
    }

    /// One `/proc/sys/fs/binfmt_misc` entry: its first line is `enabled` or `disabled` (the kernel's
    /// `Documentation/admin-guide/binfmt-misc.rst`).
    public static func emulator(name: String, contents: String) -> Emulator {
        Emulator(name: name, isEnabled: contents.split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) } == "enabled")
    }

    /// A platform without the `*` buildx adds to platforms set by hand.
    private static func platform(_ text: String) -> String {
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("*") { trimmed.removeLast() }
        return trimmed
    }

    /// buildx writes errors as strings; anything else is shown as JSON would show it.
    private static func errorText(_ value: Any?) -> String? {
        guard let value, !(value is NSNull) else { return nil }
        if let text = value as? String { return text.isEmpty ? nil : text }
        return "\(value)"
    }
}
