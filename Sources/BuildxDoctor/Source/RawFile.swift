#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one reader for every input file buildx-doctor opens: one `open`, `fstat` and `read` loop, with the
/// size limit checked before anything large is read. FileManager's attribute dictionaries cost more than
/// the read itself for the small files CI configuration lives in, and `FileManager.contents(atPath:)`
/// reads a file whole before its size can be checked.
enum RawFile {
    enum Failure: Error, Equatable {
        /// The system's reason (`strerror`).
        case system(String)
        /// Larger than the limit: the size from `fstat`, or `nil` for a pipe or device, whose size is
        /// only known by reading it to the end.
        case tooLarge(bytes: Int?)
    }

    /// Which kinds of file a caller accepts.
    enum Kinds {
        /// Regular files, and pipes and character devices named by the user (`<(cat x)`, `/dev/stdin`),
        /// which are read to their end; opening a FIFO with no writer waits for one, as `cat` does.
        case filesAndStreams
        /// Regular files only; anything else is refused without waiting. For paths that come from file
        /// content (`uses: ./action`), which must not be able to hang the run with a FIFO.
        case regularFilesOnly
    }

    /// Reads a file and decodes it as text, refusing it when it holds more than `limit` bytes.
    static func source(_ path: String, limit: Int, kinds: Kinds = .filesAndStreams) throws(InputError) -> SourceFile {
        let bytes: [UInt8]
        do {
            bytes = try read(path, limit: limit, kinds: kinds)
        } catch {
            switch error {
            case .system(let reason): throw InputError(path: path, reason: .unreadable(reason))
            case .tooLarge(let size): throw InputError(path: path, reason: .tooLarge(bytes: size, limit: limit))
            }
        }
        return try SourceFile(path: path, data: bytes)
    }

    /// The whole file. A regular file larger than `limit` is refused before reading (its size is known);
    /// a pipe or device is read until end of file, refused once more than `limit` bytes have arrived,
    /// having read at most `limit + 1` of them.
    static func read(_ path: String, limit: Int = .max, kinds: Kinds = .filesAndStreams) throws(Failure) -> [UInt8] {
        // O_NONBLOCK makes `open` return at once on a FIFO (open(2)); regular files ignore it.
        let flags = O_RDONLY | O_CLOEXEC | (kinds == .regularFilesOnly ? O_NONBLOCK : 0)
        let descriptor = open(path, flags)
        guard descriptor >= 0 else { throw .system(String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .system(String(cString: strerror(errno))) }
        let type = status.st_mode & S_IFMT
        guard type == S_IFREG else {
            if kinds == .regularFilesOnly { throw .system("not a regular file") }
            return try readToEnd(descriptor, limit: limit)
        }
        let size = Int(status.st_size)
        if size > limit { throw .tooLarge(bytes: size) }
        var bytes = [UInt8](repeating: 0, count: size)
        let filled = try fill(&bytes, from: descriptor, range: 0..<size)
        return filled == size ? bytes : Array(bytes[..<filled])
    }

    /// Reads a stream with no size known beforehand, growing the buffer as data arrives.
    private static func readToEnd(_ descriptor: Int32, limit: Int) throws(Failure) -> [UInt8] {
        // One byte past the limit tells "exactly at the limit" from "over it" without reading further.
        let ceiling = limit == .max ? limit : limit + 1
        var bytes = [UInt8](repeating: 0, count: min(ceiling, 1 << 16))
        var filled = 0
        while true {
            if filled == bytes.count {
                if bytes.count == ceiling { break }
                bytes += [UInt8](repeating: 0, count: min(ceiling - bytes.count, bytes.count))
            }
            let reached = try fill(&bytes, from: descriptor, range: filled..<bytes.count)
            let atEnd = reached < bytes.count
            filled = reached
            if atEnd { break }
        }
        if filled > limit { throw .tooLarge(bytes: nil) }
        return Array(bytes[..<filled])
    }

    /// Reads into `bytes[range]` until the range is full or the end of file; returns the index reached.
    /// Retries reads interrupted by a signal (EINTR, read(2)).
    private static func fill(_ bytes: inout [UInt8], from descriptor: Int32, range: Range<Int>) throws(Failure) -> Int {
        var filled = range.lowerBound
        while filled < range.upperBound {
            let count = bytes.withUnsafeMutableBytes { buffer in
                systemRead(descriptor, buffer.baseAddress! + filled, range.upperBound - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw .system(String(cString: strerror(errno)))
            }
            if count == 0 { break }
            filled += count
        }
        return filled
    }

    private static func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.read(descriptor, buffer, count)
        #else
        Darwin.read(descriptor, buffer, count)
        #endif
    }
}
