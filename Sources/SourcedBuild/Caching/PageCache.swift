import SourcedCore

/// What the last build read and made, reused by the next while its inputs stay the same, so
/// that after an edit in the preview only the edited page is read, parsed and assembled again.
public struct PageCache: Sendable {
    var settings: SiteSettings?
    var entries: [String: (bytes: [UInt8], result: PageResult)] = [:]
    /// Paths the last `results` call had to parse.
    private(set) var fresh: Set<String> = []
    /// The content folder's files as last read.
    var files: [String: ContentLoader.LoadedFile] = [:]
    /// The last tree loaded, and from which folder.
    var tree: (directory: String, tree: ContentTree)?
    var checks = CheckCache()
    private var bibliography: (bytes: [UInt8]?, decoded: ([LocatedReference], [Diagnostic]))?
    /// Pages as the last assembly made them, with what they depend on beyond their own result.
    private var assembled: (settings: SiteSettings, today: Day, bibliography: [UInt8]?, pages: [String: SitePage])?

    public init() {}

    /// Every page's result: cached where its bytes and the settings are unchanged, else from
    /// `parse`, which gets only the pages that need it. Afterwards the cache holds exactly these.
    mutating func results(
        for pages: [SourceFile], settings: SiteSettings, parse: ([SourceFile]) async throws -> [PageResult]
    ) async rethrows -> [PageResult] {
        if self.settings != settings { entries = [:] }
        self.settings = settings
        var results: [PageResult?] = []
        results.reserveCapacity(pages.count)
        var stale: [Int] = []
        for (index, page) in pages.enumerated() {
            if let entry = entries[page.relativePath], entry.bytes == page.bytes {
                results.append(entry.result)
            } else {
                results.append(nil)
                stale.append(index)
            }
        }
        for (index, result) in zip(stale, try await parse(stale.map { pages[$0] })) {
            results[index] = result
            entries[pages[index].relativePath] = (pages[index].bytes, result)
        }
        fresh = Set(stale.map { pages[$0].relativePath })
        // Only a page that went leaves an entry behind.
        if entries.count > pages.count {
            let present = Set(pages.map(\.relativePath))
            entries = entries.filter { present.contains($0.key) }
        }
        return results.map { $0! }
    }

    /// The decoded bibliography, if its bytes are the ones last decoded.
    func bibliography(_ file: SourceFile?) -> ([LocatedReference], [Diagnostic])? {
        guard let bibliography, bibliography.bytes == file?.bytes else { return nil }
        return bibliography.decoded
    }

    mutating func remember(bibliography file: SourceFile?, _ decoded: ([LocatedReference], [Diagnostic])) {
        bibliography = (file?.bytes, decoded)
    }

    /// Assembles the site, reusing each page the last assembly made if neither the page nor
    /// the settings, the day or the bibliography changed since.
    mutating func assemble(
        settings: SiteSettings, today: Day, bibliography: SourceFile?, references: [LocatedReference],
        results: [PageResult], attachments: [String]
    ) -> Site {
        var previous: [String: SitePage] = [:]
        if let assembled, assembled.settings == settings, assembled.today == today,
            assembled.bibliography == bibliography?.bytes
        {
            previous = assembled.pages
        }
        let fresh = fresh
        let site = SiteAssembler.assemble(
            settings: settings, today: today, bibliography: references, results: results, attachments: attachments
        ) { path in
            fresh.contains(path) ? nil : previous[path]
        }
        var pages: [String: SitePage] = [:]
        for page in site.pages { pages[page.result.relativePath] = page }
        assembled = (settings, today, bibliography?.bytes, pages)
        return site
    }
}
