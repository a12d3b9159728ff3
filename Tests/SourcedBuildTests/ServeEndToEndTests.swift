import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Starts the real binary's preview server on a free loopback port and edits a page under it.
@Suite struct ServeEndToEndTests {
    /// Fetches a URL on loopback; nil when the server does not answer.
    func get(_ url: String) async -> (status: Int, body: String)? {
        guard let url = URL(string: url) else { return nil }
        var request = URLRequest(url: url)
        request.timeoutInterval = 5
        guard let (data, response) = try? await URLSession.shared.data(for: request),
            let http = response as? HTTPURLResponse
        else { return nil }
        return (http.statusCode, String(decoding: data, as: UTF8.self))
    }

    /// Polls until `condition` holds for the page at `url`, for at most ten seconds.
    func waitFor(_ url: String, _ condition: (String) -> Bool) async throws -> String? {
        for _ in 0..<200 {
            if let page = await get(url), condition(page.body) { return page.body }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    /// Starts `sourced serve` in `site` and returns it with its base URL once it listens.
    func startServer(in site: TempSite, _ extra: [String] = []) throws -> (Process, String) {
        let process = Process()
        process.executableURL = try sourcedBinary()
        process.arguments =
            ["serve", "--templates", templatesPath, "--port", "0", "--date", "2026-11-01"] + extra
        process.currentDirectoryURL = site.root
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()

        // The server says where it listens once it is up.
        var log = ""
        var port: Int?
        let deadline = ContinuousClock.now + .seconds(20)
        while port == nil, ContinuousClock.now < deadline {
            let chunk = readChunk(stderr.fileHandleForReading.fileDescriptor)
            if chunk.isEmpty { break }
            log += String(decoding: chunk, as: UTF8.self)
            if let range = log.firstRange(of: "Serving http://127.0.0.1:") {
                port = Int(log[range.upperBound...].prefix { $0.isNumber })
            }
        }
        guard let port else {
            process.terminate()
            throw ServerDidNotStart(log: log)
        }
        return (process, "http://127.0.0.1:\(port)")
    }

    struct ServerDidNotStart: Error {
        var log: String
    }

    /// A port in use, or one that is no port, is one line and no preview, not a NIO dump.
    @Test func aPortInUseOrOutOfRangeIsOneClearLine() async throws {
        let site = try TempSite(["Content/site.yaml": "title: Live\n", "Content/a.md": HostileInputTests.front("A")])
        let (process, base) = try startServer(in: site)
        defer { process.terminate() }
        let port = String(base.split(separator: ":").last!)
        let second = try site.run(["serve", "--templates", templatesPath, "--port", port, "--date", "2026-11-01"])
        #expect(second.status == 2)
        #expect(
            second.stderr.hasSuffix(
                "sourced: error: cannot listen on 127.0.0.1:\(port): the port is in use (another 'sourced serve'?); choose another with --port\n"
            ), "\(second.stderr)")
        let outOfRange = try site.run(["serve", "--port", "99999"])
        #expect(outOfRange.status == 64)
        #expect(
            outOfRange.stderr == "sourced: error: --port must be from 1 to 65535, not 99999 (see 'sourced --help')\n")
    }

    @Test func aHostilePageNeverTakesThePreviewDown() async throws {
        let site = try TempSite([
            "Content/site.yaml": "title: Live\n",
            "Content/hostile.md": HostileInputTests.front("Hostile") + HostileInputTests.hostile["table"]!,
            "Content/fine.md": HostileInputTests.front("Fine") + "Causes include:\n",
        ])
        let (process, base) = try startServer(
            in: site, ["--jobs", "2", "--page-timeout", "2", "--worker-memory", "512"])
        defer { process.terminate() }
        let overlay = try await waitFor(base + "/topics/fine/") { $0.contains("sourced-error-overlay") }
        #expect(overlay?.contains("render-limit") == true)

        // The server is still up and recovers as soon as the page is fixed.
        try site.write("Content/hostile.md", HostileInputTests.front("Hostile") + "Now harmless:\n")
        let fixed = try await waitFor(base + "/topics/hostile/") { $0.contains("Now harmless:") }
        #expect(fixed?.contains("sourced-error-overlay") == false)
        #expect(process.isRunning)
    }

    /// The first build may take pages from the cache `build` left; a page edited since shows as
    /// edited, and the server never writes the cache.
    @Test func theCacheNeverHidesAnEditAndIsNeverWritten() async throws {
        func topic(_ text: String) -> String {
            "---\ntitle: T\nreview:\n  status: draft\nreferences:\n  - id: r\n    title: R\n---\n\n\(text) [@r].\n"
        }
        let site = try TempSite([
            "Content/site.yaml": "title: Live\n",
            "Content/a.md": topic("First text"),
            "Content/b.md": topic("Other text"),
        ])
        #expect(try site.run(["build", "--templates", templatesPath, "--date", "2026-11-01"]).status == 0)
        let cache = try #require(site.read(".sourced-cache/pages.bin"))
        try site.write("Content/a.md", topic("Edited text"))

        let (process, base) = try startServer(in: site)
        defer { process.terminate() }
        #expect(try await waitFor(base + "/topics/a/") { $0.contains("Edited text") } != nil)
        #expect(try await waitFor(base + "/topics/b/") { $0.contains("Other text") } != nil)
        try site.write("Content/b.md", topic("Other text, edited"))
        #expect(try await waitFor(base + "/topics/b/") { $0.contains("Other text, edited") } != nil)
        #expect(site.read(".sourced-cache/pages.bin") == cache)
    }

    @Test func editingByRenameUpdatesThePreview() async throws {
        let site = try TempSite([
            "Content/site.yaml": "title: Live\n",
            "Content/a.md":
                "---\ntitle: A\nreview:\n  status: draft\nreferences:\n  - id: r\n    title: R\n---\n\nFirst text [@r].\n",
        ])
        let (process, base) = try startServer(in: site)
        defer { process.terminate() }
        #expect(try await waitFor(base + "/topics/a/") { $0.contains("First text") } != nil)

        // Save by rename, as vim and VS Code do.
        try site.write(
            "Content/.a.md.swp",
            "---\ntitle: A\nreview:\n  status: draft\nreferences:\n  - id: r\n    title: R\n---\n\nSecond text [@r].\n")
        try FileManager.default.removeItem(at: site.root.appendingPathComponent("Content/a.md"))
        try FileManager.default.moveItem(
            at: site.root.appendingPathComponent("Content/.a.md.swp"),
            to: site.root.appendingPathComponent("Content/a.md"))
        #expect(try await waitFor(base + "/topics/a/") { $0.contains("Second text") } != nil)

        // A broken citation shows the overlay; fixing it brings the page back.
        try site.write("Content/a.md", "---\ntitle: A\nreview:\n  status: draft\n---\n\nBroken [@gone].\n")
        let overlay = try await waitFor(base + "/topics/a/") { $0.contains("sourced-error-overlay") }
        #expect(overlay != nil)
        #expect(try await waitFor(base + "/topics/a/") { $0.contains("Content/a.md:7:9") } != nil)
        try site.write("Content/a.md", "---\ntitle: A\nreview:\n  status: draft\n---\n\nCauses include:\n")
        let fixed = try await waitFor(base + "/topics/a/") { !$0.contains("sourced-error-overlay") }
        #expect(fixed?.contains("<p>Causes include:</p>") == true)
    }
}
