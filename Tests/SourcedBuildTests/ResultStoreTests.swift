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

    func edited(_ index: Int, _ files: [SourceFile]? = nil, _ text: String = "A sentence added later.") -> [SourceFile]
    {
        var files = files ?? pages
        files[index].bytes += Array("\n\(text)\n".utf8)
        return files
    }

    func fileNumber() throws -> Int? {
        try FileManager.default.attributesOfItem(atPath: directory + "/pages.bin")[.systemFileNumber] as? Int
    }

    @Test func aLaterRunParsesOnlyTheEditedPageAndAppendsIt() async throws {
        _ = try await savedStore()
        let before = try fileNumber()
        let size = try #require(FileManager.default.contents(atPath: directory + "/pages.bin")).count
        #expect(pages.count >= 10)
        let edited = edited(3)
        let store = ResultStore(directory: directory, program: "p1")
        let (results, parsed) = await run(store, edited)
        #expect(parsed == [edited[3].relativePath])
        #expect(results == fresh(edited))
        #expect(results[3] != fresh(pages)[3])
        try store.save()

        // The edit went on the end of the same file, and the next run finds it there.
        #expect(try fileNumber() == before)
        #expect(try #require(FileManager.default.contents(atPath: directory + "/pages.bin")).count > size)
        let (again, none) = await run(ResultStore(directory: directory, program: "p1"), edited)
        #expect(none.isEmpty)
        #expect(again == fresh(edited))
    }

    @Test func manyEditsWriteTheFileAfresh() async throws {
        _ = try await savedStore()
        let first = try fileNumber()
        let size = try #require(FileManager.default.contents(atPath: directory + "/pages.bin")).count
        var files = pages
        var numbers: Set<Int?> = []
        // 12 pages allow 16 superseded entries before the file is written afresh.
        for round in 0..<20 {
            files = edited(round % files.count, files, "Edit \(round).")
            let store = ResultStore(directory: directory, program: "p1")
            #expect(await run(store, files).parsed == [files[round % files.count].relativePath])
            try store.save()
            numbers.insert(try fileNumber())
        }
        #expect(numbers.count == 2 && numbers.contains(first))
        let compacted = try #require(FileManager.default.contents(atPath: directory + "/pages.bin")).count
        #expect(compacted < size + 16 * 2_000)
        let (results, parsed) = await run(ResultStore(directory: directory, program: "p1"), files)
        #expect(parsed.isEmpty)
        #expect(results == fresh(files))
    }

    @Test func aFileReplacedSinceItWasReadIsWrittenAfresh() async throws {
        _ = try await savedStore()
        let store = ResultStore(directory: directory, program: "p1")
        _ = await run(store, edited(2))
        // Another run writes the file in between (its own edit, a whole new file).
        let other = ResultStore(directory: directory, program: "p1")
        _ = await run(
            other, pages,
            settings: {
                var s = settings; s.title = "Other"; return s
            }())
        try other.save()
        try store.save()
        let (results, parsed) = await run(ResultStore(directory: directory, program: "p1"), edited(2))
        #expect(parsed.isEmpty)
        #expect(results == fresh(edited(2)))
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

    /// Every single damaged byte, truncation or foreign file makes the store start empty. The
    /// file has two segments: the first run's and an appended edit.
    @Test(arguments: [0.0, 0.000_01, 0.001, 0.25, 0.5, 0.75, 0.99, 0.999, 1.0])
    func aDamagedFileIsIgnored(_ at: Double) async throws {
        _ = try await savedStore()
        let file = directory + "/pages.bin"
        let boundary = try #require(FileManager.default.contents(atPath: file)).count
        let edited = edited(5)
        let store = ResultStore(directory: directory, program: "p1")
        _ = await run(store, edited)
        try store.save()
        let original = try #require(FileManager.default.contents(atPath: file))
        #expect(original.count > boundary)
        var offset = min(original.count - 1, Int(Double(original.count) * at))
        // Cut at the end of the first segment, the file is the earlier one: whole, not damaged.
        if offset == boundary { offset -= 1 }
        var flipped = original
        flipped[offset] ^= 0x20
        for damaged in [flipped, original.prefix(offset), original + Data([0]), Data("not a cache".utf8)] {
            try damaged.write(to: URL(fileURLWithPath: file))
            let (results, parsed) = await run(ResultStore(directory: directory, program: "p1"), edited)
            #expect(parsed.count == pages.count)
            #expect(results == fresh(edited))
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

    @Test func aPageRemovedAsAnotherIsAddedIsForgotten() async throws {
        let store = try await savedStore()
        let added = SourceFile(
            path: pages[1].path.replacingOccurrences(of: ".md", with: "-new.md"),
            relativePath: pages[1].relativePath.replacingOccurrences(of: ".md", with: "-new.md"),
            bytes: pages[1].bytes)
        #expect(await run(store, Array(pages.dropFirst()) + [added]).parsed == [added.relativePath])
        try store.save()
        let (_, parsed) = await run(ResultStore(directory: directory, program: "p1"), pages)
        #expect(parsed == [pages[0].relativePath])
    }

    @Test func theDefaultFolderIsBesideTheContentFolder() {
        #expect(ResultStore.defaultDirectory(content: "Content") == "./.sourced-cache")
        #expect(ResultStore.defaultDirectory(content: "Content/") == "./.sourced-cache")
        #expect(ResultStore.defaultDirectory(content: "site/Content") == "site/.sourced-cache")
        #expect(ResultStore.defaultDirectory(content: "/srv/kb/Content") == "/srv/kb/.sourced-cache")
        // One-letter and dotted paths trapped in Foundation's deletingLastPathComponent.
        #expect(ResultStore.defaultDirectory(content: "C") == "./.sourced-cache")
        #expect(ResultStore.defaultDirectory(content: "C/") == "./.sourced-cache")
        #expect(ResultStore.defaultDirectory(content: "a/C//") == "a/.sourced-cache")
        #expect(ResultStore.defaultDirectory(content: "/C") == "/.sourced-cache")
        let here = FileManager.default.currentDirectoryPath
        let above = URL(fileURLWithPath: here).deletingLastPathComponent().path
        for dot in [".", "./", "x/.."] {
            let expected = (above.hasSuffix("/") ? above : above + "/") + ".sourced-cache"
            #expect(ResultStore.defaultDirectory(content: dot) == expected, "\(dot)")
        }
    }
}
