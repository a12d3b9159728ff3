import Foundation
import SourcedCore

#if canImport(Glibc)
    import Glibc
#endif

/// The pipe protocol between the parent and a `sourced worker` process. A message is made of
/// frames, each a 4-byte big-endian length and that many bytes: a request is two frames (its
/// header in the wire form, then the page's bytes); a reply is one frame, the `PageResult` in
/// the wire form, where the HTML travels as raw length-prefixed bytes.
enum WorkerProtocol {
    struct Request: WireCodable {
        var path: String
        var relativePath: String
        var settings: SiteSettings

        func write(to wire: inout WireWriter) {
            wire.write(path)
            wire.write(relativePath)
            wire.write(settings)
        }

        init(path: String, relativePath: String, settings: SiteSettings) {
            self.path = path
            self.relativePath = relativePath
            self.settings = settings
        }

        init(from wire: inout WireReader) throws(WireError) {
            self.init(path: try wire.read(), relativePath: try wire.read(), settings: try wire.read())
        }
    }

    static func encode(_ value: some WireCodable) -> [UInt8] {
        var wire = WireWriter()
        wire.write(value)
        return wire.bytes
    }

    /// The value a whole frame holds; nil when the bytes are not one well-formed value.
    static func decode<T: WireCodable>(_ bytes: [UInt8], as _: T.Type = T.self) -> T? {
        var wire = WireReader(bytes)
        guard let value = try? T(from: &wire), wire.isAtEnd else { return nil }
        return value
    }

    /// Writes `frames`, each after its 4-byte length, with one `write` where the pipe allows.
    /// False when the other side is gone.
    static func writeFrames(_ descriptor: Int32, _ frames: [UInt8]...) -> Bool {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(frames.reduce(0) { $0 + 4 + $1.count })
        for frame in frames { appendFrame(frame, to: &bytes) }
        return writeAll(descriptor, bytes)
    }

    /// Appends `frame` after its 4-byte length.
    static func appendFrame(_ frame: [UInt8], to bytes: inout [UInt8]) {
        let n = UInt32(frame.count)
        bytes += [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
        bytes += frame
    }

    /// Writes all of `bytes`; false when the descriptor takes no more.
    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { DescriptorIO.writeAll(descriptor, $0) }
    }

    /// Reads one frame; nil at end of input (the other side is gone).
    /// A length beyond `limit` (by default more than any page or reply comes near) is a broken
    /// stream, refused before anything is allocated for it. With `alive`, the wait for bytes
    /// also ends (nil) once `alive` says the writer is gone, end of input or not.
    static func readFrame(_ descriptor: Int32, limit: Int = 1 << 30, alive: (() -> Bool)? = nil) -> [UInt8]? {
        var header = [UInt8](repeating: 0, count: 4)
        guard readExactly(descriptor, into: &header, alive: alive) else { return nil }
        let n = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
        guard n <= limit else { return nil }
        var body = [UInt8](repeating: 0, count: n)
        return readExactly(descriptor, into: &body, alive: alive) ? body : nil
    }

    /// Fills `buffer` from `descriptor` straight into its storage (`FileHandle` went through
    /// `Data` and copied each frame twice more).
    private static func readExactly(_ descriptor: Int32, into buffer: inout [UInt8], alive: (() -> Bool)?) -> Bool {
        buffer.withUnsafeMutableBytes { bytes in
            DescriptorIO.readExactly(descriptor, into: bytes) {
                alive.map { waitForInput(descriptor, while: $0) } ?? true
            }
        }
    }

    /// Waits until `descriptor` has bytes or its end to read; false when `alive` turns false
    /// first. It asks `alive` every 100 ms.
    private static func waitForInput(_ descriptor: Int32, while alive: () -> Bool) -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&entry, 1, 100)
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { return true }  // the read that follows says what is wrong
            // Bytes a dead writer left are still read; only an empty pipe ends the wait.
            if !alive() { return poll(&entry, 1, 0) > 0 }
        }
    }

    /// Worker side: says it is ready (an empty frame), then answers requests from standard
    /// input until it closes.
    static func serve(input: Int32, output: Int32) {
        guard writeFrames(output, []) else { return }
        while let header = readFrame(input), let page = readFrame(input),
            let request = decode(header, as: Request.self)
        {
            let file = SourceFile(path: request.path, relativePath: request.relativePath, bytes: page)
            guard writeFrames(output, encode(PageParser.parse(file, settings: request.settings))) else { return }
        }
    }
}

extension WorkerProtocol {
    /// `sourced worker`: limits its own address space, then parses pages sent on standard
    /// input until it closes.
    static func run(memoryLimitMB: Int) {
        #if canImport(Glibc)
            var limit = rlimit()
            // Any size a caller asks for: one beyond what rlim_t holds is no limit.
            let (bytes, overflow) = rlim_t(max(1, memoryLimitMB)).multipliedReportingOverflow(by: 1 << 20)
            limit.rlim_cur = overflow ? rlim_t.max : bytes
            limit.rlim_max = limit.rlim_cur
            setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit)
        #endif
        // The threads of a Swift program block most signals (SIGTERM, SIGABRT from another
        // process …): this one, which does the work, takes them, so a worker killed from
        // outside dies at once instead of parsing on.
        var all = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_UNBLOCK, &all, nil)
        exitWithParent(watching: STDIN_FILENO)
        serve(input: STDIN_FILENO, output: STDOUT_FILENO)
    }

    /// Ends this process as soon as nobody can write to `input` any more (the parent exited or
    /// was killed), even in the middle of a page that would keep it busy for minutes.
    private static func exitWithParent(watching input: Int32) {
        Thread.detachNewThread {
            // With no events asked for, poll returns only on hang-up or error.
            var entry = pollfd(fd: input, events: 0, revents: 0)
            while poll(&entry, 1, -1) < 0 && errno == EINTR {}
            _exit(0)
        }
    }
}
