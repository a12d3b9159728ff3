import Foundation
import SourcedCore

#if canImport(Glibc)
    import Glibc
#endif

/// The pipe protocol between the parent and a `sourced worker` process. Each message is two
/// frames, each a 4-byte big-endian length and that many bytes: a request is (JSON header,
/// page bytes); a reply is (JSON `PageResult` without its HTML, the HTML bytes). Bulk bytes
/// travel raw, never escaped inside JSON.
enum WorkerProtocol {
    struct Request: Codable {
        var path: String
        var relativePath: String
        var settings: SiteSettings
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

    static let encoder = JSONEncoder()
    static let decoder = JSONDecoder()

    /// Worker side: answers requests from standard input until it closes.
    static func serve(input: FileHandle, output: FileHandle) {
        while let header = readFrame(input), let page = readFrame(input),
            let request = try? decoder.decode(Request.self, from: Data(header))
        {
            let file = SourceFile(path: request.path, relativePath: request.relativePath, bytes: page)
            var result = PageParser.parse(file, settings: request.settings)
            let html = Array((result.markdown?.html ?? "").utf8)
            result.markdown?.html = ""
            guard let json = try? encoder.encode(result) else { return }
            output.write(Data(frame(json) + frame(html)))
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
