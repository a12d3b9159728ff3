#if canImport(Glibc)
    import Glibc
#endif

/// The one read and write loop for file descriptors (pipes to workers, output files, the cache
/// files): a call a signal interrupts (EINTR: SIGCHLD from a worker, say) is made again, not
/// taken for the end or a failure.
enum DescriptorIO {
    /// Writes all of `bytes`; false (errno set) when the descriptor takes no more.
    static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var written = 0
        while written < bytes.count {
            let n = write(descriptor, bytes.baseAddress! + written, bytes.count - written)
            if n > 0 {
                written += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                return false
            }
        }
        return true
    }

    /// One read into `buffer`: how many bytes came, 0 at the end, -1 (errno set) on failure.
    static func readSome(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        while true {
            let n = read(descriptor, buffer.baseAddress, buffer.count)
            if n < 0 && errno == EINTR { continue }
            return n
        }
    }

    /// Fills all of `buffer`; false when the input ends or fails first. `beforeEachRead` may
    /// say not to wait any longer.
    static func readExactly(
        _ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, beforeEachRead: () -> Bool = { true }
    ) -> Bool {
        var done = 0
        while done < buffer.count {
            guard beforeEachRead() else { return false }
            let n = readSome(descriptor, into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]))
            guard n > 0 else { return false }
            done += n
        }
        return true
    }
}
