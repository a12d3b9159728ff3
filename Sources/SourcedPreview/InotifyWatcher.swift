#if canImport(Glibc)
    import Dispatch
    import Foundation
    import Glibc

    /// Watches folders with Linux inotify: a change is noticed as it happens, with no cost while
    /// nothing changes. Saves by rename arrive as `IN_MOVED_TO`; new folders are watched as they
    /// appear. Names the loader skips (`.swp` files, `_drafts`) trigger nothing.
    final class InotifyWatcher: @unchecked Sendable {
        private let descriptor: Int32
        private let queue = DispatchQueue(label: "sourced.inotify")
        /// Watch descriptor → folder path. Touched only on `queue` (and in `init`).
        private var folders: [Int32: String] = [:]
        /// Paths changed since the last batch was handed out, nil once that cannot be told (a
        /// folder came or went, or the kernel's queue overflowed). Touched only on `queue`.
        private var pending: Set<String>? = []
        private var source: DispatchSourceRead?

        private static let mask: UInt32 =
            UInt32(IN_MODIFY) | UInt32(IN_CLOSE_WRITE) | UInt32(IN_CREATE) | UInt32(IN_DELETE)
            | UInt32(IN_MOVED_FROM) | UInt32(IN_MOVED_TO) | UInt32(IN_ATTRIB) | UInt32(IN_DELETE_SELF)

        /// Nil when inotify is unavailable (the caller then polls).
        init?(folders roots: [String]) {
            descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
            guard descriptor >= 0 else { return nil }
            for root in roots { watchTree(root) }
            guard !folders.isEmpty else {
                close(descriptor)
                return nil
            }
        }

        deinit {
            source?.cancel()
        }

        private func watchTree(_ root: String) {
            let wd = inotify_add_watch(descriptor, root, Self.mask)
            if wd >= 0 { folders[wd] = root }
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return }
            for name in names where !name.hasPrefix(".") {
                let path = root + "/" + name
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                    watchTree(path)
                }
            }
        }

        /// Yields, for each batch of relevant events, the paths they name: every path changed
        /// since the previous batch, or nil when that is not known.
        func changes() -> AsyncStream<Set<String>?> {
            let (stream, continuation) = AsyncStream.makeStream(of: Set<String>?.self)
            let source = DispatchSource.makeReadSource(fileDescriptor: descriptor, queue: queue)
            source.setEventHandler { [weak self] in
                guard let self, drain() else { return }
                continuation.yield(pending)
                pending = []
            }
            source.setCancelHandler { [descriptor] in close(descriptor) }
            self.source = source
            source.resume()
            continuation.onTermination = { [weak self] _ in self?.stop() }
            return stream
        }

        private func stop() {
            queue.async { self.source?.cancel() }
        }

        /// Reads every pending event; true when one of them matters.
        private func drain() -> Bool {
            var relevant = false
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                guard count > 0 else { break }
                var offset = 0
                while offset + 16 <= count {
                    let wd = buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: Int32.self) }
                    let mask = buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self) }
                    let length = Int(
                        buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self) })
                    let nameBytes = buffer[(offset + 16)..<min(count, offset + 16 + length)].prefix { $0 != 0 }
                    let name = String(decoding: nameBytes, as: UTF8.self)
                    offset += 16 + length
                    if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                        pending = nil
                        relevant = true
                    }
                    if name.hasPrefix(".") { continue }
                    let parent = folders[wd]
                    if mask & UInt32(IN_ISDIR) != 0 {
                        // The loader lists a folder that came or went from scratch.
                        pending = nil
                        if mask & (UInt32(IN_CREATE) | UInt32(IN_MOVED_TO)) != 0, let parent {
                            watchTree(parent + "/" + name)
                        }
                    } else if let parent {
                        pending?.insert(parent + "/" + name)
                    }
                    if mask & UInt32(IN_IGNORED) != 0 { folders[wd] = nil }
                    if !name.hasPrefix("_") && !name.hasSuffix("~") { relevant = true }
                }
            }
            return relevant
        }
    }
#endif
