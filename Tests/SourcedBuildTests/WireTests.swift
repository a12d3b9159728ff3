import Foundation
import SourcedCore
import Testing

@testable import SourcedBuild

/// The worker reply format: every value comes back as it was sent, and damaged bytes are
/// refused rather than misread.
@Suite struct WireTests {
    func exampleResults() throws -> [PageResult] {
        let tree = try ContentLoader.load(directory: packageRoot.appendingPathComponent("Content").path)
        let (settings, _) = SiteSettingsDecoder.decode(tree.siteSettings)
        return tree.pages.map { PageParser.parse($0, settings: settings) }
    }

    @Test func everyExamplePageRoundTrips() throws {
        let results = try exampleResults()
        #expect(results.count >= 12)
        for result in results {
            let bytes = WorkerProtocol.encode(result)
            #expect(WorkerProtocol.decode(bytes, as: PageResult.self) == result, "\(result.relativePath)")
        }
    }

    @Test func unusualShapesRoundTrip() throws {
        let bad = PageParser.parse(
            SourceFile(path: "C/bad.md", relativePath: "bad.md", bytes: Array("no front matter\n".utf8)),
            settings: SiteSettings())
        #expect(bad.metadata == nil && !bad.diagnostics.isEmpty)
        var linked = bad
        linked.links = [
            .topic(path: "a/b.md", fragment: nil), .topic(path: "c.md", fragment: "x"), .file(path: "i.png"),
            .fragment("top"), .outside, .external,
        ]
        linked.bodyDigest = "ü\u{0}\"\n"
        for result in [bad, linked] {
            #expect(WorkerProtocol.decode(WorkerProtocol.encode(result), as: PageResult.self) == result)
        }
        let settings = SiteSettings(
            title: "T", baseURL: "https://x/y/", disclaimer: "d", reviewMaxAgeDays: -3, reviewDashboard: false,
            publishStatuses: [.approved], uncitedClaims: .warning, exemptSections: [])
        let request = WorkerProtocol.Request(path: "p", relativePath: "r", settings: settings)
        #expect(
            WorkerProtocol.decode(WorkerProtocol.encode(request), as: WorkerProtocol.Request.self)?.settings == settings
        )
    }

    @Test func damagedRepliesAreRefused() throws {
        let result = try #require(try exampleResults().first)
        let bytes = WorkerProtocol.encode(result)
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 200)) {
            #expect(WorkerProtocol.decode(Array(bytes[..<cut]), as: PageResult.self) == nil)
        }
        #expect(WorkerProtocol.decode(bytes + [0], as: PageResult.self) == nil)
        #expect(
            WorkerProtocol.decode(
                [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], as: PageResult.self) == nil)
    }

    /// A frame longer than the reader allows is refused from its length alone; one within it
    /// is read whole.
    @Test func aFrameOverItsLimitIsRefused() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]) }
        #expect(WorkerProtocol.writeFrames(ends[1], Array(repeating: 7, count: 100), [1, 2, 3]))
        close(ends[1])
        #expect(WorkerProtocol.readFrame(ends[0], limit: 99) == nil)
        // The refused frame's bytes are still in the pipe: skip them, then read the next frame.
        var skipped = [UInt8](repeating: 0, count: 100)
        #expect(read(ends[0], &skipped, 100) == 100)
        #expect(WorkerProtocol.readFrame(ends[0], limit: 3) == [1, 2, 3])
    }
}

/// A result shares its fields with its copies until one of them changes.
@Suite struct PageResultTests {
    @Test func aChangedCopyLeavesTheOriginalAsItWas() throws {
        let original = try #require(try WireTests().exampleResults().first)
        var copy = original
        #expect(copy == original)
        copy.diagnostics.append(
            Diagnostic(file: copy.file, position: .init(line: 1, column: 1), rule: .renderLimit, message: "m"))
        copy.markdown?.claims.removeAll()
        copy.relativePath = "elsewhere.md"
        #expect(copy != original)
        #expect(original.diagnostics.count + 1 == copy.diagnostics.count)
        #expect(original.relativePath != "elsewhere.md")
        #expect(copy.relativePath == "elsewhere.md" && copy.markdown?.claims.isEmpty == true)
        var again = copy
        again.relativePath = original.relativePath
        #expect(copy.relativePath == "elsewhere.md")
    }
}
