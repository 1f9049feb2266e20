#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file's bytes, read with one `open`, `fstat` and `read` loop: FileManager's attribute dictionaries
/// cost more than the read itself for the small files CI configuration lives in.
enum RawFile {
    enum Failure: Error {
        /// The system's reason (`strerror`).
        case system(String)
        case tooLarge(bytes: Int)
    }

    /// The whole file, refused before reading when it is larger than `limit` bytes.
    static func read(_ path: String, limit: Int = .max) throws(Failure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw .system(String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .system(String(cString: strerror(errno))) }
        let size = Int(status.st_size)
        if size > limit { throw .tooLarge(bytes: size) }
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let count = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + filled, size - filled) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .system(String(cString: strerror(errno)))
            }
            if count == 0 { break }
            filled += count
        }
        return filled == size ? bytes : Array(bytes[..<filled])
    }
}
