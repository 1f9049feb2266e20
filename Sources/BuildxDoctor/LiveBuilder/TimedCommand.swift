import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs one command with a time limit and collects what it printed. The command gets its own process group
/// (`posix_spawn(3)` with `POSIX_SPAWN_SETPGROUP`), so a time-out kills it and every process it started —
/// the docker CLI runs buildx as a child process, which a signal to the CLI alone would leave running.
/// Output goes to temporary files rather than pipes, so a command that prints a lot can never block on a
/// full pipe while this waits for it.
struct TimedCommand: Sendable {
    struct Output: Sendable {
        let status: Int32
        let standardOutput: String
        let standardError: String

        /// The first non-empty line of standard error, else of standard output: what a failure says.
        var firstErrorLine: String {
            for text in [standardError, standardOutput] {
                if let line = text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }).first(where: { !$0.isEmpty }) {
                    return line
                }
            }
            return "no output"
        }
    }

    /// The executable: a path, or a name looked up in `environment`'s `PATH`.
    let executable: String
    let environment: [String: String]
    /// Seconds a command may run.
    let timeout: Double

    /// The executable's path, or `nil` when there is no such executable file.
    var resolvedExecutable: String? {
        if executable.contains("/") { return access(executable, X_OK) == 0 ? executable : nil }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(executable)" }.first { access($0, X_OK) == 0 }
    }

    /// Runs `executable arguments…`; throws when it cannot start or runs out of time.
    func run(_ arguments: [String]) throws(LiveBuilderError) -> Output {
        let shown = ([executable] + arguments).joined(separator: " ")
        guard let path = resolvedExecutable else { throw .dockerNotFound(executable) }
        let folder = NSTemporaryDirectory()
        let token = UUID().uuidString
        let outPath = folder + "/buildx-doctor-\(token).out"
        let errPath = folder + "/buildx-doctor-\(token).err"
        defer {
            unlink(outPath)
            unlink(errPath)
        }
        let pid = try spawn(path, arguments: arguments, standardOutput: outPath, standardError: errPath, shown: shown)
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { break }
            if result == -1 && errno != EINTR {
                throw .commandFailed(command: shown, status: -1, message: "waitpid: \(String(cString: strerror(errno)))")
            }
            if Date() >= deadline {
                // The whole group: docker and the buildx plugin it started.
                kill(-pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw .timedOut(command: shown, seconds: timeout)
            }
            usleep(10_000)
        }
        let exit: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Output(status: exit, standardOutput: Self.read(outPath), standardError: Self.read(errPath))
    }

    private func spawn(_ path: String, arguments: [String], standardOutput: String, standardError: String, shown: String)
        throws(LiveBuilderError) -> pid_t
    {
        #if canImport(Glibc)
            var actions = posix_spawn_file_actions_t()
            var attributes = posix_spawnattr_t()
        #else
            var actions: posix_spawn_file_actions_t?
            var attributes: posix_spawnattr_t?
        #endif
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, standardOutput, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, standardError, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw .commandFailed(command: shown, status: -1, message: "cannot start: \(String(cString: strerror(result)))")
        }
        return pid
    }

    private static func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }
}
