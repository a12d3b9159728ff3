import CSystemCalls
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The one way Sourced replaces a file whole (the cache files, the kept-outputs manifest, a
/// page `approve` rewrites): written to a dotfile beside it, then renamed over it, so neither a
/// reader nor a crash ever sees half of it.
///
/// The temporary file is `.NAME.PID.sourced-tmp`: a dotfile, which the content loader skips;
/// named by process, so two runs at once each write their own; created with `O_EXCL` after
/// removing one a killed run of the same number left, and never through a symlink.
enum AtomicFile {
    /// A write or rename that failed, with the `errno` it failed with.
    struct Failure: Error {
        var path: String
        var errno: Int32
        var reason: String { String(cString: strerror(errno)) }
    }

    /// Replaces `path` with what `fill` writes to the descriptor it is given (false, errno
    /// set, when it could not). `permissions` are the new file's; `keepsPermissions` uses the
    /// old file's instead, when there is one.
    static func replace(
        _ path: String, permissions: mode_t = 0o644, keepsPermissions: Bool = false, _ fill: (Int32) -> Bool
    ) throws(Failure) {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temporary = "\(folder).\(name).\(getpid()).sourced-tmp"
        var mode = permissions
        var existing = stat()
        if keepsPermissions, stat(path, &existing) == 0 { mode = existing.st_mode & 0o7777 }
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw Failure(path: temporary, errno: errno) }
        let filled = fill(descriptor)
        let problem = filled ? nil : errno
        // The mode asked for, whatever the umask took from it.
        if keepsPermissions { fchmod(descriptor, mode) }
        guard close(descriptor) == 0, problem == nil, rename(temporary, path) == 0 else {
            let failure = Failure(path: path, errno: problem ?? errno)
            unlink(temporary)
            throw failure
        }
    }

    /// The same, with `bytes` as the file's content.
    static func replace(_ path: String, bytes: [UInt8], keepsPermissions: Bool = false) throws(Failure) {
        try replace(path, keepsPermissions: keepsPermissions) { descriptor in
            bytes.withUnsafeBytes { DescriptorIO.writeAll(descriptor, $0) }
        }
    }

    /// Replaces `path` with `bytes` only while it still holds `expected` (compare-and-swap on
    /// its bytes, for `approve`, whose edit is made from what it checked): compared just before
    /// the new file goes in, and again after, on the file swapped out (the new one goes in by
    /// exchange, `renameat2`'s `RENAME_EXCHANGE`, where the file system has it). If a save landed
    /// in between, the exchange is undone, so the save stands. False when the file had changed.
    static func replace(
        _ path: String, bytes: [UInt8], ifStill expected: [UInt8], keepsPermissions: Bool = false
    ) throws(Failure) -> Bool {
        func holdsExpected(_ file: String) -> Bool {
            FileManager.default.contents(atPath: file).map { Array($0) == expected } ?? false
        }
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temporary = "\(folder).\(name).\(getpid()).sourced-cas"
        var mode: mode_t = 0o644
        var existing = stat()
        if keepsPermissions, stat(path, &existing) == 0 { mode = existing.st_mode & 0o7777 }
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw Failure(path: temporary, errno: errno) }
        let written = bytes.withUnsafeBytes { DescriptorIO.writeAll(descriptor, $0) }
        let problem = written ? nil : errno
        if keepsPermissions { fchmod(descriptor, mode) }
        guard close(descriptor) == 0, problem == nil else {
            let failure = Failure(path: path, errno: problem ?? errno)
            unlink(temporary)
            throw failure
        }
        defer { unlink(temporary) }
        guard holdsExpected(path) else { return false }
        if sourced_exchange_paths(temporary, path) == 0 {
            // `temporary` now names the file that was in place: was it still the one checked?
            if holdsExpected(temporary) { return true }
            _ = sourced_exchange_paths(temporary, path)
            return false
        }
        guard rename(temporary, path) == 0 else { throw Failure(path: path, errno: errno) }
        return true
    }
}
