import Foundation
import Hummingbird
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

/// An HTTP/1.1 response as the server sent it: status, header fields (names in lower case) and
/// the body, de-chunked.
struct LoopbackResponse: Sendable {
    var status: Int
    var headers: [String: String]
    var body: String
}

/// A client for the preview server on a loopback port: each request is written byte for byte as
/// given (a URL library would resolve `..` and decode `%2e` before the server saw them), on its
/// own connection, read to its end on a thread of its own.
struct LoopbackClient: Sendable {
    var port: Int

    func get(_ target: String, host: String? = nil) async throws -> LoopbackResponse {
        let host = host ?? "127.0.0.1:\(port)"
        let request = "GET \(target) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n"
        let port = port
        let raw = try await withCheckedThrowingContinuation { (done: CheckedContinuation<[UInt8], any Error>) in
            Thread.detachNewThread { done.resume(with: Result { try Self.exchange(Array(request.utf8), port: port) }) }
        }
        return try Self.parse(raw)
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    static func exchange(_ request: [UInt8], port: Int) throws -> [UInt8] {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        defer { close(socket) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw Failure(description: "connect: errno \(errno)") }
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send: errno \(errno)") }
            sent += n
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if n == 0 { return response }
            guard n > 0 else { throw Failure(description: "recv: errno \(errno)") }
            response += buffer[..<n]
        }
    }

    static func parse(_ raw: [UInt8]) throws -> LoopbackResponse {
        guard let split = find([13, 10, 13, 10], in: raw[...]) else {
            throw Failure(description: "no end of head: \(String(decoding: raw, as: UTF8.self))")
        }
        var lines = String(decoding: raw[..<split], as: UTF8.self).components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw Failure(description: "no status line: \(lines)")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...]
            headers[line[..<colon].lowercased()] = value.trimmingCharacters(in: .whitespaces)
        }
        var body = raw[(split + 4)...]
        if headers["transfer-encoding"] == "chunked" { body = try dechunk(body)[...] }
        return LoopbackResponse(status: status, headers: headers, body: String(decoding: body, as: UTF8.self))
    }

    static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in haystack.startIndex...(haystack.endIndex - needle.count)
        where haystack[start..<start + needle.count].elementsEqual(needle) {
            return start
        }
        return nil
    }

    static func dechunk(_ chunked: ArraySlice<UInt8>) throws -> [UInt8] {
        var rest = chunked
        var body: [UInt8] = []
        while let end = find([13, 10], in: rest) {
            let line = String(decoding: rest[..<end], as: UTF8.self)
            guard let size = Int(line.split(separator: ";").first ?? "", radix: 16) else {
                throw Failure(description: "bad chunk size '\(line)'")
            }
            if size == 0 { return body }
            let start = end + 2
            guard rest.endIndex - start >= size + 2 else { throw Failure(description: "short chunk") }
            body += rest[start..<start + size]
            rest = rest[(start + size + 2)...]
        }
        throw Failure(description: "no last chunk")
    }
}

/// Runs `application` on a free loopback port for the length of `body`.
func withRunningServer<App: ApplicationProtocol>(
    _ makeApplication: (_ onRunning: @escaping @Sendable (Int) async -> Void) -> App,
    _ body: @Sendable (LoopbackClient) async throws -> Void
) async throws {
    let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
    let application = makeApplication { port in portSink.yield(port) }
    // Shut down gracefully, as `serve` does on Ctrl-C: cancelling the task instead makes the
    // server log every open connection as an error.
    let group = ServiceGroup(
        configuration: .init(services: [application], logger: application.logger))
    let server = Task { try await group.run() }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next() else { throw LoopbackClient.Failure(description: "server did not start") }
    do {
        try await body(LoopbackClient(port: port))
    } catch {
        await group.triggerGracefulShutdown()
        _ = await server.result
        throw error
    }
    await group.triggerGracefulShutdown()
    try await server.value
}
