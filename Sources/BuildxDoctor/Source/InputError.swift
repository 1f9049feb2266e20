/// An input that could not be read at all, named with the file (and line where there is one).
public struct InputError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        case notFound
        case unreadable(String)
        case binary(line: Int)
        case notUTF8
        /// `bytes` is `nil` for a pipe or device, which is not read further once past the limit.
        case tooLarge(bytes: Int?, limit: Int)
    }

    public let path: String
    public let reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .notFound: "\(path): no such file or directory"
        case .unreadable(let why): "\(path): cannot be read: \(why)"
        case .binary(let line): "\(path):\(line): not a text file (NUL byte on line \(line))"
        case .notUTF8: "\(path): not a text file (invalid UTF-8)"
        case .tooLarge(let bytes?, let limit):
            "\(path): too large to check (\(bytes) bytes; the limit is \(limit) bytes)"
        case .tooLarge(nil, let limit): "\(path): too large to check (more than the limit of \(limit) bytes)"
        }
    }
}
