#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes fixed files so that no byte of the user's is lost: a file is replaced only while it is still
/// exactly what was read, by a complete new file swapped in under its name, with the original's owner,
/// group, mode and extended attributes; otherwise it is left alone and the write is refused.
///
/// How `replace` closes the window between "still what was read" and "replaced" (Linux):
/// - A symbolic link is resolved with realpath(3) and the file it points to is replaced, so the link stays
///   a link; the new file is made in the target's folder, because rename(2) cannot cross file systems.
/// - A file with more than one hard link is refused: a rename gives only this name the new file, so the
///   other names would keep the old text and silently stop being the same file.
/// - While the new file is prepared and swapped, the original holds a read lease (fcntl(2) F_SETLEASE,
///   F_RDLCK). The lease is granted only when no descriptor has the file open for writing, and from then on
///   any open(2) for writing or truncate(2) of it waits (up to /proc/sys/fs/lease-break-time) and marks the
///   lease as breaking, which F_GETLEASE shows. So a file some program holds open for writing is refused
///   (after retrying for a tenth of a second), and a writer that opens it later is seen before it has
///   written a byte. Break notices by signal are turned off; F_GETLEASE is asked instead.
/// - Right before the swap, the name must still lead to the same device and inode, fstat(2) must show the
///   same size, mtime, ctime, mode, owner and link count, the lease must be unbroken and the bytes must
///   equal what was read.
/// - The swap is renameat2(2) with RENAME_EXCHANGE: the new file takes the name and the old one takes the
///   temporary name, so nothing is unlinked yet. Then the swapped-out file must be the inode that was read,
///   unwritten (same size, mtime, mode, owner, one link, same bytes) with its lease unbroken. If not, the
///   two are exchanged back (a program that opened the old file meanwhile is still waiting in open(2) and
///   then writes to the file at the path) and the write is refused; a file is removed only when it is
///   known to be ours and unopened for writing, anything else stays beside the original under a name the
///   error gives.
///
/// What can still be lost, honestly:
/// - A program whose path lookup found the old file before the swap and whose open(2) reaches the lease
///   check only after the last look at the lease (a few system calls before the old file is unlinked)
///   writes to the unlinked old file. The lease is checked once more after the unlink, so this is reported
///   as an error (exit 2), not silent; the bytes it writes cannot be recovered.
/// - Where leases are not available (a file system without them such as NFS, leases disabled with
///   /proc/sys/fs/leases-enable, or root without CAP_LEASE on another user's file), a program that
///   already has the file open can write to it between the last check and the unlink of the old file.
/// - Where RENAME_EXCHANGE is not supported (renameat2 fails with EINVAL, e.g. on vfat, NFS or FUSE), a
///   plain rename(2) is used: a file another program puts at the name between the last check and the
///   rename is replaced. Changes to the old file found after the rename are copied back to the name
///   (when the new file there is untouched) or kept beside it, and the write is refused.
/// - Extended attributes are compared only when copied: an attribute changed between the copy and the
///   swap is kept on the old file only, though the ctime check right before the swap narrows this to the
///   moment between that check and the exchange. Attributes the process cannot list (the `trusted.`
///   namespace without CAP_SYS_ADMIN) are not copied.
public enum FileWriter {
    /// Why a file was not written (or, with `written`, why a written file needs a look).
    public struct WriteError: Error, Sendable, CustomStringConvertible {
        public let path: String
        public let reason: String
        /// Whether the fixed content is at the path despite the error.
        public let written: Bool

        public init(path: String, reason: String, written: Bool = false) {
            self.path = path
            self.reason = reason
            self.written = written
        }

        public var description: String { "\(path): \(written ? "written, but" : "not written:") \(reason)" }
    }

    /// Replaces the file at `path`, whose content was `expected` (byte order mark included), with `content`.
    public static func replace(_ path: String, expected: [UInt8], with content: [UInt8]) throws(WriteError) {
        try replace(path, expected: expected, with: content, exchanging: true)
    }

    /// `replace`, with `exchanging: false` taking the plain-rename way of file systems without
    /// RENAME_EXCHANGE (for tests).
    static func replace(_ path: String, expected: [UInt8], with content: [UInt8], exchanging: Bool) throws(WriteError) {
        do throws(Refusal) {
            try Replacement(path: path, system: SystemCalls(exchanging: exchanging)).run(expected: expected, content: content)
        } catch {
            throw WriteError(path: path, reason: error.reason, written: error.written)
        }
    }
}

/// A refusal or failure inside one replacement, turned into a `WriteError` naming the path.
private struct Refusal: Error {
    let reason: String
    var written = false

    init(_ reason: String, written: Bool = false) {
        self.reason = reason
        self.written = written
    }

    /// The failed call's reason from `errno`, after `what`.
    static func system(_ what: String) -> Refusal { Refusal("\(what): \(String(cString: strerror(errno)))") }

    /// The same reason, for a file whose fixed content is at the path after all.
    func asWritten() -> Refusal { Refusal(reason, written: true) }
}

private let changedMeanwhile = "the file changed on disk since it was read; run fix again"
private let swappedBack = "the file changed while it was replaced; your version was put back; run fix again"

/// A writer that opened the old file in the moment it lost its name: it is waiting in open(2) and will write
/// to a file that no longer has a name.
private let lateWriter = Refusal(
    "another program opened the previous version for writing at the moment it was replaced; what it writes "
        + "there is lost, so check the file", written: true)

/// One replacement: the resolved folder (open, so every later step names files relative to the same
/// folder even if it is moved) and the file's name in it.
private struct Replacement {
    let path: String
    let system: SystemCalls

    func run(expected: [UInt8], content: [UInt8]) throws(Refusal) {
        // realpath(3): the file a symbolic link (or a chain of them) leads to, so it is that file that is fixed.
        guard let resolved = realpath(path, nil) else { throw .system("cannot resolve the path") }
        let target = String(cString: resolved)
        free(resolved)
        let cut = target.lastIndex(of: "/") ?? target.startIndex
        let name = String(target[target.index(after: cut)...])
        let folder = open(cut == target.startIndex ? "/" : String(target[..<cut]), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else { throw .system("cannot open its folder") }
        defer { close(folder) }

        let original = openat(folder, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard original >= 0 else { throw .system("cannot open it") }
        defer { close(original) }
        guard let before = Snapshot(descriptor: original) else { throw .system("cannot read its status") }
        guard before.isRegularFile else { throw Refusal("not a regular file") }
        // Renamed over or deleted between realpath and open: no longer the file that was read.
        guard before.links > 0 else { throw Refusal(changedMeanwhile) }
        guard before.links == 1 else {
            throw Refusal(
                "the file has \(before.links) hard links; replacing it would leave the other names with the old "
                    + "text, so apply the diff that `buildx-doctor fix` prints (without --write) by hand")
        }
        // Root may write anything; a file without write bits is still one its owner meant to keep as it is.
        guard before.mode & 0o222 != 0, faccessat(folder, name, W_OK, 0) == 0 else { throw Refusal("the file is read-only") }
        guard FileContent.read(original) == expected else { throw Refusal(changedMeanwhile) }

        let fixed = try NewFile(content, in: folder, beside: name, like: original, before, system)
        defer { close(fixed.descriptor) }
        try swap(fixed, for: name, in: folder, original: original, before: before, expected: expected)
    }

    /// Leases both files, takes a last look, exchanges them and checks what came out, as `FileWriter` describes.
    private func swap(
        _ fixed: NewFile, for name: String, in folder: Int32, original: Int32, before: Snapshot, expected: [UInt8]
    ) throws(Refusal) {
        let originalLease = try Lease(original, busy: "the file is open for writing in another program; close it and run fix again")
        defer { originalLease.release() }
        let fixedLease = try Lease(fixed.descriptor, busy: "the new file was opened by another program")
        defer { fixedLease.release() }
        var removeFixed = true
        defer { if removeFixed { fixed.remove(from: folder) } }

        guard Snapshot(at: name, in: folder)?.isSameFile(as: before) == true, Snapshot(descriptor: original) == before,
            !originalLease.isBroken, FileContent.read(original) == expected
        else { throw Refusal(changedMeanwhile) }

        guard let exchanged = system.exchange(fixed.name, name, in: folder) else {
            removeFixed = false
            try renameOver(fixed, name, in: folder, original: original, lease: originalLease, before: before, expected: expected)
            return
        }
        guard exchanged else { throw .system("cannot swap in the new file") }
        // From here the fixed file has the name and the original sits under the temporary name.
        let swappedOut = Snapshot(at: fixed.name, in: folder)
        // The lease is looked at last, as close to the unlink as possible (see "What can still be lost").
        let untouched =
            swappedOut?.isSameFile(as: before) == true && Snapshot(descriptor: original)?.isUnchangedByRename(before) == true
            && FileContent.read(original) == expected && !originalLease.isBroken
        if untouched {
            removeFixed = false
            unlinkat(folder, fixed.name, 0)
            // Last chance to see a writer that opened the old file in the moment before the unlink.
            let late = originalLease.isBroken
            fsync(folder)
            if late { throw lateWriter }
            guard Snapshot(at: name, in: folder)?.isSameFile(as: fixed.status) == true else {
                throw Refusal("another program replaced the file while it was written; its version was kept")
            }
            return
        }
        // Put back whatever was swapped out, unless the name no longer holds our file.
        guard Snapshot(at: name, in: folder)?.isSameFile(as: fixed.status) == true else {
            removeFixed = false
            throw Refusal(
                "the file changed while it was replaced, and another program then replaced it; the version that was "
                    + "swapped out is kept as \(fixed.name) beside it")
        }
        guard system.exchange(fixed.name, name, in: folder) == true else {
            removeFixed = false
            throw Refusal(
                "the file changed while it was replaced and swapping it back failed (\(String(cString: strerror(errno)))); "
                    + "your version is kept as \(fixed.name) beside it", written: true)
        }
        guard Snapshot(at: fixed.name, in: folder)?.isSameFile(as: fixed.status) == true, !fixedLease.isBroken,
            Snapshot(descriptor: fixed.descriptor)?.isUnchangedByRename(fixed.status) == true
        else {
            removeFixed = false
            throw Refusal(
                "the file changed while it was replaced; your version is back in place, and the fixed version, which "
                    + "another program opened meanwhile, is kept as \(fixed.name) beside it")
        }
        throw Refusal(swappedBack)
    }

    /// The fallback where RENAME_EXCHANGE is not supported: a plain rename(2), after which the old file has
    /// no name but is still open, so a change to it can be copied back rather than lost.
    private func renameOver(
        _ fixed: NewFile, _ name: String, in folder: Int32, original: Int32, lease: Lease, before: Snapshot,
        expected: [UInt8]
    ) throws(Refusal) {
        guard renameat(folder, fixed.name, folder, name) == 0 else {
            let failure = Refusal.system("cannot rename the new file over it")
            fixed.remove(from: folder)
            throw failure
        }
        fsync(folder)
        guard let now = FileContent.read(original) else { throw Refusal.system("cannot read the previous version again").asWritten() }
        // The old file lost its only name, so its link count is 0 now.
        if now == expected, Snapshot(descriptor: original)?.hasSameContent(as: before) == true {
            guard !lease.isBroken else { throw lateWriter }
            return
        }
        // Someone wrote to the old file: put its bytes back, as a copy with the same attributes.
        let restored: NewFile
        do throws(Refusal) {
            restored = try NewFile(now, in: folder, beside: name, like: original, before, system)
        } catch {
            throw Refusal("the file changed while it was replaced, and your version could not be put back: \(error.reason)", written: true)
        }
        defer { close(restored.descriptor) }
        guard Snapshot(at: name, in: folder)?.isSameFile(as: fixed.status) == true,
            Snapshot(descriptor: fixed.descriptor)?.isUnchangedByRename(fixed.status) == true,
            renameat(folder, restored.name, folder, name) == 0
        else {
            throw Refusal("the file changed while it was replaced; your version is kept as \(restored.name) beside it")
        }
        fsync(folder)
        throw Refusal(swappedBack)
    }
}

/// The new file, complete and flushed under a temporary name beside the original, with the original's
/// owner, group, mode and extended attributes; open read-only so that it too can be leased.
private struct NewFile {
    let name: String
    let descriptor: Int32
    let status: Snapshot

    init(
        _ content: [UInt8], in folder: Int32, beside original: String, like source: Int32, _ wanted: Snapshot,
        _ system: SystemCalls
    ) throws(Refusal) {
        // A dot name that says whose it is, short enough for NAME_MAX even for a long original name.
        let stem = String(String.UnicodeScalarView(original.unicodeScalars.prefix(48)))
        var name = ""
        var writable: Int32 = -1
        for _ in 0..<8 {
            name = ".\(stem).buildx-doctor-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
            writable = openat(folder, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if writable >= 0 || errno != EEXIST { break }
        }
        guard writable >= 0 else { throw .system("cannot create a temporary file beside it") }
        do {
            try Self.fill(writable, with: content, like: source, wanted, system)
        } catch {
            close(writable)
            unlinkat(folder, name, 0)
            throw error
        }
        close(writable)
        // Reopened read-only: a read lease needs a file nobody, us included, has open for writing.
        let descriptor = openat(folder, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0, let status = Snapshot(descriptor: descriptor) else {
            let failure = Refusal.system("cannot reopen the temporary file")
            if descriptor >= 0 { close(descriptor) }
            unlinkat(folder, name, 0)
            throw failure
        }
        self.name = name
        self.descriptor = descriptor
        self.status = status
    }

    private static func fill(_ descriptor: Int32, with content: [UInt8], like source: Int32, _ wanted: Snapshot, _ system: SystemCalls)
        throws(Refusal)
    {
        var written = 0
        while written < content.count {
            let count = content.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, content.count - written) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw .system("writing failed") }
            written += count
        }
        guard let made = Snapshot(descriptor: descriptor) else { throw .system("cannot read the temporary file's status") }
        if made.owner != wanted.owner || made.group != wanted.group {
            guard fchown(descriptor, wanted.owner, wanted.group) == 0 else {
                throw .system("cannot give the new file the original's owner and group \(wanted.owner):\(wanted.group)")
            }
        }
        // chown(2) clears the set-user-ID and set-group-ID bits, so the mode comes after it. The bits are kept:
        // the new file has the original's owner, so setting them grants nothing its owner could not.
        guard fchmod(descriptor, mode_t(wanted.mode & 0o7777)) == 0 else { throw .system("cannot set the mode") }
        try ExtendedAttributes.copy(from: source, to: descriptor, system)
        // Linux clears set-group-ID silently for a group the caller is not in (chmod(2)); check what stuck.
        guard let done = Snapshot(descriptor: descriptor) else { throw .system("cannot read the temporary file's status") }
        guard done.mode & 0o7777 == wanted.mode & 0o7777, done.owner == wanted.owner, done.group == wanted.group else {
            throw Refusal(
                "the new file would get mode \(String(done.mode & 0o7777, radix: 8)) instead of \(String(wanted.mode & 0o7777, radix: 8))")
        }
        guard fsync(descriptor) == 0 else { throw .system("writing failed") }
    }

    /// Removes the temporary name, when it still names this file.
    func remove(from folder: Int32) {
        if Snapshot(at: name, in: folder)?.isSameFile(as: status) == true { unlinkat(folder, name, 0) }
    }
}

/// What fstat(2) says about a file, in the fields that tell whether it is still the file that was read.
private struct Snapshot: Equatable {
    let device: UInt64
    let inode: UInt64
    let links: UInt64
    let mode: UInt32
    let owner: uid_t
    let group: gid_t
    let size: Int64
    let modified: [Int]
    let changed: [Int]

    init?(descriptor: Int32) {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        self.init(status)
    }

    /// The entry `name` in `folder` itself, a symbolic link not followed.
    init?(at name: String, in folder: Int32) {
        var status = stat()
        guard fstatat(folder, name, &status, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        self.init(status)
    }

    private init(_ status: stat) {
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
        links = UInt64(status.st_nlink)
        mode = UInt32(status.st_mode)
        owner = status.st_uid
        group = status.st_gid
        size = Int64(status.st_size)
        modified = [status.st_mtim.tv_sec, status.st_mtim.tv_nsec]
        changed = [status.st_ctim.tv_sec, status.st_ctim.tv_nsec]
    }

    var isRegularFile: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFREG) }

    func isSameFile(as other: Snapshot) -> Bool { device == other.device && inode == other.inode }

    /// The same file with the same size, mtime, mode and owner: not written to or changed by chmod or chown.
    func hasSameContent(as other: Snapshot) -> Bool {
        isSameFile(as: other) && mode == other.mode && owner == other.owner && group == other.group && size == other.size
            && modified == other.modified
    }

    /// Equal in everything but the ctime, which a rename may update (ext4 does; POSIX leaves it open).
    func isUnchangedByRename(_ other: Snapshot) -> Bool { hasSameContent(as: other) && links == other.links }
}

/// A read lease on an open file (fcntl(2) F_SETLEASE with F_RDLCK): while held, any open of the file for
/// writing, or a truncate, has to wait for it and marks it as breaking.
private struct Lease {
    // <fcntl.h> under _GNU_SOURCE, which Swift's Glibc module does not define (values from Linux's
    // include/uapi/linux/fcntl.h and asm-generic/fcntl.h).
    private static let setLease: Int32 = 1024
    private static let getLease: Int32 = 1025
    private static let setSignal: Int32 = 10

    let descriptor: Int32
    /// False where the file system or the kernel gives no leases; then only the other checks protect the file.
    let held: Bool

    /// Takes the lease, retrying for a moment while another program has the file open for writing, then
    /// refusing with `busy`.
    init(_ descriptor: Int32, busy: String) throws(Refusal) {
        self.descriptor = descriptor
        #if os(Linux)
        // The lease holder is told of a break by a signal, SIGIO by default, which would end the process.
        // SIGURG is ignored by default, and F_SETOWN 0 then stops the signal altogether (fcntl(2)).
        _ = fcntl(descriptor, Self.setSignal, SIGURG)
        var attempts = 0
        while fcntl(descriptor, Self.setLease, Int32(F_RDLCK)) != 0 {
            guard errno == EAGAIN else {
                held = false
                return
            }
            attempts += 1
            guard attempts < 50 else { throw Refusal(busy) }
            usleep(2000)
        }
        _ = fcntl(descriptor, F_SETOWN, 0)
        held = true
        #else
        held = false
        #endif
    }

    /// Whether another program has asked to write since the lease was taken (F_GETLEASE then reports the
    /// type the lease is to be lowered to, F_UNLCK, instead of F_RDLCK).
    var isBroken: Bool { held && fcntl(descriptor, Self.getLease) != Int32(F_RDLCK) }

    func release() {
        if held { _ = fcntl(descriptor, Self.setLease, Int32(F_UNLCK)) }
    }
}

/// Reading a whole open file.
private enum FileContent {
    /// Every byte the file holds now, read with pread(2) from offset 0 (the descriptor's offset is not used).
    static func read(_ descriptor: Int32) -> [UInt8]? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(bytes.count)) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { return bytes }
            bytes += chunk[..<count]
        }
    }
}

/// Copies every extended attribute (xattr(7)) the process can list, ACLs (`system.posix_acl_access`) and
/// SELinux labels included, and removes ones the new file got that the original lacks (a folder's default
/// ACL); a copy that fails refuses the write rather than drop the attribute.
private enum ExtendedAttributes {
    static func copy(from source: Int32, to destination: Int32, _ system: SystemCalls) throws(Refusal) {
        guard let calls = system.attributes else { throw Refusal("this build cannot copy extended attributes") }
        let wanted = try names(source, calls)
        for name in try names(destination, calls) where !wanted.contains(name) {
            guard calls.remove(destination, name) == 0 else { throw .system("cannot leave out the extended attribute \(name)") }
        }
        for name in wanted {
            guard let value = value(source, name, calls) else { throw .system("cannot read the extended attribute \(name)") }
            if Self.value(destination, name, calls) == value { continue }
            let result = value.withUnsafeBytes { calls.set(destination, name, $0.baseAddress, $0.count, 0) }
            guard result == 0 else { throw .system("cannot copy the extended attribute \(name)") }
        }
    }

    /// The attribute names, or none where the file system has no extended attributes.
    private static func names(_ descriptor: Int32, _ calls: SystemCalls.Attributes) throws(Refusal) -> [String] {
        while true {
            let size = calls.list(descriptor, nil, 0)
            if size < 0, errno == ENOTSUP { return [] }
            guard size >= 0 else { throw .system("cannot list the extended attributes") }
            var buffer = [CChar](repeating: 0, count: size + 1)
            let count = buffer.withUnsafeMutableBufferPointer { calls.list(descriptor, $0.baseAddress, size) }
            if count < 0, errno == ERANGE { continue }  // an attribute was added in between
            guard count >= 0 else { throw .system("cannot list the extended attributes") }
            return buffer[..<count].split(separator: 0).map { String(decoding: $0.map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        }
    }

    private static func value(_ descriptor: Int32, _ name: String, _ calls: SystemCalls.Attributes) -> [UInt8]? {
        while true {
            let size = calls.get(descriptor, name, nil, 0)
            guard size >= 0 else { return nil }
            var value = [UInt8](repeating: 0, count: size)
            let count = value.withUnsafeMutableBytes { calls.get(descriptor, name, $0.baseAddress, size) }
            if count < 0, errno == ERANGE { continue }
            guard count >= 0 else { return nil }
            return Array(value[..<count])
        }
    }
}

/// C library functions Swift's Glibc module does not import (renameat2(2) is declared only under
/// _GNU_SOURCE, the xattr calls in <sys/xattr.h>), found by name with dlsym(3).
struct SystemCalls {
    typealias Rename = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

    /// listxattr(2), getxattr(2), setxattr(2) and removexattr(2) on descriptors.
    struct Attributes {
        typealias List = @convention(c) (Int32, UnsafeMutablePointer<CChar>?, Int) -> Int
        typealias Get = @convention(c) (Int32, UnsafePointer<CChar>, UnsafeMutableRawPointer?, Int) -> Int
        typealias Set = @convention(c) (Int32, UnsafePointer<CChar>, UnsafeRawPointer?, Int, Int32) -> Int32
        typealias Remove = @convention(c) (Int32, UnsafePointer<CChar>) -> Int32
        let list: List
        let get: Get
        let set: Set
        let remove: Remove
    }

    let rename: Rename?
    let attributes: Attributes?

    /// Looks the functions up; without `exchanging`, `exchange` reports that it cannot exchange.
    init(exchanging: Bool = true) {
        #if os(Linux)
        let library = dlopen(nil, RTLD_NOW)
        defer { if let library { dlclose(library) } }
        func find<T>(_ name: String, _ type: T.Type) -> T? {
            guard let library, let symbol = dlsym(library, name) else { return nil }
            return unsafeBitCast(symbol, to: type)
        }
        rename = exchanging ? find("renameat2", Rename.self) : nil
        if let list = find("flistxattr", Attributes.List.self), let get = find("fgetxattr", Attributes.Get.self),
            let set = find("fsetxattr", Attributes.Set.self), let remove = find("fremovexattr", Attributes.Remove.self)
        {
            attributes = Attributes(list: list, get: get, set: set, remove: remove)
        } else {
            attributes = nil
        }
        #else
        rename = nil
        attributes = nil
        #endif
    }

    /// Exchanges two names in `folder` atomically (renameat2(2) RENAME_EXCHANGE, value 2 in
    /// include/uapi/linux/fs.h): true when done, false when it failed (errno says why), nil when the
    /// C library, kernel or file system cannot exchange.
    func exchange(_ first: String, _ second: String, in folder: Int32) -> Bool? {
        guard let rename else { return nil }
        if rename(folder, first, folder, second, 2) == 0 { return true }
        return errno == EINVAL || errno == ENOSYS || errno == ENOTSUP ? nil : false
    }
}
