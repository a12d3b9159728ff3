import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One build at a time per output folder: `flock` on `.NAME.sourced-lock` beside it (not in it:
/// the folder itself is swapped), held from before the output is inspected until the process
/// ends or the lock is dropped, and removed as it is let go. Two builds at once would share the spare folder and could swap
/// in a site made of both; the second is refused, naming the first's process. The kernel drops a
/// killed build's lock, so none is ever stale.
final class OutputLock: Sendable {
    /// nil when no lock file could be made (the output's parent is not a writable folder): the
    /// build then fails where it writes, with the message for that.
    private let descriptor: Int32?
    private let path: String

    /// Takes the lock of the output `directory`, or throws a `Refusal` naming the holder.
    init(output directory: String) throws {
        let resolved = try OutputWriter.resolve(directory)
        let trimmed = resolved.hasSuffix("/") && resolved.count > 1 ? String(resolved.dropLast()) : resolved
        let slash = trimmed.lastIndex(of: "/")
        let parent = slash.map { String(trimmed[..<$0]) } ?? "."
        let name = slash.map { String(trimmed[trimmed.index(after: $0)...]) } ?? trimmed
        path = "\(parent.isEmpty ? "" : parent + "/").\(name).sourced-lock"
        if !parent.isEmpty { try? OutputWriter.makeFolders(parent) }
        // The holder removes the file as it lets go; one opened just before that is no lock, so a
        // lock counts only on the file the path still names.
        for _ in 0..<100 {
            let descriptor = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                self.descriptor = nil
                return
            }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                let busy = errno == EWOULDBLOCK
                var holder = [UInt8](repeating: 0, count: 32)
                let n = holder.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
                close(descriptor)
                guard busy else {
                    self.descriptor = nil
                    return
                }
                let pid = String(decoding: holder.prefix(max(0, n)), as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                throw OutputWriter.Refusal(
                    description:
                        "output '\(directory)' is locked by pid \(pid.isEmpty ? "?" : pid) (another sourced build into it); wait for it to finish, or choose another --output"
                )
            }
            var held = stat()
            var named = stat()
            guard fstat(descriptor, &held) == 0, stat(path, &named) == 0, held.st_ino == named.st_ino,
                held.st_dev == named.st_dev
            else {
                close(descriptor)
                continue
            }
            let own = Array("\(getpid())\n".utf8)
            _ = ftruncate(descriptor, 0)
            _ = own.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
            self.descriptor = descriptor
            return
        }
        descriptor = nil
    }

    /// Removes the lock file while still holding it, so no file is left beside the output.
    deinit {
        guard let descriptor else { return }
        unlink(path)
        close(descriptor)
    }
}
