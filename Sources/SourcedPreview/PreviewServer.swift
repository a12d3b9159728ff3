import Foundation
import Hummingbird
import NIOCore
import ServiceLifecycle
import SourcedBuild
import SourcedCore

/// `sourced serve`: the site built in memory, served on loopback with live reload.
package enum PreviewServer {
    package struct Options: Sendable {
        package var content: String
        package var templates: String
        package var host: String
        package var port: Int
        /// The "today" of each rebuild.
        package var today: @Sendable () -> Day
        /// How often the folders are looked at for changes where inotify is unavailable.
        package var pollInterval: Duration
        /// Worker processes for the per-page work, so a hostile page cannot stop the server.
        package var workers: WorkerPool?
        /// A page-result cache (`ResultStore`) the first build reads from; the server never writes it.
        package var cacheDirectory: String?

        package init(
            content: String, templates: String, host: String, port: Int, today: @escaping @Sendable () -> Day,
            pollInterval: Duration = .milliseconds(250), workers: WorkerPool? = nil, cacheDirectory: String? = nil
        ) {
            self.workers = workers
            self.cacheDirectory = cacheDirectory
            self.content = content
            self.templates = templates
            self.host = host
            self.port = port
            self.today = today
            self.pollInterval = pollInterval
        }
    }

    /// The server could not start listening.
    package struct ListenFailure: Error, CustomStringConvertible {
        package var description: String
    }

    /// Builds, serves and rebuilds on every change until cancelled.
    package static func run(_ options: Options, log: @escaping @Sendable (String) -> Void) async throws {
        var cache = PreviewCache()
        let store = options.cacheDirectory.map { ResultStore(directory: $0, writes: false) }
        let state = PreviewState(
            await Pipeline.preview(
                content: options.content, templates: options.templates, today: options.today(), cache: &cache,
                workers: options.workers, store: store))
        await report(state, log: log, elapsed: nil)
        let app = application(state: state, host: options.host, port: options.port) { port in
            log("Serving http://\(options.host):\(port)/ — every review status shown; Ctrl-C stops")
        }
        let watcher = ChangeWatcher(folders: [options.content, options.templates])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await app.runService()
                } catch let error as IOError where error.errnoCode == EADDRINUSE {
                    throw ListenFailure(
                        description:
                            "cannot listen on \(options.host):\(options.port): the port is in use (another 'sourced serve'?); choose another with --port"
                    )
                }
            }
            group.addTask { [cache] in
                var cache = cache
                // The first rebuild looks at everything: changes made before the watcher
                // started are in no batch.
                var watchedSinceLoad = false
                for await batch in watcher.changes(pollingEvery: options.pollInterval) {
                    let changed = watchedSinceLoad ? batch : nil
                    watchedSinceLoad = true
                    let start = ContinuousClock.now
                    // A save is often several writes (truncate, write, close): let them land.
                    // Writes after this point arrive in the next batch and rebuild again.
                    try? await Task.sleep(for: .milliseconds(5))
                    let snapshot = await Pipeline.preview(
                        content: options.content, templates: options.templates, today: options.today(), cache: &cache,
                        changed: changed, workers: options.workers)
                    await state.update(snapshot)
                    await report(state, log: log, elapsed: ContinuousClock.now - start)
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    private static func report(_ state: PreviewState, log: @Sendable (String) -> Void, elapsed: Duration?) async {
        let snapshot = await state.snapshot
        let timing = elapsed.map { " in \(Int($0 / .milliseconds(1))) ms" } ?? ""
        if let failure = snapshot.failure {
            log("Rebuilt\(timing): \(failure)")
        } else {
            log(
                "Rebuilt\(timing): \(snapshot.pageCount) pages, \(snapshot.diagnostics.errorCount) errors, "
                    + "\(snapshot.diagnostics.warningCount) warnings")
        }
    }

    /// The Hummingbird application serving `state`; the tests drive it in-process.
    package static func application(
        state: PreviewState, host: String = "127.0.0.1", port: Int = 8080,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: HostCheck(listening: host))
        router.get(RouterPath(PreviewPages.eventsPath)) { _, _ in await events(state) }
        router.get(RouterPath(PreviewPages.scriptPath)) { _, _ in
            Response(
                status: .ok, headers: headers(type: "text/javascript; charset=utf-8"),
                body: .init(byteBuffer: ByteBuffer(string: PreviewPages.reloadScript)))
        }
        router.get("/") { request, _ in await respond(to: request.uri.path, state: state) }
        router.get("**") { request, _ in await respond(to: request.uri.path, state: state) }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "sourced-preview"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) })
    }

    static func respond(to path: String, state: PreviewState) async -> Response {
        let (snapshot, overlay) = await (state.snapshot, state.overlay)
        switch SitePath.resolve(path, root: snapshot.rootPath, exists: snapshot.contains) {
        case .redirect(let location):
            var fields = headers(type: "text/plain; charset=utf-8")
            fields[.location] = location
            return Response(status: .movedPermanently, headers: fields)
        case .notFound:
            if let overlay, isPage(path) { return html(overlay, status: .ok) }
            return html(PreviewPages.notFound(path, root: snapshot.rootPath), status: .notFound)
        case .file(let key):
            guard let file = snapshot.file(key), var bytes = read(file) else {
                return html(PreviewPages.notFound(path, root: snapshot.rootPath), status: .notFound)
            }
            let type = ContentTypes.type(forPath: key)
            if type.hasPrefix("text/html") {
                if let overlay { return html(overlay, status: .ok) }
                bytes = PreviewPages.injectingReload(into: bytes)
            }
            return Response(
                status: .ok, headers: headers(type: type), body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    private static func html(_ text: String, status: HTTPResponse.Status) -> Response {
        let bytes = PreviewPages.injectingReload(into: Array(text.utf8))
        return Response(
            status: status, headers: headers(type: "text/html; charset=utf-8"),
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Paths a browser navigates to, as opposed to assets a page loads.
    private static func isPage(_ path: String) -> Bool {
        let last = path.split(separator: "/").last ?? ""
        return path.hasSuffix("/") || last.hasSuffix(".html") || !last.contains(".")
    }

    private static func headers(type: String) -> HTTPFields {
        [.contentType: type, .cacheControl: "no-store", HTTPFields.Element.Name("X-Content-Type-Options")!: "nosniff"]
    }

    /// A copied file is read when served, and only if it is still a regular file.
    private static func read(_ file: SiteSnapshot.File) -> [UInt8]? {
        switch file {
        case .bytes(let bytes):
            return bytes
        case .copy(let path):
            guard let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType,
                type == .typeRegular, let data = FileManager.default.contents(atPath: path)
            else { return nil }
            return Array(data)
        }
    }

    /// Server-sent events: one `reload` event per rebuild.
    static func events(_ state: PreviewState) async -> Response {
        let stream = await state.subscribe()
        var fields = headers(type: "text/event-stream")
        fields[.connection] = "keep-alive"
        return Response(
            status: .ok, headers: fields,
            body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: ": connected\n\n"))
                // An open event stream must not hold up a graceful shutdown (Ctrl-C, SIGTERM).
                try await withGracefulShutdownHandler {
                    for await generation in stream {
                        try await writer.write(ByteBuffer(string: "event: reload\ndata: \(generation)\n\n"))
                    }
                } onGracefulShutdown: {
                    Task { await state.close() }
                }
                try await writer.finish(nil)
            })
    }
}

/// Refuses a request whose `Host` does not name the loopback address the preview listens on:
/// a page on another site that points its own domain at 127.0.0.1 (DNS rebinding) would
/// otherwise read the preview, drafts and all, as same-origin. Any port is let through (the
/// name is what a rebinding changes), as are `localhost` and the `--host` given.
struct HostCheck<Context: RequestContext>: RouterMiddleware {
    let allowed: Set<String>

    init(listening host: String) {
        allowed = ["127.0.0.1", "localhost", "[::1]", Self.name(host.lowercased())]
    }

    /// `Host`'s name without its port: `127.0.0.1:8080` is `127.0.0.1`, `[::1]:80` is `[::1]`.
    static func name(_ authority: String) -> String {
        if authority.hasPrefix("["), let end = authority.firstIndex(of: "]") { return String(authority[...end]) }
        return String(authority.split(separator: ":", maxSplits: 1).first ?? "")
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let authority = request.head.authority, allowed.contains(Self.name(authority.lowercased())) else {
            var fields = HTTPFields()
            fields[.contentType] = "text/plain; charset=utf-8"
            fields[.cacheControl] = "no-store"
            return Response(
                status: .misdirectedRequest, headers: fields,
                body: .init(byteBuffer: ByteBuffer(string: "This preview answers only to its loopback address.\n")))
        }
        return try await next(request, context)
    }
}
