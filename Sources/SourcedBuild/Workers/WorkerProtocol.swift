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

    static func frame(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let n = UInt32(bytes.count)
        return [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + bytes
    }

    /// Reads one frame; nil at end of input (the other side is gone).
    static func readFrame(_ handle: FileHandle) -> [UInt8]? {
        guard let header = readExactly(handle, 4) else { return nil }
        let n = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
        return n == 0 ? [] : readExactly(handle, n)
    }

    private static func readExactly(_ handle: FileHandle, _ count: Int) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            let chunk = handle.readData(ofLength: count - bytes.count)
            if chunk.isEmpty { return nil }
            bytes += chunk
        }
        return bytes
    }

    /// Worker side: answers requests from standard input until it closes.
    static func serve(input: FileHandle, output: FileHandle) {
        while let header = readFrame(input), let page = readFrame(input),
            let request = decode(header, as: Request.self)
        {
            let file = SourceFile(path: request.path, relativePath: request.relativePath, bytes: page)
            output.write(Data(frame(encode(PageParser.parse(file, settings: request.settings)))))
        }
    }
}

extension Pipeline {
    /// `sourced worker`: limits its own address space, then parses pages sent on standard
    /// input until it closes.
    public static func runWorker(memoryLimitMB: Int) {
        #if canImport(Glibc)
            var limit = rlimit()
            limit.rlim_cur = rlim_t(memoryLimitMB) * 1024 * 1024
            limit.rlim_max = limit.rlim_cur
            setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit)
        #endif
        WorkerProtocol.serve(input: .standardInput, output: .standardOutput)
    }
}
