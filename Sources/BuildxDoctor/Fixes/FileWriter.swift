#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes fixed files so that nothing is ever lost: only when the file is still what was read, through
/// a temporary file in the same folder renamed over the original, with the original's permissions.
public enum FileWriter {
    public struct WriteError: Error, Sendable, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): not written: \(reason)" }
    }

    /// Replaces the file at `path`, whose content was `expected` (byte order mark included), with `content`.
    public static func replace(_ path: String, expected: [UInt8], with content: [UInt8]) throws(WriteError) {
        var status = stat()
        guard stat(path, &status) == 0 else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
        // Root may write anything; a file without write bits is still one its owner meant to keep as it is.
        guard status.st_mode & 0o222 != 0, access(path, W_OK) == 0 else {
            throw WriteError(path: path, reason: "the file is read-only")
        }
        guard let current = try? RawFile.read(path), current == expected else {
            throw WriteError(path: path, reason: "the file changed on disk since it was read; run fix again")
        }
        let temporary = path + ".buildx-doctor-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode_t(status.st_mode & 0o7777))
        guard descriptor >= 0 else {
            throw WriteError(path: path, reason: "cannot create a temporary file beside it: \(String(cString: strerror(errno)))")
        }
        var written = 0
        while written < content.count {
            let count = content.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, content.count - written) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            written += count
        }
        let flushed = fsync(descriptor) == 0
        fchmod(descriptor, status.st_mode & 0o7777)
        close(descriptor)
        guard written == content.count, flushed, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw WriteError(path: path, reason: "writing failed: \(reason)")
        }
    }
}
