import Foundation
import SourcedCore

/// A whole site built in memory, for the preview server. Its files are rendered when asked
/// for, so a rebuild costs the checks, not the rendering of pages nobody is looking at.
public struct SiteSnapshot: Sendable {
    public enum File: Sendable {
        case bytes([UInt8])
        /// A file copied as-is (an asset or attachment), read when served.
        case copy(String)
    }

    private enum Storage: Sendable {
        case files([String: File])
        case outputs(SiteOutputs, Set<String>)
    }

    private let storage: Storage
    public var diagnostics: [Diagnostic]
    public var pageCount: Int
    /// The path every site URL starts with (from `base_url`).
    public var rootPath: String
    /// A failure that is not the content's (a template that does not compile, say).
    public var failure: String?

    public var hasErrors: Bool { failure != nil || diagnostics.errorCount > 0 }

    /// A snapshot of ready-made files (for tests and tools).
    public init(
        files: [String: File], diagnostics: [Diagnostic], pageCount: Int, rootPath: String, failure: String? = nil
    ) {
        storage = .files(files)
        self.diagnostics = diagnostics
        self.pageCount = pageCount
        self.rootPath = rootPath
        self.failure = failure
    }

    init(outputs: SiteOutputs, diagnostics: [Diagnostic], pageCount: Int) {
        storage = .outputs(outputs, Set(outputs.paths))
        self.diagnostics = diagnostics
        self.pageCount = pageCount
        rootPath = outputs.site.settings.rootPath
    }

    public func contains(_ path: String) -> Bool {
        switch storage {
        case .files(let files): files[path] != nil
        case .outputs(_, let paths): paths.contains(path)
        }
    }

    /// The file at `path`, rendered now if need be.
    public func file(_ path: String) -> File? {
        switch storage {
        case .files(let files):
            return files[path]
        case .outputs(let outputs, let paths):
            guard paths.contains(path), let file = try? outputs.file(path) else { return nil }
            switch file.content {
            case .text(let text): return .bytes(Array(text.utf8))
            case .pieces(let pieces):
                var bytes: [UInt8] = []
                pieces.forEach { bytes += $0.utf8 }
                return .bytes(bytes)
            case .bytes(let bytes): return .bytes(bytes)
            case .copy(let source): return .copy(source)
            }
        }
    }
}

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
        for pages: [SourceFile], settings: SiteSettings, parse: ([SourceFile]) async -> [PageResult]
    ) async -> [PageResult] {
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
        for (index, result) in zip(stale, await parse(stale.map { pages[$0] })) {
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

    /// The decoded bibliography, decoded again only when its bytes changed.
    mutating func bibliography(_ file: SourceFile?) -> ([LocatedReference], [Diagnostic]) {
        if let bibliography, bibliography.bytes == file?.bytes { return bibliography.decoded }
        let decoded = BibliographyDecoder.decode(file)
        bibliography = (file?.bytes, decoded)
        return decoded
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

extension Pipeline {
    /// Builds the site in memory with every page, whatever `publish.statuses` says; pages
    /// that `build` would leave out carry an "unpublished" notice. Never writes to disk.
    ///
    /// `changed`, when known, names the paths that changed since the last build with this
    /// cache (from a file watcher); only those are looked at again.
    public static func preview(
        content: String, templates: String, today: Day, cache: inout PageCache, changed: Set<String>? = nil,
        workers: WorkerPool? = nil
    ) async -> SiteSnapshot {
        do {
            let templateSet = try TemplateSet(directory: templates)
            let (site, outcome) = try await assembleAndCheck(
                content: content, today: today, cache: &cache, changed: changed, workers: workers)
            let outputs = try SiteOutputs(
                site: site, diagnostics: outcome.diagnostics, templates: templateSet, contentDirectory: content,
                includeUnpublished: true)
            return SiteSnapshot(outputs: outputs, diagnostics: outcome.diagnostics, pageCount: outcome.pageCount)
        } catch {
            return SiteSnapshot(files: [:], diagnostics: [], pageCount: 0, rootPath: "/", failure: "\(error)")
        }
    }

    public static func preview(content: String, templates: String, today: Day) async -> SiteSnapshot {
        var cache = PageCache()
        return await preview(content: content, templates: templates, today: today, cache: &cache)
    }
}
