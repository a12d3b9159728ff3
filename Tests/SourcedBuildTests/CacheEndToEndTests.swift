import Foundation
import Testing

/// The page-result cache as users meet it: `build` keeps it beside the content folder, `check`
/// reads it and writes it only when told where, and a run that uses it reports and writes
/// exactly what a run without it does.
@Suite struct CacheEndToEndTests {
    func site() throws -> TempSite {
        try TempSite([
            "Content/site.yaml": "title: Test KB\nbase_url: https://kb.example.org/\n",
            "Content/bibliography.yaml": BuildEndToEndTests.bibliography,
            "Content/topics/a.md": page(title: "Topic A", body: "Claim [@shared]. See [B](b.md).\n"),
            "Content/topics/b.md": page(title: "Topic B", body: "Treat [@shared].\n"),
            // A warning, so that cached diagnostics are compared too.
            "Content/topics/c.md": page(title: "Topic C", extra: "colour: blue\n", body: "Claim [@shared].\n"),
        ])
    }

    func build(_ site: TempSite, _ extra: [String] = []) throws -> (status: Int32, stdout: String, stderr: String) {
        try site.run(["build", "--templates", templatesPath, "--date", "2026-11-01"] + extra)
    }

    func check(_ site: TempSite, _ extra: [String] = []) throws -> (status: Int32, stdout: String, stderr: String) {
        try site.run(["check", "--format", "json", "--date", "2026-11-01"] + extra)
    }

    @Test func buildKeepsResultsThatTheNextBuildUses() throws {
        let site = try site()
        let first = try build(site)
        #expect(first.status == 0)
        #expect(site.exists(".sourced-cache/pages.bin"))
        #expect(site.read(".sourced-cache/.gitignore") == "*\n")
        let built = try site.snapshot("Public")

        // Unchanged content: the same site from the cache.
        #expect(try build(site).stderr == first.stderr)
        #expect(try site.snapshot("Public") == built)

        // An edit shows, and the result equals a build that never saw a cache.
        try site.write("Content/topics/b.md", page(title: "Topic B, edited", body: "Treat [@shared] early.\n"))
        let edited = try build(site)
        #expect(edited.status == 0)
        #expect(site.read("Public/topics/b/index.html")?.contains("Topic B, edited") == true)
        let uncached = try build(site, ["--no-cache", "--output", "Uncached"])
        #expect(uncached.stderr == edited.stderr)
        #expect(try site.snapshot("Uncached") == site.snapshot("Public"))
    }

    @Test func aRebuildKeepsTheTopicPagesItWouldRenderTheSame() throws {
        let site = try site()
        #expect(try build(site).stdout.hasPrefix("Built 3 of 3 pages, "))
        #expect(try build(site).stdout.hasPrefix("Built 3 of 3 pages, "))
        // The third build writes into the first one's folder, which holds every page as it
        // would render it.
        #expect(try build(site).stdout.hasPrefix("Built 3 of 3 pages (3 unchanged, kept as they were), "))
        #expect(site.exists(".sourced-cache/outputs.bin"))

        try site.write("Content/topics/b.md", page(title: "Topic B, edited", body: "Treat [@shared] early.\n"))
        let edited = try build(site)
        #expect(edited.stdout.hasPrefix("Built 3 of 3 pages (2 unchanged, kept as they were), "))
        let uncached = try build(site, ["--no-cache", "--output", "Uncached"])
        #expect(uncached.stderr == edited.stderr)
        #expect(try site.snapshot("Uncached") == site.snapshot("Public"))
    }

    /// A fresh clone's `Public/` holds a `.gitkeep`. The folder of dotfiles the first build
    /// swaps out is no build's output, and must not become a spare that keeps every later
    /// output from becoming one; nor must one an earlier version left.
    @Test func anOutputOfDotfilesDoesNotBlockTheSpare() throws {
        let site = try site()
        try site.write("Public/.gitkeep", "")
        // As an earlier version left it: the first swap's dotfiles, no marker.
        try site.write(".Public.sourced-spare/.gitkeep", "")
        try site.write(".Public.sourced-spare/.gitignore", "*\n")
        #expect(try build(site).stdout.hasPrefix("Built 3 of 3 pages, "))
        #expect(try build(site).stdout.hasPrefix("Built 3 of 3 pages, "))
        #expect(try build(site).stdout.hasPrefix("Built 3 of 3 pages (3 unchanged, kept as they were), "))
        #expect(site.exists("Public/.gitkeep"))
        #expect(site.exists(".Public.sourced-spare/.sourced-build"))

        // The same from a folder that never had a spare.
        let fresh = try self.site()
        try fresh.write("Public/.gitkeep", "")
        for _ in 0..<2 { #expect(try build(fresh).status == 0) }
        #expect(try build(fresh).stdout.hasPrefix("Built 3 of 3 pages (3 unchanged, kept as they were), "))
        #expect(fresh.exists("Public/.gitkeep"))
    }

    @Test func checkReadsTheCacheButWritesOnlyWhereTold() throws {
        let site = try site()
        let plain = try check(site)
        #expect(plain.status == 0)
        #expect(plain.stdout.contains("unknown key 'colour'"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: site.root.path) == ["Content"])

        // Told where, it writes there; then it reports from the cache what it reported without.
        #expect(try check(site, ["--cache", "Cache"]).stdout == plain.stdout)
        #expect(site.exists("Cache/pages.bin"))
        let cache = try #require(FileManager.default.contents(atPath: site.root.path + "/Cache/pages.bin"))
        #expect(try check(site, ["--cache", "Cache"]).stdout == plain.stdout)

        // A build's cache is read by a later check, which leaves it as it was.
        #expect(try build(site, ["--cache", "Cache"]).status == 0)
        #expect(FileManager.default.contents(atPath: site.root.path + "/Cache/pages.bin") == cache)
        try site.write("Content/topics/a.md", page(title: "Topic A", body: "Claim [@missing].\n"))
        let broken = try check(site, ["--cache", "Cache"])
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("unknown-citation"))
        #expect(try check(site, ["--no-cache"]).stdout == broken.stdout)
        #expect(!site.exists(".sourced-cache"))
    }

    @Test func noCacheNeitherReadsNorWrites() throws {
        let site = try site()
        let both = try build(site, ["--no-cache", "--cache", "Cache"])
        #expect(both.status == 64)
        #expect(both.stderr.contains("--cache and --no-cache cannot be used together"))
        #expect(try build(site).status == 0)
        let cache = try #require(site.read(".sourced-cache/pages.bin"))
        // A cache from elsewhere in the right place: --no-cache must not read it.
        try site.write(".sourced-cache/pages.bin", "not a cache")
        #expect(try build(site, ["--no-cache"]).status == 0)
        #expect(site.read(".sourced-cache/pages.bin") == "not a cache")
        #expect(cache != "not a cache")
    }

    @Test func aDamagedCacheIsRebuilt() throws {
        let site = try site()
        #expect(try build(site).status == 0)
        let built = try site.snapshot("Public")
        try site.write(".sourced-cache/pages.bin", "not a cache")
        #expect(try build(site).status == 0)
        #expect(try site.snapshot("Public") == built)
        #expect(site.read(".sourced-cache/pages.bin") != "not a cache")
    }

    /// The cache is tied to the executable's contents, not to the file: an identical copy
    /// elsewhere (another checkout, a CI machine) uses it; a different build does not.
    @Test func theCacheFollowsTheExecutablesContents() throws {
        let site = try site()
        #expect(try build(site).status == 0)
        let cache = site.root.appendingPathComponent(".sourced-cache/pages.bin").path
        func fileNumber() throws -> Int? {
            try FileManager.default.attributesOfItem(atPath: cache)[.systemFileNumber] as? Int
        }
        let before = try fileNumber()
        let saved = FileManager.default.contents(atPath: cache)
        let copy = site.root.appendingPathComponent("bin/sourced")
        try FileManager.default.createDirectory(
            at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: try sourcedBinary(), to: copy)

        // An identical copy finds every page: nothing to write.
        let args = ["check", "--format", "json", "--date", "2026-11-01", "--cache", ".sourced-cache"]
        let plain = try check(site)
        #expect(try site.run(args, executable: copy).stdout == plain.stdout)
        #expect(try fileNumber() == before)
        #expect(FileManager.default.contents(atPath: cache) == saved)

        // One byte more (past the end of the ELF image, so it still runs): another program,
        // whose run parses every page and writes the file afresh.
        let handle = try FileHandle(forWritingTo: copy)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0]))
        try handle.close()
        #expect(try site.run(args, executable: copy).stdout == plain.stdout)
        #expect(try fileNumber() != before)
    }

    @Test func aCacheThatCannotBeWrittenIsAWarning() throws {
        let site = try site()
        let result = try build(site, ["--cache", "Content/site.yaml/cache"])
        #expect(result.status == 0)
        let warnings = result.stderr.split(separator: "\n").filter { $0.hasPrefix("sourced: warning: ") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("Content/site.yaml/cache") == true)
        #expect(site.exists("Public/topics/a/index.html"))
    }

    @Test func aManifestThatCannotBeWrittenIsAWarning() throws {
        let site = try site()
        #expect(try build(site).status == 0)
        // A folder where the manifest goes: the page cache saves, the manifest cannot.
        let manifest = site.root.appendingPathComponent(".sourced-cache/outputs.bin")
        try FileManager.default.removeItem(at: manifest)
        try FileManager.default.createDirectory(at: manifest, withIntermediateDirectories: false)
        let result = try build(site)
        #expect(result.status == 0)
        let warnings = result.stderr.split(separator: "\n").filter { $0.hasPrefix("sourced: warning: ") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains(".sourced-cache/outputs.bin") == true)
        #expect(site.exists("Public/topics/a/index.html"))
    }
}
