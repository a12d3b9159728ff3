import Foundation
import SourcedCore
import Testing

@testable import SourcedBuild

/// The on-disk page-result cache: a later run parses only what changed, and nothing about the
/// file (another program, other settings, a damaged byte) can change what a run reports.
@Suite struct ResultStoreTests {
    let settings: SiteSettings
    let pages: [SourceFile]
    let directory: String

    init() throws {
        let tree = try ContentLoader.load(directory: packageRoot.appendingPathComponent("Content").path)
        settings = SiteSettingsDecoder.decode(tree.siteSettings).0
        pages = tree.pages
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sourced-store-\(UUID())").path
    }

    /// The store's results for `files`, and the relative paths it had to parse.
    func run(_ store: ResultStore, _ files: [SourceFile], settings: SiteSettings? = nil) async -> (
        results: [PageResult], parsed: [String]
    ) {
        let settings = settings ?? self.settings
        var parsed: [String] = []
        let results = await store.results(for: files, settings: settings) { stale in
            parsed += stale.map(\.relativePath)
            return stale.map { PageParser.parse($0, settings: settings) }
        }
        return (results, parsed)
    }

    func fresh(_ files: [SourceFile]) -> [PageResult] {
        files.map { PageParser.parse($0, settings: settings) }
    }

    /// A store saved by a first run.
    func savedStore(program: String = "p1") async throws -> ResultStore {
        let store = ResultStore(directory: directory, program: program)
        #expect(await run(store, pages).parsed.count == pages.count)
        try store.save()
        return store
    }

    @Test func aLaterRunParsesOnlyTheEditedPage() async throws {
        _ = try await savedStore()
        #expect(pages.count >= 10)
        var edited = pages
        edited[3].bytes += Array("\nA sentence added later.\n".utf8)
        let store = ResultStore(directory: directory, program: "p1")
        let (results, parsed) = await run(store, edited)
        #expect(parsed == [edited[3].relativePath])
        #expect(results == fresh(edited))
        #expect(results[3] != fresh(pages)[3])
    }

    @Test func aRunThatChangedNothingLeavesTheFileAlone() async throws {
        _ = try await savedStore()
        let before = try FileManager.default.attributesOfItem(atPath: directory + "/pages.bin")
        let store = ResultStore(directory: directory, program: "p1")
        #expect(await run(store, pages).parsed.isEmpty)
        try store.save()
        let after = try FileManager.default.attributesOfItem(atPath: directory + "/pages.bin")
        // A save writes a new file and renames it over the old one.
        #expect(after[.systemFileNumber] as? Int == before[.systemFileNumber] as? Int)
        #expect(FileManager.default.contents(atPath: directory + "/.gitignore") == Data("*\n".utf8))
    }

    @Test func anotherProgramOrOtherSettingsParseEverything() async throws {
        _ = try await savedStore()
        #expect(await run(ResultStore(directory: directory, program: "p2"), pages).parsed.count == pages.count)
        var other = settings
        other.baseURL = "https://elsewhere.example.org/kb/"
        let (results, parsed) = await run(ResultStore(directory: directory, program: "p1"), pages, settings: other)
        #expect(parsed.count == pages.count)
        #expect(results == pages.map { PageParser.parse($0, settings: other) })
    }

    @Test func aPageUnderAnotherPathIsParsedAgain() async throws {
        _ = try await savedStore()
        // The same bytes reached through another spelling of the content folder: its
        // diagnostics must name the file as this run was given it.
        let moved = pages.map { SourceFile(path: "./" + $0.path, relativePath: $0.relativePath, bytes: $0.bytes) }
        let (results, parsed) = await run(ResultStore(directory: directory, program: "p1"), moved)
        #expect(parsed.count == pages.count)
        #expect(results == fresh(moved))
    }

    /// Every single damaged byte, truncation or foreign file makes the store start empty.
    @Test(arguments: [0.0, 0.000_01, 0.001, 0.25, 0.5, 0.75, 0.999, 1.0])
    func aDamagedFileIsIgnored(_ at: Double) async throws {
        _ = try await savedStore()
        let file = directory + "/pages.bin"
        let original = try #require(FileManager.default.contents(atPath: file))
        let offset = min(original.count - 1, Int(Double(original.count) * at))
        var flipped = original
        flipped[offset] ^= 0x20
        for damaged in [flipped, original.prefix(offset), original + Data([0]), Data("not a cache".utf8)] {
            try damaged.write(to: URL(fileURLWithPath: file))
            let (results, parsed) = await run(ResultStore(directory: directory, program: "p1"), pages)
            #expect(parsed.count == pages.count)
            #expect(results == fresh(pages))
        }
    }

    @Test func aRenderLimitIsNeverKept() async throws {
        let store = ResultStore(directory: directory, program: "p1")
        _ = await store.results(for: pages, settings: settings) { stale in
            stale.map { file in
                var result = PageParser.parse(file, settings: settings)
                if file.relativePath == pages[0].relativePath {
                    result.diagnostics.append(
                        Diagnostic(
                            file: file.path, position: .init(line: 1, column: 1), rule: .renderLimit,
                            message: "stopped"))
                }
                return result
            }
        }
        try store.save()
        let (results, parsed) = await run(ResultStore(directory: directory, program: "p1"), pages)
        #expect(parsed == [pages[0].relativePath])
        #expect(results == fresh(pages))
    }

    @Test func aRemovedPageIsForgotten() async throws {
        let store = try await savedStore()
        #expect(await run(store, Array(pages.dropFirst())).parsed.isEmpty)
        try store.save()
        let (_, parsed) = await run(ResultStore(directory: directory, program: "p1"), pages)
        #expect(parsed == [pages[0].relativePath])
    }

    @Test func theDefaultFolderIsBesideTheContentFolder() {
        #expect(ResultStore.defaultDirectory(content: "Content") == "./.sourced-cache")
        #expect(ResultStore.defaultDirectory(content: "Content/") == "./.sourced-cache")
        #expect(ResultStore.defaultDirectory(content: "site/Content") == "site/.sourced-cache")
        #expect(ResultStore.defaultDirectory(content: "/srv/kb/Content") == "/srv/kb/.sourced-cache")
    }
}
