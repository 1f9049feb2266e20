#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a command's output goes: one file descriptor, written with write(2) until every byte is out,
/// and a typed failure when it cannot be. Foundation's `FileHandle.write(_:)` traps on a write error and
/// `print` drops it, so a full disk (`> /dev/full`, ENOSPC), a closed descriptor (`>&-`, EBADF) or a
/// reader that went away (EPIPE, when SIGPIPE is ignored) would crash the run or pass for success.
public struct OutputSink: Sendable {
    public let descriptor: Int32
    /// How messages name the output ("standard output").
    public let name: String

    public static let standardOutput = OutputSink(descriptor: STDOUT_FILENO, name: "standard output")
    public static let standardError = OutputSink(descriptor: STDERR_FILENO, name: "standard error")

    public init(descriptor: Int32, name: String) {
        self.descriptor = descriptor
        self.name = name
    }

    /// A write that failed, with the system's error number.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let output: String
        public let code: Int32

        public var description: String { "cannot write to \(output): \(String(cString: strerror(code)))" }
    }

    /// Writes all of `text` as UTF-8.
    public func write(_ text: String) throws(Failure) {
        var text = text
        let result: Failure? = text.withUTF8 { bytes in
            do throws(Failure) { try write(UnsafeRawBufferPointer(bytes)) } catch { return error }
            return nil
        }
        if let result { throw result }
    }

    /// Writes all of `bytes`. write(2) may write only part (a pipe, a signal arriving mid-way) or be
    /// interrupted (EINTR) before writing anything: both are continued. A descriptor left non-blocking by
    /// whoever opened it answers EAGAIN when full; the sink waits with poll(2) until it takes more.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(Failure) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let count = systemWrite(descriptor, base + offset, bytes.count - offset)
            if count > 0 {
                offset += count
                continue
            }
            if count == 0 { throw Failure(output: name, code: EIO) }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK:
                var request = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                if poll(&request, 1, -1) < 0, errno != EINTR { throw Failure(output: name, code: errno) }
            default: throw Failure(output: name, code: errno)
            }
        }
    }

    /// Puts /dev/null on standard descriptors the process was started without (`>&-`), opened for the
    /// wrong direction so that using them still fails (EBADF) as it would have. Otherwise the first file
    /// the run opens takes the free number (open(2) returns the lowest one) and output meant for standard
    /// output would be written into it. Call before opening anything.
    public static func reserveStandardDescriptors() {
        for (descriptor, mode) in [(STDIN_FILENO, O_WRONLY), (STDOUT_FILENO, O_RDONLY), (STDERR_FILENO, O_RDONLY)]
        where fcntl(descriptor, F_GETFD) == -1 && errno == EBADF {
            let opened = open("/dev/null", mode)
            if opened >= 0, opened != descriptor {
                dup2(opened, descriptor)
                close(opened)
            }
        }
    }

    private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.write(descriptor, buffer, count)
        #else
        Darwin.write(descriptor, buffer, count)
        #endif
    }
}
