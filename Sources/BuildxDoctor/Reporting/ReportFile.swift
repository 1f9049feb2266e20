#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file the tool produces (`--output`, `--write-baseline`, `config --init`) atomically: into a
/// temporary file in the same folder, flushed with fsync(2), then renamed over the target (rename(2) is
/// atomic within a file system), so a reader sees the old content or the new one, never half of either,
/// and a failed run leaves the old file as it was. Unlike `FileWriter`, which fixes the user's files in
/// place, the target may not exist yet and its old content does not matter.
public enum ReportFile {
    /// Why the file was not written.
    public struct WriteError: Error, Sendable, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): not written: \(reason)" }
    }

    /// Writes `text` to `path`. An existing file keeps its permissions; a new one gets 0666 less the umask,
    /// as open(2) would give it. A symbolic link is followed, so the file it points to is replaced.
    public static func write(_ text: String, to path: String, replacing: Bool = true) throws(WriteError) {
        var target = path
        if let resolved = realpath(path, nil) {
            target = String(cString: resolved)
            free(resolved)
        }
        var status = stat()
        let exists = stat(target, &status) == 0
        if exists, !replacing { throw WriteError(path: path, reason: "the file exists") }
        if exists, status.st_mode & S_IFMT == S_IFDIR { throw WriteError(path: path, reason: "it is a folder") }
        let folder = PathText.folder(of: target)
        var template = ((folder == "/" ? "/" : folder + "/") + ".buildx-doctor-XXXXXX").utf8CString.map { $0 }
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw failure(path, "cannot create a temporary file in \(folder)") }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var succeeded = false
        defer {
            close(descriptor)
            if !succeeded { unlink(temporary) }
        }
        let mode: mode_t
        if exists {
            mode = status.st_mode & 0o7777
        } else {
            let mask = umask(0)
            umask(mask)
            mode = 0o666 & ~mask
        }
        guard fchmod(descriptor, mode) == 0 else { throw failure(path, "cannot set the permissions") }
        do throws(OutputSink.Failure) {
            try OutputSink(descriptor: descriptor, name: path).write(text)
        } catch {
            throw WriteError(path: path, reason: String(cString: strerror(error.code)))
        }
        guard fsync(descriptor) == 0 else { throw failure(path, "cannot flush it to disk") }
        if replacing {
            guard rename(temporary, target) == 0 else { throw failure(path, "cannot move it into place") }
            succeeded = true
        } else {
            // link(2) fails when the name exists, so a file created meanwhile is never replaced; the
            // temporary name is then removed by the deferred unlink.
            guard link(temporary, target) == 0 else {
                throw errno == EEXIST ? WriteError(path: path, reason: "the file exists") : failure(path, "cannot create it")
            }
        }
    }

    private static func failure(_ path: String, _ what: String) -> WriteError {
        WriteError(path: path, reason: "\(what): \(String(cString: strerror(errno)))")
    }
}
